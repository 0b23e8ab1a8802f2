import {expect} from 'chai'
import {createClient, type ClientOptions, type GitHubClient, type WaitInfo} from '../../src/github/client.js'
import {GitHubError} from '../../src/github/errors.js'
import {connect, openSession} from '../../src/app/session.js'
import {startHostile, type Stub} from './stub-server.js'
import type http from 'node:http'
import {rejection} from '../helpers/rejection.js'

const TOKEN = 'ghp_TESTTOKEN1234567890abcdef'
const QUERY = 'query Viewer { viewer { login } }'
const MUTATION = 'mutation AddDraft { addProjectV2DraftIssue(input: {projectId: "P", title: "t"}) { projectItem { id } } }'
const OK = JSON.stringify({data: {viewer: {login: 'octocat'}}})

/** Never answers: the request is read, nothing is sent back. */
const silent = () => {}

/** Sends the status line and headers, then one byte of the body every `ms`, forever. */
const dripBody =
  (ms: number) =>
  (res: http.ServerResponse, _index: number, every: (ms: number, fn: () => void) => void): void => {
    res.writeHead(200, {'content-type': 'application/json'})
    res.write('{')
    every(ms, () => res.write(' '))
  }

/** Drips the status line itself, a byte at a time: fetch never even sees headers. */
const dripHeaders =
  (ms: number) =>
  (res: http.ServerResponse, _index: number, every: (ms: number, fn: () => void) => void): void => {
    const text = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-padding: ' + 'x'.repeat(10_000)
    let i = 0
    every(ms, () => {
      if (i < text.length) res.socket?.write(text[i++])
    })
  }

const answer = (res: http.ServerResponse): void => {
  res.writeHead(200, {'content-type': 'application/json'})
  res.end(OK)
}

