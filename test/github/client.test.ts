import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {inspect} from 'node:util'
import {fileURLToPath} from 'node:url'
import path from 'node:path'
import {createClient, isMutation, type ClientOptions, type GitHubClient, type WaitInfo} from '../../src/github/client.js'
import {GitHubError} from '../../src/github/errors.js'
import {UserError} from '../../src/util/errors.js'
import {gqlData, gqlError, sequence, startStub, type Stub, type StubHandler, type StubReply} from './stub-server.js'
import {rejection} from '../helpers/rejection.js'

const TOKEN = 'ghp_TESTTOKEN1234567890abcdef'
const QUERY = 'query Viewer { viewer { login } }'
const OK = gqlData({viewer: {login: 'octocat'}})
const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'

function expectNoToken(...things: unknown[]): void {
  for (const thing of things) {
    const texts = [String(thing), JSON.stringify(thing) ?? '', inspect(thing, {depth: 8})]
    if (thing instanceof Error) texts.push(thing.message, thing.stack ?? '')
    for (const text of texts) expect(text).to.not.include(TOKEN)
  }
}

describe('github/client', () => {
  let stub: Stub | undefined
  let waits: WaitInfo[]

  afterEach(async () => {
    await stub?.close()
    stub = undefined
  })

  async function clientFor(handler: StubHandler, options: ClientOptions = {}): Promise<GitHubClient> {
    stub = await startStub(handler)
    waits = []
    return createClient({
      token: TOKEN,
      apiUrl: stub.url,
      retryBaseMs: 1,
      retryAfterUnitMs: 5,
      onWait: (info) => waits.push(info),
      ...options,
    })
  }

  describe('requests', () => {
    it('sends GraphQL with the token and resolves to data', async () => {
      const client = await clientFor(sequence(OK))
      expect(await client.graphql(QUERY, {a: 1})).to.deep.equal({viewer: {login: 'octocat'}})
      const [request] = stub!.requests
      expect(request.method).to.equal('POST')
      expect(request.path).to.equal('/graphql')
      expect(request.headers.authorization).to.equal(`token ${TOKEN}`)
      expect(request.json).to.deep.equal({query: QUERY, variables: {a: 1}})
      expect(client.stats).to.include({requests: 1, graphqlRequests: 1, restRequests: 0, retries: 0, waits: 0})
    })

    it('sends REST routes with parameters and resolves to the body', async () => {
      const client = await clientFor(sequence({status: 200, body: [{number: 1, title: 'v1'}]}))
      const body = await client.rest('GET /repos/{owner}/{repo}/milestones', {owner: 'octo', repo: 'hello', state: 'all', per_page: 100})
      expect(body).to.deep.equal([{number: 1, title: 'v1'}])
      expect(stub!.requests[0].path).to.equal('/repos/octo/hello/milestones?state=all&per_page=100')
      expect(client.stats).to.include({requests: 1, restRequests: 1, graphqlRequests: 0})
    })

    it('talks to GHES roots: REST under /api/v3, GraphQL at /api/graphql', async () => {
      stub = await startStub(sequence(OK, {status: 200, body: {login: 'octocat'}}))
      const client = await createClient({token: TOKEN, env: {GITHUB_API_URL: `${stub.url}/api/v3/`}})
      expect(client.endpoints).to.deep.equal({
        graphqlUrl: `${stub.url}/api/graphql`,
        restUrl: `${stub.url}/api/v3`,
        host: stub.url.replace('http://', ''),
      })
      await client.graphql(QUERY)
      await client.rest('GET /user')
      expect(stub.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal(['POST /api/graphql', 'GET /api/v3/user'])
      expect(client.stats).to.include({graphqlRequests: 1, restRequests: 1})
    })

    it('resolves the token from the environment when none is given, and refuses to start without one', async () => {
      stub = await startStub(sequence(OK))
      const client = await createClient({env: {GH_TOKEN: TOKEN, GITHUB_API_URL: stub.url}})
      await client.graphql(QUERY)
      expect(stub.requests[0].headers.authorization).to.equal(`token ${TOKEN}`)
      const error = await rejection(createClient({env: {PATH: '', GITHUB_API_URL: stub.url}}))
      expect(error).to.be.instanceOf(UserError)
      expect(error.message).to.include('GH_TOKEN')
    })

    it('refuses variable names Octokit would take as options', async () => {
      const client = await clientFor(sequence())
      for (const name of ['query', 'url', 'headers', 'request']) {
        const error = await rejection(client.graphql('query ($x: String) { viewer { login } }', {[name]: 'x'}))
        expect(error.message, name).to.include(`$${name}`)
      }
      expect(stub!.requests).to.have.length(0)
    })
  })

  describe('points', () => {
    it('counts x-ratelimit-used growth per resource, 1 for the first response of each', async () => {
      const window = String(Math.floor(Date.now() / 1000) + 3600)
      const nextWindow = String(Math.floor(Date.now() / 1000) + 7200)
      const graphqlHeaders = (used: number, reset = window) => ({'x-ratelimit-used': String(used), 'x-ratelimit-resource': 'graphql', 'x-ratelimit-reset': reset})
      const coreHeaders = (used: number) => ({'x-ratelimit-used': String(used), 'x-ratelimit-resource': 'core', 'x-ratelimit-reset': window})
      const client = await clientFor(
        sequence(
          gqlData({}, graphqlHeaders(100)), // first graphql response: 1
          gqlData({}, graphqlHeaders(105)), // +5
          {status: 200, headers: coreHeaders(40), body: {}}, // first core response: 1
          {status: 200, headers: coreHeaders(41), body: {}}, // +1
          gqlData({}, graphqlHeaders(3, nextWindow)), // new window: 3
          gqlData({}), // no headers: 1
        ),
      )
      await client.graphql(QUERY)
      await client.graphql(QUERY)
      expect(client.stats.points).to.equal(6)
      await client.rest('GET /user')
      await client.rest('GET /user')
      expect(client.stats.points).to.equal(8)
      await client.graphql(QUERY)
      await client.graphql(QUERY)
      expect(client.stats.points).to.equal(12)
      expect(client.stats.requests).to.equal(6)
    })
  })

  describe('limits', () => {
    it('waits out a secondary limit (403 + retry-after) and retries', async () => {
      const client = await clientFor(sequence({status: 403, headers: {'retry-after': '1'}, body: {message: SECONDARY}}, OK))
      expect(await client.graphql(QUERY)).to.deep.equal({viewer: {login: 'octocat'}})
      expect(waits).to.deep.equal([{reason: 'secondary', waitMs: 5, what: 'query Viewer'}])
      expect(client.stats).to.include({requests: 2, retries: 1, waits: 1, waitedMs: 5})
    })

    it('treats a 429 with retry-after as a secondary limit whatever its message', async () => {
      const client = await clientFor(sequence({status: 429, headers: {'retry-after': '1'}, body: {message: 'Too Many Requests'}}, {status: 200, body: {}}))
      await client.rest('GET /user')
      expect(waits).to.deep.equal([{reason: 'secondary', waitMs: 5, what: 'GET /user'}])
      expect(stub!.requests).to.have.length(2)
    })

    it('gives up on a secondary limit after `retries` and says to wait', async () => {
      const client = await clientFor(() => ({status: 403, headers: {'retry-after': '1'}, body: {message: SECONDARY}}), {retries: 2})
      const error = await rejection(client.graphql(QUERY))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'secondary-limit')
      expect(error.message).to.match(/secondary rate limit/i)
      expect(stub!.requests).to.have.length(3)
      expect(waits.map((w) => w.reason)).to.deep.equal(['secondary', 'secondary'])
    })

    it('waits for an exhausted primary limit that resets soon', async () => {
      const reset = String(Math.floor(Date.now() / 1000) + 1)
      const client = await clientFor(
        sequence(
          {status: 403, headers: {'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '5000', 'x-ratelimit-reset': reset}, body: {message: 'API rate limit exceeded for user ID 1.'}},
          OK,
        ),
      )
      expect(await client.graphql(QUERY)).to.deep.equal({viewer: {login: 'octocat'}})
      expect(waits).to.have.length(1)
      expect(waits[0].reason).to.equal('primary')
      expect(client.stats.retries).to.equal(1)
    })

    it('fails with the figures when the primary limit resets beyond primaryWaitMaxMs', async () => {
      const reset = Math.floor(Date.now() / 1000) + 3600
      const client = await clientFor(
        sequence({status: 403, headers: {'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '5000', 'x-ratelimit-reset': String(reset)}, body: {message: 'API rate limit exceeded'}}),
      )
      const error = await rejection(client.rest('GET /user'))
      const at = new Date(reset * 1000).toISOString().replace('.000Z', 'Z')
      expect(error).to.be.instanceOf(UserError)
      expect(error.message).to.equal(
        `GitHub API rate limit exhausted (0 of 5000 points left); it resets at ${at}. Try again then, or use a token with a higher limit.`,
      )
      expect(stub!.requests).to.have.length(1)
      expect(waits).to.deep.equal([])
    })

    it('reports a GraphQL RATE_LIMITED answer the same way', async () => {
      const reset = Math.floor(Date.now() / 1000) + 3600
      const client = await clientFor(
        sequence({
          status: 200,
          headers: {'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '5000', 'x-ratelimit-reset': String(reset)},
          body: {errors: [{type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.'}]},
        }),
        {primaryWaitMaxMs: 1000},
      )
      const error = await rejection(client.graphql(QUERY))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'rate-limit')
      expect(error.message).to.match(/^GitHub API rate limit exhausted \(0 of 5000 points left\); it resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\./)
    })
  })

  describe('retries', () => {
    it('retries a 502 and succeeds', async () => {
      const client = await clientFor(sequence({status: 502, body: {message: 'Server Error'}}, OK))
      expect(await client.graphql(QUERY)).to.deep.equal({viewer: {login: 'octocat'}})
      expect(waits).to.deep.equal([{reason: 'retry', waitMs: 1, what: 'query Viewer'}])
      expect(client.stats).to.include({requests: 2, retries: 1})
    })

    it('retries a dropped connection and succeeds, for GraphQL and REST', async () => {
      const client = await clientFor(sequence('drop', OK, 'drop', {status: 200, body: {ok: true}}))
      expect(await client.graphql(QUERY)).to.deep.equal({viewer: {login: 'octocat'}})
      expect(await client.rest('GET /user')).to.deep.equal({ok: true})
      expect(stub!.requests).to.have.length(4)
      expect(waits.map((w) => w.reason)).to.deep.equal(['retry', 'retry'])
    })

    it('backs off exponentially, then fails with a one-line server error', async () => {
      const client = await clientFor(() => ({status: 503, body: {message: 'Service Unavailable'}}), {retries: 4, retryBaseMs: 2})
      const error = await rejection(client.graphql(QUERY))
      expect(waits).to.deep.equal([2, 4, 8, 16].map((waitMs) => ({reason: 'retry', waitMs, what: 'query Viewer'})))
      expect(stub!.requests).to.have.length(5)
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'server')
      expect(error.message).to.include('503').and.not.include('\n')
    })

    it('retries a query answered HTTP 200 "Something went wrong" (transient on GitHub)', async () => {
      const client = await clientFor(sequence({status: 200, body: {data: null, errors: [{message: 'Something went wrong while executing your query. Please include `AB:CD` when reporting this issue.'}]}}, OK))
      expect(await client.graphql(QUERY)).to.deep.equal({viewer: {login: 'octocat'}})
      expect(stub!.requests).to.have.length(2)
    })

    it('never sends a mutation again after a 502, a 200 "Something went wrong" or a dropped connection: it is ambiguous', async () => {
      const MUTATION = 'mutation { addProjectV2DraftIssue(input: {projectId: "P", title: "t"}) { projectItem { id } } }'
      const failures: StubReply[] = [
        {status: 502, body: {message: 'Server Error'}},
        {status: 504, body: {message: 'Gateway Timeout'}},
        {status: 200, body: {data: null, errors: [{message: 'Something went wrong while executing your query. Please include `AB:CD` when reporting this issue.'}]}},
        'drop',
      ]
      for (const failure of failures) {
        await stub?.close()
        const client = await clientFor(sequence(failure, gqlData({addProjectV2DraftIssue: {projectItem: {id: 'PVTI_2'}}})))
        const error = await rejection(client.graphql(MUTATION))
        expect(error, JSON.stringify(failure)).to.be.instanceOf(GitHubError).and.have.property('kind', 'ambiguous')
        expect(error.message).to.match(/^a GraphQL mutation may or may not have been applied \(.*\); it is not sent again blindly/)
        expect(error.message).to.not.include('\n')
        expect(stub!.requests, 'sent once').to.have.length(1)
        expect(waits).to.deep.equal([])
      }
    })

    it('never sends a REST POST again after a 502, but retries reads and still waits out limits for mutations', async () => {
      const post = await clientFor(sequence({status: 502, body: {message: 'Server Error'}}, {status: 201, body: {id: 1}}))
      const error = await rejection(post.rest('POST /orgs/{org}/projectsV2/{n}/views', {org: 'acme', n: 1, name: 'v'}))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'ambiguous')
      expect(stub!.requests).to.have.length(1)
      await stub!.close()
      const limited = await clientFor(sequence({status: 403, headers: {'retry-after': '1'}, body: {message: SECONDARY}}, gqlData({updateProjectV2: {clientMutationId: null}})))
      await limited.graphql('mutation { updateProjectV2(input: {projectId: "P", title: "t"}) { clientMutationId } }')
      expect(stub!.requests, 'a refusal ran nothing: sent again after the wait').to.have.length(2)
      expect(waits.map((w) => w.reason)).to.deep.equal(['secondary'])
    })

    it('waits out a RATE_LIMITED answer (HTTP 200) that resets soon, then sends the request again', async () => {
      const reset = String(Math.floor(Date.now() / 1000) + 1)
      const client = await clientFor(
        sequence(
          {status: 200, headers: {'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '5000', 'x-ratelimit-reset': reset}, body: {errors: [{type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.'}]}},
          OK,
        ),
      )
      expect(await client.graphql(QUERY)).to.deep.equal({viewer: {login: 'octocat'}})
      expect(waits.map((w) => w.reason)).to.deep.equal(['primary'])
    })

    it('says when GitHub cannot be reached', async () => {
      const client = await clientFor(() => 'drop', {retries: 1})
      const error = await rejection(client.graphql(QUERY))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'network')
      expect(error.message).to.include(`Could not reach GitHub at ${stub!.url}`)
      expect(stub!.requests).to.have.length(2)
    })

    it('does not retry a 401, and says the token was rejected', async () => {
      const client = await clientFor(() => ({status: 401, body: {message: 'Bad credentials'}}))
      const error = await rejection(client.graphql(QUERY))
      expect(error).to.be.instanceOf(UserError)
      expect(error.message).to.match(/^GitHub rejected the token \(expired or revoked\?\)/)
      expect(stub!.requests).to.have.length(1)
    })
  })

  describe('errors', () => {
    it('maps NOT_FOUND, FORBIDDEN and INSUFFICIENT_SCOPES to three distinct messages, keeping the original', async () => {
      const client = await clientFor(
        sequence(
          gqlError('NOT_FOUND', "Could not resolve to an Organization with the login of 'ghost'."),
          gqlError('FORBIDDEN', 'Resource not accessible by personal access token'),
          gqlError(
            'INSUFFICIENT_SCOPES',
            "Your token has not been granted the required scopes to execute this query. The 'title' field requires one of the following scopes: ['project'], but your token has only been granted the: ['read:project'] scopes.",
          ),
        ),
      )
      const notFound = await rejection(client.graphql(QUERY))
      const forbidden = await rejection(client.graphql(QUERY))
      const scopes = await rejection(client.graphql(QUERY))
      expect(notFound.message).to.equal("Not found: Could not resolve to an Organization with the login of 'ghost'.")
      expect(forbidden.message).to.equal('Your token cannot access this resource (GitHub: Resource not accessible by personal access token); ask an owner to grant access')
      expect(scopes.message).to.include('lacks the project scope').and.include('`gh auth refresh -s project`')
      expect(new Set([notFound.message, forbidden.message, scopes.message]).size).to.equal(3)
      expect([notFound, forbidden, scopes].map((e) => (e as GitHubError).kind)).to.deep.equal(['not-found', 'forbidden', 'scopes'])
      for (const e of [notFound, forbidden, scopes]) expect((e.cause as Error).name).to.equal('GraphqlResponseError')
    })

    it('keeps partial data of a GraphQL answer with errors, and uses the first error’s message otherwise', async () => {
      const client = await clientFor(sequence({status: 200, body: {data: {viewer: {login: 'octocat'}}, errors: [{type: 'MAX_NODE_LIMIT_EXCEEDED', message: 'This query requests up to 1,000,000 possible nodes'}, {message: 'second'}]}}))
      const error = (await rejection(client.graphql(QUERY))) as GitHubError
      expect(error.message).to.equal('This query requests up to 1,000,000 possible nodes')
      expect(error.kind).to.equal('graphql')
      expect(error.data).to.deep.equal({viewer: {login: 'octocat'}})
      expect(error.errors).to.have.length(2)
    })

    it('never lets the token into errors, stats or endpoints', async () => {
      const client = await clientFor(
        sequence(
          {status: 401, body: {message: `Bad credentials for ${TOKEN}`}},
          gqlError('FORBIDDEN', `token ${TOKEN} cannot see this`),
          {status: 422, body: {message: `Validation failed: ${TOKEN}`}},
          {status: 404, body: {message: 'Not Found'}},
        ),
        {retries: 0},
      )
      const errors = [
        await rejection(client.graphql(QUERY)),
        await rejection(client.graphql(QUERY)),
        await rejection(client.rest('POST /repos/{owner}/{repo}/milestones', {owner: 'o', repo: 'r', title: TOKEN})),
        await rejection(client.rest('GET /repos/{owner}/{repo}/milestones', {owner: 'o', repo: 'r'})),
      ]
      expect(errors.every((e) => e instanceof UserError)).to.equal(true)
      expectNoToken(...errors, client.stats, client.endpoints)
      expect(errors[3].message).to.include('/repos/o/r/milestones')
    })
  })

  describe('pacing', () => {
    it('tells mutations from queries', () => {
      expect(isMutation('mutation { deleteProjectV2Item(input: {projectId: "a", itemId: "b"}) { deletedItemId } }')).to.equal(true)
      expect(isMutation('# comment\nfragment F on User { login }\nmutation M { x }')).to.equal(true)
      expect(isMutation(QUERY)).to.equal(false)
      expect(isMutation('{ viewer { login } }')).to.equal(false)
    })

    it('does not pace queries, however long the mutation interval', async () => {
      const client = await clientFor(sequence(OK, OK, OK), {mutationIntervalMs: 10 * 60_000})
      for (let i = 0; i < 3; i++) await client.graphql(QUERY)
      expect(stub!.requests).to.have.length(3)
    })
  })

  describe('process lifetime', () => {
    it('lets the process exit once the work is done, throttling waits included', async function () {
      stub = await startStub(sequence({status: 403, headers: {'retry-after': '1'}, body: {message: SECONDARY}}, OK, {status: 502, body: {}}, OK))
      const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
      const script = `
        import {createClient} from './src/github/client.ts'
        const client = await createClient({token: process.env.T, apiUrl: process.env.API, retryAfterUnitMs: 10, retryBaseMs: 10})
        await client.graphql('query { viewer { login } }')
        await client.graphql('query { viewer { login } }')
        console.log(JSON.stringify(client.stats))
      `
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: root,
        env: {...process.env, T: TOKEN, API: stub.url},
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      let err = ''
      child.stdout.on('data', (d) => (out += d))
      child.stderr.on('data', (d) => (err += d))
      // a process kept alive by a timer would still be running when this fires
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])))
      clearTimeout(killer)
      expect(signal, err).to.equal(null)
      expect(code, err).to.equal(0)
      expect(JSON.parse(out)).to.include({requests: 4, retries: 2, waits: 2})
    })
  })
})
