import {Octokit} from '@octokit/core'
import {retry} from '@octokit/plugin-retry'
import {throttling} from '@octokit/plugin-throttling'
import {Kind, parse} from 'graphql'
import {registerSecret} from '../util/secrets.js'
import {resolveToken} from './auth.js'
import {appCredentialsFromEnv, appTokenProvider, fixedToken, ServerClock, type AppRequest, type TokenProvider} from './auth-app.js'
import {type Endpoints, isLoopback, resolveEndpoints} from './endpoints.js'
import {ambiguousError, GitHubError, isSecondaryLimitMessage, rateLimitOf, toUserError} from './errors.js'
import {DeadlineError, guardedFetch, seconds} from './stall.js'

export interface WaitInfo {
  /**
   * secondary: GitHub asked us to slow down; primary: the hourly points ran out; retry: backoff after a 5xx, a dropped
   * connection or a stalled answer; answer: a request still waits for GitHub's answer (told every few seconds,
   * `waitMs` is the time waited so far; not counted in the stats' waits)
   */
  reason: 'secondary' | 'primary' | 'retry' | 'answer'
  waitMs: number
  /** the request the wait is for: "query Items", "mutation UpdateValues", "GET /repos/{owner}/{repo}/milestones" */
  what?: string
}

export interface ClientStats {
  /** HTTP requests sent, retries included */
  requests: number
  graphqlRequests: number
  restRequests: number
  /** primary rate-limit points spent (x-ratelimit-used deltas per resource; 1 per request without those headers) */
  points: number
  /** requests sent again after a limit or a failure */
  retries: number
  /** waits for limits and backoffs, and their total length */
  waits: number
  waitedMs: number
  /**
   * GitHub's clock: the `Date` header of the latest response (RFC 9110 §6.6.1), absent until one came. An incremental
   * capture takes its time line from it (src/github/capture-incremental.ts), never from this machine's clock.
   */
  serverDate?: string
}

export interface GitHubClient {
  graphql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>
  /** `route` is Octokit's form, e.g. `GET /repos/{owner}/{repo}/milestones`; resolves to the response body */
  rest<T = any>(route: string, params?: Record<string, unknown>): Promise<T>
  readonly stats: ClientStats
  readonly endpoints: Endpoints
  /** where the client's tokens come from ('token' or 'app') */
  readonly auth?: TokenProvider
}

export interface ClientOptions {
  /**
   * default: a GitHub App's installation tokens when GITHUB_PM_APP_ID is set (src/github/auth-app.ts), else
   * resolveToken(env) (GH_TOKEN, GITHUB_TOKEN, `gh auth token`)
   */
  token?: string
  /**
   * where each request's token comes from (wins over `token`): a provider (an App's, renewed before it expires) or a
   * plain `async () => token`, asked before every attempt
   */
  auth?: TokenProvider | (() => Promise<string>)
  /** with App credentials and no installation id: the login whose installation to use (the project's owner) */
  owner?: string
  /** with App credentials: renew an installation token when it has less than this left (default 5 minutes) */
  renewBeforeMs?: number
  env?: NodeJS.ProcessEnv
  /** API root; wins over GITHUB_API_URL and GH_HOST (see resolveEndpoints) */
  apiUrl?: string
  host?: string
  userAgent?: string
  /** wait for an exhausted primary limit when it resets within this long; otherwise fail (default 5 min) */
  primaryWaitMaxMs?: number
  /** retries per request, for limits and for failures alike (default 4) */
  retries?: number
  /** backoff unit after a 5xx or a dropped connection: the n-th retry waits 2^(n-1) × this (default 1000) */
  retryBaseMs?: number
  /** the length of one second of a wait GitHub asks for (retry-after, rate-limit reset); default 1000, tests shrink it */
  retryAfterUnitMs?: number
  /**
   * Minimum gap between mutations (GraphQL mutations, REST writes), per GitHub's advice to wait a second between
   * mutative requests. Default 1000, or 0 when the API is on this machine (the sandbox).
   */
  mutationIntervalMs?: number
  /** abandon (and retry) an attempt that has not answered within this long in all (default 120 s) */
  requestTimeoutMs?: number
  /**
   * abandon (and retry, for a read) an attempt that received less than 1 KiB in a window of this long: a server that
   * never answers, or drips its answer, is cut after one window (default 30 s; GitHub itself gives up at 10 s)
   */
  stallTimeoutMs?: number
  /**
   * the command's deadline, in epoch milliseconds: no request is sent, no wait is begun that would end after it, and a
   * request in flight is cut when it passes; the call then fails with a one-line error naming what it waited for
   */
  deadlineAt?: number
  /** how often a request that still waits for its answer is reported through onWait (reason 'answer'; default 5 s) */
  progressMs?: number
  /** told before every wait for a limit or a backoff */
  onWait?: (info: WaitInfo) => void
}

