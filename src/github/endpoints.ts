import {UserError} from '../util/errors.js'
import {redact} from '../util/secrets.js'

/** Where the client sends its requests. `host` is the web host project URLs live on (github.com, a GHES host, ...). */
export interface Endpoints {
  graphqlUrl: string
  restUrl: string
  host: string
}

export interface EndpointOverrides {
  /** an API root (REST root; `/api/v3` roots map GraphQL to `/api/graphql`); wins over GITHUB_API_URL and GH_HOST */
  apiUrl?: string
  /** a host name (GHES); wins over GH_HOST */
  host?: string
}

const GITHUB = 'github.com'
const GHES_REST = /\/api\/v3$/

/**
 * Resolves the API roots:
 * - an explicit API URL (`overrides.apiUrl`, else GITHUB_API_URL) wins: REST at that root, GraphQL at `ROOT/graphql`,
 *   or at `/api/graphql` when the root ends in `/api/v3` (GHES). This is also how everything points at the sandbox.
 * - else a host (`overrides.host`, else GH_HOST) other than github.com: GHES, `https://HOST/api/v3` and
 *   `https://HOST/api/graphql` (GitHub Enterprise Cloud hosts `*.ghe.com` use `https://api.HOST`).
 * - else github.com: `https://api.github.com` and `https://api.github.com/graphql`.
 */
export function resolveEndpoints(env: NodeJS.ProcessEnv = process.env, overrides: EndpointOverrides = {}): Endpoints {
  const apiUrl = nonEmpty(overrides.apiUrl) ?? nonEmpty(env.GITHUB_API_URL)
  const hostSetting = nonEmpty(overrides.host) ?? nonEmpty(env.GH_HOST)
  if (apiUrl) return fromApiUrl(apiUrl, hostSetting)
  const host = hostSetting ? normalizeHost(hostSetting) : GITHUB
  if (host === GITHUB) return {restUrl: 'https://api.github.com', graphqlUrl: 'https://api.github.com/graphql', host}
  if (host.endsWith('.ghe.com')) {
    return {restUrl: `https://api.${host}`, graphqlUrl: `https://api.${host}/graphql`, host}
  }
  return {restUrl: `https://${host}/api/v3`, graphqlUrl: `https://${host}/api/graphql`, host}
}

/** True when the API is served from this machine (the sandbox), where project URLs of any host are accepted. */
export function isLoopback(endpoints: Pick<Endpoints, 'restUrl'>): boolean {
  const {hostname} = new URL(endpoints.restUrl)
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

/** Lower-cases a host and maps GitHub's API and www hosts to github.com. */
export function canonicalHost(host: string): string {
  const h = host.toLowerCase()
  return h === 'api.github.com' || h === 'www.github.com' ? GITHUB : h
}

function fromApiUrl(text: string, hostSetting: string | undefined): Endpoints {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UserError(`GitHub API URL "${redact(text)}" is not a URL: use an http(s) root such as https://ghe.example.com/api/v3`, {code: 'EENDPOINT'})
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`GitHub API URL "${redact(text)}" must use http or https (got ${url.protocol.replace(/:$/, '')})`, {code: 'EENDPOINT'})
  }
  if (url.username || url.password) {
    throw new UserError('GitHub API URL must not contain credentials: pass the token in GH_TOKEN or GITHUB_TOKEN', {code: 'EENDPOINT'})
  }
  const root = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`
  const ghes = GHES_REST.test(root)
  // The web host: a GH_HOST set alongside an explicit API URL names it; otherwise the API URL's own host.
  const host = hostSetting ? normalizeHost(hostSetting) : ghes ? canonicalHost(url.host) : apiHost(url.host)
  return {
    restUrl: root,
    graphqlUrl: ghes ? root.replace(GHES_REST, '/api/graphql') : `${root}/graphql`,
    host,
  }
}

function apiHost(host: string): string {
  const h = canonicalHost(host)
  // GitHub Enterprise Cloud with data residency: api.TENANT.ghe.com serves TENANT.ghe.com
  return /^api\.[^.]+\.ghe\.com$/.test(h) ? h.slice(4) : h
}

function normalizeHost(text: string): string {
  const bare = text.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '')
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(bare)) {
    throw new UserError(`GH_HOST "${redact(text)}" is not a host name: use e.g. GH_HOST=ghe.example.com`, {code: 'EENDPOINT'})
  }
  return canonicalHost(bare)
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim()
  return v ? v : undefined
}
