/**
 * The sandbox's HTTP engine: a loopback server that answers like api.github.com (and GHES's /api/graphql, /api/v3).
 *
 * Every request goes through, in order: authentication (401), the concurrency limit (429), fault injection (drop,
 * 502, "Something went wrong", delay), then for GraphQL: parse + schema validation + GitHub's own checks
 * (limits.ts), the secondary and primary rate limits (ratelimit.ts), and only then execution against the world
 * (backend.ts). A request refused or faulted at any of these steps executes nothing. Then, as on GitHub, things
 * that happen AFTER execution: the server-time model (servertime.ts) cuts a request off at 10 seconds, answering 502
 * after the mutations that fit have run; the after-execution faults lose the answer of a request that ran. Every
 * answer carries GitHub's rate-limit and scope headers.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {defaultFieldResolver, execute, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema} from 'graphql'
import {UserError} from '../util/errors.js'
import type {GraphQLContext, RestRequest, SandboxBackend, SandboxTime, Viewer} from './backend.js'
import {fastClock, githubWaitSeconds, realClock, realTimeOf, realWaitSeconds, type Clock} from './clock.js'
import {SandboxError} from './errors.js'
import {Faults} from './faults.js'
import {ALL_SCOPES, checkDocument, type DocumentRequest, type GitHubGraphQLError} from './limits.js'
import {RateLimiter, SECONDARY_LIMITS, type Resource, type Verdict} from './ratelimit.js'
import {ghesSchema, githubSchema, type GhesVersion} from './schema.js'
import {countObjects, RequestTimer, serverTimeModel, type ServerTimeModel} from './servertime.js'

export type LimitsMode = 'github' | 'fast' | 'off'

export interface SandboxOptions {
  backend: SandboxBackend
  /** 0 (default) picks a free port. */
  port?: number
  /** Loopback only: '127.0.0.1' (default), '::1' or 'localhost'. */
  host?: string
  /** 'github' (default): GitHub's limits in real time; 'fast': on a clock 60x faster; 'off': count, never refuse. */
  limits?: LimitsMode
  /** Overrides the clock the limits mode would pick (tests pass a ManualClock). */
  clock?: Clock
  /** Known tokens. Without any, every non-empty token is `defaultViewer` with all scopes. */
  tokens?: Record<string, {login: string; scopes: string[]}>
  /** Login of the viewer when no tokens are configured (default 'octocat'). */
  defaultViewer?: string
  /** serve the schema of this GitHub Enterprise Server version instead of github.com's (3.16: no updateProjectV2Field) */
  ghes?: GhesVersion
  /**
   * GitHub's server time (servertime.ts): each request costs time on the sandbox clock (a ManualClock is moved
   * forward by it) and a request over 10 s is cut off with a 502. Default: on in 'github' and 'fast', off in 'off';
   * `true` turns it on with GitHub's figures, an object overrides some of them, `false` turns it off.
   */
  serverTime?: boolean | Partial<ServerTimeModel>
}

export interface Sandbox {
  /** http://127.0.0.1:PORT (GraphQL at /graphql, REST at /) */
  readonly url: string
  readonly port: number
  readonly backend: SandboxBackend
  readonly clock: Clock
  readonly faults: Faults
  readonly stats: SandboxStats
  readonly limiter: RateLimiter
  close(): Promise<void>
}

const GRAPHQL_DOCS = 'https://docs.github.com/graphql'
const REST_DOCS = 'https://docs.github.com/rest'
const PRIMARY_DOCS = {
  graphql: 'https://docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api#primary-rate-limit',
  core: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-primary-rate-limits',
}
const SECONDARY_DOCS = {
  graphql: 'https://docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api#secondary-rate-limits',
  core: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
}
const MAX_BODY_BYTES = 25 * 1024 * 1024
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost'])

/** POST routes whose success creates content GitHub counts toward 80/minute and 500/hour. */
const CONTENT_CREATING_REST: RegExp[] = [
  /^\/repos\/[^/]+\/[^/]+\/issues$/,
  /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/,
  /^\/repos\/[^/]+\/[^/]+\/milestones$/,
  /^\/repos\/[^/]+\/[^/]+\/labels$/,
  /^\/repos\/[^/]+\/[^/]+\/pulls$/,
  /^\/repos\/[^/]+\/[^/]+\/releases$/,
  /^\/(orgs|users)\/[^/]+\/projectsV2\/\d+\/views$/,
]