describe('github/client: stalls and deadlines (hostile server on loopback)', () => {
  let stub: Stub | undefined
  let waits: WaitInfo[]

  afterEach(async () => {
    await stub?.close()
    stub = undefined
  })

  async function clientFor(
    onRequest: Parameters<typeof startHostile>[0],
    options: ClientOptions = {},
  ): Promise<GitHubClient> {
    stub = await startHostile(onRequest)
    waits = []
    return createClient({token: TOKEN, apiUrl: stub.url, retryBaseMs: 1, onWait: (info) => waits.push(info), ...options})
  }

  describe('stall timeout', () => {
    it('cuts a server that never answers after the stall timeout, retries the query, then fails in one line', async () => {
      const started = Date.now()
      const client = await clientFor(silent, {stallTimeoutMs: 150, retries: 1})
      const error = await rejection(client.graphql(QUERY))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'network')
      expect(error.message).to.include("GitHub sent nothing for 0.15 s while we waited for GitHub's answer to query Viewer (stalled)")
      expect(error.message).to.not.include('\n').and.not.include(TOKEN)
      expect(stub!.requests, 'a query is sent again').to.have.length(2)
      expect(waits.filter((w) => w.reason === 'retry')).to.deep.equal([{reason: 'retry', waitMs: 1, what: 'query Viewer'}])
      expect(Date.now() - started).to.be.below(2000)
    })

    it('cuts a server that drips its body a byte at a time, and a retry that is answered succeeds', async () => {
      const client = await clientFor((res, index, every) => (index === 0 ? dripBody(20)(res, index, every) : answer(res)), {stallTimeoutMs: 150})
      expect(await client.graphql(QUERY)).to.deep.equal({viewer: {login: 'octocat'}})
      expect(stub!.requests).to.have.length(2)
      expect(client.stats).to.include({requests: 2, retries: 1})
    })

    it('cuts a server that drips even its status line, for REST reads too', async () => {
      const client = await clientFor(dripHeaders(20), {stallTimeoutMs: 150, retries: 0})
      const error = await rejection(client.rest('GET /repos/{owner}/{repo}/milestones', {owner: 'o', repo: 'r'}))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'network')
      expect(error.message).to.include("while we waited for GitHub's answer to GET /repos/{owner}/{repo}/milestones (stalled)")
    })

    it('says how little a dripping body brought', async () => {
      const client = await clientFor(dripBody(20), {stallTimeoutMs: 150, retries: 0})
      const error = await rejection(client.graphql(QUERY))
      expect(error.message).to.match(/GitHub sent only \d+ bytes for 0\.15 s while we waited/)
    })

    it('never sends a stalled mutation again: it may have been applied', async () => {
      const client = await clientFor(silent, {stallTimeoutMs: 150})
      const error = await rejection(client.graphql(MUTATION))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'ambiguous')
      expect(error.message).to.match(/^a GraphQL mutation may or may not have been applied \(.*stalled.*\); it is not sent again blindly/)
      expect(stub!.requests).to.have.length(1)
    })

    it('does not cut an answer that is slow but steady (over 1 KiB a window)', async () => {
      const chunk = ' '.repeat(2048)
      const client = await clientFor(
        (res, _index, every) => {
          res.writeHead(200, {'content-type': 'application/json'})
          let n = 0
          every(40, () => {
            if (n++ < 8) res.write(chunk)
            else if (!res.writableEnded) res.end(OK)
          })
        },
        {stallTimeoutMs: 150, retries: 0},
      )
      expect(await client.graphql(QUERY)).to.deep.equal({viewer: {login: 'octocat'}})
      expect(stub!.requests).to.have.length(1)
    })

    it('tells, while it waits, which answer it is waiting for (not counted as a wait)', async () => {
      let release: (() => void) | undefined
      const client = await clientFor((res) => (release = () => answer(res)), {stallTimeoutMs: 5000, progressMs: 30})
      const pending = client.graphql(QUERY)
      while (!waits.some((w) => w.reason === 'answer')) await new Promise((resolve) => setTimeout(resolve, 10))
      release!()
      await pending
      const progress = waits.filter((w) => w.reason === 'answer')
      expect(progress[0]).to.include({reason: 'answer', what: 'query Viewer'})
      expect(progress[0].waitMs).to.be.at.least(30)
      expect(client.stats.waits).to.equal(0)
    })
  })

  describe('deadline', () => {
    it('ends a call waiting on a silent server when the deadline passes, naming what it waited for', async () => {
      const started = Date.now()
      const client = await clientFor(silent, {stallTimeoutMs: 60_000, deadlineAt: Date.now() + 300})
      const error = await rejection(client.graphql(QUERY))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'deadline')
      expect(error.message).to.equal(
        "the command's deadline passed while waiting for GitHub's answer to query Viewer; raise github.deadline (or GITHUB_PM_GITHUB_DEADLINE) or try again later",
      )
      expect(stub!.requests, 'not sent again').to.have.length(1)
      expect(Date.now() - started).to.be.within(250, 2000)
    })

    it('does not begin a backoff that would end after the deadline', async () => {
      const started = Date.now()
      const client = await clientFor((res) => res.writeHead(502).end('{}'), {retryBaseMs: 10_000, deadlineAt: Date.now() + 2000})
      const error = await rejection(client.graphql(QUERY))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'deadline')
      expect(error.message).to.include("deadline passed while waiting for a 10 s pause before retrying query Viewer")
      expect(stub!.requests).to.have.length(1)
      expect(waits).to.deep.equal([])
      expect(Date.now() - started).to.be.below(1500)
    })

    it('does not wait out a secondary limit that lifts after the deadline', async () => {
      const client = await clientFor(
        (res) => res.writeHead(403, {'retry-after': '60', 'content-type': 'application/json'}).end(JSON.stringify({message: 'You have exceeded a secondary rate limit.'})),
        {retryAfterUnitMs: 1000, deadlineAt: Date.now() + 5000},
      )
      const error = await rejection(client.rest('GET /user'))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'deadline')
      expect(error.message).to.include("waiting for GitHub's secondary rate limit to lift (60 s) before sending GET /user again")
      expect(stub!.requests).to.have.length(1)
    })

    it('sends nothing once the deadline has passed', async () => {
      const client = await clientFor(answer, {deadlineAt: Date.now() - 1})
      const error = await rejection(client.graphql(QUERY))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'deadline')
      expect(error.message).to.include("passed before sending the request for GitHub's answer to query Viewer")
      expect(stub!.requests).to.have.length(0)
    })

    it('says a mutation cut by the deadline may have been applied', async () => {
      const client = await clientFor(silent, {stallTimeoutMs: 60_000, deadlineAt: Date.now() + 200})
      const error = await rejection(client.graphql(MUTATION))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'deadline')
      expect(error.message).to.include('the write then in flight may or may not have been applied: re-read the project')
    })

    it('comes from config github.deadline and github.stall_timeout (environment overrides) through the session', async () => {
      stub = await startHostile(silent)
      const env = {GH_TOKEN: TOKEN, GITHUB_API_URL: stub.url, GITHUB_PM_HOME: '/nonexistent-github-pm-home', GITHUB_PM_GITHUB_DEADLINE: '1', GITHUB_PM_GITHUB_STALL_TIMEOUT: '60'}
      const started = Date.now()
      const session = await openSession({env})
      expect(session.deadlineAt).to.be.within(started + 1000, Date.now() + 1000)
      const client = await connect(session)
      const error = await rejection(client.graphql(QUERY))
      expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'deadline')
      expect(Date.now() - started).to.be.within(900, 3000)
    })

    it("a session's retryBaseMs (GITHUB_PM_TEST_RETRY_BASE_MS in the CLI) is the client's backoff unit", async () => {
      stub = await startHostile((res, index) => (index === 0 ? res.writeHead(502).end('{}') : answer(res)))
      const env = {GH_TOKEN: TOKEN, GITHUB_API_URL: stub.url, GITHUB_PM_HOME: '/nonexistent-github-pm-home'}
      const seen: WaitInfo[] = []
      const client = await connect(await openSession({env, retryBaseMs: 7, onWait: (w) => seen.push(w)}))
      expect(await client.graphql(QUERY)).to.deep.equal({viewer: {login: 'octocat'}})
      expect(seen).to.deep.equal([{reason: 'retry', waitMs: 7, what: 'query Viewer'}])
      expect(stub.requests).to.have.length(2)
    })
  })
})
