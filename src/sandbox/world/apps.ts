/**
 * GitHub Apps in the sandbox: the routes an App calls with its JSON web token, the installation access tokens it
 * mints, and who such a token is. Shapes follow `@octokit/openapi-types` (components["schemas"]["integration"],
 * ["installation"], ["installation-token"]).
 *
 * What GitHub does, and this reproduces (docs.github.com, "Generating a JSON Web Token (JWT) for a GitHub App",
 * "Authenticating as a GitHub App installation", "Rate limits for the REST API"):
 * - An App authenticates with an RS256 JWT signed by its private key: `iss` is the app id, `iat` the time it was
 *   issued (it may be backdated against clock drift), `exp` at most 10 minutes after it. A JWT whose signature does not
 *   match the app's key answers 401 "A JSON web token could not be decoded"; an unknown `iss` 404 "Integration not
 *   found"; an expired one, one issued in the future or one living too long answer 401 with GitHub's own words
 *   (@octokit/auth-app recognises them and retries with the server's time from the `Date` header).
 * - `POST /app/installations/{installation_id}/access_tokens` mints an installation access token (`ghs_...`) that
 *   expires one hour later (on the sandbox clock); an expired token answers 401 "Bad credentials".
 * - An installation token reaches the installation's account: its repositories (Issues, Metadata, Pull requests
 *   permissions) and, for an organization, its projects (the Projects organization permission). GitHub Apps have no
 *   permission for projects owned by a user, so a user installation's token does not reach the user's private projects.
 * - Its primary rate limit is the installation's: 5,000 an hour, plus 50 for each repository above 20 and, on an
 *   organization, 50 for each member above 20, at most 12,500 (ratelimit.ts `installationRateLimit`).
 */
import {createPublicKey, randomBytes, type KeyObject} from 'node:crypto'
import type {components} from '@octokit/openapi-types'
import {compactVerify, decodeJwt, decodeProtectedHeader} from 'jose'
import type {AppsApi, InstallationGrant, RestResponse, SandboxTime, Viewer} from '../backend.js'
import {installationRateLimit} from '../ratelimit.js'
import {unprocessable} from './checks.js'
import type {Model} from './model.js'
import {simpleUserJson, type SimpleUserJson} from './rest-shapes.js'
import type {AppRec, InstallationRec, OrgRec, UserRec} from './store.js'

type IntegrationJson = NonNullable<components['schemas']['integration']>
type InstallationJson = components['schemas']['installation']
type InstallationTokenJson = components['schemas']['installation-token']

const DOCS = 'https://docs.github.com/rest'
/** An installation access token lives one hour. */
export const INSTALLATION_TOKEN_LIFETIME_MS = 3_600_000
/** A JWT may live at most 10 minutes. */
export const JWT_MAX_LIFETIME_S = 600

/** GitHub's words for each way a JWT is refused (what clients, @octokit/auth-app included, match on). */
export const JWT_MESSAGES = {
  undecodable: 'A JSON web token could not be decoded',
  expired: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  tooLong: "'Expiration time' claim ('exp') is too far in the future",
  issuedInFuture: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
  unknownApp: 'Integration not found',
} as const

/** The REST routes an App calls with its JWT (method and path without /api/v3). */
const APP_ROUTES: Array<[string, RegExp]> = [
  ['GET', /^\/app\/?$/],
  ['GET', /^\/app\/installations\/?$/],
  ['GET', /^\/app\/installations\/\d+\/?$/],
  ['POST', /^\/app\/installations\/\d+\/access_tokens\/?$/],
  ['GET', /^\/orgs\/[^/]+\/installation\/?$/],
  ['GET', /^\/users\/[^/]+\/installation\/?$/],
  ['GET', /^\/repos\/[^/]+\/[^/]+\/installation\/?$/],
]

