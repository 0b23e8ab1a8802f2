/**
 * GitHub App authentication: the App's id and private key (from the environment), the installation (given, or found
 * from the owner of the project), and installation access tokens minted with @octokit/auth-app and renewed before
 * they expire (GitHub's last one hour), so that a backup running longer than an hour does not fail midway.
 *
 * The environment (the contract other parts rely on, docs/github-app.md):
 *   GITHUB_PM_APP_ID                 the App's id (or its client id); when set, App credentials win over GH_TOKEN
 *   GITHUB_PM_APP_PRIVATE_KEY        the private key's PEM text (literal "\n" escapes accepted, as CI secrets hold it)
 *   GITHUB_PM_APP_PRIVATE_KEY_FILE   or the path of the .pem file
 *   GITHUB_PM_APP_INSTALLATION_ID    optional: otherwise found from the owner (GET /orgs/{org}/installation, then
 *                                    /users/{username}/installation), or the App's only installation
 *
 * Times: GitHub judges a JWT and a token's expiry on ITS clock, so the provider keeps the offset between GitHub's
 * `Date` header and this machine's clock (`ServerClock`), signs JWTs on GitHub's time and renews a token when GitHub's
 * time comes within `renewBeforeMs` of its `expires_at`.
 */
import {createPrivateKey} from 'node:crypto'
import {promises as fs} from 'node:fs'
import type {createAppAuth} from '@octokit/auth-app'
import {UserError} from '../util/errors.js'
import {redact, registerSecret} from '../util/secrets.js'
import {GitHubError, isGitHubError} from './errors.js'

export const APP_ENV = {
  id: 'GITHUB_PM_APP_ID',
  key: 'GITHUB_PM_APP_PRIVATE_KEY',
  keyFile: 'GITHUB_PM_APP_PRIVATE_KEY_FILE',
  installation: 'GITHUB_PM_APP_INSTALLATION_ID',
} as const

export interface AppCredentials {
  /** the App's id (digits) or client id (Iv...) */
  appId: string
  /** PEM text of the private key (registered as a secret) */
  privateKey: string
  installationId?: number
}

/** A source of the token every request sends. */
export interface TokenProvider {
  /** 'token': a fixed token (GH_TOKEN, ...); 'app': a GitHub App's installation tokens */
  readonly kind: 'token' | 'app'
  /** the token to send now; an App's is minted on first use and renewed shortly before it expires */
  token(): Promise<string>
  /**
   * GitHub answered 401 "Bad credentials" to a request sent with `used`: a new token to send the request again with
   * (once), or undefined when a new token cannot help (a fixed token).
   */
  renew?(used: string): Promise<string | undefined>
}

/** A fixed token. */
export function fixedToken(token: string): TokenProvider {
  registerSecret(token)
  return {kind: 'token', token: async () => token}
}

/** The offset between GitHub's clock (its `Date` headers) and this machine's. */
export class ServerClock {
  private offsetMs = 0
  private seen = false

  /** Notes a `Date` header of an answer. */
  observe(date: unknown): void {
    if (typeof date !== 'string') return
    const at = Date.parse(date)
    if (!Number.isFinite(at)) return
    // the header has whole seconds: the answer was made up to a second after `at`
    this.offsetMs = at + 500 - Date.now()
    this.seen = true
  }

  /** GitHub's time now, as far as the answers so far tell (this machine's clock before the first answer). */
  now(): number {
    return Date.now() + this.offsetMs
  }

  /** Whole seconds GitHub's clock is ahead of this machine's (0 before any answer). */
  get differenceSeconds(): number {
    return this.seen ? Math.round(this.offsetMs / 1000) : 0
  }
}

/**
 * The App credentials in `env`, or undefined when GITHUB_PM_APP_ID and the other App variables are all unset.
 * Half-set variables are a one-line UserError naming what is missing; a key that is not a PEM private key too.
 */
