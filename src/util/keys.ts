import {setOwn} from './canonical.js'

/*
 * Keys that libraries mishandle, escaped reversibly. A key named `__proto__` is skipped by jsondiffpatch and by zod's
 * records, and a key named after another Object.prototype property (`constructor`, `toString` ...) makes jsondiffpatch
 * read Object.prototype's function on the side that lacks it. Ids and names come from outside, so such keys are kept:
 * around those libraries, a key that is such a name preceded by any number of `~` (none included) gains one more `~`
 * and loses it again afterwards. The escape is a bijection, so a real key `~__proto__` is kept too.
 */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype))
const TILDE = 126

/** True for `constructor`, `__proto__`, `~toString`, `~~__proto__` ... */
export function escapable(key: string): boolean {
  let i = 0
  while (key.charCodeAt(i) === TILDE) i++
  return PROTOTYPE_NAMES.has(i === 0 ? key : key.slice(i))
}

/** True when some object key inside value is escapable. */
export function hasEscapableKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  if (Array.isArray(value)) {
    for (const v of value) if (hasEscapableKey(v)) return true
    return false
  }
  for (const key of Object.keys(value)) {
    if (escapable(key)) return true
    if (hasEscapableKey((value as Record<string, unknown>)[key])) return true
  }
  return false
}

/** A copy of value whose keys are renamed by `rename` at every depth (values other than plain JSON are kept as they are). */
function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, rename))
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) setOwn(out, rename(key), renameKeys((value as Record<string, unknown>)[key], rename))
  return out
}

/** A copy of value with every escapable key gaining one `~`. */
export const escapeKeys = (value: unknown): unknown => renameKeys(value, (key) => (escapable(key) ? `~${key}` : key))
/** The inverse of escapeKeys for one key. */
export const unescapeKey = (key: string): string => (key.charCodeAt(0) === TILDE && escapable(key) ? key.slice(1) : key)

/** The inverse of escapeKeys. */
export const unescapeKeys = (value: unknown): unknown => renameKeys(value, unescapeKey)

