import {create, type Delta} from 'jsondiffpatch/with-text-diffs'
import {canonicalJson, setOwn} from '../util/canonical.js'
import {escapeKeys, hasEscapableKey, unescapeKeys} from '../util/keys.js'

export type {Delta}

/**
 * The differ every journal uses. Array elements that are objects are matched by `id`, `key`, `name` or `field`
 * (view sort specs), other objects by their whole value, strings are matched by value, moves are detected, and strings of 120 characters or more
 * (issue bodies, the readme) are stored as text diffs.
 */
const differ = create({
  objectHash: (item: object) => {
    const o = item as Record<string, unknown> | null
    if (o === null || typeof o !== 'object') return `value:${JSON.stringify(o)}`
    for (const k of ['id', 'key', 'name', 'field']) {
      if (typeof o[k] === 'string' || typeof o[k] === 'number') return `${k}:${o[k]}`
    }
    return `value:${canonicalJson(o)}`
  },
  arrays: {detectMove: true, includeValueOnMove: false},
  textDiff: {minLength: 120},
  cloneDiffValues: true,
})

/** A JSON value normalised the way it is stored: keys sorted, `undefined` dropped. */
export function normalize<T>(value: T): T {
  return JSON.parse(canonicalJson(value)) as T
}

/*
 * Keys kept verbatim. jsondiffpatch skips a key named `__proto__` (its diff would otherwise assign it, replacing the
 * delta's prototype, and its patch refuses it as unsafe), so two states that differ only under such a key would have
 * no delta at all; and it reads the other side's `obj[key]` unguarded, so a key such as `constructor` or `toString`
 * on one side only meets Object.prototype's function on the other ("functions are not supported"). Ids and names come
 * from outside (GitHub, a document), so such keys must survive like any other: around jsondiffpatch, a key that is
 * the name of an Object.prototype property preceded by any number of `~` (none included) gains one more `~`, which
 * jsondiffpatch handles as an ordinary key, and loses it again afterwards. The escape is a bijection, so a state that
 * really holds a key `~__proto__` is kept too. A delta is stored escaped; it only differs from an unescaped one when a
 * state holds such keys, which is checked for (a walk over the keys of the states diffed, of the delta applied)
 * before paying for the copies.
 */
/** The delta that turns a into b, or undefined when they are equal. Neither argument is modified. */
export function computeDelta(a: unknown, b: unknown): Delta {
  if (hasEscapableKey(a) || hasEscapableKey(b)) return splitDiff(escapeKeys(a), escapeKeys(b), SPLIT_LEVELS)
  return splitDiff(a, b, SPLIT_LEVELS)
}

/** Levels of plain objects diffed key by key before jsondiffpatch takes over: a state, then its sections. */
const SPLIT_LEVELS = 2

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)

/**
 * jsondiffpatch's diff of two objects, computed key by key for the top `levels` levels of plain objects, with the
 * same result: a changed key holds its child delta, a key only in `a` is `[old, 0, 0]`, one only in `b` is `[new]`
 * (an undefined value counts as absent). jsondiffpatch keeps the context of every node it visits until the whole diff
 * is done: over a 50,000-item state that is millions of objects at once; diffed item by item, one item's at a time.
 * Values that are the same object (items a capture took over unchanged) are skipped without a look.
 */
function splitDiff(a: unknown, b: unknown, levels: number): Delta {
  if (a === b) return undefined
  if (levels <= 0 || !isPlainObject(a) || !isPlainObject(b)) return differ.diff(a, b)
  let out: Record<string, unknown> | undefined
  const put = (key: string, value: unknown) => setOwn((out ??= {}), key, value)
  for (const key of Object.keys(a)) {
    const av = a[key]
    if (av === undefined) continue
    const bv = Object.hasOwn(b, key) ? b[key] : undefined
    if (bv === undefined) put(key, [structuredClone(av), 0, 0])
    else {
      const d = splitDiff(av, bv, levels - 1)
      if (d !== undefined) put(key, d)
    }
  }
  for (const key of Object.keys(b)) {
    const bv = b[key]
    if (bv !== undefined && (Object.hasOwn(a, key) ? a[key] : undefined) === undefined) put(key, [structuredClone(bv)])
  }
  return out as Delta
}