const DEFAULTS = {
  primaryWaitMaxMs: 5 * 60_000,
  retries: 4,
  retryBaseMs: 1000,
  retryAfterUnitMs: 1000,
  mutationIntervalMs: 1000,
  requestTimeoutMs: 120_000,
  stallTimeoutMs: 30_000,
  progressMs: 5000,
}

/** One logical call (graphql or rest) and what it waits for; retries of it share this object. */
interface Call {
  /** "query Items", "GET /repos/{owner}/{repo}/milestones" */
  label: string
  /** "GitHub's answer to query Items" */
  what: string
  mutation: boolean
  /** set when the deadline ended the call: what it was then waiting for */
  deadline?: string
}

const CALL = Symbol('call')

/** Statuses plugin-retry leaves alone: client errors, and limits (403/429), which plugin-throttling handles. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451]

/** Option names @octokit/graphql reads as request options instead of variables. */
const RESERVED_VARIABLES = new Set(['query', 'method', 'url', 'baseUrl', 'headers', 'request', 'mediaType', 'operationName'])

const LOGICAL_REQUEST = Symbol('logicalRequest')

/** Request option for plugin-retry: no retry of a failed attempt (limits are still waited out by plugin-throttling). */
const NO_RESEND = {retries: 0}

const silent = {debug: () => {}, info: () => {}, warn: () => {}, error: () => {}}

/**
 * plugin-throttling spaces every GraphQL request a second apart (it files GraphQL under writes). We pace real
 * mutations ourselves (see `mutationIntervalMs`), so reads are not slowed: this stands in for its `write` group.
 */
const unpacedGroup = {key: () => ({schedule: (_options: unknown, fn: (...args: any[]) => any, ...args: any[]) => fn(...args)})}

/**
 * A GitHub client on Octokit core with throttling (secondary and primary limits, RATE_LIMITED answers) and retry.
 * Queries and REST reads are retried on transient failures (5xx, HTTP 200 "Something went wrong", dropped
 * connections, timeouts). Writes that are not idempotent (GraphQL mutations, REST POSTs) are NEVER sent again after
 * such a failure, since GitHub may have applied them: they fail with a GitHubError of kind 'ambiguous' and the caller
 * re-reads before deciding (a refusal by a limit, which runs nothing, is still waited out and retried). Every failure
 * reaches the caller as a one-line GitHubError (src/github/errors.ts) without the token.
 */
