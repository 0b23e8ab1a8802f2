import {expect} from 'chai'
import type {SandboxBackend} from '../../src/sandbox/backend.js'
import {ManualClock} from '../../src/sandbox/clock.js'
import {startSandbox, type Sandbox, type SandboxOptions} from '../../src/sandbox/server.js'
import {GITHUB_SERVER_TIME} from '../../src/sandbox/servertime.js'

/** A world that counts what it ran: updateIssue changes nothing visible, createIssue creates an issue. */
function countingBackend() {
  const ran = {updateIssue: 0, createIssue: 0, rest: 0}
  const backend: SandboxBackend & {ran: typeof ran} = {
    ran,
    graphqlRoot: () => ({
      query: {viewer: {__typename: 'User', id: 'U_1', login: 'octocat'}},
      mutation: {
        updateIssue: ({input}: {input: {id: string}}) => {
          ran.updateIssue++
          return {clientMutationId: null, issue: {__typename: 'Issue', id: input.id}}
        },
        createIssue: () => {
          ran.createIssue++
          return {clientMutationId: null, issue: {__typename: 'Issue', id: `I_${ran.createIssue}`}}
        },
      },
    }),
    async rest(req) {
      if (req.method === 'POST' && req.path === '/repos/octocat/hello/issues') {
        ran.rest++
        return {status: 201, body: {number: ran.rest}}
      }
      return undefined
    },
    isContentCreating: (field: string) => field === 'createIssue',
    toJSON: () => ({}),
  }
  return backend
}

const updates = (n: number) => `mutation { ${Array.from({length: n}, (_, i) => `u${i}: updateIssue(input: {id: "I_${i}"}) { clientMutationId }`).join(' ')} }`
const creates = (n: number) => `mutation { ${Array.from({length: n}, (_, i) => `c${i}: createIssue(input: {repositoryId: "R_1", title: "t${i}"}) { issue { id } }`).join(' ')} }`

async function post(sandbox: Sandbox, query: string): Promise<{status: number; body: any}> {
  const response = await fetch(sandbox.url + '/graphql', {
    method: 'POST',
    headers: {authorization: 'bearer secret', 'content-type': 'application/json'},
    body: JSON.stringify({query}),
  })
  return {status: response.status, body: await response.json()}
}