export async function appCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<AppCredentials | undefined> {
  const id = clean(env[APP_ENV.id])
  const keyText = env[APP_ENV.key]?.trim() ? env[APP_ENV.key] : undefined
  const keyFile = clean(env[APP_ENV.keyFile])
  const installation = clean(env[APP_ENV.installation])
  if (keyText) registerKey(keyText)
  if (!id) {
    const set = [keyText && APP_ENV.key, keyFile && APP_ENV.keyFile, installation && APP_ENV.installation].filter(Boolean)
    if (set.length === 0) return undefined
    throw usage(`${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set but ${APP_ENV.id} is not: set ${APP_ENV.id} to the GitHub App's id (docs/github-app.md), or unset ${set.join(' and ')} to use GH_TOKEN`)
  }
  if (!/^\d+$/.test(id) && !/^Iv[0-9A-Za-z.]+$/.test(id)) {
    throw usage(`${APP_ENV.id} "${redact(id).slice(0, 40)}" is not a GitHub App id: use the number (or the client id, Iv...) shown on the App's settings page`)
  }
  if (!keyText && !keyFile) {
    throw usage(`${APP_ENV.id} is set but the App's private key is missing: set ${APP_ENV.key} (the PEM text) or ${APP_ENV.keyFile} (the path of the .pem file)`)
  }
  if (keyText && keyFile) throw usage(`both ${APP_ENV.key} and ${APP_ENV.keyFile} are set: set only one of them`)
  let installationId: number | undefined
  if (installation) {
    if (!/^\d+$/.test(installation) || !Number.isSafeInteger(Number(installation)) || Number(installation) <= 0) {
      throw usage(`${APP_ENV.installation} "${installation.slice(0, 40)}" is not an installation id: use the number at the end of the installation's settings URL, or unset it to find the installation from the project's owner`)
    }
    installationId = Number(installation)
  }
  const source = keyText ? APP_ENV.key : `${APP_ENV.keyFile} (${keyFile})`
  let raw = keyText
  if (!raw) {
    try {
      raw = await fs.readFile(keyFile!, 'utf8')
    } catch (error) {
      throw usage(`cannot read the App's private key from ${APP_ENV.keyFile} (${keyFile}): ${(error as NodeJS.ErrnoException).code ?? 'error'}`)
    }
    registerKey(raw)
  }
  const privateKey = normalizeKey(raw)
  registerKey(privateKey)
  try {
    const key = createPrivateKey(privateKey)
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA')
  } catch {
    throw usage(`${source} is not an RSA private key in PEM form: use the whole .pem file GitHub generated for the App (-----BEGIN RSA PRIVATE KEY----- ... -----END RSA PRIVATE KEY-----)`)
  }
  return {appId: id, privateKey, ...(installationId === undefined ? {} : {installationId})}
}

/** PEM text from a secret store: literal "\n" escapes become line breaks, CRLF becomes LF, surrounding quotes go. */
export function normalizeKey(text: string): string {
  let key = text.trim()
  if ((key.startsWith('"') && key.endsWith('"')) || (key.startsWith("'") && key.endsWith("'"))) key = key.slice(1, -1).trim()
  key = key.replace(/\\r\\n|\\n/g, '\n').replace(/\r\n/g, '\n')
  return key.endsWith('\n') ? key : `${key}\n`
}

/** The key as a whole and every line of its body: a partial leak is redacted too. */
function registerKey(text: string): void {
  registerSecret(text)
  registerSecret(text.trim())
  for (const line of text.replace(/\\n/g, '\n').split(/\r?\n/)) {
    const body = line.trim()
    if (body.length >= 16 && !body.startsWith('-----')) registerSecret(body)
  }
}

/** What the provider sends its App requests with: the client's own Octokit `request` (GHES base URL, retries). */
export type AppRequest = (route: string, parameters?: Record<string, unknown>) => Promise<{data: any; headers: Record<string, unknown>}>

export interface AppTokenProviderOptions {
  credentials: AppCredentials
  /** the login whose installation to use when no installation id is given (the project's owner, --owner) */
  owner?: string
  request: AppRequest
  clock: ServerClock
  /** renew a token when it has less than this left on GitHub's clock (default 5 minutes) */
  renewBeforeMs?: number
}

export const RENEW_BEFORE_MS = 5 * 60_000

export interface AppTokenProvider extends TokenProvider {
  readonly kind: 'app'
  /** the installation in use (found on first use) */
  installationId(): Promise<number>
  /** tokens minted so far (the first one included) */
  readonly minted: number
}

const silent = {debug: () => {}, info: () => {}, warn: () => {}, error: () => {}}

/** GitHub's answers to a JWT whose times it does not accept (matched by @octokit/auth-app too). */
const JWT_TIME = /'Expiration time' claim \('exp'\)|'Issued at' claim \('iat'\)/

/**
 * Installation access tokens of a GitHub App, minted with @octokit/auth-app and renewed before they expire, or on
 * a 401 "Bad credentials". Concurrent callers share one minting.
 */
