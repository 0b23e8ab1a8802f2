/**
 * How long a restore will take, from GitHub's published limits (GITHUB-FACTS.md, "Limits"):
 * - GraphQL secondary limit: 2,000 points per minute; a request WITH mutations costs 5 points however many aliased
 *   mutations it holds, a query costs 1;
 * - REST secondary limit: 900 points per minute, a POST/DELETE costs 5;
 * - content creation: at most 80 per minute and 500 per hour;
 * - plus a per-request latency, requests being sent one after the other, and the client's pacing: GitHub asks for a
 *   pause between mutative requests and the client (src/github/client.ts) starts them `mutationIntervalMs` apart
 *   (1 s on GitHub), so a restore of 100 mutation requests takes at least 99 s, whatever the latency.
 * The estimate is the largest of those floors. Pure: no clock, no network.
 */
import {CONTENT_CREATING, REST_OPERATIONS, STAGE, type Operation} from './plan.js'
import {countLookups} from './lookup.js'

export const GRAPHQL_POINTS_PER_MINUTE = 2000
export const MUTATION_REQUEST_POINTS = 5
export const QUERY_REQUEST_POINTS = 1
export const REST_POINTS_PER_MINUTE = 900
export const REST_WRITE_POINTS = 5
export const CONTENT_PER_MINUTE = 80
export const CONTENT_PER_HOUR = 500
export const DEFAULT_LATENCY_MS = 300
export const DEFAULT_BATCH_SIZE = 50
export const DEFAULT_CONTENT_BATCH_SIZE = 10
export const DEFAULT_LOOKUP_BATCH_SIZE = 50
/** the client's spacing of mutative requests on GitHub (src/github/client.ts), which the planner prices in */
export const CLIENT_MUTATION_INTERVAL_MS = 1000

export interface EstimateOptions {
  /** per-request round trip, default 300 ms */
  latencyMs?: number
  /** aliased mutations per GraphQL request, default 50 */
  batchSize?: number
  /** aliased content-creating mutations per request, default 10 (never more than batchSize) */
  contentBatchSize?: number
  /** aliased look-ups per query, default 50 */
  lookupBatchSize?: number
  /** minimum gap between the starts of two mutative requests (default 0; the planner passes the client's 1 s) */
  mutationIntervalMs?: number
}

/** What a restore has to send. */
export interface WorkCounts {
  /** GraphQL mutations that create no content */
  mutations: number
  /** GraphQL mutations that create content (drafts, issues, added items, status updates) */
  contentMutations?: number
  /** REST writes that create no content */
  restCalls?: number
  /** REST writes that create content */
  restContentCalls?: number
  /** ids to look up by query before mutating (issue node ids, label ids, user ids, ...) */
  lookups?: number
}

export interface Estimate {
  requests: number
  mutations: number
  content_creations: number
  rest_calls: number
  lookups: number
  /** GraphQL secondary-limit points */
  points: number
  seconds: number
  human: string
  /** which limit sets the time */
  bound: 'latency' | 'points' | 'rest_points' | 'content'
}

/** Estimate from plain counts, as if every mutation of a kind could share a request with its peers. */
export function estimate(counts: WorkCounts, options: EstimateOptions = {}): Estimate {
  const o = resolveOptions(options)
  const content = counts.contentMutations ?? 0
  return price(
    {
      mutationRequests: Math.ceil(counts.mutations / o.batchSize) + Math.ceil(content / o.contentBatchSize),
      lookupRequests: Math.ceil((counts.lookups ?? 0) / o.lookupBatchSize),
      restCalls: (counts.restCalls ?? 0) + (counts.restContentCalls ?? 0),
      mutations: counts.mutations + content,
      contentCreations: content + (counts.restContentCalls ?? 0),
      lookups: counts.lookups ?? 0,
    },
    o,
  )
}

/**
 * Estimate for a list of plan operations, batched exactly the way `applyPlan` batches them: per stage, up to
 * `batchSize` aliased mutations per request (`contentBatchSize` for content-creating ones), REST one call each.
 */
