/**
 * GitHub server time: how long GitHub works on one request, on the sandbox's clock.
 *
 * GitHub ends any request it cannot finish within 10 seconds ("If GitHub takes more than 10 seconds to process an API
 * request, GitHub will terminate the request", docs.github.com, GraphQL rate and query limits, "Timeouts") with a 502
 * or 504, and what already ran stays done. Aliased mutations run one after the other, each costing time: users see
 * timeouts above about 10 aliased operations per request (LedgerHQ/ledger-live#12368; Skydio/revup#271 settled on
 * 5), and GitHub's own github-mcp-server sends at most 20 `updateProjectV2ItemFieldValue` per request
 * (GITHUB-FACTS.md, "How GitHub fails"). The default figures below reproduce that: 20 plain mutations take 7.1 s,
 * 28 fit, 50 take 17.6 s and are cut off; 10 content-creating mutations take 7.1 s, 14 fit, 20 do not.
 *
 * The same figures price a restore in `src/plan/estimate.ts` (`--test-only`, `--dry-run`), so the estimate and the
 * sandbox agree by construction.
 */

import {GITHUB_SERVER_TIME, type ServerTimeModel} from '../github/server-time.js'

// GitHub's figures live with the client's knowledge of GitHub (the plan's estimate prices restores with them)
export {GITHUB_SERVER_TIME, type ServerTimeModel}

/** The model with `overrides` applied; every figure must be a non-negative number (limitMs positive). */
export function serverTimeModel(overrides: Partial<ServerTimeModel> = {}): ServerTimeModel {
  const model = {...GITHUB_SERVER_TIME, ...overrides}
  for (const [key, value] of Object.entries(model)) {
    if (typeof value !== 'number' || !(value >= 0)) throw new RangeError(`server time ${key} must be a non-negative number, got ${value}`)
  }
  if (!(model.limitMs > 0)) throw new RangeError('server time limitMs must be positive')
  return model
}

/**
 * The time one request has taken so far. Mutation fields ask `admit` before they run: a field that would end past
 * the limit does not run, nor does any field after it (the request is cut off there).
 */
export class RequestTimer {
  private elapsed: number
  private cut = false

  constructor(private readonly model: ServerTimeModel) {
    this.elapsed = model.baseMs
  }

  /** Milliseconds spent so far. */
  get ms(): number {
    return this.elapsed
  }

  /** True once the request went past the limit: GitHub answers 502 whatever ran. */
  get timedOut(): boolean {
    return this.cut || this.elapsed > this.model.limitMs
  }

  /** Charges one mutation field; false (and the request is cut off) when it does not fit within the limit. */
  admit(contentCreating: boolean): boolean {
    if (this.cut) return false
    const cost = contentCreating ? this.model.contentMutationMs : this.model.mutationMs
    if (this.elapsed + cost > this.model.limitMs) {
      this.cut = true
      this.elapsed = this.model.limitMs
      return false
    }
    this.elapsed += cost
    return true
  }

  /** Charges the answer's objects and a query's top-level fields (after execution; queries change nothing). */
  charge(rootFields: number, nodes: number): void {
    if (this.cut) return
    this.elapsed += rootFields * this.model.rootFieldMs + nodes * this.model.nodeMs
  }

  /** What the clock advances by: the time spent, at most the limit (GitHub stops working on it there). */
  get billedMs(): number {
    return Math.min(this.elapsed, this.model.limitMs)
  }
}

/** Objects in a GraphQL answer (every non-null object, array elements included). */
export function countObjects(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0
  if (Array.isArray(value)) {
    let n = 0
    for (const v of value) n += countObjects(v)
    return n
  }
  let n = 1
  for (const v of Object.values(value)) n += countObjects(v)
  return n
}