/** true for REST calls that create content (issues, comments, milestones, labels, pulls, releases, project views). */
export function isContentCreatingRest(method: string, path: string): boolean {
  return method.toUpperCase() === 'POST' && CONTENT_CREATING_REST.some((route) => route.test(path))
}

/** Counters a benchmark or a test reads. `requests` counts every request received, including refused ones. */
export class SandboxStats {
  readonly requests = {graphql: 0, rest: 0}
  /** GraphQL requests that executed a mutation operation. */
  mutationRequests = 0
  /** Root mutation fields executed (aliases count separately). */
  mutationFields = 0
  /** Content-creating mutation fields and REST POSTs executed. */
  contentCreations = 0
  readonly primaryPoints = {graphql: 0, rest: 0}
  readonly secondaryPoints = {graphql: 0, rest: 0}
  /** Responses refused by a limit: 403 primary, 403 secondary, 429 concurrency. */
  readonly limited = {primary: 0, secondary: 0, concurrency: 0}
  /** Requests that failed inside the engine or the world with an unexpected exception (answered 500). */
  serverErrors = 0
  /** Server time (servertime.ts), per request in the order received, while the model is on. */
  readonly serverTime = {totalMs: 0, maxMs: 0, perRequestMs: [] as number[], timeouts: 0}
  private readonly startedAt: number

  constructor(private readonly clock: Clock) {
    this.startedAt = clock.now()
  }

  /** All limited responses. */
  get limitedResponses(): number {
    return this.limited.primary + this.limited.secondary + this.limited.concurrency
  }

  /** GitHub time elapsed since the sandbox started (per its clock). */
  get githubTimeMs(): number {
    return this.clock.now() - this.startedAt
  }

  toJSON(): Record<string, unknown> {
    return {
      requests: {...this.requests},
      mutationRequests: this.mutationRequests,
      mutationFields: this.mutationFields,
      contentCreations: this.contentCreations,
      primaryPoints: {...this.primaryPoints},
      secondaryPoints: {...this.secondaryPoints},
      limited: {...this.limited},
      limitedResponses: this.limitedResponses,
      serverErrors: this.serverErrors,
      githubTimeMs: this.githubTimeMs,
      serverTime: {totalMs: this.serverTime.totalMs, maxMs: this.serverTime.maxMs, requests: this.serverTime.perRequestMs.length, timeouts: this.serverTime.timeouts},
    }
  }
}

interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** server time the request took (the model's), when it is on */
  serverTimeMs?: number
}

export class SandboxServer implements Sandbox {
  readonly backend: SandboxBackend
  readonly clock: Clock
  readonly faults = new Faults()
  readonly stats: SandboxStats
  readonly limiter: RateLimiter
  /** The last unexpected exception (answered 500), for debugging a world. */
  lastServerError: unknown

  private readonly schema: GraphQLSchema
  private readonly host: string
  private readonly requestedPort: number
  private readonly tokens: Map<string, Viewer> | undefined
  private readonly defaultViewer: string
  private readonly userIds = new Map<string, number>()
  private readonly serverTime: ServerTimeModel | undefined
  private server: Server | undefined
  private requestCounter = 0
  private boundPort = 0

