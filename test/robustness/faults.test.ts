import {expect} from 'chai'
import {createClient} from '../../src/github/client.js'
import {normalizeState} from '../../src/model/normalize.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {bigSeed} from '../helpers/big-seed.js'
import {json, TOKEN, type E2E} from '../helpers/e2e.js'
import {backupState, burstsAt, competingConsumer, liveState, projectIdOf, startEnv, validateStore} from './harness.js'

/**
 * Promise 1: GitHub failing now and then changes nothing about the result. 10% of requests answered 502, 2% of
 * connections dropped, and a competing consumer on the same login spending the secondary limit (in bursts during the
 * backup, keeping it nearly spent during the restore), on limits 'fast' (GitHub's windows on a 60x clock, so retry-after
 * is about a second). A backup and a restore of a 2,000-item
 * project, run as CLI processes, end exactly where the fault-free run does.
 */
describe('robustness: faults from GitHub (2,000 items, 502s, dropped connections, secondary limits)', function () {
  this.timeout(300_000)
  let e: E2E
  let projectId: string
  let cleanHash: string

  before(async () => {
    e = await startEnv(bigSeed({items: 2000}), {limits: 'fast'})
    projectId = await projectIdOf(e)
    const clean = await e.cli(['backup', 'create', 'clean', '--project', 'acme/1', '--json'])
    expect(clean.code, clean.stderr).to.equal(0)
    cleanHash = json(clean.stdout).event.stateHash
    expect(json(clean.stdout).event.stats.items).to.equal(2000)
  })
  after(async () => e.close())
  afterEach(() => e.sandbox.faults.clear())

  it('a backup under faults stores exactly the state of the fault-free backup', async () => {
    e.sandbox.faults.set({status5xx: 0.1, drop: 0.02, seed: 7})
    e.sandbox.faults.resetCounters()
    const limitedBefore = e.sandbox.stats.limited.secondary
    const base = e.sandbox.stats.requests.graphql
    const stop = burstsAt(e.sandbox, [base + 3, base + 12, base + 20])
    let r
    try {
      r = await e.cli(['backup', 'create', 'under-faults', '--project', 'acme/1', '--json'])
    } finally {
      stop()
    }
    expect(r.code, r.stderr).to.equal(0)
    const out = json(r.stdout)
    expect(out.event.stateHash).to.equal(cleanHash)
    expect(out.unchanged).to.equal(true)
    const {status5xx, dropped} = e.sandbox.faults.counters
    expect(status5xx + dropped, 'faults were injected').to.be.greaterThan(0)
    expect(e.sandbox.stats.limited.secondary - limitedBefore, 'secondary limits were hit').to.be.greaterThan(0)
    expect(out.api.requests).to.be.greaterThan(20)
    expect((await validateStore(e.env, projectId)).status).to.equal('valid')
  })

  it('a restore under faults leaves the project equal to the backup', async () => {
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    await damageBigProject(client, projectId)
    const damaged = await liveState(e.sandbox, projectId)
    const wanted = await backupState(e.env, projectId, 'clean')
    expect(canonicalJson(normalizeState(damaged))).to.not.equal(canonicalJson(normalizeState(wanted)))

    e.sandbox.faults.set({status5xx: 0.1, drop: 0.02, seed: 11})
    e.sandbox.faults.resetCounters()
    const limitedBefore = e.sandbox.stats.limited.secondary
    const stop = competingConsumer(e.sandbox, 'octocat', 20)
    let r
    try {
      r = await e.cli(['restore', '--yes', 'clean', '--project', 'acme/1', '--json'])
    } finally {
      stop()
    }
    e.sandbox.faults.clear()
    expect(r.code, r.stderr + r.stdout.slice(0, 2000)).to.equal(0)
    expect(json(r.stdout).status).to.equal('done')
    const {status5xx, dropped} = e.sandbox.faults.counters
    expect(status5xx + dropped, 'faults were injected').to.be.greaterThan(0)
    expect(e.sandbox.stats.limited.secondary - limitedBefore, 'secondary limits were hit').to.be.greaterThan(0)
    const after = await liveState(e.sandbox, projectId)
    expect(canonicalJson(normalizeState(after))).to.equal(canonicalJson(normalizeState(wanted)))
  })
})

/** Every card loses its Status (options re-saved), 30 drafts are deleted, the project is renamed. */
async function damageBigProject(client: Awaited<ReturnType<typeof createClient>>, projectId: string): Promise<void> {
  const data = await client.graphql<any>(
    `query($id: ID!) { node(id: $id) { ... on ProjectV2 {
      fields(first: 20) { nodes { ... on ProjectV2FieldCommon { id name } ... on ProjectV2SingleSelectField { options { name color description } } } }
      items(last: 30) { nodes { id content { __typename } } } } } }`,
    {id: projectId},
  )
  const status = data.node.fields.nodes.find((f: any) => f.name === 'Status')
  await client.graphql(`mutation($input: UpdateProjectV2FieldInput!) { updateProjectV2Field(input: $input) { projectV2Field { __typename } } }`, {
    input: {fieldId: status.id, singleSelectOptions: status.options.map((o: any) => ({name: o.name, color: o.color, description: o.description}))},
  })
  const drafts = data.node.items.nodes.filter((i: any) => i.content?.__typename === 'DraftIssue')
  expect(drafts).to.have.length(30)
  for (const d of drafts) {
    await client.graphql(`mutation($input: DeleteProjectV2ItemInput!) { deleteProjectV2Item(input: $input) { deletedItemId } }`, {input: {projectId, itemId: d.id}})
  }
  await client.graphql(`mutation($input: UpdateProjectV2Input!) { updateProjectV2(input: $input) { projectV2 { title } } }`, {
    input: {projectId, title: 'Big (vandalised)'},
  })
}
