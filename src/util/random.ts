/**
 * mulberry32: a small seeded generator of numbers in [0, 1). The same seed gives the same sequence on every machine,
 * so a sample (validate --read-data) or a generated test state can be repeated from its printed seed.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