describe('sandbox: how GitHub fails', () => {
  let sandbox: Sandbox
  let backend: ReturnType<typeof countingBackend>
  let clock: ManualClock

  async function start(options: Partial<SandboxOptions> = {}): Promise<void> {
    backend = countingBackend()
    clock = new ManualClock()
    sandbox = await startSandbox({backend, clock, ...options})
  }

  afterEach(async () => sandbox?.close())

  describe('server time (10-second limit)', () => {
    it('is on by default with GitHub limits and moves the manual clock by each request\'s time', async () => {
      await start()
      const t0 = clock.now()
      const answer = await post(sandbox, updates(20))
      expect(answer.status).to.equal(200)
      expect(backend.ran.updateIssue).to.equal(20)
      // 100 ms base + 20 x 350 ms + 21 answer objects (data and 20 payloads) x 0.5 ms
      expect(clock.now() - t0).to.equal(7110.5)
      expect(sandbox.stats.serverTime.perRequestMs).to.deep.equal([7110.5])
      expect(sandbox.stats.serverTime.timeouts).to.equal(0)
    })

    it('ends 50 aliased mutations with a 502 after the 28 that fit ran: the answer is lost, the changes are made', async () => {
      await start()
      const t0 = clock.now()
      const answer = await post(sandbox, updates(50))
      expect(answer.status).to.equal(502)
      expect(answer.body.data).to.equal(null)
      expect(answer.body.errors[0].message).to.match(
        /^Something went wrong while executing your query\. This may be the result of a timeout, or it could be a GitHub bug\. Please include `[0-9A-F:]+` when reporting this issue\.$/,
      )
      expect(backend.ran.updateIssue).to.equal(28)
      expect(clock.now() - t0, 'GitHub stops working at 10 s').to.equal(GITHUB_SERVER_TIME.limitMs)
      expect(sandbox.stats.serverTime.timeouts).to.equal(1)
      expect(sandbox.stats.mutationFields, 'executed fields only').to.equal(28)
    })

    it('fits 14 content-creating mutations in a request, not 15', async () => {
      await start()
      expect((await post(sandbox, creates(14))).status).to.equal(200)
      expect(backend.ran.createIssue).to.equal(14)
      expect((await post(sandbox, creates(15))).status).to.equal(502)
      expect(backend.ran.createIssue).to.equal(28)
    })

    it('ends a query over the limit with a 502 (nothing changes), and the model can be tuned or switched off', async () => {
      await start({serverTime: {rootFieldMs: 1000}})
      const many = `{ ${Array.from({length: 10}, (_, i) => `v${i}: viewer { login }`).join(' ')} }`
      expect((await post(sandbox, many)).status).to.equal(502)
      await sandbox.close()
      await start({serverTime: false})
      const t0 = clock.now()
      expect((await post(sandbox, updates(60))).status).to.equal(200)
      expect(clock.now()).to.equal(t0)
      await sandbox.close()
      await start({limits: 'off'})
      expect((await post(sandbox, updates(60))).status, "off by default in limits 'off'").to.equal(200)
    })
  })

  describe('faults', () => {
    beforeEach(() => start())

    it('status5xxAfter: the mutation ran, then the answer is a 502', async () => {
      sandbox.faults.set({status5xxAfter: 1})
      const answer = await post(sandbox, updates(3))
      expect(answer.status).to.equal(502)
      expect(backend.ran.updateIssue).to.equal(3)
      expect(sandbox.faults.counters.status5xxAfter).to.equal(1)
    })

    it('dropAfter: the REST write ran, then the connection closes without an answer', async () => {
      sandbox.faults.set({dropAfter: 1})
      let failure: unknown
      try {
        await fetch(`${sandbox.url}/repos/octocat/hello/issues`, {method: 'POST', headers: {authorization: 'token secret'}, body: '{"title":"x"}'})
      } catch (error) {
        failure = error
      }
      expect(failure).to.be.instanceOf(TypeError)
      expect(backend.ran.rest).to.equal(1)
      expect(sandbox.faults.counters.droppedAfter).to.equal(1)
    })

    it('somethingWentWrong: HTTP 200 with data null and GitHub\'s message, nothing ran', async () => {
      sandbox.faults.set({somethingWentWrong: 1})
      const answer = await post(sandbox, updates(2))
      expect(answer.status).to.equal(200)
      expect(answer.body.data).to.equal(null)
      expect(answer.body.errors).to.have.length(1)
      expect(answer.body.errors[0].message).to.match(/^Something went wrong while executing your query\. Please include `[0-9A-F:]+` when reporting this issue\.$/)
      expect(backend.ran.updateIssue).to.equal(0)
    })

    it('submittedTooQuickly: refuses the creations beyond the pace per alias, runs the others, on the sandbox clock', async () => {
      sandbox.faults.set({submittedTooQuickly: true}) // 20 a minute
      expect((await post(sandbox, creates(12))).status).to.equal(200)
      const second = await post(sandbox, `mutation { ${creates(12).slice(11, -2)} u: updateIssue(input: {id: "I_1"}) { clientMutationId } }`)
      expect(second.status).to.equal(200)
      expect(backend.ran.createIssue).to.equal(20)
      expect(backend.ran.updateIssue, 'a mutation that creates nothing is not refused').to.equal(1)
      const refused = Object.keys(second.body.data).filter((alias) => second.body.data[alias] === null)
      expect(refused).to.deep.equal(['c8', 'c9', 'c10', 'c11'])
      expect(second.body.errors.map((e: any) => [e.type, e.path, e.message])).to.deep.equal(
        refused.map((alias) => ['UNPROCESSABLE', [alias], 'was submitted too quickly']),
      )
      expect(sandbox.faults.counters.tooQuickly).to.equal(4)
      clock.advance(60_000)
      expect((await post(sandbox, creates(4))).body.errors).to.equal(undefined)
      expect(backend.ran.createIssue).to.equal(24)
    })

    it('after-execution faults follow the seed like the others', async () => {
      const run = async () => {
        sandbox.faults.set({status5xxAfter: 0.5, seed: 3})
        const statuses: number[] = []
        for (let i = 0; i < 12; i++) statuses.push((await post(sandbox, '{ viewer { login } }')).status)
        return statuses
      }
      const first = await run()
      expect(await run()).to.deep.equal(first)
      expect(first).to.include(502).and.include(200)
    })
  })
})
