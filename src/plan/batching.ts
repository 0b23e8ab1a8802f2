/**
 * Batch sizes that adapt to GitHub's 10-second limit (GITHUB-FACTS.md, "How GitHub fails"): GitHub ends a request it
 * cannot finish within 10 s, and aliased mutations each cost server time, so what counts is not the points formula
 * but how long a request takes. A batch starts small (GitHub's own github-mcp-server sends at most 20 aliased
 * mutations; we start at 10), is halved after a request that timed out (502/504, a dropped connection, a resource
 * limit), and grows by half while requests take less than 40% of the limit, up to a ceiling.
 *
 * These figures and the server-time model (src/github/server-time.ts, GITHUB_SERVER_TIME) are the ones the
 * `--test-only` / `--dry-run` estimate (estimate.ts) prices a restore with, and the ones apply and look-ups use.
 */
import {isGitHubError} from '../github/errors.js'

export interface BatchBounds {
  /** size of the first request */
  start: number
  /** never more than this */
  max: number
}

export const BATCH_BOUNDS = {
  /** aliased mutations that create no content */
  mutations: {start: 10, max: 20},
  /** aliased content-creating mutations (drafts, issues, items, status updates): each costs twice the time */
  content: {start: 5, max: 10},
  /** aliased look-ups per query */
  lookups: {start: 25, max: 100},
} as const satisfies Record<string, BatchBounds>

/** GitHub's time limit per request, and the share of it under which a batch grows. */
export const REQUEST_LIMIT_MS = 10_000
export const GROW_BELOW_MS = REQUEST_LIMIT_MS * 0.4

export class AdaptiveBatch {
  private current: number

  constructor(readonly bounds: BatchBounds) {
    this.current = Math.max(1, Math.min(bounds.max, Math.floor(bounds.start)))
  }

  get size(): number {
    return this.current
  }

  /** A request of this batch took `ms` (measured): grows when well under the limit. */
  succeeded(ms: number): void {
    if (ms < GROW_BELOW_MS) this.current = Math.min(this.bounds.max, Math.ceil(this.current * 1.5))
  }

  /** A request timed out or hit a resource limit: halves (at least 1). */
  timedOut(): void {
    this.current = Math.max(1, Math.floor(this.current / 2))
  }
}

/** A batch size from a caller: a fixed number (tests, `--batch-size`) or bounds to adapt within. */
export function batchOf(fixed: number | undefined, bounds: BatchBounds): AdaptiveBatch {
  if (fixed === undefined) return new AdaptiveBatch(bounds)
  const n = Math.max(1, Math.floor(fixed))
  return new AdaptiveBatch({start: n, max: n})
}

/**
 * True for failures that say the request was too big for GitHub's time or resource limits: a 502/504, a request
 * abandoned or dropped (the 'ambiguous' and 'network' kinds), or a GraphQL resource-limit error.
 */
export function isTooBig(error: unknown): boolean {
  if (isGitHubError(error, 'ambiguous') || isGitHubError(error, 'network')) return true
  if (isGitHubError(error, 'server')) return error.status === 502 || error.status === 504
  if (isGitHubError(error, 'graphql')) return (error.errors ?? []).some((e) => /RESOURCE_LIMITS|MAX_NODE_LIMIT|timeout|timed out/i.test(`${e.type ?? ''} ${e.message}`))
  return false
}