export function appTokenProvider(options: AppTokenProviderOptions): AppTokenProvider {
  const {credentials, clock, request} = options
  const renewBeforeMs = options.renewBeforeMs ?? RENEW_BEFORE_MS
  registerKey(credentials.privateKey)
  let current: {token: string; expiresAt: number} | undefined
  let pending: Promise<string> | undefined
  let installation: Promise<number> | undefined
  let minted = 0

  /**
   * auth-app on GitHub's time: JWTs are signed with `iat` on GitHub's clock as the answers tell it. @octokit/auth-app
   * is imported here, by the runs that use an App (a token run never loads it).
   */
  const appAuth = async () => {
    const {createAppAuth} = await import('@octokit/auth-app')
    return createAppAuth({
      appId: credentials.appId,
      privateKey: credentials.privateKey,
      request: request as any,
      log: silent,
      // auth-app's own knob for a clock that differs from GitHub's (it signs the JWT at now + timeDifference)
      timeDifference: clock.differenceSeconds,
    })
  }

  /** Runs an App request, once more when GitHub refused the JWT's times (its Date header then corrected the clock). */
  const withJwt = async <T>(fn: (auth: ReturnType<typeof createAppAuth>) => Promise<T>): Promise<T> => {
    try {
      return await fn(await appAuth())
    } catch (error) {
      if (!JWT_TIME.test(String((error as any)?.message ?? ''))) throw appError(error, credentials.appId)
      try {
        return await fn(await appAuth())
      } catch (again) {
        throw appError(again, credentials.appId)
      }
    }
  }

  const appJwt = async (auth: ReturnType<typeof createAppAuth>): Promise<string> => {
    const {token} = await auth({type: 'app'})
    registerSecret(token)
    return token
  }

  const findInstallation = async (): Promise<number> => {
    if (credentials.installationId !== undefined) return credentials.installationId
    const owner = options.owner
    if (owner) {
      for (const route of ['GET /orgs/{owner}/installation', 'GET /users/{owner}/installation']) {
        try {
          const {data} = await withJwt(async (auth) => request(route, {owner, headers: {authorization: `bearer ${await appJwt(auth)}`}}))
          return Number(data.id)
        } catch (error) {
          // GitHubError: the App itself was refused (its id, its key), not merely absent from this account
          if ((error as any)?.status !== 404 || isGitHubError(error)) throw error
        }
      }
      throw new UserError(
        `the GitHub App ${credentials.appId} is not installed on ${owner}: install it on that account (docs/github-app.md) or set ${APP_ENV.installation}`,
        {code: 'EAPPINSTALL'},
      )
    }
    const {data} = await withJwt(async (auth) => request('GET /app/installations', {per_page: 100, headers: {authorization: `bearer ${await appJwt(auth)}`}}))
    const list = (Array.isArray(data) ? data : []) as Array<{id: number; account?: {login?: string} | null}>
    if (list.length === 1) return Number(list[0].id)
    const accounts = list.map((i) => i.account?.login ?? String(i.id))
    throw new UserError(
      list.length === 0
        ? `the GitHub App ${credentials.appId} is not installed on any account: install it on the organization whose projects to back up (docs/github-app.md)`
        : `the GitHub App ${credentials.appId} is installed on ${list.length} accounts (${accounts.slice(0, 5).join(', ')}${list.length > 5 ? ', ...' : ''}): set ${APP_ENV.installation}, or name the project by its URL or OWNER/NUMBER`,
      {code: 'EAPPINSTALL'},
    )
  }

  const installationId = (): Promise<number> => {
    installation ??= findInstallation().catch((error) => {
      installation = undefined
      throw error
    })
    return installation
  }

  const mint = async (): Promise<string> => {
    const id = await installationId()
    const result = await withJwt((auth) => auth({type: 'installation', installationId: id, refresh: true})).catch((error) => {
      if ((error as any)?.status === 404 && !isGitHubError(error)) {
        throw new UserError(`the GitHub App ${credentials.appId} has no installation ${id} (GitHub answered 404): check ${APP_ENV.installation}, or unset it to find the installation from the project's owner`, {code: 'EAPPINSTALL'})
      }
      throw error
    })
    registerSecret(result.token)
    minted++
    const expiresAt = Date.parse(result.expiresAt)
    current = {token: result.token, expiresAt: Number.isFinite(expiresAt) ? expiresAt : clock.now() + 55 * 60_000}
    return result.token
  }

  /** One minting at a time: callers that ask meanwhile get the same token. */
  const renewNow = (): Promise<string> => {
    pending ??= mint().finally(() => {
      pending = undefined
    })
    return pending
  }

  return {
    kind: 'app',
    get minted() {
      return minted
    },
    installationId,
    async token() {
      if (current && current.expiresAt - clock.now() > renewBeforeMs) return current.token
      return renewNow()
    },
    async renew(used: string) {
      // another caller may have renewed it already
      if (current && current.token !== used && current.expiresAt - clock.now() > renewBeforeMs) return current.token
      return renewNow()
    },
  }
}

/** The one-line error for a refusal of the App's own requests (its JWT, its installation). */
function appError(error: unknown, appId: string): unknown {
  const e = error as any
  if (!e || typeof e !== 'object' || typeof e.status !== 'number') return error
  const said = String(e.response?.data?.message ?? e.message ?? '').split(' - ')[0].slice(0, 200)
  if (e.status === 401) {
    return new GitHubError(
      'auth',
      `GitHub refused the GitHub App's credentials (${said}): check that ${APP_ENV.id} (${appId}) is the App's id and the private key is a current key of that App (docs/github-app.md)`,
      {status: 401, cause: e},
    )
  }
  if (e.status === 404 && /Integration not found/i.test(said)) {
    return new GitHubError('auth', `GitHub knows no GitHub App with the id ${appId} (${said}): check ${APP_ENV.id}`, {status: 404, cause: e})
  }
  return error
}

function usage(message: string): UserError {
  return new UserError(message, {code: 'EAPPCONFIG'})
}

function clean(value: string | undefined): string | undefined {
  const v = value?.trim()
  return v ? v : undefined
}
