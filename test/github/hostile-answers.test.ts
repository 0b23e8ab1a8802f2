import {expect} from 'chai'
import {captureProject} from '../../src/github/capture.js'
import {checkAnswer} from '../../src/github/answers.js'
import {createClient} from '../../src/github/client.js'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'
import {isUserError} from '../../src/util/errors.js'
import {rejection} from '../helpers/rejection.js'
import {startStub, type Stub} from './stub-server.js'

const TOKEN = 'ghp_HOSTILEANSWERS0123456789abcdefABCDEF'

/**
 * A hostile GitHub on loopback: a proxy in front of the sandbox that tampers with the answers to one operation.
 * Before answers were checked, each of these was saved as a backup (0 items, an incomplete item, "false" stored as
 * archived) or crashed with a bare TypeError.
 */
describe('answers are checked before they are believed', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  let proxy: Stub
  let projectId: string
  /** the tampering for ProjectItems answers: called with the answer and the attempt (1, 2, ...) */
  let tamper: ((body: any, attempt: number) => void) | undefined
  let attempts = 0

  before(async () => {
    sandbox = await startSandbox({backend: World.fromSeed(demoSeed()), limits: 'off'})
    proxy = await startStub(async (request) => {
      const response = await fetch(`${sandbox.url}${request.path}`, {method: request.method, headers: {authorization: String(request.headers.authorization), 'content-type': 'application/json'}, body: request.body || undefined})
      const body = (await response.json()) as any
      if (tamper && /query ProjectItems\b/.test(request.json?.query ?? '')) tamper(body, ++attempts)
      return {status: response.status, body}
    })
    const direct = await fetch(`${sandbox.url}/graphql`, {
      method: 'POST',
      headers: {authorization: `bearer ${TOKEN}`},
      body: JSON.stringify({query: '{ organization(login: "acme") { projectV2(number: 1) { id } } }'}),
    })
    projectId = ((await direct.json()) as any).data.organization.projectV2.id
  })
  beforeEach(() => {
    tamper = undefined
    attempts = 0
  })
  after(async () => {
    await proxy.close()
    await sandbox.close()
  })

  const capture = async () => captureProject(await createClient({apiUrl: proxy.url, token: TOKEN, retryBaseMs: 1, retryAfterUnitMs: 1}), projectId)

  async function refused(pattern: RegExp): Promise<void> {
    const error = await rejection(capture())
    expect(isUserError(error) && error.code, (error as Error).message).to.equal('EBADANSWER')
    expect((error as Error).message).to.match(pattern).and.to.contain('nothing was saved')
    expect((error as Error).message.split('\n')).to.have.length(1)
    expect(attempts, 'asked three times').to.equal(3)
  }

  it('an items connection answered as null is not "no items"', async () => {
    tamper = (body) => (body.data.node.items = null)
    await refused(/ProjectItems did not hold up at node\.items \(Cannot return null for non-nullable field ProjectV2\.items\.\)/)
  })

  it('an issue item without its content is an answer cut short', async () => {
    tamper = (body) => (body.data.node.items.nodes[0].content = null)
    await refused(/at node\.items\.nodes\.0\.content \(a (ISSUE|DRAFT_ISSUE|PULL_REQUEST) item without its content\)/)
  })

  it('values of the wrong type are refused with their path, not stored', async () => {
    tamper = (body) => (body.data.node.items.nodes[1].isArchived = 'false')
    await refused(/at node\.items\.nodes\.1\.isArchived \(Boolean cannot represent a non boolean value: "false"\)/)
    tamper = (body) => {
      const item = body.data.node.items.nodes.find((n: any) => n.content?.__typename === 'Issue')
      item.content.title = {text: 'an object'}
    }
    attempts = 0
    await refused(/content\.title \(String cannot represent value/)
    tamper = (body) => (body.data.node.items.nodes[0].type = 'SOMETHING')
    attempts = 0
    await refused(/nodes\.0\.type \(Enum "ProjectV2ItemType" cannot represent value/)
  })

  it('partial data beside an error is asked again, and a whole answer the second time is used', async () => {
    let whole: number | undefined
    tamper = (body, attempt) => {
      whole ??= body.data.node.items.nodes.length
      if (attempt === 1) {
        body.data.node.items.nodes = body.data.node.items.nodes.slice(0, 2)
        body.errors = [{type: 'RESOURCE_LIMITS_EXCEEDED', path: ['node', 'items'], message: 'Resource limits for this query exceeded.'}]
      }
    }
    const result = await capture()
    expect(attempts).to.equal(2)
    expect(Object.keys(result.state.items!)).to.have.length(whole!)
  })

  it('checks nothing more than the schema says: a whole answer passes untouched', () => {
    const query = 'query Q($id: ID!) { node(id: $id) { ... on ProjectV2 { title closed } } }'
    expect(checkAnswer(query, {id: 'x'}, {node: {__typename: 'ProjectV2', title: 'T', closed: false}})).to.equal(undefined)
    expect(checkAnswer(query, {id: 'x'}, {node: null}), 'node may be null').to.equal(undefined)
    expect(checkAnswer(query, {id: 'x'}, {node: {__typename: 'ProjectV2', title: null, closed: false}})).to.deep.equal({
      path: 'node.title',
      message: 'Cannot return null for non-nullable field ProjectV2.title.',
    })
    expect(checkAnswer(query, {id: 'x'}, null)).to.deep.equal({path: 'data', message: 'the answer holds no data'})
  })
})
