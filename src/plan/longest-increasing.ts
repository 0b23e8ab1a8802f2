/** The longest run already in order: the items (or sub-issues) a reorder leaves where they are. */

/** Longest subsequence of `seq` whose ranks increase (patience sorting, O(n log n)). */
export function longestIncreasing<T>(seq: readonly T[], rank: (x: T) => number): T[] {
  const tails: number[] = []
  const prev: number[] = new Array(seq.length).fill(-1)
  for (let i = 0; i < seq.length; i++) {
    const r = rank(seq[i])
    let lo = 0
    let hi = tails.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (rank(seq[tails[mid]]) < r) lo = mid + 1
      else hi = mid
    }
    if (lo > 0) prev[i] = tails[lo - 1]
    tails[lo] = i
  }
  const out: T[] = []
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) out.push(seq[i])
  return out.reverse()
}
