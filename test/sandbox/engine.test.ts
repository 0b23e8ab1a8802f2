import {expect} from 'chai'
import type {RestRequest, RestResponse, SandboxBackend} from '../../src/sandbox/backend.js'
import {ManualClock} from '../../src/sandbox/clock.js'
import {SandboxError} from '../../src/sandbox/errors.js'
import {startSandbox, type Sandbox, type SandboxOptions} from '../../src/sandbox/server.js'

/** A tiny world: one viewer with repositories and projects, and mutations that record that they ran. */
function tinyBackend() {
  const ran = {updateIssue: 0, createIssue: 0, updateProjectV2: 0, projectsRead: 0, rest: 0}
  let restGate: Promise<void> | undefined
  const repo = (name: string) => ({
    __typename: 'Repository',
    id: `R_${name}`,
    name,
    issues: () => ({totalCount: 0, nodes: [], edges: []}),
    pullRequests: () => ({totalCount: 0, nodes: [], edges: []}),
  })
  const repos = [repo('hello-world'), repo('spoon-knife'), repo('linguist')]
  const viewer = {
    __typename: 'User',
    id: 'U_1',
    login: 'octocat',
    name: 'The Octocat',
    followers: () => ({totalCount: 0, edges: []}),
    repositories: ({first, last}: {first?: number; last?: number}) => ({
      totalCount: repos.length,
      nodes: first ? repos.slice(0, first) : repos.slice(-(last ?? 0)),
      pageInfo: {hasNextPage: false, endCursor: null},
    }),
    projectsV2: () => {
      ran.projectsRead++
      return {totalCount: 1, nodes: [{__typename: 'ProjectV2', id: 'PVT_1', title: 'Roadmap', number: 1}]}
    },
  }
  const backend: SandboxBackend & {ran: typeof ran; gate(p: Promise<void> | undefined): void} = {
    ran,
    gate(p) {
      restGate = p
    },
    graphqlRoot: () => ({
      query: {
        viewer,
        organization: () => {
          throw new Error('world bug')
        },
        repository: ({name}: {name: string}) => {
          const found = repos.find((r) => r.name === name)
          if (!found) throw new SandboxError('NOT_FOUND', `Could not resolve to a Repository with the name 'octocat/${name}'.`)
          return found
        },
      },
      mutation: {
        updateIssue: ({input}: {input: {id: string; title?: string}}) => {
          ran.updateIssue++
          return {clientMutationId: null, issue: {__typename: 'Issue', id: input.id, title: input.title ?? 'same'}}
        },
        createIssue: ({input}: {input: {title: string}}) => {
          ran.createIssue++
          return {clientMutationId: null, issue: {__typename: 'Issue', id: `I_${ran.createIssue}`, title: input.title, number: ran.createIssue}}
        },
        updateProjectV2: ({input}: {input: {projectId: string; title?: string}}) => {
          ran.updateProjectV2++
          return {clientMutationId: null, projectV2: {__typename: 'ProjectV2', id: input.projectId, title: input.title}}
        },
      },
    }),
    async rest(req: RestRequest): Promise<RestResponse | undefined> {
      if (req.path === '/slow') {
        ran.rest++
        await restGate
        return {status: 200, body: {ok: true}}
      }
      if (req.method === 'GET' && req.path === '/repos/octocat/hello-world') {
        ran.rest++
        return {status: 200, body: {name: 'hello-world', query: req.query, login: req.viewer.login}}
      }
      if (req.method === 'POST' && req.path === '/repos/octocat/hello-world/issues') {
        ran.rest++
        return {status: 201, body: {number: 1, title: (req.body as {title: string}).title}}
      }
      if (req.path === '/repos/octocat/missing') throw new SandboxError('NOT_FOUND', 'Not Found')
      if (req.path === '/boom') throw new Error('kaboom')
      return undefined
    },
    isContentCreating: (field: string) => field === 'createIssue',
    toJSON: () => ({}),
  }
  return backend
}

type Tiny = ReturnType<typeof tinyBackend>

