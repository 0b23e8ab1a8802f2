import {UserError} from '../util/errors.js'
import {redact} from '../util/secrets.js'

export type GitHubErrorKind =
  | 'not-found'
  | 'forbidden'
  | 'scopes'
  | 'auth'
  | 'rate-limit'
  | 'secondary-limit'
  | 'network'
  | 'server'
  | 'graphql'
  | 'http'
  | 'ambiguous'
  | 'deadline'

/** A GraphQL error as GitHub sends it. */
export interface GraphqlErrorEntry {
  type?: string
  message: string
  path?: Array<string | number>
  locations?: Array<{line: number; column: number}>
}

/**
 * A GitHub failure the user can act on: one line, no token. `kind` tells callers what happened without parsing the
 * message; `errors` and `data` keep a GraphQL response's errors and partial data (GitHub answers both when some
 * nodes are hidden from the token); `cause` is the original Octokit error.
 */
/**
 * Marks a GitHubError so that it is recognised even when it comes from another copy of this module: a host CLI or a
 * test runner can load the plugin's modules twice (CommonJS and ESM), and `instanceof` then fails across the copies.
 */
const GITHUB_ERROR = Symbol.for('github-pm.GitHubError')

export class GitHubError extends UserError {
  readonly kind: GitHubErrorKind
  readonly status?: number
  readonly errors?: GraphqlErrorEntry[]
  declare readonly data?: unknown

  constructor(
    kind: GitHubErrorKind,
    message: string,
    options: {status?: number; errors?: GraphqlErrorEntry[]; data?: unknown; cause?: unknown} = {},
  ) {
    super(redact(message), {kind: 'github', code: 'GH_' + kind.toUpperCase().replace('-', '_'), cause: scrubSecrets(options.cause)})
    this.kind = kind
    if (options.status !== undefined) this.status = options.status
    if (options.errors) this.errors = options.errors.map((e) => ({...e, message: redact(String(e.message))}))
    // partial data can be large: kept off JSON and log dumps of the error
    Object.defineProperty(this, 'data', {value: options.data, enumerable: false})
    Object.defineProperty(this, GITHUB_ERROR, {value: true, enumerable: false})
  }
}

/**
 * Redacts, in place, every string inside an error kept as `cause` (message, stack, the request and response it
 * carries), so that not even a server echoing the token can leak it through an error dump. Returns its argument.
 */
export function scrubSecrets<T>(value: T, seen = new WeakSet<object>(), depth = 0): T {
  if (!value || typeof value !== 'object' || seen.has(value) || depth > 12) return value
  seen.add(value)
  const target = value as Record<string | symbol, unknown>
  const keys = new Set<string>(Object.getOwnPropertyNames(value))
  if (value instanceof Error) for (const key of ['message', 'stack', 'cause']) keys.add(key)
  for (const key of keys) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)
    if (!descriptor || !('value' in descriptor) || !descriptor.writable) continue
    const v = descriptor.value
    if (typeof v === 'string') {
      const clean = redact(v)
      if (clean !== v) target[key] = clean
    } else if (v && typeof v === 'object') {
      scrubSecrets(v, seen, depth + 1)
    }
  }
  return value
}

/**
 * A write (GraphQL mutation, REST POST) that failed in a way that does not say whether GitHub applied it: a 5xx
 * (a 502/504 at the 10-second limit comes AFTER what fit ran), an HTTP 200 "Something went wrong", a dropped
 * connection or a timeout ("we cannot be confident that server-side transactions haven't been made",
 * github/gh-gei#707). The client never sends such a write again; the caller re-reads what it changes and decides.
 */
export function ambiguousError(error: unknown, what: string): GitHubError | undefined {
  const e = error as any
  if (!e || typeof e !== 'object' || typeof e.status !== 'number' || e.status < 500) return undefined
  if (e instanceof GitHubError) return undefined
  const how = e.response ? `GitHub answered ${e.status}` : 'the connection failed before GitHub answered'
  return new GitHubError(
    'ambiguous',
    `${what} may or may not have been applied (${how}: ${String(e.message ?? '').split('\n')[0].slice(0, 200)}); it is not sent again blindly: re-read the project, then apply what is still missing`,
    {status: e.status, cause: e},
  )
}