/**
 * target patched by a stored (escaped) delta, in place unless the delta holds escaped keys. A delta without them
 * neither reaches into nor adds a key needing the escape, so the target's own such keys may stay as they are.
 */
function patch(target: unknown, delta: Delta): unknown {
  if (hasEscapableKey(delta)) return unescapeKeys(differ.patch(escapeKeys(target), delta))
  return differ.patch(target, delta)
}

/** a with delta applied, as a new value: a is never modified. */
export function applyDelta<T>(a: T, delta: Delta): T {
  if (delta === undefined || delta === null) return structuredClone(a)
  return patch(structuredClone(a), delta) as T
}

/**
 * The delta from a to b, verified: applying it to a must give b exactly (canonical form); otherwise undefined is
 * returned with `ok: false`, and the caller stores b whole instead. Integrity comes before size.
 */
export function verifiedDelta(a: unknown, b: unknown): {delta: Delta; ok: boolean} {
  const delta = computeDelta(a, b)
  const stored = delta === undefined ? undefined : normalize(delta)
  let ok: boolean
  try {
    ok = jsonEqual(applyDelta(a, stored), b)
  } catch {
    ok = false
  }
  return {delta: stored, ok}
}

/**
 * Whether two JSON values have the same canonical JSON, compared in place (no strings built): objects by their keys
 * with a defined value, arrays element by element. Values JSON renders specially (dates, non-finite numbers,
 * undefined in arrays) are compared by their JSON text.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    if (typeof a === 'number' && typeof b === 'number') return JSON.stringify(a) === JSON.stringify(b)
    return false
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    if (a.length !== bb.length) return false
    for (let i = 0; i < a.length; i++) {
      if (a[i] === undefined || bb[i] === undefined) {
        if (JSON.stringify(a[i] ?? null) !== JSON.stringify(bb[i] ?? null)) return false
      } else if (!jsonEqual(a[i], bb[i])) return false
    }
    return true
  }
  if (typeof (a as any).toJSON === 'function' || typeof (b as any).toJSON === 'function') return JSON.stringify(a) === JSON.stringify(b)
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  let count = 0
  for (const key of Object.keys(ao)) {
    const v = ao[key]
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue
    count++
    if (!Object.prototype.hasOwnProperty.call(bo, key) || !jsonEqual(v, bo[key])) return false
  }
  for (const key of Object.keys(bo)) {
    const v = bo[key]
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue
    count--
  }
  return count === 0
}

/**
 * Applies delta to `target` IN PLACE and returns the result (the same object, or a new root when the delta replaces
 * it). For callers that own `target` (a replay), where `applyDelta`'s copy of a whole project is pure cost. The delta
 * is copied first, so the result shares nothing with it.
 */
export function applyDeltaInPlace<T>(target: T, delta: Delta): T {
  if (delta === undefined || delta === null) return target
  return patch(target, JSON.parse(JSON.stringify(delta))) as T
}

/**
 * verifiedDelta for a caller that owns `a` and no longer needs it: the check patches `a` itself instead of a copy and
 * compares in place. Returns the patched `a` (equal to b when ok) so it can serve as the next chain state.
 */
export function verifiedDeltaConsuming(a: unknown, b: unknown): {delta: Delta; ok: boolean; patched: unknown} {
  const delta = computeDelta(a, b)
  if (delta === undefined) return {delta: undefined, ok: jsonEqual(a, b), patched: a}
  const stored = normalize(delta)
  let patched: unknown
  try {
    patched = applyDeltaInPlace(a, stored)
  } catch {
    return {delta: stored, ok: false, patched: undefined}
  }
  return {delta: stored, ok: jsonEqual(patched, b), patched}
}