export async function createClient(options: ClientOptions = {}): Promise<GitHubClient> {
  const env = options.env ?? process.env
  const endpoints = Object.freeze(resolveEndpoints(env, {apiUrl: options.apiUrl, host: options.host}))
  // the token source: given, else a GitHub App's (GITHUB_PM_APP_ID wins over GH_TOKEN), else GH_TOKEN and friends
  const clock = new ServerClock()
  const given = typeof options.auth === 'function' ? ({kind: 'token', token: options.auth} satisfies TokenProvider) : options.auth
  let provider: TokenProvider | undefined = given ?? (options.token !== undefined ? fixedToken(options.token) : undefined)
  const app = provider ? undefined : await appCredentialsFromEnv(env)
  if (!provider && !app) provider = fixedToken(await resolveToken(env))

  const retries = options.retries ?? DEFAULTS.retries
  const primaryWaitMaxMs = options.primaryWaitMaxMs ?? DEFAULTS.primaryWaitMaxMs
  const retryBaseMs = options.retryBaseMs ?? DEFAULTS.retryBaseMs
  const unitMs = options.retryAfterUnitMs ?? DEFAULTS.retryAfterUnitMs
  const mutationIntervalMs = options.mutationIntervalMs ?? (isLoopback(endpoints) ? 0 : DEFAULTS.mutationIntervalMs)
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULTS.stallTimeoutMs
  const progressMs = options.progressMs ?? DEFAULTS.progressMs
  const deadlineAt = options.deadlineAt
  /** true (and the call marked) when a wait of `waitMs` from now would end after the deadline */
  const pastDeadline = (call: Call | undefined, waitMs: number, what: string): boolean => {
    if (deadlineAt === undefined || Date.now() + waitMs < deadlineAt) return false
    if (call) call.deadline ??= what
    return true
  }

  const stats: ClientStats = {requests: 0, graphqlRequests: 0, restRequests: 0, points: 0, retries: 0, waits: 0, waitedMs: 0}
  const noteWait = (reason: WaitInfo['reason'], waitMs: number, what?: string): void => {
    stats.waits++
    stats.waitedMs += waitMs
    try {
      options.onWait?.(what === undefined ? {reason, waitMs} : {reason, waitMs, what})
    } catch {
      // a failing observer must not stop the retry
    }
  }
  const points = pointCounter()
  const attempts = new WeakMap<object, number>()
  const isGraphqlUrl = (url: string): boolean => url.split('?')[0] === endpoints.graphqlUrl

  /** Innermost layer (just outside auth): sees every attempt, counts it, and labels secondary limits for throttling. */
  const instrument = (octokit: Octokit) => {
    octokit.hook.wrap('request', async (request, opts) => {
      const url = /^https?:/i.test(opts.url) ? opts.url : `${opts.baseUrl}${opts.url}`
      const graphql = opts.method === 'POST' && isGraphqlUrl(url)
      const attempt = (attempts.get(opts) ?? 0) + 1
      attempts.set(opts, attempt)
      stats.requests++
      if (graphql) stats.graphqlRequests++
      else stats.restRequests++
      if (attempt > 1) stats.retries++
      const resource = graphql ? 'graphql' : 'core'
      try {
        const response = await request(opts)
        points.add(stats, response.headers, resource)
        if (typeof response.headers?.date === 'string') stats.serverDate = response.headers.date
        return response
      } catch (error: any) {
        if (error?.response) points.add(stats, error.response.headers, resource)
        else stats.points++
        labelSecondaryLimit(error)
        // the per-call options object is the logical request: retries reuse it, while `opts.request` is Octokit's
        // defaults object shared by every call (keying on it made every failure of the client count toward one backoff)
        if (error && typeof error === 'object') Object.defineProperty(error, LOGICAL_REQUEST, {value: opts, enumerable: false})
        throw error
      }
    })
    return {}
  }

  /** Notes GitHub's clock from an answer's Date header (JWTs and token expiry are judged on it). */
  const observe = async <T extends {headers?: Record<string, unknown>}>(sent: Promise<T>): Promise<T> => {
    try {
      const response = await sent
      clock.observe(response.headers?.date)
      return response
    } catch (error: any) {
      clock.observe(error?.response?.headers?.date)
      throw error
    }
  }
  /**
   * Octokit's auth strategy, the innermost layer: every attempt takes the provider's token of the moment (an App's
   * is renewed shortly before it expires). An App token answered 401 "Bad credentials" is replaced by a new one and
   * the request sent once more: GitHub refused it before running anything, so this is safe for a mutation too.
   * Requests that carry their own authorization (the App's JWT routes) are sent as they are.
   */
  const authStrategy = () => {
    const auth = async () => ({type: 'token', token: await provider!.token()})
    const hook = async (request: any, route: any, parameters?: any) => {
      const endpoint = request.endpoint.merge(route, parameters)
      const preset = endpoint.headers.authorization
      if (typeof preset === 'string' && preset.trim()) {
        registerSecret(preset.replace(/^\s*(?:bearer|token)\s+/i, '').trim())
        return observe(request(endpoint))
      }
      const token = await provider!.token()
      registerSecret(token)
      endpoint.headers.authorization = `token ${token}`
      try {
        return await observe(request(endpoint))
      } catch (error: any) {
        if (error?.status !== 401 || !provider!.renew || !/bad credentials/i.test(String(error.message))) throw error
        const fresh = await provider!.renew(token)
        if (!fresh || fresh === token) throw error
        stats.requests++
        stats.retries++
        endpoint.headers.authorization = `token ${fresh}`
        try {
          return await observe(request(endpoint))
        } catch (again: any) {
          if (again?.status !== 401) throw again
          throw new GitHubError(
            'auth',
            "GitHub refused a new installation token of the GitHub App too (Bad credentials): check that the App is still installed and not suspended (docs/github-app.md)",
            {status: 401, cause: again},
          )
        }
      }
    }
    return Object.assign(auth, {hook})
  }

  const GitHubOctokit = Octokit.plugin(instrument, throttling, retry)
  /** Request options for one logical call: its own fetch, watched for stalls and the deadline. */
  const callOptions = (call: Call): {fetch: typeof fetch} => {
    const fetch = guardedFetch({
      what: call.what,
      stallMs: stallTimeoutMs,
      attemptMs: requestTimeoutMs,
      deadlineAt,
      progressMs,
      onWaiting: options.onWait
        ? (elapsedMs) => options.onWait?.({reason: 'answer', waitMs: elapsedMs, what: call.label})
        : undefined,
    })
    Object.defineProperty(fetch, CALL, {value: call})
    return {fetch}
  }
  const callOf = (requestOptions: any): Call | undefined => requestOptions?.request?.fetch?.[CALL]
  const octokit = new GitHubOctokit({
    authStrategy,
    baseUrl: endpoints.restUrl,
    userAgent: options.userAgent ?? 'github-pm-plugin-backup',
    log: silent,
    request: {log: silent},
    retry: {retries, retryAfterBaseValue: retryBaseMs, doNotRetry: DO_NOT_RETRY},
    throttle: {
      id: `github-pm-backup:${endpoints.restUrl}`,
      retryAfterBaseValue: unitMs,
      write: unpacedGroup as any,
      onSecondaryRateLimit: (retryAfter: number, opts: unknown, _octokit: unknown, retryCount: number) => {
        if (retryCount >= retries) return false
        const call = callOf(opts)
        const what = `GitHub's secondary rate limit to lift (${seconds(retryAfter * unitMs)}) before sending ${call?.label ?? 'a request'} again`
        if (pastDeadline(call, retryAfter * unitMs, what)) return false
        noteWait('secondary', retryAfter * unitMs, call?.label)
        return true
      },
      onRateLimit: (retryAfter: number, opts: unknown, _octokit: unknown, retryCount: number) => {
        if (retryCount >= retries || retryAfter * 1000 > primaryWaitMaxMs) return false
        const call = callOf(opts)
        const what = `GitHub's hourly rate limit to reset (${seconds(retryAfter * unitMs)}) before sending ${call?.label ?? 'a request'} again`
        if (pastDeadline(call, retryAfter * unitMs, what)) return false
        noteWait('primary', retryAfter * unitMs, call?.label)
        return true
      },
    },
  })

  if (app) {
    // the App's own requests (its JWT routes) go through this client too: GHES base URL, retries, limits, stall
    // guard and the command's deadline, like any other call
    const appRequest: AppRequest = async (route, parameters = {}) => {
      const label = route.trim()
      const call: Call = {label, what: `GitHub's answer to ${label}`, mutation: false}
      checkDeadline(call)
      try {
        return await octokit.request(route, {...parameters, request: {...(parameters.request as object), ...callOptions(call)}})
      } catch (error) {
        throw deadlineFailure(call, error) ?? error
      }
    }
    provider = appTokenProvider({credentials: app, owner: options.owner, request: appRequest, clock, renewBeforeMs: options.renewBeforeMs})
  }

  // plugin-retry asks retryRequest(error, retries, retryAfter) for each failure it will retry. Its own delay grows with
  // options.request.retryCount, which plugin-throttling resets to 0 on GraphQL failures; so the n-th retry of a request
  // is given 2^(n-1) units here (exponential backoff on every route), and the wait is reported before it starts.
  const backoffs = new WeakMap<object, number>()
  const retryRequest = octokit.retry.retryRequest
  octokit.retry.retryRequest = (error, maxRetries, _retryAfter) => {
    const key = (error as any)[LOGICAL_REQUEST] ?? (error as any).request?.request
    const failures = (key && typeof key === 'object' ? backoffs.get(key) ?? 0 : 0) + 1
    if (key && typeof key === 'object') backoffs.set(key, failures)
    const units = 2 ** Math.min(failures - 1, 10)
    const opts = (error as any)[LOGICAL_REQUEST] ?? (error as any).request
    const call = callOf(opts)
    if ((error as any).cause instanceof DeadlineError) {
      if (call) call.deadline ??= call.what
      return retryRequest(error, 0, units)
    }
    if (maxRetries >= failures) {
      const what = `a ${seconds(units * retryBaseMs)} pause before retrying ${call?.label ?? 'a request'}`
      if (pastDeadline(call, units * retryBaseMs, what)) return retryRequest(error, 0, units)
      noteWait('retry', units * retryBaseMs, call?.label)
    }
    return retryRequest(error, maxRetries, units)
  }

  const pace = pacer(mutationIntervalMs)

  /** Refuses to start a call once the deadline has passed. */
  const checkDeadline = (call: Call): void => {
    if (deadlineAt !== undefined && Date.now() >= deadlineAt) {
      throw deadlineError(`before sending the request for ${call.what}`, false)
    }
  }
  /** The deadline error for a call the deadline ended, else undefined. */
  const deadlineFailure = (call: Call, error: unknown): GitHubError | undefined => {
    const cause = (error as any)?.cause
    if (cause instanceof DeadlineError) call.deadline ??= call.what
    if (call.deadline === undefined) return undefined
    const inFlight = cause instanceof DeadlineError && cause.sent
    return deadlineError(`while waiting for ${call.deadline}`, call.mutation && inFlight, error)
  }

  return {
    endpoints,
    auth: provider!,
    get stats() {
      return {...stats}
    },
    async graphql<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      for (const name of Object.keys(variables)) {
        if (RESERVED_VARIABLES.has(name)) throw new Error(`GraphQL variable $${name} clashes with an Octokit option: rename it`)
      }
      const mutation = isMutation(query)
      const label = describeOperation(query)
      const call: Call = {label, what: `GitHub's answer to ${label}`, mutation}
      checkDeadline(call)
      if (!mutation) {
        try {
          return await octokit.graphql<T>(query, {...variables, request: callOptions(call)})
        } catch (error) {
          throw deadlineFailure(call, error) ?? toUserError(error)
        }
      }
      await pace()
      checkDeadline(call)
      try {
        return await octokit.graphql<T>(query, {...variables, request: {...callOptions(call), ...NO_RESEND}})
      } catch (error) {
        throw deadlineFailure(call, error) ?? ambiguousError(error, 'a GraphQL mutation') ?? toUserError(error)
      }
    },
    async rest<T = any>(route: string, params: Record<string, unknown> = {}): Promise<T> {
      const [verb, path = ''] = route.trim().split(/\s+/)
      const method = verb.toUpperCase()
      const read = method === 'GET' || method === 'HEAD'
      const label = `${method} ${path}`.trim()
      const call: Call = {label, what: `GitHub's answer to ${label}`, mutation: !read}
      checkDeadline(call)
      if (!read) {
        await pace()
        checkDeadline(call)
      }
      // a POST creates something: sent again, it would create it twice
      const once = method === 'POST'
      const request = {...(params.request as object), ...callOptions(call), ...(once ? NO_RESEND : {})}
      try {
        const response = await octokit.request(route, {...params, request})
        return response.data as T
      } catch (error) {
        throw deadlineFailure(call, error) ?? (once ? ambiguousError(error, `${method} ${path}`.trim()) : undefined) ?? toUserError(error)
      }
    },
  }
}