export function isGitHubError(error: unknown, kind?: GitHubErrorKind): error is GitHubError {
  const ours = error instanceof GitHubError || (error instanceof Error && (error as unknown as Record<symbol, unknown>)[GITHUB_ERROR] === true)
  return ours && (kind === undefined || (error as GitHubError).kind === kind)
}

/**
 * Maps an Octokit failure (HTTP error, GraphQL error response, network failure, rate limit) to a one-line
 * `GitHubError` naming `context` (what was being looked for or done, e.g. `project octo/3`). The original stays
 * as `cause`. A UserError passes through unchanged; any other error (a bug, not a GitHub answer) is returned as is,
 * so it keeps its stack.
 */
export function toUserError(error: unknown, context?: string): Error {
  if (error instanceof UserError) return error
  if (!(error instanceof Error)) return new Error(redact(String(error)))
  const e = error as any
  const limit = rateLimitError(e, context)
  if (limit) return limit
  if (Array.isArray(e.errors) && e.name === 'GraphqlResponseError') return fromGraphql(e, context)
  if (typeof e.status === 'number' && (e.name === 'HttpError' || e.request || e.name === 'AbortError')) return fromHttp(e, context)
  return error
}

/** The rate-limit figures in response headers, when present. */
export function rateLimitOf(headers: Record<string, unknown> | undefined): {limit?: number; remaining?: number; used?: number; reset?: Date; resource?: string} {
  if (!headers) return {}
  const num = (name: string): number | undefined => {
    const v = headers[name]
    if (v === undefined || v === null || v === '') return undefined
    const n = Number(v)
    return Number.isFinite(n) ? n : undefined
  }
  const reset = num('x-ratelimit-reset')
  const resource = headers['x-ratelimit-resource']
  return {
    limit: num('x-ratelimit-limit'),
    remaining: num('x-ratelimit-remaining'),
    used: num('x-ratelimit-used'),
    reset: reset === undefined ? undefined : new Date(reset * 1000),
    resource: typeof resource === 'string' ? resource : undefined,
  }
}

/** The exhausted-primary-limit message, with the figures GitHub sent. */
export function rateLimitMessage(figures: {limit?: number; remaining?: number; reset?: Date}): string {
  const left = figures.limit === undefined ? `${figures.remaining ?? 0} points left` : `${figures.remaining ?? 0} of ${figures.limit} points left`
  const when = figures.reset ? `it resets at ${figures.reset.toISOString().replace(/\.\d{3}Z$/, 'Z')}` : 'it resets within the hour'
  return `GitHub API rate limit exhausted (${left}); ${when}. Try again then, or use a token with a higher limit.`
}

export function isSecondaryLimitMessage(message: string): boolean {
  return /\bsecondary rate\b|abuse detection/i.test(message)
}

function rateLimitError(e: any, context: string | undefined): GitHubError | undefined {
  const headers: Record<string, unknown> | undefined = e.response?.headers ?? e.headers
  const figures = rateLimitOf(headers)
  const graphqlErrors: GraphqlErrorEntry[] = e.errors ?? e.response?.data?.errors ?? e.data?.errors ?? []
  const rateLimited = Array.isArray(graphqlErrors) && graphqlErrors.some((x) => x?.type === 'RATE_LIMITED')
  const status: number | undefined = typeof e.status === 'number' ? e.status : undefined
  const message = String(e.message ?? '')
  if ((status === 403 || status === 429) && isSecondaryLimitMessage(message)) {
    return new GitHubError(
      'secondary-limit',
      `GitHub's secondary rate limit still applied after retrying${context ? ` (${context})` : ''}; wait a few minutes, then try again`,
      {status, cause: e},
    )
  }
  if (rateLimited || (figures.remaining === 0 && (status === undefined || status === 403 || status === 429))) {
    return new GitHubError('rate-limit', rateLimitMessage(figures), {status, cause: e})
  }
  return undefined
}