  constructor(options: SandboxOptions) {
    const host = options.host ?? '127.0.0.1'
    if (!LOOPBACK_HOSTS.has(host)) throw new UserError(`The sandbox listens on loopback only; use host 127.0.0.1 instead of ${host}.`)
    const mode = options.limits ?? 'github'
    if (!['github', 'fast', 'off'].includes(mode)) throw new UserError(`Unknown sandbox limits mode "${mode}"; use github, fast or off.`)
    this.backend = options.backend
    this.host = host
    this.requestedPort = options.port ?? 0
    this.clock = options.clock ?? (mode === 'fast' ? fastClock(60) : realClock())
    this.stats = new SandboxStats(this.clock)
    this.limiter = new RateLimiter(this.clock, mode !== 'off')
    this.schema = options.ghes ? ghesSchema(options.ghes) : githubSchema()
    this.defaultViewer = options.defaultViewer ?? 'octocat'
    const serverTime = options.serverTime ?? mode !== 'off'
    this.serverTime = serverTime === false ? undefined : serverTimeModel(serverTime === true ? {} : serverTime)
    const tokens = Object.entries(options.tokens ?? {})
    this.tokens = tokens.length ? new Map(tokens.map(([token, v]) => [token, {login: v.login, scopes: [...v.scopes]}])) : undefined
  }

  get port(): number {
    return this.boundPort
  }

  get url(): string {
    const host = this.host === '::1' ? '[::1]' : this.host
    return `http://${host}:${this.boundPort}`
  }

