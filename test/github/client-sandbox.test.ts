import {expect} from 'chai'
import {createClient} from '../../src/github/client.js'
import {listOwnerProjects, parseProjectRef, resolveProject} from '../../src/github/project-ref.js'
import {ManualClock} from '../../src/sandbox/clock.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'

/** The GitHub client against the sandbox (GitHub's schema, limits and errors), not against a stub. */
describe('github client against the sandbox', function () {
  this.timeout(60_000)
  const ADMIN = 'ghp_ADMINtoken0123456789abcdefghijklmn'
  const REPO_ONLY = 'ghp_REPOONLYtoken0123456789abcdefghij'
  const READER = 'ghp_READERtoken0123456789abcdefghijklm'
  let sandbox: Sandbox
  let clock: ManualClock

  before(async () => {
    const world = World.fromSeed({
      users: [{login: 'bob'}],
      projects: [
        ...Array.from({length: 120}, (_, i) => ({owner: 'acme', title: `Project ${i + 1}`})),
        {owner: 'acme', title: 'Shared', collaborators: [{user: 'bob', role: 'READER' as const}]},
      ],
      repositories: [{owner: 'acme', name: 'app'}],
    })
    clock = new ManualClock(Date.now())
    sandbox = await startSandbox({
      backend: world,
      limits: 'github',
      clock,
      // limits at a frozen time: with server time on, 85 sequential creations take over a minute and never meet 80/minute
      serverTime: false,
      tokens: {
        [ADMIN]: {login: 'octocat', scopes: ['repo', 'project', 'read:org']},
        [REPO_ONLY]: {login: 'octocat', scopes: ['repo']},
        [READER]: {login: 'bob', scopes: ['repo', 'project']},
      },
    })
  })
  after(async () => sandbox.close())
  afterEach(() => sandbox.faults.clear())

  const client = (token = ADMIN, extra: Record<string, unknown> = {}) =>
    createClient({apiUrl: sandbox.url, token, retryBaseMs: 5, retryAfterUnitMs: 1, ...extra})

  it('pages through every project of an owner with cursors', async () => {
    const projects = await listOwnerProjects(await client(), 'acme')
    expect(projects).to.have.length(121)
    expect(new Set(projects.map((p) => p.number)).size).to.equal(121)
  })

  it('retries 502s and dropped connections until the answer comes', async () => {
    sandbox.faults.set({status5xx: 0.3, drop: 0.1, seed: 7})
    const c = await client()
    const projects = await listOwnerProjects(c, 'acme')
    expect(projects).to.have.length(121)
    expect(sandbox.faults.counters.status5xx + sandbox.faults.counters.dropped).to.be.greaterThan(0)
    expect(c.stats.retries).to.be.greaterThan(0)
  })

  it('waits out a secondary limit (80 content creations a minute) and then succeeds', async () => {
    const waits: number[] = []
    // the client is told how long to wait; the sandbox's limit clock moves on by that much GitHub time
    const c = await client(ADMIN, {onWait: (w: {reason: string; waitMs: number}) => (w.reason === 'secondary' ? (waits.push(w.waitMs), clock.advance(w.waitMs * 1000)) : undefined)})
    const repo = (await c.graphql<any>(`{ repository(owner: "acme", name: "app") { id } }`)).repository.id
    for (let i = 0; i < 85; i++) {
      await c.graphql(`mutation($r: ID!, $t: String!) { createIssue(input: {repositoryId: $r, title: $t}) { issue { number } } }`, {r: repo, t: `issue ${i}`})
    }
    expect(waits.length).to.be.greaterThan(0)
    const count = await c.graphql<any>(`{ repository(owner: "acme", name: "app") { issues(first: 1) { totalCount } } }`)
    expect(count.repository.issues.totalCount).to.equal(85)
  })

  it('tells not found, no access and a missing scope apart, and never shows the token', async () => {
    const errors: Error[] = []
    const notFound = await resolveProject(await client(), parseProjectRef('acme/999')).catch((e) => e)
    errors.push(notFound)
    expect(notFound.message).to.match(/project acme\/999 not found, or your token cannot see it/)

    const scopes = await resolveProject(await client(REPO_ONLY), parseProjectRef('acme/1')).catch((e) => e)
    errors.push(scopes)
    expect(scopes.message).to.match(/read:project/)
    expect(scopes.message).to.not.match(/not found/)

    const shared = await resolveProject(await client(READER), parseProjectRef('acme/121'))
    const forbidden = await (await client(READER))
      .graphql(`mutation($p: ID!) { updateProjectV2(input: {projectId: $p, title: "mine"}) { projectV2 { id } } }`, {p: shared.id})
      .catch((e) => e)
    errors.push(forbidden)
    expect(forbidden.message).to.match(/permission|access/i)
    expect(forbidden.message).to.not.match(/not found|scope/i)

    const bad = await resolveProject(await client('ghp_WRONGtoken0123456789abcdefghijklmn'), parseProjectRef('acme/1')).catch((e) => e)
    errors.push(bad)
    expect(bad.message).to.match(/rejected the token/)
    for (const e of errors) {
      for (const t of [ADMIN, REPO_ONLY, READER, 'ghp_WRONGtoken0123456789abcdefghijklmn']) {
        expect(`${e.message} ${e.stack} ${JSON.stringify(e)}`).to.not.contain(t)
      }
    }
  })

  it('talks to a GHES-shaped API root (/api/v3 and /api/graphql)', async () => {
    const c = await createClient({apiUrl: `${sandbox.url}/api/v3`, token: ADMIN})
    expect(c.endpoints.graphqlUrl).to.equal(`${sandbox.url}/api/graphql`)
    const viewer = await c.graphql<any>('{ viewer { login } }')
    expect(viewer.viewer.login).to.equal('octocat')
    const issue = await c.rest('GET /repos/{owner}/{repo}/milestones', {owner: 'acme', repo: 'app'})
    expect(issue).to.be.an('array')
  })
})