interface Answer {
  status: number
  headers: Headers
  body: any
}

async function post(sandbox: Sandbox, query: string, variables?: Record<string, unknown>, token = 'secret', path = '/graphql'): Promise<Answer> {
  const response = await fetch(sandbox.url + path, {
    method: 'POST',
    headers: {authorization: `bearer ${token}`, 'content-type': 'application/json'},
    body: JSON.stringify({query, variables}),
  })
  return {status: response.status, headers: response.headers, body: await response.json()}
}

const UPDATE_ISSUE = 'mutation { updateIssue(input: {id: "I_1", title: "t"}) { clientMutationId } }'
const CREATE_ISSUE = 'mutation { createIssue(input: {repositoryId: "R_1", title: "new"}) { issue { id } } }'

describe('sandbox engine (HTTP)', () => {
  let sandbox: Sandbox
  let backend: Tiny
  let clock: ManualClock

  async function start(options: Partial<SandboxOptions> = {}): Promise<void> {
    backend = tinyBackend()
    clock = new ManualClock()
    sandbox = await startSandbox({backend, clock, ...options})
  }

  afterEach(async () => {
    await sandbox?.close()
  })

  describe('schema validation: nothing runs', () => {
    beforeEach(() => start())

    it('rejects an unknown field with GitHub-shaped errors and does not execute the mutation', async () => {
      const answer = await post(sandbox, 'mutation { updateIssue(input: {id: "I_1"}) { clientMutationId nope } }')
      expect(answer.status).to.equal(200)
      expect(answer.body.data).to.equal(undefined)
      expect(answer.body.errors).to.have.length(1)
      expect(answer.body.errors[0]).to.deep.include({
        message: "Field 'nope' doesn't exist on type 'UpdateIssuePayload'",
        extensions: {code: 'undefinedField', typeName: 'UpdateIssuePayload', fieldName: 'nope'},
      })
      expect(answer.body.errors[0].locations).to.deep.equal([{line: 1, column: 63}])
      expect(backend.ran.updateIssue).to.equal(0)
    })

    it('rejects an argument of the wrong type and does not execute', async () => {
      const answer = await post(sandbox, 'mutation { updateIssue(input: {id: "I_1", title: 5}) { clientMutationId } }')
      expect(answer.status).to.equal(200)
      expect(answer.body.errors[0].extensions.code).to.equal('argumentLiteralsIncompatible')
      expect(answer.body.errors[0].message).to.match(/String cannot represent a non string value: 5/)
      expect(backend.ran.updateIssue).to.equal(0)
    })

    it('rejects a syntax error with its location', async () => {
      const answer = await post(sandbox, '{ viewer { login }')
      expect(answer.status).to.equal(200)
      expect(answer.body.errors[0].message).to.match(/Syntax Error/)
      expect(answer.body.errors[0].locations).to.deep.equal([{line: 1, column: 19}])
    })

    it('rejects a connection without first/last and does not execute', async () => {
      const answer = await post(sandbox, 'mutation { updateIssue(input: {id: "I_1"}) { issue { labels { totalCount } } } }')
      expect(answer.status).to.equal(200)
      expect(answer.body.errors).to.deep.equal([
        {
          type: 'MISSING_PAGINATION_BOUNDARIES',
          path: ['mutation', 'updateIssue', 'issue', 'labels'],
          locations: [{line: 1, column: 54}],
          message: 'You must provide a `first` or `last` value to properly paginate the `labels` connection.',
        },
      ])
      expect(backend.ran.updateIssue).to.equal(0)
    })

    it('rejects first: 101, also when it arrives through a variable', async () => {
      const literal = await post(sandbox, '{ viewer { repositories(first: 101) { totalCount } } }')
      expect(literal.body.errors[0].type).to.equal('EXCESSIVE_PAGINATION')
      expect(literal.body.errors[0].message).to.equal(
        'Requesting 101 records on the `repositories` connection exceeds the `first` limit of 100 records.',
      )
      const viaVariable = await post(sandbox, 'query($n: Int) { viewer { repositories(last: $n) { totalCount } } }', {n: 101})
      expect(viaVariable.body.errors[0].message).to.equal(
        'Requesting 101 records on the `repositories` connection exceeds the `last` limit of 100 records.',
      )
      const fine = await post(sandbox, 'query($n: Int) { viewer { repositories(last: $n) { totalCount } } }', {n: 100})
      expect(fine.body).to.deep.equal({data: {viewer: {repositories: {totalCount: 3}}}})
    })

    it('rejects a document over 500,000 nodes, naming the total', async () => {
      const answer = await post(
        sandbox,
        '{ viewer { repositories(first: 100) { nodes { issues(first: 100) { nodes { labels(first: 100) { nodes { name } } } } } } } }',
      )
      expect(answer.body.errors).to.deep.equal([
        {
          type: 'MAX_NODE_LIMIT_EXCEEDED',
          message: 'This query requests up to 1,010,100 possible nodes which exceeds the maximum limit of 500,000.',
        },
      ])
      expect(answer.body.data).to.equal(undefined)
    })

    it('runs a valid document, with fragments and variables', async () => {
      const answer = await post(
        sandbox,
        'query($n: Int!) { viewer { ...who repositories(first: $n) { totalCount nodes { name } } } } fragment who on User { login }',
        {n: 2},
      )
      expect(answer.status).to.equal(200)
      expect(answer.body).to.deep.equal({
        data: {viewer: {login: 'octocat', repositories: {totalCount: 3, nodes: [{name: 'hello-world'}, {name: 'spoon-knife'}]}}},
      })
      const mutation = await post(sandbox, UPDATE_ISSUE)
      expect(mutation.body).to.deep.equal({data: {updateIssue: {clientMutationId: null}}})
      expect(backend.ran.updateIssue).to.equal(1)
    })

    it('formats a SandboxError thrown by a resolver the way GitHub does, with partial data', async () => {
      const answer = await post(sandbox, '{ viewer { login } repository(owner: "octocat", name: "nope") { name } }')
      expect(answer.body).to.deep.equal({
        data: {viewer: {login: 'octocat'}, repository: null},
        errors: [
          {
            type: 'NOT_FOUND',
            path: ['repository'],
            locations: [{line: 1, column: 20}],
            message: "Could not resolve to a Repository with the name 'octocat/nope'.",
          },
        ],
      })
    })

    it('answers an unexpected resolver exception with GitHub\'s wording and keeps the detail for debugging', async () => {
      const answer = await post(sandbox, '{ organization(login: "github") { login } }')
      expect(answer.body.data).to.deep.equal({organization: null})
      expect(answer.body.errors[0].message).to.match(/^Something went wrong while executing your query\. Please include `[0-9A-F:]+` when reporting this issue\.$/)
      expect(answer.body.errors[0].extensions).to.deep.equal({sandboxDetail: 'world bug'})
      expect(sandbox.stats.serverErrors).to.equal(1)
    })

    it('serves GraphQL at /api/graphql for GHES-shaped URLs', async () => {
      const answer = await post(sandbox, '{ viewer { login } }', undefined, 'secret', '/api/graphql')
      expect(answer.body).to.deep.equal({data: {viewer: {login: 'octocat'}}})
    })
  })

  describe('costs and the primary limit', () => {
    beforeEach(() => start())

    it("prices GitHub's documented example at 51 points (1 + 100 + 5,000 requests)", async () => {
      // docs.github.com, "Rate limits and node limits for the GraphQL API": repositories(first: 100) -> issues(first: 50)
      // -> labels(first: 60) needs 1 + 100 + 100*50 = 5,101 requests; 5,101 / 100 rounds to 51.
      const answer = await post(
        sandbox,
        `query { viewer { login repositories(first: 100) { edges { node { id issues(first: 50) { edges { node { id
          labels(first: 60) { edges { node { id name } } } } } } } } } }
          rateLimit { cost nodeCount } }`,
      )
      expect(answer.body.data.rateLimit).to.deep.equal({cost: 51, nodeCount: 100 + 5_000 + 300_000})
      expect(answer.headers.get('x-ratelimit-used')).to.equal('51')
    })

    it("counts the documented 22,060-node example and rounds 1,051 requests to 11", async () => {
      const answer = await post(
        sandbox,
        `query { viewer { repositories(first: 50) { edges { repository: node { name
          pullRequests(first: 20) { edges { pullRequest: node { title comments(first: 10) { edges { comment: node { bodyHTML } } } } } }
          issues(first: 20) { totalCount edges { issue: node { title bodyHTML comments(first: 10) { edges { comment: node { bodyHTML } } } } } } } } }
          followers(first: 10) { edges { follower: node { login } } } }
          rateLimit(dryRun: true) { cost nodeCount } }`,
      )
      // requests: repositories 1 + pullRequests 50 + PR comments 1,000 + issues 50 + issue comments 1,000 + followers 1 = 2,102
      expect(answer.body.data.rateLimit).to.deep.equal({cost: 21, nodeCount: 22_060})
      expect(answer.headers.get('x-ratelimit-used'), 'a dry run charges nothing').to.equal('0')
      const small = await post(
        sandbox,
        `{ viewer { repositories(first: 50) { nodes { pullRequests(first: 20) { nodes { comments(first: 10) { nodes { id } } } } } } }
           rateLimit { cost } }`,
      )
      expect(small.body.data.rateLimit.cost).to.equal(11)
    })

    it('the rateLimit field and the x-ratelimit-* headers agree, request after request', async () => {
      const query = '{ viewer { login } rateLimit { cost limit remaining used resetAt } }'
      const opened = clock.now() // the window opens with the first request (each request then moves the clock)
      const first = await post(sandbox, query)
      const second = await post(sandbox, query)
      for (const answer of [first, second]) {
        const rateLimit = answer.body.data.rateLimit
        expect(answer.headers.get('x-ratelimit-limit')).to.equal(String(rateLimit.limit))
        expect(answer.headers.get('x-ratelimit-remaining')).to.equal(String(rateLimit.remaining))
        expect(answer.headers.get('x-ratelimit-used')).to.equal(String(rateLimit.used))
        expect(Number(answer.headers.get('x-ratelimit-reset'))).to.equal(Date.parse(rateLimit.resetAt) / 1000)
        expect(answer.headers.get('x-ratelimit-resource')).to.equal('graphql')
        expect(answer.headers.get('x-github-request-id')).to.be.a('string').and.not.equal('')
        expect(answer.headers.get('x-oauth-scopes')).to.equal('repo, project, read:org, admin:org')
      }
      expect(first.body.data.rateLimit).to.include({cost: 1, limit: 5000, used: 1, remaining: 4999})
      expect(second.body.data.rateLimit).to.include({cost: 1, used: 2, remaining: 4998})
      expect(first.body.data.rateLimit.resetAt).to.equal(new Date(opened + 3_600_000).toISOString().replace('.000Z', 'Z'))
    })

    it('answers 200 with a RATE_LIMITED error and remaining 0 once 5,000 points are spent, and serves again after the reset', async () => {
      const costly = `{ viewer { repositories(first: 100) { nodes { issues(first: 50) { nodes { labels(first: 60) { nodes { id } } } } } } } }`
      for (let i = 0; i < 98; i++) expect((await post(sandbox, costly)).status).to.equal(200) // 98 x 51 = 4,998
      const refused = await post(sandbox, costly)
      // GraphQL says so in a 200 (github/docs#22607), REST with a 403
      expect(refused.status).to.equal(200)
      expect(refused.body).to.deep.equal({errors: [{type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.'}]})
      expect(refused.headers.get('x-ratelimit-remaining')).to.equal('0')
      expect(sandbox.stats.limited.primary).to.equal(1)
      clock.advance(3_600_000)
      expect((await post(sandbox, costly)).status).to.equal(200)
    })
  })

  describe('secondary limits on a ManualClock', () => {
    // the windows' arithmetic at a frozen time: without server time, requests do not move the clock
    beforeEach(() => start({serverTime: false}))

    it('refuses mutations beyond 2,000 points per minute with 403 + retry-after, and serves them once the window slides', async () => {
      for (let i = 0; i < 200; i++) expect((await post(sandbox, UPDATE_ISSUE)).status).to.equal(200) // 1,000 points at t=0
      clock.advance(30_000)
      for (let i = 0; i < 200; i++) expect((await post(sandbox, UPDATE_ISSUE)).status).to.equal(200) // 2,000 points at t=30s
      const refused = await post(sandbox, UPDATE_ISSUE)
      expect(refused.status).to.equal(403)
      expect(refused.body.message).to.match(/^You have exceeded a secondary rate limit\. Please wait a few minutes before you try again/)
      expect(refused.body.documentation_url).to.match(/secondary-rate-limits$/)
      expect(refused.headers.get('retry-after'), 'the t=0 points leave the window at t=60s').to.equal('30')
      expect(backend.ran.updateIssue).to.equal(400)
      // a query costs 1 point and does not fit either
      expect((await post(sandbox, '{ viewer { login } }')).status).to.equal(403)
      clock.advance(30_000)
      expect((await post(sandbox, UPDATE_ISSUE)).status).to.equal(200)
      expect(backend.ran.updateIssue).to.equal(401)
      expect(sandbox.stats.limited.secondary).to.equal(2)
      expect(sandbox.stats.mutationRequests).to.equal(401)
    })

    it('enforces 80 content creations per minute, counting each aliased creation', async () => {
      const five = `mutation { ${[1, 2, 3, 4, 5].map((i) => `c${i}: createIssue(input: {repositoryId: "R_1", title: "n${i}"}) { issue { id } }`).join(' ')} }`
      for (let i = 0; i < 15; i++) expect((await post(sandbox, five)).status).to.equal(200) // 75 creations
      expect((await post(sandbox, five)).status).to.equal(200) // 80
      const refused = await post(sandbox, CREATE_ISSUE)
      expect(refused.status).to.equal(403)
      expect(refused.headers.get('retry-after')).to.equal('60')
      expect(backend.ran.createIssue).to.equal(80)
      expect((await post(sandbox, UPDATE_ISSUE)).status, 'a mutation that creates nothing still passes').to.equal(200)
      clock.advance(60_000)
      expect((await post(sandbox, CREATE_ISSUE)).status).to.equal(200)
      expect(sandbox.stats.contentCreations).to.equal(81)
    })

    it('enforces 500 content creations per hour', async () => {
      const five = `mutation { ${[1, 2, 3, 4, 5].map((i) => `c${i}: createIssue(input: {repositoryId: "R_1", title: "n${i}"}) { issue { id } }`).join(' ')} }`
      for (let minute = 0; minute < 7; minute++) {
        const batches = minute < 6 ? 16 : 4 // 6 x 80 + 20 = 500
        for (let i = 0; i < batches; i++) expect((await post(sandbox, five)).status).to.equal(200)
        clock.advance(60_000)
      }
      const refused = await post(sandbox, CREATE_ISSUE)
      expect(refused.status).to.equal(403)
      // the first creations (t=0) leave the hour window at t=60min; it is now t=7min
      expect(refused.headers.get('retry-after')).to.equal(String(53 * 60))
      expect(backend.ran.createIssue).to.equal(500)
    })

    it('counts REST POSTs that create issues as content creation and REST writes as 5 points', async () => {
      const headers = {authorization: 'token secret', 'content-type': 'application/json'}
      for (let i = 0; i < 80; i++) {
        const response = await fetch(`${sandbox.url}/repos/octocat/hello-world/issues`, {method: 'POST', headers, body: JSON.stringify({title: `t${i}`})})
        expect(response.status).to.equal(201)
      }
      const refused = await fetch(`${sandbox.url}/repos/octocat/hello-world/issues`, {method: 'POST', headers, body: '{"title":"x"}'})
      expect(refused.status).to.equal(403)
      expect(refused.headers.get('x-ratelimit-resource')).to.equal('core')
      expect(sandbox.stats.secondaryPoints.rest).to.equal(400)
    })

    it('states retry-after in real seconds when the clock runs 60x faster', async () => {
      await sandbox.close()
      backend = tinyBackend()
      clock = new ManualClock(Date.parse('2025-01-01T00:00:00Z'), 60)
      sandbox = await startSandbox({backend, clock, serverTime: false})
      for (let i = 0; i < 400; i++) await post(sandbox, UPDATE_ISSUE)
      const refused = await post(sandbox, UPDATE_ISSUE)
      expect(refused.status).to.equal(403)
      expect(refused.headers.get('x-sandbox-github-retry-after')).to.equal('60')
      expect(refused.headers.get('retry-after')).to.equal('1')
    })

    it("limits: 'off' refuses nothing but still counts", async () => {
      await sandbox.close()
      await start({limits: 'off'})
      for (let i = 0; i < 401; i++) expect((await post(sandbox, UPDATE_ISSUE)).status).to.equal(200)
      expect(sandbox.stats.secondaryPoints.graphql).to.equal(2005)
      expect(sandbox.stats.limitedResponses).to.equal(0)
    })

    it('answers 429 with retry-after 1 beyond 100 concurrent requests', async () => {
      let open!: () => void
      backend.gate(new Promise<void>((resolve) => (open = resolve)))
      const pending = Array.from({length: 100}, () => fetch(`${sandbox.url}/slow`, {headers: {authorization: 'token secret'}}))
      while (backend.ran.rest < 100) await new Promise((resolve) => setImmediate(resolve))
      const refused = await fetch(`${sandbox.url}/slow`, {headers: {authorization: 'token secret'}})
      expect(refused.status).to.equal(429)
      expect(refused.headers.get('retry-after')).to.equal('1')
      expect(backend.ran.rest).to.equal(100)
      open()
      const statuses = await Promise.all(pending.map(async (p) => (await p).status))
      expect(new Set(statuses)).to.deep.equal(new Set([200]))
      expect(sandbox.stats.limited.concurrency).to.equal(1)
    })
  })

  describe('authentication and scopes', () => {
    it('answers 401 Bad credentials for an unknown or missing token when tokens are configured', async () => {
      await start({tokens: {good: {login: 'monalisa', scopes: ['repo', 'read:project']}}})
      const unknown = await post(sandbox, '{ viewer { login } }', undefined, 'bad')
      expect(unknown.status).to.equal(401)
      expect(unknown.body).to.deep.equal({message: 'Bad credentials', documentation_url: 'https://docs.github.com/graphql'})
      expect(unknown.headers.get('x-ratelimit-limit')).to.equal('60')
      const missing = await fetch(`${sandbox.url}/graphql`, {method: 'POST', body: '{"query":"{ viewer { login } }"}'})
      expect(missing.status).to.equal(401)
      const good = await post(sandbox, '{ viewer { login } }', undefined, 'good')
      expect(good.status).to.equal(200)
      expect(good.headers.get('x-oauth-scopes')).to.equal('repo, read:project')
    })

    it('answers INSUFFICIENT_SCOPES for project data without a project scope, and runs nothing', async () => {
      await start({
        tokens: {repoOnly: {login: 'monalisa', scopes: ['repo']}, reader: {login: 'hubot', scopes: ['repo', 'read:project']}},
      })
      const query = '{ viewer { login projectsV2(first: 5) { nodes { title } } } }'
      const refused = await post(sandbox, query, undefined, 'repoOnly')
      expect(refused.status).to.equal(200)
      expect(refused.body.errors).to.deep.equal([
        {
          type: 'INSUFFICIENT_SCOPES',
          path: ['query', 'viewer', 'projectsV2'],
          locations: [{line: 1, column: 18}],
          message:
            "Your token has not been granted the required scopes to execute this query. The 'projectsV2' field requires one of the " +
            "following scopes: ['read:project'], but your token has only been granted the: ['repo'] scopes. Please modify your " +
            "token's scopes at: https://github.com/settings/tokens.",
        },
      ])
      expect(backend.ran.projectsRead).to.equal(0)
      const read = await post(sandbox, query, undefined, 'reader')
      expect(read.body.data.viewer.projectsV2.nodes).to.deep.equal([{title: 'Roadmap'}])

      const update = 'mutation { updateProjectV2(input: {projectId: "PVT_1", title: "x"}) { projectV2 { title } } }'
      const write = await post(sandbox, update, undefined, 'reader')
      expect(write.body.errors[0].type).to.equal('INSUFFICIENT_SCOPES')
      expect(write.body.errors[0].message).to.contain("The 'updateProjectV2' field requires one of the following scopes: ['project']")
      expect(backend.ran.updateProjectV2).to.equal(0)
    })
  })

  describe('REST', () => {
    beforeEach(() => start())

    it('routes to the backend with query and viewer, accepts /api/v3, and answers 404 GitHub-style', async () => {
      const headers = {authorization: 'token secret'}
      const hit = await fetch(`${sandbox.url}/api/v3/repos/octocat/hello-world?per_page=5`, {headers})
      expect(hit.status).to.equal(200)
      expect(await hit.json()).to.deep.equal({name: 'hello-world', query: {per_page: '5'}, login: 'octocat'})
      expect(hit.headers.get('x-ratelimit-resource')).to.equal('core')
      expect(hit.headers.get('x-ratelimit-used')).to.equal('1')
      const miss = await fetch(`${sandbox.url}/nothing/here`, {headers})
      expect(miss.status).to.equal(404)
      expect(await miss.json()).to.deep.equal({message: 'Not Found', documentation_url: 'https://docs.github.com/rest'})
      const thrown = await fetch(`${sandbox.url}/repos/octocat/missing`, {headers})
      expect(thrown.status).to.equal(404)
      const boom = await fetch(`${sandbox.url}/boom`, {headers})
      expect(boom.status).to.equal(500)
      expect(boom.headers.get('x-ratelimit-resource')).to.equal('core')
      expect(boom.headers.get('x-oauth-scopes')).to.equal('repo, project, read:org, admin:org')
      const bad = await fetch(`${sandbox.url}/repos/octocat/hello-world/issues`, {method: 'POST', headers, body: '{oops'})
      expect(bad.status).to.equal(400)
      expect(backend.ran.rest).to.equal(1)
    })
  })

  describe('fault injection', () => {
    beforeEach(() => start())

    it('answers 502 without executing anything', async () => {
      sandbox.faults.set({status5xx: 1})
      const answer = await post(sandbox, UPDATE_ISSUE)
      expect(answer.status).to.equal(502)
      expect(backend.ran.updateIssue).to.equal(0)
      expect(sandbox.faults.counters.status5xx).to.equal(1)
      sandbox.faults.clear()
      expect((await post(sandbox, UPDATE_ISSUE)).status).to.equal(200)
      expect(backend.ran.updateIssue).to.equal(1)
    })

    it('drops the connection without answering and without executing anything', async () => {
      sandbox.faults.set({drop: 1})
      let failure: unknown
      try {
        await post(sandbox, UPDATE_ISSUE)
      } catch (error) {
        failure = error
      }
      expect(failure).to.be.instanceOf(TypeError) // fetch failed: the socket closed with no response
      expect(backend.ran.updateIssue).to.equal(0)
      expect(sandbox.faults.counters.dropped).to.equal(1)
      expect(sandbox.stats.primaryPoints.graphql).to.equal(0)
    })

    it('is deterministic for a seed', async () => {
      const outcomes = async () => {
        sandbox.faults.set({status5xx: 0.5, seed: 42})
        const statuses: number[] = []
        for (let i = 0; i < 20; i++) statuses.push((await post(sandbox, '{ viewer { login } }')).status)
        return statuses
      }
      const first = await outcomes()
      const second = await outcomes()
      expect(first).to.deep.equal(second)
      expect(first).to.include(502).and.include(200)
    })
  })
})
