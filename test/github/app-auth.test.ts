import {expect} from 'chai'
import {createPrivateKey} from 'node:crypto'
import {promises as fs} from 'node:fs'
import {createServer, request as httpRequest, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {runBackup} from '../../src/app/backup.js'
import {connect, openSession, repository, resolveLiveProject} from '../../src/app/session.js'
import {appCredentialsFromEnv, type AppTokenProvider} from '../../src/github/auth-app.js'
import {createClient, type GitHubClient} from '../../src/github/client.js'
import {UserError} from '../../src/util/errors.js'
import {redact} from '../../src/util/secrets.js'
import {SignJWT} from 'jose'
import {APP_ID, generateAppKeys, INSTALLATION_ID, startAppSandbox, type AppKeys, type AppSandbox} from '../helpers/app.js'

const PROJECT = 'acme/1'
const ITEMS = 'query Items($p: ID!) { node(id: $p) { ... on ProjectV2 { title items(first: 5) { totalCount } } } }'

async function rejection(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  )
}

/** GitHub App authentication against the sandbox: JWT routes, installation tokens, renewal, limits, secrets. */
describe('github/app-auth: GitHub App authentication', function () {
  this.timeout(60_000)
  let keys: AppKeys
  let s: AppSandbox
  let home: string

  before(async () => {
    keys = generateAppKeys()
    // the sandbox clock starts 2026-12-07T10:00Z, behind this machine's: every first JWT is "issued in the future" to
    // it, and the client signs again on the clock of the sandbox's Date header (as on a runner whose clock is off)
    s = await startAppSandbox({
      keys,
      alsoOn: ['bob'],
      seed: {
        users: [{login: 'bob'}],
        orgs: [{login: 'globex'}],
        projects: [
          {owner: 'globex', title: 'Secret'},
          {owner: 'bob', title: 'Personal'},
        ],
      },
    })
  })
  after(async () => s.close())
  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'pm-app-'))
  })
  afterEach(async () => fs.rm(home, {recursive: true, force: true}))

  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({...s.env, GITHUB_PM_HOME: home, ...extra})
  const provider = (client: GitHubClient) => client.auth as AppTokenProvider

  it('backs up an organization project as the App, the installation found from the project owner', async () => {
    const session = await openSession({env: env({GH_TOKEN: 'ghp_ignoredWhenTheAppIsSet000000000000000'})})
    const client = await connect(session, {project: PROJECT})
    expect(client.auth?.kind).to.equal('app')
    const project = await resolveLiveProject(session, client, PROJECT)
    const result = await runBackup(session, client, await repository(session), {project, name: 'by-app'})
    expect(result.event.stats.items).to.equal(15)
    expect(await provider(client).installationId()).to.equal(INSTALLATION_ID)
    expect(provider(client).minted).to.equal(1)
  })

  it('accepts the key with literal \\n escapes (as CI secrets hold it) and the key from a file', async () => {
    const escaped = keys.privateKey.trim().split('\n').join('\\n')
    const fromEscaped = await appCredentialsFromEnv({GITHUB_PM_APP_ID: String(APP_ID), GITHUB_PM_APP_PRIVATE_KEY: escaped})
    expect(fromEscaped?.privateKey.trim()).to.equal(keys.privateKey.trim())
    const file = path.join(home, 'app.pem')
    await fs.writeFile(file, keys.privateKey, {mode: 0o600})
    const client = await createClient({env: {GITHUB_API_URL: s.url, GITHUB_PM_APP_ID: String(APP_ID), GITHUB_PM_APP_PRIVATE_KEY_FILE: file}, owner: 'acme'})
    const data = await client.graphql('{ organization(login: "acme") { projectV2(number: 1) { title } } }')
    expect(data.organization.projectV2.title).to.equal('Roadmap')
  })

  it('refuses half-set App variables with one line naming what is missing', async () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{GITHUB_PM_APP_ID: '1'}, /GITHUB_PM_APP_ID is set but the App's private key is missing: set GITHUB_PM_APP_PRIVATE_KEY .* or GITHUB_PM_APP_PRIVATE_KEY_FILE/],
      [{GITHUB_PM_APP_PRIVATE_KEY: keys.privateKey}, /GITHUB_PM_APP_PRIVATE_KEY is set but GITHUB_PM_APP_ID is not/],
      [{GITHUB_PM_APP_INSTALLATION_ID: '5'}, /GITHUB_PM_APP_INSTALLATION_ID is set but GITHUB_PM_APP_ID is not/],
      [{GITHUB_PM_APP_ID: '1', GITHUB_PM_APP_PRIVATE_KEY: 'not a key at all, just text'}, /GITHUB_PM_APP_PRIVATE_KEY is not an RSA private key in PEM form/],
      [{GITHUB_PM_APP_ID: '1', GITHUB_PM_APP_PRIVATE_KEY_FILE: '/nonexistent/app.pem'}, /cannot read the App's private key from GITHUB_PM_APP_PRIVATE_KEY_FILE .*ENOENT/],
      [{GITHUB_PM_APP_ID: '1', GITHUB_PM_APP_PRIVATE_KEY: keys.privateKey, GITHUB_PM_APP_INSTALLATION_ID: 'acme'}, /GITHUB_PM_APP_INSTALLATION_ID "acme" is not an installation id/],
    ]
    for (const [vars, message] of cases) {
      const error = await rejection(appCredentialsFromEnv(vars))
      expect(error).to.be.instanceOf(UserError)
      expect(error.message).to.match(message)
      expect(error.message).to.not.include('\n')
      expect(error.message).to.not.include(keys.privateKey.split('\n')[1])
    }
    expect(await appCredentialsFromEnv({GH_TOKEN: 'x'})).to.equal(undefined)
  })

  it('renews the token before it expires when the sandbox clock passes 55 minutes mid-backup', async () => {
    let moved = false
    const session = await openSession({
      env: env(),
      onProgress: () => {
        // GitHub's clock jumps 56 minutes while the backup reads items: 4 minutes are left on the token
        if (!moved) s.clock.advance(56 * 60_000)
        moved = true
      },
    })
    const client = await connect(session, {project: PROJECT})
    const project = await resolveLiveProject(session, client, PROJECT)
    const result = await runBackup(session, client, await repository(session), {project, name: 'long'})
    expect(moved).to.equal(true)
    expect(result.event.stats.items).to.equal(15)
    expect(provider(client).minted).to.equal(2)
    // renewed ahead of time: no request was refused and sent again
    expect(client.stats.retries).to.equal(0)
  })

  it('mints a new token once after a 401 "Bad credentials" and sends the request again (a mutation too)', async () => {
    const client = await createClient({env: env(), owner: 'acme'})
    const projectId = (await client.graphql('{ organization(login: "acme") { projectV2(number: 1) { id } } }')).organization.projectV2.id
    // the token's hour passes between two requests: the client's last view of GitHub's clock says it is still fresh
    s.clock.advance(61 * 60_000)
    const data = await client.graphql(ITEMS, {p: projectId})
    expect(data.node.items.totalCount).to.equal(14)
    expect(provider(client).minted).to.equal(2)
    expect(client.stats.retries).to.equal(1)
    s.clock.advance(61 * 60_000)
    // GitHub refused the stale token before running the mutation: sending it again adds one draft, not two
    await client.graphql('mutation Draft($p: ID!) { addProjectV2DraftIssue(input: {projectId: $p, title: "from the app"}) { projectItem { id } } }', {p: projectId})
    expect((await client.graphql(ITEMS, {p: projectId})).node.items.totalCount).to.equal(15)
    expect(provider(client).minted).to.equal(3)
  })

  it("checks an App's JWT as GitHub does: RS256 by the App's key, iat not in the future, exp within 10 minutes of iat", async () => {
    const jwt = async (claims: {iss?: number; iat: number; exp: number}, key = keys.privateKey) =>
      new SignJWT({}).setProtectedHeader({alg: 'RS256', typ: 'JWT'}).setIssuer(String(claims.iss ?? APP_ID)).setIssuedAt(claims.iat).setExpirationTime(claims.exp).sign(createPrivateKey(key))
    const app = async (authorization: string) => {
      const res = await fetch(`${s.url}/app`, {headers: {authorization}})
      return {status: res.status, body: (await res.json()) as any}
    }
    const now = Math.floor(s.clock.now() / 1000)
    // backdated a minute against clock drift, as GitHub recommends: accepted
    const ok = await app(`bearer ${await jwt({iat: now - 60, exp: now + 540})}`)
    expect(ok.status).to.equal(200)
    expect(ok.body).to.include({id: APP_ID, slug: 'pm-backup', name: 'PM Backup'})
    expect(ok.body.owner.login).to.equal('acme')
    const refusals: Array<[string, number, string]> = [
      [`bearer ${await jwt({iat: now, exp: now + 601})}`, 401, "'Expiration time' claim ('exp') is too far in the future"],
      [`bearer ${await jwt({iat: now - 700, exp: now - 100})}`, 401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"],
      [`bearer ${await jwt({iat: now + 120, exp: now + 500})}`, 401, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"],
      [`bearer ${await jwt({iat: now, exp: now + 500}, generateAppKeys().privateKey)}`, 401, 'A JSON web token could not be decoded'],
      [`bearer ${await jwt({iss: 31337, iat: now, exp: now + 500})}`, 404, 'Integration not found'],
      ['token ghp_aPersonalAccessTokenIsNotAJwt00000000', 401, 'A JSON web token could not be decoded'],
    ]
    for (const [authorization, status, message] of refusals) {
      expect(await app(authorization), message).to.deep.include({status, body: {message, documentation_url: 'https://docs.github.com/rest'}})
    }
  })

  it('takes a plain async () => token as its token source, asked before every request', async () => {
    const app = await createClient({env: env(), owner: 'acme'})
    let asked = 0
    const client = await createClient({apiUrl: s.url, env: {}, auth: async () => (asked++, app.auth!.token())})
    await client.graphql('{ viewer { login } }')
    await client.rest('GET /repos/{owner}/{repo}/milestones', {owner: 'acme', repo: 'app'})
    expect(asked).to.equal(2)
  })

  it('answers an expired installation token 401 "Bad credentials", like GitHub', async () => {
    const client = await createClient({env: env(), owner: 'acme'})
    const token = await client.auth!.token()
    const ask = () => fetch(`${s.url}/graphql`, {method: 'POST', headers: {authorization: `bearer ${token}`}, body: JSON.stringify({query: '{ viewer { login } }'})})
    const fresh = await ask()
    expect(fresh.status).to.equal(200)
    expect(((await fresh.json()) as any).data.viewer.login).to.equal('pm-backup[bot]')
    s.clock.advance(60 * 60_000)
    const expired = await ask()
    expect(expired.status).to.equal(401)
    expect(((await expired.json()) as any).message).to.equal('Bad credentials')
  })

  it('fails with a clear one-line error when the private key is not the App\'s, and when the App id is unknown', async () => {
    const other = generateAppKeys()
    const wrongKey = await rejection(createClient({env: env({GITHUB_PM_APP_PRIVATE_KEY: other.privateKey}), owner: 'acme'}).then((c) => c.graphql('{ viewer { login } }')))
    expect(wrongKey).to.be.instanceOf(UserError)
    expect(wrongKey.exitCode).to.equal(1)
    expect(wrongKey.message).to.match(/^GitHub refused the GitHub App's credentials \(A JSON web token could not be decoded\): check that GITHUB_PM_APP_ID \(424242\)/)
    expect(redact(String(wrongKey.stack))).to.not.include(other.privateKey.split('\n')[1])
    const unknown = await rejection(createClient({env: env({GITHUB_PM_APP_ID: '999'}), owner: 'acme'}).then((c) => c.graphql('{ viewer { login } }')))
    expect(unknown.message).to.match(/GitHub knows no GitHub App with the id 999 \(Integration not found\)/)
  })

  it('says when the App is not installed on the owner, or installed on several accounts and no owner is known', async () => {
    const missing = await rejection(createClient({env: env(), owner: 'alice'}).then((c) => c.graphql('{ viewer { login } }')))
    expect(missing.message).to.equal('the GitHub App 424242 is not installed on alice: install it on that account (docs/github-app.md) or set GITHUB_PM_APP_INSTALLATION_ID')
    const several = await rejection(createClient({env: env()}).then((c) => c.graphql('{ viewer { login } }')))
    expect(several.message).to.equal(
      'the GitHub App 424242 is installed on 2 accounts (acme, bob): set GITHUB_PM_APP_INSTALLATION_ID, or name the project by its URL or OWNER/NUMBER',
    )
  })

  it("does not reach a user's projects: Apps have a Projects permission for organizations only", async () => {
    const client = await createClient({env: env(), owner: 'bob'})
    expect(await provider(client).installationId()).to.equal(INSTALLATION_ID + 1)
    const denied = await rejection(client.graphql('{ user(login: "bob") { projectV2(number: 1) { title } } }'))
    expect(denied.message).to.match(/Could not resolve to a ProjectV2 with the number 1/)
  })

  it('reaches only its installation: another organization\'s private project is not found', async () => {
    const client = await createClient({env: env({GITHUB_PM_APP_INSTALLATION_ID: String(INSTALLATION_ID)})})
    const other = await rejection(client.graphql('{ organization(login: "globex") { projectV2(number: 1) { title } } }'))
    expect(other.message).to.match(/Could not resolve to a ProjectV2 with the number 1/)
  })
})

describe('github/app-auth: the installation rate limit and GHES', function () {
  this.timeout(60_000)

  const limitOf = async (s: AppSandbox): Promise<{rest: string | null; graphql: number}> => {
    const client = await createClient({env: s.env, owner: 'acme'})
    const token = await client.auth!.token()
    const rest = await fetch(`${s.url}/repos/acme/app/milestones`, {headers: {authorization: `token ${token}`}})
    const graphql = await client.graphql('{ rateLimit { limit } }')
    return {rest: rest.headers.get('x-ratelimit-limit'), graphql: graphql.rateLimit.limit}
  }

  it('gives an organization installation 5,000 an hour plus 50 per repository and per member above 20, at most 12,500', async () => {
    const keys = generateAppKeys()
    // 120 repositories, 45 members: 5,000 + 100 × 50 + 25 × 50
    const big = await startAppSandbox({keys, installation: {repositories: 120, users: 45}})
    try {
      expect(await limitOf(big)).to.deep.equal({rest: '11250', graphql: 11_250})
    } finally {
      await big.close()
    }
    const huge = await startAppSandbox({keys, installation: {repositories: 400, users: 10}})
    try {
      expect((await limitOf(huge)).rest).to.equal('12500')
    } finally {
      await huge.close()
    }
    // counted from the world: acme/app plus 24 more repositories, 1 member -> 5,000 + 5 × 50
    const counted = await startAppSandbox({keys, seed: {repositories: Array.from({length: 24}, (_, i) => ({owner: 'acme', name: `r${i}`}))}})
    try {
      expect((await limitOf(counted)).rest).to.equal('5250')
    } finally {
      await counted.close()
    }
  })

  it('sends the App routes to /api/v3 on GHES, like the GraphQL and REST requests', async () => {
    const s = await startAppSandbox()
    const seen: string[] = []
    // a recording proxy in front of the sandbox: what paths does the client use?
    const proxy: Server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      const upstream = httpRequest(`${s.url}${req.url}`, {method: req.method, headers: req.headers}, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      req.pipe(upstream)
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    try {
      const port = (proxy.address() as AddressInfo).port
      // no owner: the App's only installation
      const client = await createClient({env: {...s.env, GITHUB_API_URL: `http://127.0.0.1:${port}/api/v3`}})
      const data = await client.graphql('{ organization(login: "acme") { projectV2(number: 1) { title } } }')
      expect(data.organization.projectV2.title).to.equal('Roadmap')
      expect(seen).to.include('GET /api/v3/app/installations?per_page=100')
      expect(await (client.auth as AppTokenProvider).installationId()).to.equal(INSTALLATION_ID)
      expect(seen).to.include(`POST /api/v3/app/installations/${INSTALLATION_ID}/access_tokens`)
      expect(seen).to.include('POST /api/graphql')
      expect(seen.every((line) => line.includes('/api/'))).to.equal(true)
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
      await s.close()
    }
  })
})