/**
 * The one-line error of a command whose deadline passed. `ambiguous`: a write was in flight, so it may or may not
 * have been applied.
 */
function deadlineError(when: string, ambiguous: boolean, cause?: unknown): GitHubError {
  const write = ambiguous ? '; the write then in flight may or may not have been applied: re-read the project before trying again' : ''
  return new GitHubError(
    'deadline',
    `the command's deadline passed ${when}${write}; raise github.deadline (or GITHUB_PM_GITHUB_DEADLINE) or try again later`,
    {cause},
  )
}

/**
 * plugin-throttling recognises a secondary limit by its message only; GitHub also signals one by a 403 or 429
 * with retry-after (and a 429 at all) while primary points remain. Such errors get the words throttling looks for.
 */
function labelSecondaryLimit(error: any): void {
  const status = error?.status
  if (status !== 403 && status !== 429) return
  const headers = error.response?.headers ?? {}
  if (headers['x-ratelimit-remaining'] === '0' || isSecondaryLimitMessage(String(error.message))) return
  if (status === 429 || headers['retry-after'] !== undefined) error.message = `${error.message} (secondary rate limit)`
}

/**
 * Points spent, from x-ratelimit-used per resource: the growth since the last response in the same window, or the
 * whole count in a new window. The first response only shows what the hour has used so far (by anyone), so it counts 1.
 */