function fromGraphql(e: any, context: string | undefined): GitHubError {
  const errors: GraphqlErrorEntry[] = e.errors
  const first = errors[0] ?? {message: 'unknown GraphQL error'}
  const msg = String(first.message ?? '').trim()
  const opts = {errors, data: e.data, cause: e}
  switch (first.type) {
    case 'NOT_FOUND':
      return new GitHubError('not-found', context ? `Not found: ${context} (GitHub: ${msg})` : `Not found: ${msg}`, opts)
    case 'FORBIDDEN':
      return new GitHubError('forbidden', forbiddenMessage(context, msg), opts)
    case 'INSUFFICIENT_SCOPES':
      return new GitHubError('scopes', scopesMessage(requiredScopes(msg), context), opts)
    default:
      return new GitHubError('graphql', context ? `${context}: ${msg}` : msg, opts)
  }
}

function fromHttp(e: any, context: string | undefined): GitHubError {
  const status: number = e.status
  const method: string = e.request?.method ?? ''
  const url: string = e.request?.url ?? ''
  const what = context ?? `${method} ${pathOf(url)}`.trim()
  const msg = String(e.message ?? '').trim()
  const opts = {status, cause: e}
  if (!e.response) {
    // fetch itself failed: refused, reset or dropped connection, DNS, timeout
    return new GitHubError('network', `Could not reach GitHub${url ? ` at ${originOf(url)}` : ''} (${msg || 'connection failed'}); check the network, GH_HOST or GITHUB_API_URL, then try again`, opts)
  }
  if (status === 401) {
    return new GitHubError('auth', 'GitHub rejected the token (expired or revoked?): set a valid GH_TOKEN or GITHUB_TOKEN, or run `gh auth login`', opts)
  }
  const headers: Record<string, unknown> = e.response.headers ?? {}
  if (status === 403 || status === 404) {
    const missing = missingScopes(headers)
    if (missing.length > 0) return new GitHubError('scopes', scopesMessage(missing, what), opts)
  }
  if (status === 403) return new GitHubError('forbidden', forbiddenMessage(what, msg), opts)
  if (status === 404) return new GitHubError('not-found', `Not found: ${what}, or your token cannot see it (GitHub answered 404)`, opts)
  if (status >= 500) return new GitHubError('server', `GitHub answered ${status} for ${what} even after retrying (${msg}); try again later`, opts)
  return new GitHubError('http', `GitHub refused ${what} (${status}: ${msg})`, opts)
}

function forbiddenMessage(what: string | undefined, msg: string): string {
  return `Your token cannot access ${what ?? 'this resource'} (GitHub: ${msg}); ask an owner to grant access`
}

function scopesMessage(scopes: string[], what: string | undefined): string {
  const needed = scopes.length > 0 ? scopes : ['read:project']
  const names = needed.join(' or ')
  const plural = needed.length > 1 ? 's' : ''
  return (
    `Your token lacks the ${names} scope${plural} needed for ${what ?? 'this request'}: ` +
    `add it with \`gh auth refresh -s ${needed[0]}\`, or use a token that has it ` +
    '(read:project to back up, project to restore, repo for private issues)'
  )
}

/** Scopes GitHub names in an INSUFFICIENT_SCOPES message: "... requires one of the following scopes: ['read:project'] ...". */
function requiredScopes(message: string): string[] {
  const m = /following scopes: \[([^\]]*)\]/i.exec(message)
  if (!m) return []
  return m[1]
    .split(',')
    .map((s) => s.trim().replace(/^['"]|['"]$/g, ''))
    .filter(Boolean)
}

/** REST: x-accepted-oauth-scopes lists what the route accepts, x-oauth-scopes what the token has. */
function missingScopes(headers: Record<string, unknown>): string[] {
  const list = (name: string) =>
    typeof headers[name] === 'string'
      ? (headers[name] as string).split(',').map((s) => s.trim()).filter(Boolean)
      : undefined
  const accepted = list('x-accepted-oauth-scopes')
  const granted = list('x-oauth-scopes')
  if (!accepted || accepted.length === 0 || !granted) return []
  const has = (scope: string) => granted.includes(scope) || (scope.startsWith('read:') && granted.includes(scope.slice(5)))
  return accepted.some(has) ? [] : accepted
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}