export function estimateOperations(operations: readonly Operation[], options: EstimateOptions = {}): Estimate {
  const o = resolveOptions(options)
  const perStage = new Map<number, {regular: number; content: number}>()
  let restCalls = 0
  let contentCreations = 0
  let mutations = 0
  for (const op of operations) {
    if (CONTENT_CREATING.has(op.op)) contentCreations++
    if (REST_OPERATIONS.has(op.op)) {
      restCalls++
      continue
    }
    mutations++
    const stage = perStage.get(STAGE[op.op]) ?? {regular: 0, content: 0}
    if (CONTENT_CREATING.has(op.op)) stage.content++
    else stage.regular++
    perStage.set(STAGE[op.op], stage)
  }
  let mutationRequests = 0
  for (const s of perStage.values()) {
    mutationRequests += Math.ceil(s.regular / o.batchSize) + Math.ceil(s.content / o.contentBatchSize)
  }
  const lookups = countLookups(operations)
  return price(
    {mutationRequests, lookupRequests: Math.ceil(lookups / o.lookupBatchSize), restCalls, mutations, contentCreations, lookups},
    o,
  )
}

function resolveOptions(options: EstimateOptions): Required<EstimateOptions> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE))
  return {
    latencyMs: Math.max(0, options.latencyMs ?? DEFAULT_LATENCY_MS),
    batchSize,
    contentBatchSize: Math.max(1, Math.min(batchSize, Math.floor(options.contentBatchSize ?? DEFAULT_CONTENT_BATCH_SIZE))),
    lookupBatchSize: Math.max(1, Math.floor(options.lookupBatchSize ?? DEFAULT_LOOKUP_BATCH_SIZE)),
    mutationIntervalMs: Math.max(0, options.mutationIntervalMs ?? 0),
  }
}

interface Work {
  mutationRequests: number
  lookupRequests: number
  restCalls: number
  mutations: number
  contentCreations: number
  lookups: number
}

function price(w: Work, o: Required<EstimateOptions>): Estimate {
  const latencyMs = o.latencyMs
  const requests = w.mutationRequests + w.lookupRequests + w.restCalls
  const points = w.mutationRequests * MUTATION_REQUEST_POINTS + w.lookupRequests * QUERY_REQUEST_POINTS
  // writes (GraphQL mutation requests and REST calls) start at least mutationIntervalMs apart; the last one only
  // takes its latency
  const writes = w.mutationRequests + w.restCalls
  const writeMs = writes > 0 ? (writes - 1) * Math.max(latencyMs, o.mutationIntervalMs) + latencyMs : 0
  const floors: Array<[Estimate['bound'], number]> = [
    ['latency', (w.lookupRequests * latencyMs + writeMs) / 1000],
    ['points', windowWait(points, GRAPHQL_POINTS_PER_MINUTE)],
    ['rest_points', windowWait(w.restCalls * REST_WRITE_POINTS, REST_POINTS_PER_MINUTE)],
    ['content', contentWait(w.contentCreations)],
  ]
  let [bound, seconds] = floors[0]
  for (const [name, s] of floors) if (s > seconds) [bound, seconds] = [name, s]
  seconds = Math.ceil(seconds)
  return {
    requests,
    mutations: w.mutations,
    content_creations: w.contentCreations,
    rest_calls: w.restCalls,
    lookups: w.lookups,
    points,
    seconds,
    human: humanDuration(seconds),
    bound,
  }
}

/** Seconds spent waiting for a per-minute budget: the first minute's budget is available at once. */
function windowWait(points: number, perMinute: number): number {
  if (points <= 0) return 0
  return (Math.ceil(points / perMinute) - 1) * 60
}

/** Seconds before the n-th content creation may be sent under 80/minute and 500/hour. */
function contentWait(n: number): number {
  if (n <= 0) return 0
  const hours = Math.floor((n - 1) / CONTENT_PER_HOUR)
  const rest = n - hours * CONTENT_PER_HOUR
  return hours * 3600 + Math.floor((rest - 1) / CONTENT_PER_MINUTE) * 60
}

/** `30 seconds`, `1 minute`, `25 minutes`, `1 hour 5 minutes`. */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds))
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  if (s < 60) return unit(s, 'second')
  if (s < 3600) return unit(Math.ceil(s / 60), 'minute')
  const h = Math.floor(s / 3600)
  const m = Math.ceil((s - h * 3600) / 60)
  if (m === 60) return unit(h + 1, 'hour')
  return m === 0 ? unit(h, 'hour') : `${unit(h, 'hour')} ${unit(m, 'minute')}`
}