function problem(status: number, message: string): RestResponse {
  return {status, body: {message, documentation_url: DOCS}}
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export class AppService implements AppsApi {
  /** installation tokens minted since the sandbox started (GitHub time of expiry); not part of the saved world */
  private readonly tokens = new Map<string, {installationId: number; expiresAt: number}>()
  private readonly keys = new Map<number, KeyObject>()

  constructor(private readonly model: Model) {}

  private get apps(): Record<string, AppRec> {
    return this.model.store.apps ?? {}
  }

  private get installations(): Record<string, InstallationRec> {
    return this.model.store.installations ?? {}
  }

  /** True when the world has any app (otherwise the engine never looks at JWTs). */
  get any(): boolean {
    return Object.keys(this.apps).length > 0
  }

  isAppRoute(method: string, path: string): boolean {
    const m = method.toUpperCase()
    return APP_ROUTES.some(([verb, route]) => verb === m && route.test(path))
  }

  /** True for text shaped like a JWT (three base64url parts, a JSON header). */
  static looksLikeJwt(token: string): boolean {
    return /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/.test(token)
  }

  /** True for text shaped like an installation access token. */
  static looksLikeInstallationToken(token: string): boolean {
    return token.startsWith('ghs_')
  }

  /**
   * The viewer behind an installation token, or undefined when the token is unknown or expired (the engine answers
   * 401 "Bad credentials").
   */
  viewerOfToken(token: string, time: SandboxTime): Viewer | undefined {
    const entry = this.tokens.get(token)
    if (!entry) return undefined
    if (time.now >= entry.expiresAt) {
      this.tokens.delete(token)
      return undefined
    }
    const installation = this.installations[String(entry.installationId)]
    const app = installation && this.apps[String(installation.appId)]
    if (!installation || !app) return undefined
    const grant = this.grant(installation, app)
    const bot = this.model.store.users[app.botUserId]
    return {login: bot?.login ?? `${app.slug}[bot]`, scopes: scopesOf(app.permissions), installation: grant}
  }

  /** The app a JWT stands for, or GitHub's refusal. The JWT's times are those of the client's clock: `time.stated`. */
  async authenticate(authorization: string | undefined, time: SandboxTime): Promise<{app: AppRec} | {refusal: RestResponse}> {
    const token = authorization?.match(/^\s*bearer\s+(\S+)\s*$/i)?.[1]
    if (!token || !AppService.looksLikeJwt(token)) return {refusal: problem(401, JWT_MESSAGES.undecodable)}
    let claims: ReturnType<typeof decodeJwt>
    try {
      if (decodeProtectedHeader(token).alg !== 'RS256') return {refusal: problem(401, JWT_MESSAGES.undecodable)}
      claims = decodeJwt(token)
    } catch {
      return {refusal: problem(401, JWT_MESSAGES.undecodable)}
    }
    const app = this.apps[String(claims.iss ?? '')]
    if (!app) return {refusal: problem(claims.iss === undefined ? 401 : 404, claims.iss === undefined ? JWT_MESSAGES.undecodable : JWT_MESSAGES.unknownApp)}
    try {
      await compactVerify(token, this.keyOf(app), {algorithms: ['RS256']})
    } catch {
      return {refusal: problem(401, JWT_MESSAGES.undecodable)}
    }
    const now = Math.floor(time.stated(time.now) / 1000)
    const {iat, exp} = claims
    if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > now) return {refusal: problem(401, JWT_MESSAGES.issuedInFuture)}
    if (typeof exp !== 'number' || exp <= now) return {refusal: problem(401, JWT_MESSAGES.expired)}
    if (exp - iat > JWT_MAX_LIFETIME_S || exp > now + JWT_MAX_LIFETIME_S) return {refusal: problem(401, JWT_MESSAGES.tooLong)}
    return {app}
  }

  /** Answers an App route for an authenticated app. */
  route(ref: {id: number}, method: string, path: string, time: SandboxTime): RestResponse {
    const apiBase = this.model.baseUrl === 'https://github.com' ? 'https://api.github.com' : `${this.model.baseUrl}/api/v3`
    const app = this.apps[String(ref.id)]
    if (!app) return problem(404, JWT_MESSAGES.unknownApp)
    const parts = path.replace(/^\/+|\/+$/g, '').split('/').map(decodeURIComponent)
    const m = method.toUpperCase()
    if (parts[0] === 'app') {
      if (parts.length === 1) return {status: 200, body: this.appJson(app, apiBase)}
      if (parts.length === 2) {
        const list = Object.values(this.installations).filter((i) => i.appId === app.id).sort((a, b) => a.id - b.id)
        return {status: 200, body: list.map((i) => this.installationJson(i, app, apiBase))}
      }
      const installation = this.installations[parts[2]]
      if (!installation || installation.appId !== app.id) return problem(404, 'Not Found')
      if (parts.length === 3) return {status: 200, body: this.installationJson(installation, app, apiBase)}
      if (m === 'POST' && parts[3] === 'access_tokens') return {status: 201, body: this.mint(installation, app, time)}
      return problem(404, 'Not Found')
    }
    const login = parts[1]
    const owner = this.model.ownerOfLogin(login)
    let accountId: string | undefined
    if (parts[0] === 'orgs' && owner?.type === 'Organization') accountId = owner.rec.id
    else if (parts[0] === 'users' && owner?.type === 'User') accountId = owner.rec.id
    else if (parts[0] === 'repos') accountId = this.model.repoOf(parts[1], parts[2])?.ownerId
    const installation = accountId && Object.values(this.installations).find((i) => i.appId === app.id && i.accountId === accountId)
    if (!installation) return problem(404, 'Not Found')
    return {status: 200, body: this.installationJson(installation, app, apiBase)}
  }

  /** Installs an app on an account (the seed does this). */
  install(app: AppRec, accountId: string, options: {id?: number; repositoryCount?: number; userCount?: number} = {}): InstallationRec {
    const store = this.model.store
    store.installations ??= {}
    const id = options.id ?? nextId(store.installations, 1_000_001)
    if (store.installations[String(id)]) throw unprocessable(`installation ${id} already exists`)
    if (Object.values(store.installations).some((i) => i.appId === app.id && i.accountId === accountId)) {
      throw unprocessable(`app ${app.slug} is already installed on ${this.model.ownerLogin(accountId)}`)
    }
    const now = iso(this.model.now().getTime())
    const rec: InstallationRec = {id, appId: app.id, accountId, createdAt: now, updatedAt: now}
    if (options.repositoryCount !== undefined) rec.repositoryCount = options.repositoryCount
    if (options.userCount !== undefined) rec.userCount = options.userCount
    store.installations[String(id)] = rec
    return rec
  }

  /** Registers an app (the seed does this): its bot account is created with it. */
  register(input: {id?: number; slug: string; name?: string; ownerId: string; publicKey: string; permissions?: Record<string, string>}): AppRec {
    const store = this.model.store
    store.apps ??= {}
    const id = input.id ?? nextId(store.apps, 100_001)
    if (store.apps[String(id)]) throw unprocessable(`app ${id} already exists`)
    if (Object.values(store.apps).some((a) => a.slug === input.slug)) throw unprocessable(`an app with the slug ${input.slug} already exists`)
    try {
      createPublicKey(input.publicKey)
    } catch {
      throw unprocessable(`the public key of app ${input.slug} is not a PEM public key`)
    }
    const name = input.name ?? input.slug
    const bot = this.model.addBot(input.slug, name)
    const now = iso(this.model.now().getTime())
    const app: AppRec = {
      id,
      nodeId: `A_kwDO${id.toString(36).toUpperCase().padStart(6, '0')}`,
      slug: input.slug,
      name,
      ownerId: input.ownerId,
      publicKey: input.publicKey,
      permissions: {...(input.permissions ?? DEFAULT_PERMISSIONS)},
      botUserId: bot.id,
      createdAt: now,
      updatedAt: now,
    }
    store.apps[String(id)] = app
    return app
  }

  /** Repositories and users the rate-limit formula counts for an installation. */
  reach(installation: InstallationRec): {repositories: number; users: number; organization: boolean} {
    const store = this.model.store
    const org: OrgRec | undefined = store.orgs[installation.accountId]
    const repositories = installation.repositoryCount ?? Object.values(store.repos).filter((r) => r.ownerId === installation.accountId).length
    const users = installation.userCount ?? (org ? Object.keys(org.members).length : 1)
    return {repositories, users, organization: org !== undefined}
  }

  private grant(installation: InstallationRec, app: AppRec): InstallationGrant {
    const reach = this.reach(installation)
    return {
      id: installation.id,
      appId: app.id,
      accountId: installation.accountId,
      organization: reach.organization,
      permissions: app.permissions,
      primaryLimit: installationRateLimit(reach),
    }
  }

  private mint(installation: InstallationRec, app: AppRec, time: SandboxTime): InstallationTokenJson {
    const token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`
    // one hour of GitHub time; stated to the client on its clock, rounded down to the second as GitHub prints it
    const expiresAt = time.now + INSTALLATION_TOKEN_LIFETIME_MS
    this.tokens.set(token, {installationId: installation.id, expiresAt})
    return {token, expires_at: iso(Math.floor(time.stated(expiresAt) / 1000) * 1000), permissions: app.permissions as InstallationTokenJson['permissions'], repository_selection: 'all'}
  }

  private keyOf(app: AppRec): KeyObject {
    let key = this.keys.get(app.id)
    if (!key) {
      key = createPublicKey(app.publicKey)
      this.keys.set(app.id, key)
    }
    return key
  }

  private accountJson(id: string, apiBase: string): SimpleUserJson {
    const owner = this.model.owner(id)
    const rec: UserRec | OrgRec | undefined = owner?.rec
    return simpleUserJson({login: rec?.login ?? 'ghost', databaseId: rec?.databaseId ?? 0, id: rec?.id ?? ''}, owner?.type ?? 'User', apiBase, this.model.baseUrl)
  }

  private appJson(app: AppRec, apiBase: string): IntegrationJson {
    return {
      id: app.id,
      slug: app.slug,
      node_id: app.nodeId,
      client_id: `Iv23li${app.id.toString(16).padStart(14, '0')}`,
      owner: this.accountJson(app.ownerId, apiBase),
      name: app.name,
      description: null,
      external_url: `${this.model.baseUrl}/apps/${app.slug}`,
      html_url: `${this.model.baseUrl}/apps/${app.slug}`,
      created_at: app.createdAt,
      updated_at: app.updatedAt,
      permissions: {...app.permissions},
      events: [],
      installations_count: Object.values(this.installations).filter((i) => i.appId === app.id).length,
    }
  }

  private installationJson(installation: InstallationRec, app: AppRec, apiBase: string): InstallationJson {
    const account = this.accountJson(installation.accountId, apiBase)
    const base = this.model.baseUrl
    return {
      id: installation.id,
      account,
      repository_selection: 'all',
      access_tokens_url: `${apiBase}/app/installations/${installation.id}/access_tokens`,
      repositories_url: `${apiBase}/installation/repositories`,
      html_url:
        account.type === 'Organization'
          ? `${base}/organizations/${account.login}/settings/installations/${installation.id}`
          : `${base}/settings/installations/${installation.id}`,
      app_id: app.id,
      client_id: `Iv23li${app.id.toString(16).padStart(14, '0')}`,
      target_id: account.id as number,
      target_type: account.type,
      permissions: app.permissions as InstallationJson['permissions'],
      events: [],
      created_at: installation.createdAt,
      updated_at: installation.updatedAt,
      single_file_name: null,
      has_multiple_single_files: false,
      single_file_paths: [],
      app_slug: app.slug,
      suspended_by: null,
      suspended_at: null,
    }
  }
}

/** What a backup App needs: Projects (organization) read/write, Issues read/write, Metadata read, Pull requests read. */
export const DEFAULT_PERMISSIONS: Readonly<Record<string, string>> = Object.freeze({
  organization_projects: 'write',
  issues: 'write',
  metadata: 'read',
  pull_requests: 'read',
})

/**
 * The OAuth scopes the engine's GraphQL checks see for an installation (Apps have permissions, not scopes): project
 * scopes from the Projects organization permission, repo from Issues/Metadata. What the installation reaches is
 * decided per object by the reader (a user's projects: none, whatever the permission).
 */
function scopesOf(permissions: Record<string, string>): string[] {
  const scopes = ['repo', 'read:org']
  const projects = permissions.organization_projects
  if (projects === 'write' || projects === 'admin') scopes.push('project')
  else if (projects === 'read') scopes.push('read:project')
  return scopes
}

function nextId(table: Record<string, unknown>, first: number): number {
  const ids = Object.keys(table).map(Number).filter(Number.isFinite)
  return ids.length ? Math.max(...ids) + 1 : first
}
