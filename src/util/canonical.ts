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

/** Keys V8 enumerates first, in numeric order, whatever the insertion order (array indices). */
const INDEX_KEY = /^(?:0|[1-9]\d{0,9})$/

/**
 * sortKeys(value), sharing every part that is already in canonical order (keys sorted, no undefined values) instead
 * of copying it: a capture that takes 50,000 items over from the previous backup does not copy them again. Only the
 * objects on the way to a part that needed sorting are new. Never modifies `value`.
 */
export function sortKeysShared<T>(value: T): T {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const v = sortKeysShared(value[i])
      if (v !== value[i]) (out ??= value.slice())[i] = v
    }
    return (out ?? value) as T
  }
  if (!value || typeof value !== 'object' || value instanceof Date) return value
  const keys = Object.keys(value as Record<string, unknown>)
  let canonical = true
  let previous: string | undefined
  const children: unknown[] = []
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key]
    if (v === undefined) canonical = false
    if (!isIndexKey(key)) {
      if (previous !== undefined && !(previous < key)) canonical = false
      previous = key
    }
    const sorted = v === undefined ? v : sortKeysShared(v)
    if (sorted !== v) canonical = false
    children.push(sorted)
  }
  if (canonical && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) return value
  const byKey = new Map(keys.map((k, i) => [k, children[i]]))
  const out: Record<string, unknown> = {}
  for (const key of [...keys].sort()) {
    const v = byKey.get(key)
    if (v !== undefined) setOwn(out, key, v)
  }
  return out as T
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

/** Whether V8 enumerates `key` as an array index (first, in numeric order, whatever the insertion order). */
export function isIndexKey(key: string): boolean {
  return INDEX_KEY.test(key) && Number(key) < 4294967295
}

/** true when JSON.stringify(value) already gives canonicalJson(value): plain objects whose keys are in sorted order. */
function inCanonicalOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true
  if (Array.isArray(value)) {
    for (const v of value) if (!inCanonicalOrder(v)) return false
    return true
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  let previous: string | undefined
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key]
    if (!isIndexKey(key)) {
      if (previous !== undefined && !(previous < key)) return false
      previous = key
    }
    if (!inCanonicalOrder(v)) return false
  }
  return true
}

/**
 * canonicalJson(value), byte for byte, without building the sorted deep copy when the value is already in canonical
 * key order (anything parsed from canonical text, and every capture): a 50,000-item state is one string, not a copy
 * plus a string.
 */
export function canonicalText(value: unknown): string {
  return inCanonicalOrder(value) ? JSON.stringify(value) : canonicalJson(value)
}
