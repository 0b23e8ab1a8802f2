/**
 * How long a restore will take, from GitHub's published limits (GITHUB-FACTS.md, "Limits"):
 * - GraphQL secondary limit: 2,000 points per minute; a request WITH mutations costs 5 points however many aliased
 *   mutations it holds, a query costs 1;
 * - REST secondary limit: 900 points per minute, a POST/DELETE costs 5;
 * - content creation: at most 80 per minute and 500 per hour;
 * - plus, per request, a latency and GitHub's server time, requests being sent one after the other, and the client's
 *   pacing: GitHub asks for a pause between mutative requests and the client (src/github/client.ts) starts them
 *   `mutationIntervalMs` apart (1 s on GitHub), so a restore of 100 mutation requests takes at least 99 s;
 * - server time and batch sizes come from the one model apply and the sandbox use: GITHUB_SERVER_TIME
 *   (src/github/server-time.ts: 100 ms a request, 350 ms a mutation, 700 ms a content-creating one, 40 ms a look-up,
 *   10 s at most) and BATCH_BOUNDS (batching.ts: mutations start at 10 and grow by half up to 20 while a request
 *   takes under 4 s; content 5 up to 10; look-ups 25 up to 100). Batches are sized here exactly as apply sizes them.
 * The estimate is the largest of those floors. Pure: no clock, no network.
 */
import {GITHUB_SERVER_TIME, type ServerTimeModel} from '../github/server-time.js'
import {BATCH_BOUNDS, GROW_BELOW_MS, type BatchBounds} from './batching.js'
import {CONTENT_CREATING, REST_OPERATIONS, STAGE} from './plan.js'
import type {Estimate, Operation} from './types.js'
import {countLookups} from './lookup.js'

export type {Estimate} from './types.js'

export const GRAPHQL_POINTS_PER_MINUTE = 2000
export const MUTATION_REQUEST_POINTS = 5
export const QUERY_REQUEST_POINTS = 1
export const REST_POINTS_PER_MINUTE = 900
export const REST_WRITE_POINTS = 5
export const CONTENT_PER_MINUTE = 80
export const CONTENT_PER_HOUR = 500
export const DEFAULT_LATENCY_MS = 300
/** the client's spacing of mutative requests on GitHub (src/github/client.ts), which the planner prices in */
export const CLIENT_MUTATION_INTERVAL_MS = 1000