  /** Starts listening; resolves once the port is bound. */
  async listen(): Promise<this> {
    if (this.server) return this
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.crash(res, error))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.requestedPort, this.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.server = server
    this.boundPort = (server.address() as AddressInfo).port
    return this
  }

  async close(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }

  /** The viewer a raw `Authorization` header stands for, or undefined when it must be answered 401. */
  authenticate(authorization: string | undefined): Viewer | undefined {
    const match = authorization?.match(/^\s*(?:bearer|token)\s+(\S+)\s*$/i)
    if (!match) return undefined
    const apps = this.backend.apps
    if (apps) {
      // an installation token (ghs_) is one the sandbox minted, and only until it expires; an App's JWT is good for
      // the App routes only (handled before this): neither is "any token" even when no tokens are configured
      if (match[1].startsWith('ghs_')) return apps.viewerOfToken(match[1], this.time())
      if (apps.any && /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/.test(match[1])) return undefined
    }
    if (!this.tokens) return {login: this.defaultViewer, scopes: [...ALL_SCOPES]}
    const viewer = this.tokens.get(match[1])
    return viewer && {login: viewer.login, scopes: [...viewer.scopes]}
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = this.nextRequestId()
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid')
    const method = (req.method ?? 'GET').toUpperCase()
    const isGraphQL = method === 'POST' && (url.pathname === '/graphql' || url.pathname === '/api/graphql')
    const resource: Resource = isGraphQL ? 'graphql' : 'core'
    if (isGraphQL) this.stats.requests.graphql++
    else this.stats.requests.rest++

    const restPath = url.pathname === '/api/v3' || url.pathname.startsWith('/api/v3/') ? url.pathname.slice('/api/v3'.length) || '/' : url.pathname
    if (!isGraphQL && this.backend.apps?.isAppRoute(method, restPath)) {
      await this.appRoute(req, res, requestId, method, restPath)
      return
    }
    const viewer = this.authenticate(req.headers.authorization)
    if (!viewer) {
      req.resume()
      this.send(res, requestId, undefined, resource, {status: 401, body: {message: 'Bad credentials', documentation_url: isGraphQL ? GRAPHQL_DOCS : REST_DOCS}})
      return
    }
    if (!this.limiter.enter()) {
      req.resume()
      this.stats.limited.concurrency++
      this.send(res, requestId, viewer, resource, {
        status: 429,
        body: {message: secondaryMessage(requestId), documentation_url: SECONDARY_DOCS[resource]},
        headers: {'retry-after': '1', 'x-sandbox-github-retry-after': '1'},
      })
      return
    }
    try {
      const body = await readBody(req)
      if (body === undefined) {
        this.send(res, requestId, viewer, resource, {status: 413, body: {message: 'Request body too large', documentation_url: REST_DOCS}})
        return
      }
      const fault = this.faults.decide()
      if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
      if (fault.kind === 'drop') {
        req.socket.destroy()
        return
      }
      if (fault.kind === 'status5xx' || (fault.kind === 'somethingWentWrong' && !isGraphQL)) {
        this.send(res, requestId, viewer, resource, {status: 502, body: {message: 'Server Error'}})
        return
      }
      if (fault.kind === 'somethingWentWrong') {
        this.send(res, requestId, viewer, resource, {status: 200, body: {data: null, errors: [{message: somethingWentWrong(requestId)}]}})
        return
      }
      const reply = isGraphQL ? await this.graphql(body, viewer, requestId) : await this.rest(method, url, body, viewer, requestId)
      this.elapse(reply)
      // the request ran; its answer is lost on the way back
      if (fault.kind === 'dropAfter') {
        req.socket.destroy()
        return
      }
      if (fault.kind === 'status5xxAfter') {
        this.send(res, requestId, viewer, resource, {status: 502, body: {message: 'Server Error'}})
        return
      }
      this.send(res, requestId, viewer, resource, reply)
    } catch (error) {
      this.stats.serverErrors++
      this.lastServerError = error
      this.send(res, requestId, viewer, resource, {status: 500, body: {message: 'Server Error', documentation_url: isGraphQL ? GRAPHQL_DOCS : REST_DOCS}})
    } finally {
      this.limiter.leave()
    }
  }

  /** The sandbox clock now, and how its times are stated to clients. */
  private time(): SandboxTime {
    return {now: this.clock.now(), stated: (githubMs: number) => realTimeOf(this.clock, githubMs)}
  }

  /**
   * An App route (`/app...`, `/orgs/{org}/installation`, ...): authenticated by the App's JWT, not by a token. Its
   * requests count on the App's own 5,000 an hour (an installation's token has its own limit).
   */
  private async appRoute(req: IncomingMessage, res: ServerResponse, requestId: string, method: string, path: string): Promise<void> {
    const apps = this.backend.apps!
    req.resume()
    const auth = await apps.authenticate(req.headers.authorization, this.time())
    if ('refusal' in auth) {
      this.send(res, requestId, undefined, 'core', {status: auth.refusal.status, body: auth.refusal.body})
      return
    }
    const caller: Viewer = {login: `app:${auth.app.id}`, scopes: []}
    const verdict = this.limiter.admit(caller.login, 'core', {secondaryPoints: method === 'GET' ? SECONDARY_LIMITS.restReadPoints : SECONDARY_LIMITS.restWritePoints, contentCreations: 0, primaryPoints: 1})
    if (!verdict.ok) {
      this.send(res, requestId, caller, 'core', this.refuse(verdict, caller, 'core', requestId))
      return
    }
    this.stats.primaryPoints.rest += 1
    const reply = apps.route(auth.app, method, path, this.time())
    this.send(res, requestId, caller, 'core', {status: reply.status, body: reply.body, headers: reply.headers})
  }

  private async graphql(rawBody: string, viewer: Viewer, requestId: string): Promise<Reply> {
    const payload = parseJson(rawBody)
    if (!payload.ok || typeof payload.value !== 'object' || payload.value === null || Array.isArray(payload.value)) {
      return {status: 400, body: {message: 'Problems parsing JSON', documentation_url: GRAPHQL_DOCS}}
    }
    const request = payload.value as DocumentRequest
    const checked = checkDocument(this.schema, request, viewer.scopes)
    const analysis = checked.ok ? checked.analysis : undefined
    const isMutation = analysis?.operationKind === 'mutation'
    const mutationFields = analysis?.mutationFields ?? []
    const contentCreations = mutationFields.filter((field) => this.backend.isContentCreating(field)).length
    const secondaryPoints = isMutation ? SECONDARY_LIMITS.graphqlMutationPoints : SECONDARY_LIMITS.graphqlQueryPoints
    // A rejected document and a dry run cost no primary points.
    const primaryPoints = analysis && !analysis.dryRun ? analysis.cost : 0

    const verdict = this.limiter.admit(rateKey(viewer), 'graphql', {secondaryPoints, contentCreations, primaryPoints}, viewer.installation?.primaryLimit)
    if (!verdict.ok) return this.refuse(verdict, viewer, 'graphql', requestId)
    this.stats.secondaryPoints.graphql += secondaryPoints
    this.stats.primaryPoints.graphql += primaryPoints

    if (!checked.ok) return {status: 200, body: {errors: checked.errors}}
    const {document, operation} = checked
    const cost = checked.analysis.cost
    const nodeCount = checked.analysis.nodeCount
    if (isMutation) {
      this.stats.mutationRequests++
      this.stats.contentCreations += contentCreations
    }

    const primary = this.limiter.primary(rateKey(viewer), 'graphql', viewer.installation?.primaryLimit)
    const resetSeconds = Math.ceil(realTimeOf(this.clock, primary.resetAt) / 1000)
    const rateLimit = {
      cost,
      limit: primary.limit,
      nodeCount,
      remaining: primary.remaining,
      used: primary.used,
      resetAt: new Date(resetSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    }
    const queryType = this.schema.getQueryType()
    const fieldResolver: GraphQLFieldResolver<unknown, GraphQLContext> = (source, args, context, info) =>
      info.parentType === queryType && info.path.prev === undefined && info.fieldName === 'rateLimit'
        ? rateLimit
        : defaultFieldResolver(source, args, context, info)

    const root = this.backend.graphqlRoot(viewer)
    const timer = this.serverTime ? new RequestTimer(this.serverTime) : undefined
    const mutationType = this.schema.getMutationType()
    const startedAt = this.clock.now()
    const gate = (fieldName: string): void => {
      const content = this.backend.isContentCreating(fieldName)
      // cut off at 10 s: this field and every one after it do not run
      if (timer && !timer.admit(content)) throw new SandboxError('TIMEOUT', 'the request was cut off at the time limit')
      if (content && !this.faults.allowContent(viewer.login, startedAt + (timer?.ms ?? 0))) {
        throw new SandboxError('UNPROCESSABLE', 'was submitted too quickly')
      }
      this.stats.mutationFields++
    }
    const topLevel: GraphQLFieldResolver<unknown, GraphQLContext> = (source, args, context, info) => {
      if (info.path.prev !== undefined) return fieldResolver(source, args, context, info)
      if (info.parentType === mutationType) gate(info.fieldName)
      return fieldResolver(source, args, context, info)
    }
    const result = await execute({
      schema: this.schema,
      document,
      rootValue: operation.operation === 'mutation' ? root.mutation : root.query,
      contextValue: {viewer, now: new Date(this.clock.now())} satisfies GraphQLContext,
      variableValues: (request.variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: operation.name?.value,
      fieldResolver: topLevel,
    })
    if (timer) {
      const rootFields = isMutation ? 0 : Object.keys(result.data ?? {}).length
      timer.charge(rootFields, countObjects(result.data))
      if (timer.timedOut) {
        this.stats.serverTime.timeouts++
        return {status: 502, body: {data: null, errors: [{message: timeoutMessage(requestId)}]}, serverTimeMs: timer.billedMs}
      }
    }
    const body: {data: unknown; errors?: GitHubGraphQLError[]} = {data: result.data ?? null}
    if (result.errors?.length) body.errors = result.errors.map((error) => this.executionError(error, requestId))
    return {status: 200, body, serverTimeMs: timer?.billedMs}
  }

  /** Moves the clock by the server time a request took (a ManualClock only: real and fast clocks move by themselves). */
  private elapse(reply: Reply): void {
    const ms = reply.serverTimeMs
    if (ms === undefined) return
    const stats = this.stats.serverTime
    stats.totalMs += ms
    stats.maxMs = Math.max(stats.maxMs, ms)
    stats.perRequestMs.push(ms)
    const clock = this.clock as Clock & {advance?: (ms: number) => void}
    if (typeof clock.advance === 'function') clock.advance(ms)
  }

  private executionError(error: GraphQLError, requestId: string): GitHubGraphQLError {
    const original = error.originalError
    const path = error.path ? [...error.path] : undefined
    const locations = error.locations?.map(({line, column}) => ({line, column}))
    if (isSandboxError(original)) return {type: original.type, path, locations, message: original.message}
    if (!original || original instanceof GraphQLError) return {path, locations, message: error.message}
    this.stats.serverErrors++
    this.lastServerError = original
    return {
      path,
      locations,
      message: `Something went wrong while executing your query. Please include \`${requestId}\` when reporting this issue.`,
      extensions: {sandboxDetail: original.message},
    }
  }

  private async rest(method: string, url: URL, rawBody: string, viewer: Viewer, requestId: string): Promise<Reply> {
    let path = url.pathname
    if (path === '/api/v3' || path.startsWith('/api/v3/')) path = path.slice('/api/v3'.length) || '/'
    const readOnly = method === 'GET' || method === 'HEAD' || method === 'OPTIONS'
    const secondaryPoints = readOnly ? SECONDARY_LIMITS.restReadPoints : SECONDARY_LIMITS.restWritePoints
    const contentCreations = isContentCreatingRest(method, path) ? 1 : 0
    const verdict = this.limiter.admit(rateKey(viewer), 'core', {secondaryPoints, contentCreations, primaryPoints: 1}, viewer.installation?.primaryLimit)
    if (!verdict.ok) return this.refuse(verdict, viewer, 'core', requestId)
    this.stats.secondaryPoints.rest += secondaryPoints
    this.stats.primaryPoints.rest += 1
    this.stats.contentCreations += contentCreations

    let body: unknown
    if (rawBody.trim() !== '') {
      const parsed = parseJson(rawBody)
      if (!parsed.ok) return {status: 400, body: {message: 'Problems parsing JSON', documentation_url: REST_DOCS}}
      body = parsed.value
    }
    const request: RestRequest = {method, path, query: Object.fromEntries(url.searchParams), body, viewer}
    const serverTimeMs = this.serverTime ? this.serverTime.baseMs + (readOnly ? 0 : contentCreations ? this.serverTime.contentMutationMs : this.serverTime.mutationMs) : undefined
    try {
      const response = await this.backend.rest(request)
      if (!response) return {status: 404, body: {message: 'Not Found', documentation_url: REST_DOCS}, serverTimeMs}
      return {status: response.status, body: response.body, headers: response.headers, serverTimeMs}
    } catch (error) {
      if (isSandboxError(error)) return {status: restStatusOf(error.type), body: {message: error.message, documentation_url: REST_DOCS}, serverTimeMs}
      throw error
    }
  }

  private refuse(verdict: Exclude<Verdict, {ok: true}>, viewer: Viewer, resource: Resource, requestId: string): Reply {
    if (verdict.kind === 'primary') {
      this.stats.limited.primary++
      if (resource === 'graphql') {
        // GraphQL answers an exhausted primary limit with HTTP 200 and an error of type RATE_LIMITED (github/docs#22607)
        return {
          status: 200,
          body: {errors: [{type: 'RATE_LIMITED', message: this.exceeded(viewer)}]},
          headers: {'x-ratelimit-remaining': '0'},
        }
      }
      return {
        status: 403,
        body: {message: this.exceeded(viewer), documentation_url: PRIMARY_DOCS[resource]},
        headers: {'x-ratelimit-remaining': '0'},
      }
    }
    this.stats.limited.secondary++
    return {
      status: 403,
      body: {message: secondaryMessage(requestId), documentation_url: SECONDARY_DOCS[resource]},
      headers: {
        'retry-after': String(realWaitSeconds(this.clock, verdict.retryAfterMs)),
        'x-sandbox-github-retry-after': String(githubWaitSeconds(verdict.retryAfterMs)),
        'x-sandbox-limit': verdict.reason,
      },
    }
  }

  /** GitHub's words for an exhausted primary limit: per user, or per installation for an App's token. */
  private exceeded(viewer: Viewer): string {
    if (viewer.installation) return `API rate limit exceeded for installation ID ${viewer.installation.id}.`
    return `API rate limit exceeded for user ID ${this.userId(viewer.login)}.`
  }

  private send(res: ServerResponse, requestId: string, viewer: Viewer | undefined, resource: Resource, reply: Reply): void {
    if (res.headersSent || res.destroyed) return
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      // GitHub's own clock, as every origin server with a clock sends it (RFC 9110 §6.6.1): the clock the world
      // stamps updatedAt with (an incremental capture compares the two; a client checks its clock against it, e.g. for
      // an App's JWT). Without a world clock: the sandbox clock, as clients are told its times
      date: (this.backend.now?.() ?? new Date(realTimeOf(this.clock, this.clock.now()))).toUTCString(),
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': requestId,
      // installation tokens carry permissions, not OAuth scopes
      'x-oauth-scopes': viewer && !viewer.installation ? viewer.scopes.join(', ') : '',
      ...this.rateLimitHeaders(viewer, resource),
      ...(reply.headers ?? {}),
    }
    const noBody = reply.status === 204 || reply.status === 304 || reply.body === undefined
    const text = noBody ? '' : JSON.stringify(reply.body)
    if (noBody) delete headers['content-type']
    else headers['content-length'] = String(Buffer.byteLength(text))
    res.writeHead(reply.status, headers)
    res.end(text)
  }

  /** x-ratelimit-* for the viewer's primary window (an anonymous caller gets GitHub's unauthenticated 60/hour). */
  private rateLimitHeaders(viewer: Viewer | undefined, resource: Resource): Record<string, string> {
    if (!viewer) {
      const reset = Math.ceil(realTimeOf(this.clock, this.clock.now() + 3_600_000) / 1000)
      return {'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '60', 'x-ratelimit-used': '0', 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': resource}
    }
    const primary = this.limiter.primary(rateKey(viewer), resource, viewer.installation?.primaryLimit)
    return {
      'x-ratelimit-limit': String(primary.limit),
      'x-ratelimit-remaining': String(primary.remaining),
      'x-ratelimit-used': String(primary.used),
      'x-ratelimit-reset': String(Math.ceil(realTimeOf(this.clock, primary.resetAt) / 1000)),
      'x-ratelimit-resource': resource,
    }
  }

  private crash(res: ServerResponse, error: unknown): void {
    this.stats.serverErrors++
    this.lastServerError = error
    if (res.headersSent || res.destroyed) {
      res.destroy()
      return
    }
    const text = JSON.stringify({message: 'Server Error'})
    res.writeHead(500, {'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text))})
    res.end(text)
  }

  private userId(login: string): number {
    let id = this.userIds.get(login)
    if (id === undefined) {
      id = this.userIds.size + 1
      this.userIds.set(login, id)
    }
    return id
  }

  private nextRequestId(): string {
    const n = ++this.requestCounter
    const hex = (value: number, width: number) => (value >>> 0).toString(16).toUpperCase().padStart(width, '0').slice(-width)
    return `5A4D:${hex(this.boundPort, 4)}:${hex(n >>> 16, 6)}:${hex(n, 6)}:${hex(Math.floor(this.clock.now() / 1000), 8)}`
  }
}

/** Starts a sandbox on loopback and resolves once it accepts connections. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  return new SandboxServer(options).listen()
}

/** Whose rate limits a request counts on: the user's, or an App installation's (shared by all its tokens). */
function rateKey(viewer: Viewer): string {
  return viewer.installation ? `installation:${viewer.installation.id}` : viewer.login
}

function secondaryMessage(requestId: string): string {
  return (
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
    `If you reach out to GitHub Support for help, please include the request ID ${requestId}.`
  )
}

/** GitHub's HTTP 200 transient failure (octokit/plugin-retry.js#395). */
function somethingWentWrong(requestId: string): string {
  return `Something went wrong while executing your query. Please include \`${requestId}\` when reporting this issue.`
}

/** GitHub's 502 body for a GraphQL request it ended at the time limit. */
function timeoutMessage(requestId: string): string {
  return `Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include \`${requestId}\` when reporting this issue.`
}

function isSandboxError(error: unknown): error is SandboxError {
  return error instanceof SandboxError || (error instanceof Error && error.name === 'SandboxError' && 'type' in error)
}

function restStatusOf(type: string): number {
  switch (type) {
    case 'NOT_FOUND':
      return 404
    case 'FORBIDDEN':
    case 'INSUFFICIENT_SCOPES':
      return 403
    case 'UNPROCESSABLE':
      return 422
    default:
      return 500
  }
}

function parseJson(text: string): {ok: true; value: unknown} | {ok: false} {
  try {
    return {ok: true, value: JSON.parse(text)}
  } catch {
    return {ok: false}
  }
}

/** The whole request body as text, or undefined when it exceeds MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
