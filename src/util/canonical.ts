import {createHash} from 'node:crypto'

/**
 * Canonical JSON: object keys sorted at every depth, no insignificant white space, `undefined` dropped.
 * Two equal values always give byte-identical text, so hashes of states are comparable across machines.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v)) as T
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) setOwn(out, key, sortKeys(v))
    }
    return out as T
  }
  return value
}

/**
 * `obj[key] = value`, except that a key named `__proto__` becomes an own property like any other instead of
 * replacing the object's prototype (and vanishing from JSON). Keys that come from outside (ids, names) go through
 * this; `constructor` and `prototype` need nothing special, assignment makes them own properties.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, {value, enumerable: true, writable: true, configurable: true})
  else obj[key] = value
}

export function sha256(data: string | Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex')
}

export function hashOf(value: unknown): string {
  return sha256(canonicalJson(value))
}