export interface EstimateOptions {
  /** per-request round trip, default 300 ms */
  latencyMs?: number
  /** aliased mutations per GraphQL request, fixed (default: adaptive as apply, BATCH_BOUNDS.mutations) */
  batchSize?: number
  /** aliased content-creating mutations per request, fixed (default: adaptive, BATCH_BOUNDS.content) */
  contentBatchSize?: number
  /** aliased look-ups per query, fixed (default: adaptive, BATCH_BOUNDS.lookups) */
  lookupBatchSize?: number
  /** GitHub's server time per request (default GITHUB_SERVER_TIME; false: latency only) */
  serverTime?: ServerTimeModel | false
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


/** Estimate from plain counts, as if every mutation of a kind could share a request with its peers. */
export function estimate(counts: WorkCounts, options: EstimateOptions = {}): Estimate {
  const o = resolveOptions(options)
  const content = counts.contentMutations ?? 0
  const sizes = sizers(o)
  return price(
    {
      mutationMs: [...requestTimes(counts.mutations, sizes.mutations, (k) => mutationTime(o.serverTime, k, false)), ...requestTimes(content, sizes.content, (k) => mutationTime(o.serverTime, k, true))],
      lookupMs: requestTimes(counts.lookups ?? 0, sizes.lookups, (k) => lookupTime(o.serverTime, k)),
      restMs: [
        ...Array.from({length: counts.restCalls ?? 0}, () => restTime(o.serverTime, false)),
        ...Array.from({length: counts.restContentCalls ?? 0}, () => restTime(o.serverTime, true)),
      ],
      mutations: counts.mutations + content,
      contentCreations: content + (counts.restContentCalls ?? 0),
      lookups: counts.lookups ?? 0,
    },
    o,
  )
}

/**
 * Estimate for a list of plan operations, batched exactly the way `applyPlan` batches them: per stage, in requests
 * sized as apply sizes them (adaptive, or `batchSize` / `contentBatchSize` when fixed), REST one call each.
 */
export function estimateOperations(operations: readonly Operation[], options: EstimateOptions = {}): Estimate {
  const o = resolveOptions(options)
  const perStage = new Map<number, {regular: number; content: number}>()
  const restMs: number[] = []
  let contentCreations = 0
  let mutations = 0
  for (const op of operations) {
    const content = CONTENT_CREATING.has(op.op)
    if (content) contentCreations++
    if (REST_OPERATIONS.has(op.op)) {
      restMs.push(restTime(o.serverTime, content))
      continue
    }
    mutations++
    const stage = perStage.get(STAGE[op.op]) ?? {regular: 0, content: 0}
    if (content) stage.content++
    else stage.regular++
    perStage.set(STAGE[op.op], stage)
  }
  // one set of batch sizes for the whole apply, stage after stage, as apply keeps them
  const sizes = sizers(o)
  const mutationMs: number[] = []
  for (const [, s] of [...perStage].sort(([a], [b]) => a - b)) {
    mutationMs.push(...requestTimes(s.regular, sizes.mutations, (k) => mutationTime(o.serverTime, k, false)))
    mutationMs.push(...requestTimes(s.content, sizes.content, (k) => mutationTime(o.serverTime, k, true)))
  }
  const lookups = countLookups(operations)
  return price({mutationMs, lookupMs: requestTimes(lookups, sizes.lookups, (k) => lookupTime(o.serverTime, k)), restMs, mutations, contentCreations, lookups}, o)
}

interface Resolved {
  latencyMs: number
  batchSize?: number
  contentBatchSize?: number
  lookupBatchSize?: number
  mutationIntervalMs: number
  serverTime: ServerTimeModel | undefined
}

function resolveOptions(options: EstimateOptions): Resolved {
  const fixed = (n: number | undefined) => (n === undefined ? undefined : Math.max(1, Math.floor(n)))
  const batchSize = fixed(options.batchSize)
  const content = fixed(options.contentBatchSize) ?? (batchSize === undefined ? undefined : Math.min(batchSize, BATCH_BOUNDS.content.max))
  return {
    latencyMs: Math.max(0, options.latencyMs ?? DEFAULT_LATENCY_MS),
    batchSize,
    contentBatchSize: content === undefined ? undefined : Math.min(content, batchSize ?? BATCH_BOUNDS.mutations.max),
    lookupBatchSize: fixed(options.lookupBatchSize),
    mutationIntervalMs: Math.max(0, options.mutationIntervalMs ?? 0),
    serverTime: options.serverTime === false ? undefined : (options.serverTime ?? GITHUB_SERVER_TIME),
  }
}

/** A batch size as apply keeps it: fixed, or adaptive within bounds (see batching.ts). */
interface Sizer {
  size: number
  bounds: BatchBounds
  fixed: boolean
}

function sizers(o: Resolved): {mutations: Sizer; content: Sizer; lookups: Sizer} {
  const one = (fixed: number | undefined, bounds: BatchBounds): Sizer =>
    fixed === undefined ? {size: bounds.start, bounds, fixed: false} : {size: fixed, bounds: {start: fixed, max: fixed}, fixed: true}
  return {
    mutations: one(o.batchSize, BATCH_BOUNDS.mutations),
    content: one(o.contentBatchSize, BATCH_BOUNDS.content),
    lookups: one(o.lookupBatchSize, BATCH_BOUNDS.lookups),
  }
}

/** The server time of each request sending `n` operations, batches growing as apply grows them. */
function requestTimes(n: number, sizer: Sizer, timeOf: (k: number) => number): number[] {
  const out: number[] = []
  for (let left = n; left > 0; ) {
    const k = Math.min(sizer.size, left)
    const ms = timeOf(k)
    out.push(ms)
    left -= k
    if (!sizer.fixed && ms < GROW_BELOW_MS) sizer.size = Math.min(sizer.bounds.max, Math.ceil(sizer.size * 1.5))
  }
  return out
}

/** k aliased mutations: base, each mutation, and about two answer objects each. */
function mutationTime(model: ServerTimeModel | undefined, k: number, content: boolean): number {
  if (!model) return 0
  return model.baseMs + k * ((content ? model.contentMutationMs : model.mutationMs) + 2 * model.nodeMs)
}

/** k aliased look-ups: base, each top-level field, and about two answer objects each. */
function lookupTime(model: ServerTimeModel | undefined, k: number): number {
  if (!model) return 0
  return model.baseMs + k * (model.rootFieldMs + 2 * model.nodeMs)
}

function restTime(model: ServerTimeModel | undefined, content: boolean): number {
  if (!model) return 0
  return model.baseMs + (content ? model.contentMutationMs : model.mutationMs)
}

interface Work {
  /** server time of each GraphQL mutation request, in order */
  mutationMs: number[]
  lookupMs: number[]
  restMs: number[]
  mutations: number
  contentCreations: number
  lookups: number
}

function price(w: Work, o: Resolved): Estimate {
  const latencyMs = o.latencyMs
  const mutationRequests = w.mutationMs.length
  const lookupRequests = w.lookupMs.length
  const restCalls = w.restMs.length
  const requests = mutationRequests + lookupRequests + restCalls
  const points = mutationRequests * MUTATION_REQUEST_POINTS + lookupRequests * QUERY_REQUEST_POINTS
  // writes (GraphQL mutation requests and REST calls) start at least mutationIntervalMs apart, each takes its latency
  // and its server time; the last one only takes those
  const writes = [...w.mutationMs, ...w.restMs].map((ms) => latencyMs + ms)
  const writeMs = writes.reduce((sum, ms, i) => sum + (i < writes.length - 1 ? Math.max(ms, o.mutationIntervalMs) : ms), 0)
  const readMs = w.lookupMs.reduce((sum, ms) => sum + latencyMs + ms, 0)
  const floors: Array<[Estimate['bound'], number]> = [
    ['latency', (readMs + writeMs) / 1000],
    ['points', windowWait(points, GRAPHQL_POINTS_PER_MINUTE)],
    ['rest_points', windowWait(restCalls * REST_WRITE_POINTS, REST_POINTS_PER_MINUTE)],
    ['content', contentWait(w.contentCreations)],
  ]
  let [bound, seconds] = floors[0]
  for (const [name, s] of floors) if (s > seconds) [bound, seconds] = [name, s]
  seconds = Math.ceil(seconds)
  return {
    requests,
    mutations: w.mutations,
    content_creations: w.contentCreations,
    rest_calls: restCalls,
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