function pointCounter() {
  const seen = new Map<string, {used: number; reset?: number}>()
  return {
    add(stats: ClientStats, headers: Record<string, unknown> | undefined, fallbackResource: string): void {
      const figures = rateLimitOf(headers)
      if (figures.used === undefined) {
        stats.points += 1
        return
      }
      const resource = figures.resource ?? fallbackResource
      const reset = figures.reset?.getTime()
      const previous = seen.get(resource)
      let delta: number
      if (!previous) delta = 1
      else if (previous.reset !== reset) delta = figures.used
      else delta = Math.max(0, figures.used - previous.used)
      stats.points += delta
      const sameWindow = previous && previous.reset === reset
      seen.set(resource, {used: sameWindow ? Math.max(previous.used, figures.used) : figures.used, reset})
    },
  }
}

/** Hands out start times at least `intervalMs` apart. */
function pacer(intervalMs: number): () => Promise<void> {
  let next = 0
  return async () => {
    if (intervalMs <= 0) return
    const now = Date.now()
    const at = Math.max(now, next)
    next = at + intervalMs
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now))
  }
}

const operations = new Map<string, {mutation: boolean; label: string}>()

/** Whether a document holds a mutation, and how progress lines and errors name it (parsed once per document). */
function operationOf(query: string): {mutation: boolean; label: string} {
  let result = operations.get(query)
  if (result === undefined) {
    try {
      const ops = parse(query).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
      const first = ops[0]
      result = {
        mutation: ops.some((d) => d.operation === 'mutation'),
        label: !first ? 'a GraphQL request' : first.name ? `${first.operation} ${first.name.value}` : `an unnamed ${first.operation}`,
      }
    } catch {
      // not parsable here: GitHub will say what is wrong with it
      result = {mutation: /^\s*mutation\b/.test(query), label: 'a GraphQL request'}
    }
    if (operations.size > 500) operations.clear()
    operations.set(query, result)
  }
  return result
}

/** True when the document holds a mutation. */
export function isMutation(query: string): boolean {
  return operationOf(query).mutation
}

/** "query Items", "mutation UpdateValues", "an unnamed query": how a progress line or an error names a document. */
export function describeOperation(query: string): string {
  return operationOf(query).label
}
