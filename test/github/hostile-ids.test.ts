import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {captureProject} from '../../src/github/capture.js'
import {createClient} from '../../src/github/client.js'
import {exportDocument, importDocument} from '../../src/journal/export.js'
import {openJournal} from '../../src/journal/journal.js'
import type {ProjectState} from '../../src/model/state.js'
import {diff} from '../../src/plan/diff.js'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'
import {LocalBackend} from '../../src/storage/local.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {startStub, type Stub} from './stub-server.js'

const TOKEN = 'ghp_HOSTILEIDS0123456789abcdefABCDEF'

/**
 * A GitHub whose ids are hostile keys: a proxy in front of the sandbox renames the Status field's id to `__proto__`
 * and one of its option ids to `constructor` in every answer (and back in every request). Before, the capture's
 * `fields[id] = …` replaced a prototype instead: the Status field, its values and the option vanished from the backup.
 */
describe('ids that are hostile keys survive capture, journal, export/import and the restore plan', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  let proxy: Stub
  let projectId: string
  let dir: string
  const renames: Array<[string, string]> = []

  const swap = (text: string, from: 0 | 1): string => {
    let out = text
    for (const pair of renames) out = out.split(`"${pair[from]}"`).join(`"${pair[1 - from]}"`)
    return out
  }

  before(async () => {
    sandbox = await startSandbox({backend: World.fromSeed(demoSeed()), limits: 'off'})
    const ask = async (query: string) =>
      ((await (await fetch(`${sandbox.url}/graphql`, {method: 'POST', headers: {authorization: `bearer ${TOKEN}`}, body: JSON.stringify({query})})).json()) as any).data
    projectId = (await ask('{ organization(login: "acme") { projectV2(number: 1) { id } } }')).organization.projectV2.id
    const fields = (await ask(`{ node(id: "${projectId}") { ... on ProjectV2 { fields(first: 50) { nodes { ... on ProjectV2SingleSelectField { id name options { id name } } } } } } }`)).node.fields.nodes
    const status = fields.find((f: any) => f?.name === 'Status')
    renames.push([status.id, '__proto__'], [status.options[0].id, 'constructor'])
    proxy = await startStub(async (request) => {
      const response = await fetch(`${sandbox.url}${request.path}`, {
        method: request.method,
        headers: {authorization: String(request.headers.authorization), 'content-type': 'application/json'},
        body: request.body ? swap(request.body, 1) : undefined,
      })
      return {status: response.status, body: swap(await response.text(), 0)}
    })
  })
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hostile-ids-'))
  })
  afterEach(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })
  after(async () => {
    await proxy.close()
    await sandbox.close()
  })

  const capture = async (): Promise<ProjectState> =>
    (await captureProject(await createClient({apiUrl: proxy.url, token: TOKEN, retryBaseMs: 1, retryAfterUnitMs: 1}), projectId)).state

  it('captures the field keyed `__proto__`, its option `constructor` and every value of it', async () => {
    const state = await capture()
    expect(Object.keys(state.fields)).to.include('__proto__')
    expect(Object.getPrototypeOf(state.fields)).to.equal(Object.prototype)
    const status = state.fields.__proto__
    expect(status.name).to.equal('Status')
    expect(Object.keys(status.options!)).to.include('constructor')
    const withStatus = Object.values(state.items!).filter((i) => Object.hasOwn(i.values, '__proto__'))
    expect(withStatus.length).to.be.greaterThan(3)
    expect(withStatus.some((i) => (i.values.__proto__ as {optionId?: string}).optionId === 'constructor')).to.equal(true)
  })

  it('keeps them through the journal (base and patch), export and import, and plans nothing when nothing changed', async () => {
    const first = await capture()
    const journal = await openJournal(new LocalBackend(dir), projectId, {now: () => new Date('2026-12-01T10:00:00Z')})
    await journal.append(first, {name: 'one', type: 'full'})
    const second = structuredClone(first)
    const key = Object.keys(second.items!).find((k) => Object.hasOwn(second.items![k].values, '__proto__'))!
    const other = Object.values(second.fields.__proto__.options!).find((o) => o.id !== (second.items![key].values.__proto__ as {optionId: string}).optionId)!
    second.items![key].values.__proto__ = {type: 'singleSelect', optionId: other.id, name: other.name}
    const {event, unchanged} = await journal.append(second, {name: 'two', type: 'full'})
    expect(unchanged, 'a change under `__proto__` is a change').to.equal(false)
    expect(event.kind).to.equal('patch')

    const replayed = await (await openJournal(new LocalBackend(dir), projectId, {})).state(event)
    expect(canonicalJson(replayed)).to.equal(canonicalJson(second))
    const imported = importDocument(JSON.stringify(exportDocument(event, replayed))).state
    expect(canonicalJson(imported)).to.equal(canonicalJson(second))

    expect(diff(imported, second).operations, 'desired equals live').to.deep.equal([])
    const plan = diff(imported, first)
    expect(plan.operations.length, 'the changed value is restored').to.be.greaterThan(0)
    expect(JSON.stringify(plan.operations)).to.include('__proto__')
  })
})
