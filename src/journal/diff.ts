import {create, type Delta} from 'jsondiffpatch/with-text-diffs'
import {canonicalJson} from '../util/canonical.js'

export type {Delta}

/**
 * The differ every journal uses. Array elements that are objects are matched by `id`, `key`, `name` or `field`
 * (view sort specs), other objects by their whole value, strings are matched by value, moves are detected, and strings of 120 characters or more
 * (issue bodies, the readme) are stored as text diffs.
 */
const differ = create({
  objectHash: (item: object) => {
    const o = item as Record<string, unknown>
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

/** The delta that turns a into b, or undefined when they are equal. Neither argument is modified. */
export function computeDelta(a: unknown, b: unknown): Delta {
  return differ.diff(a, b)
}

/** a with delta applied, as a new value: a is never modified. */
export function applyDelta<T>(a: T, delta: Delta): T {
  if (delta === undefined || delta === null) return structuredClone(a)
  return differ.patch(structuredClone(a), delta) as T
}

/**
 * The delta from a to b, verified: applying it to a must give b exactly (canonical form); otherwise undefined is
 * returned with `ok: false`, and the caller stores b whole instead. Integrity comes before size.
 */
export function verifiedDelta(a: unknown, b: unknown): {delta: Delta; ok: boolean} {
  const delta = computeDelta(a, b)
  const stored = delta === undefined ? undefined : normalize(delta)
  const ok = canonicalJson(applyDelta(a, stored)) === canonicalJson(b)
  return {delta: stored, ok}
}
