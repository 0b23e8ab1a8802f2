import {expect} from 'chai'
import fc from 'fast-check'
import {Kind, parse, type FieldNode, type OperationDefinitionNode} from 'graphql'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {captureProject} from '../../src/github/capture.js'
import {createClient, type GitHubClient} from '../../src/github/client.js'
import type {ProjectState} from '../../src/model/state.js'
import {FileProgressStore, MemoryProgressStore, applyPlan, type ApplyContext} from '../../src/plan/apply.js'
import {diff} from '../../src/plan/diff.js'
import {findMissingContent} from '../../src/plan/lookup.js'
import {sortKeys} from '../../src/util/canonical.js'
import type {Operation, Plan} from '../../src/plan/plan.js'
import {ManualClock} from '../../src/sandbox/clock.js'
import {buildReplica, REPLICA_VIEWER} from '../../src/sandbox/from-state.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import type {World} from '../../src/sandbox/world.js'
import {rejection} from '../helpers/rejection.js'
import {applyEdits, buildState, editArb} from '../helpers/states.js'
import {FIELD, baseState, clone, item, url} from './fixtures.js'

/**
 * "GitHub" in these tests is the sandbox: a replica of a ProjectState (src/sandbox/from-state.ts) served in-process on
 * 127.0.0.1 on a manual clock and reached through the production client, so GitHub's hazards (replaced options get new
 * ids and orphan their values, a deleted field takes its values, an archived item refuses changes, every document is
 * validated against the schema) are the sandbox's, not a second model of them. Requests apply sends are recorded.
 */
interface RecordedRequest {
  query: string
  variables: Record<string, unknown>
  kind: 'query' | 'mutation'
  /** root fields in alias order */
  fields: string[]
}

interface Hub {
  world: World
  sandbox: Sandbox
  projectId: string
  /** the replica as captured before anything was applied: what a plan is computed against */
  live: ProjectState
  /** GraphQL requests apply sent (captures not counted) */
  requests: RecordedRequest[]
  restCalls: Array<{route: string; params: Record<string, unknown>}>
  readonly mutationDocuments: RecordedRequest[]
  graphql: ApplyContext['graphql']
  rest: ApplyContext['rest']
  /** the network fails (before the request reaches GitHub) on the n-th mutation request from now, 1-based */
  dropMutationRequest(n: number | undefined): void
  capture(): Promise<ProjectState>
  close(): Promise<void>
}

/** sandboxes opened by the running test, closed after it */
const hubs: Hub[] = []

/** A sandbox holding `live`; `references` (the desired state) exist in it too: its issues outside the project. */
async function github(live: ProjectState, options: {references?: ProjectState; missingContent?: string[]} = {}): Promise<Hub> {
  const clock = new ManualClock(Date.parse('2026-11-20T12:00:00Z'))
  const replica = buildReplica(live, {...options, now: () => new Date(clock.now())})
  const sandbox = await startSandbox({backend: replica.world, limits: 'off', clock, defaultViewer: REPLICA_VIEWER})
  const client: GitHubClient = await createClient({apiUrl: sandbox.url, token: 'sandbox-token', env: {}, retries: 0})
  const requests: RecordedRequest[] = []
  const restCalls: Hub['restCalls'] = []
  let dropAt: number | undefined
  const capture = async () => (await captureProject(client, replica.projectId, {type: 'full', dependencies: 'all'})).state
  const hub: Hub = {
    world: replica.world,
    sandbox,
    projectId: replica.projectId,
    live: await capture(),
    requests,
    restCalls,
    get mutationDocuments() {
      return requests.filter((r) => r.kind === 'mutation')
    },
    graphql: async (query: string, variables: Record<string, unknown> = {}) => {
      const op = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!
      const kind = op.operation === 'mutation' ? 'mutation' : 'query'
      if (kind === 'mutation' && dropAt !== undefined && --dropAt === 0) throw new Error('socket hang up')
      const fields = op.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD).map((f) => f.name.value)
      requests.push({query, variables, kind, fields})
      return client.graphql(query, variables)
    },
    rest: async (route: string, params: Record<string, unknown>) => {
      restCalls.push({route, params})
      return client.rest(route, params)
    },
    dropMutationRequest(n) {
      dropAt = n
    },
    capture,
    close: () => sandbox.close(),
  }
  hubs.push(hub)
  return hub
}

function ctxFor(gh: Hub, extra: Partial<ApplyContext> = {}): ApplyContext {
  const clock = gh.sandbox.clock as ManualClock
  return {
    graphql: gh.graphql,
    rest: gh.rest,
    projectId: gh.projectId,
    live: clone(gh.live),
    now: () => clock.now(),
    sleep: async (ms) => clock.advance(ms),
    ...extra,
  }
}

/** Where each operation was sent: [request index, alias index], from the recorded mutation documents. */
function placement(gh: Hub, plan: Plan): Map<string, [number, number]> {
  // operations are sent in plan order, skipping none that succeeded; map them to the recorded aliases in order
  const out = new Map<string, [number, number]>()
  const graphqlOps = plan.operations.filter((o) => !['createView', 'addBlockedBy', 'removeBlockedBy'].includes(o.op))
  let k = 0
  gh.mutationDocuments.forEach((doc, r) => doc.fields.forEach((_f, a) => out.set(graphqlOps[k++].id, [r, a])))
  return out
}

/** A live project after a bad day: options replaced, a field deleted, items deleted, archived, reordered, vandalised. */
function vandalise(desired: ProjectState): ProjectState {
  const live = clone(desired)
  live.project.title = 'oops'
  const status = live.fields[FIELD.status]
  status.options = {x1: {id: 'x1', name: 'Todo', description: '', color: 'GRAY', position: 0}}
  for (const it of Object.values(live.items!)) if (it.values[FIELD.status]?.type === 'singleSelect') delete it.values[FIELD.status]
  delete live.fields[FIELD.priority]
  for (const it of Object.values(live.items!)) delete it.values[FIELD.priority]
  delete live.items![url(3)]
  delete live.items!['draft:DI_1']
  live.itemOrder = live.itemOrder!.filter((k) => k !== url(3) && k !== 'draft:DI_1').reverse()
  item(live, 4).archived = true
  item(live, 2).content!.title = 'lol'
  item(live, 5).content!.title = 'PR 5, renamed'
  item(live, 5).content!.body = ''
  item(live, 1).content!.labels = []
  return live
}

describe('plan/apply', () => {
  afterEach(async () => {
    for (const hub of hubs.splice(0)) await hub.close()
  })

  it('restores a vandalised project: every document validates, and the plan afterwards is empty', async () => {
    const desired = baseState()
    const gh = await github(vandalise(desired), {references: desired})
    const plan = diff(desired, gh.live)
    expect(plan.operations.length).to.be.greaterThan(10)
    const progress: Array<[number, number]> = []
    const result = await applyPlan(plan, ctxFor(gh, {onProgress: (d, t) => progress.push([d, t])}))
    expect(result.failed).to.deep.equal([])
    expect(result.applied).to.equal(plan.operations.length)
    expect(progress.at(-1)).to.deep.equal([plan.operations.length, plan.operations.length])
    // the sandbox refuses a document GitHub's schema does not validate, so none of apply's did not
    expect((await rejection(gh.graphql('mutation { updateProjectV2(input: {projectId: "x", nope: 1}) { clientMutationId } }', {}))).message).to.match(/nope/)
    const after = await gh.capture()
    const again = diff(desired, after)
    expect(again.operations).to.deep.equal([])
    expect(after.itemOrder!.map((k) => after.items![k].content?.url ?? after.items![k].draft?.title)).to.deep.equal(
      desired.itemOrder!.map((k) => desired.items![k].content?.url ?? desired.items![k].draft?.title),
    )
  })

  it('batches up to batchSize aliased mutations per request, content creation in smaller batches', async () => {
    const desired = buildState(3, {items: 130})
    // GitHub gives every closed issue a reason (COMPLETED unless told otherwise); the generator leaves it null
    for (const it of Object.values(desired.items!)) {
      if (it.content?.kind === 'Issue' && it.content.state === 'CLOSED') it.content.stateReason ??= 'COMPLETED'
    }
    const live = clone(desired)
    for (const it of Object.values(live.items!)) delete it.values.PVTSSF_status
    const drafts = Object.keys(live.items!).filter((k) => k.startsWith('draft:'))
    for (const k of drafts) delete live.items![k]
    live.itemOrder = live.itemOrder!.filter((k) => !drafts.includes(k))
    const gh = await github(live, {references: desired})
    const plan = diff(desired, gh.live, {batchSize: 40, contentBatchSize: 7})
    const result = await applyPlan(plan, ctxFor(gh, {batchSize: 40, contentBatchSize: 7}))
    expect(result.failed).to.deep.equal([])
    const docs = gh.mutationDocuments
    for (const d of docs) {
      expect(d.fields.length).to.be.within(1, 40)
      if (d.fields.includes('addProjectV2DraftIssue')) expect(d.fields.length).to.be.at.most(7)
    }
    expect(docs.some((d) => d.fields.includes('addProjectV2DraftIssue'))).to.equal(true)
    const setValues = docs.flatMap((d) => d.fields).filter((f) => f === 'updateProjectV2ItemFieldValue').length
    expect(setValues).to.equal(plan.operations.filter((o) => o.op === 'setValue').length)
    expect(docs.some((d) => d.fields.length === 40)).to.equal(true)
    // the estimate counts exactly the requests apply sends (look-ups and mutations)
    expect(gh.requests.length + gh.restCalls.length).to.equal(plan.estimate.requests)
    expect(diff(desired, await gh.capture()).operations).to.deep.equal([])
  })

  it('sends every operation after the operations it depends on, never in the same request when it needs their ids', async () => {
    const desired = baseState()
    const gh = await github(vandalise(desired), {references: desired})
    const plan = diff(desired, gh.live)
    const result = await applyPlan(plan, ctxFor(gh))
    expect(result.failed).to.deep.equal([])
    const where = placement(gh, plan)
    const byId = new Map(plan.operations.map((o) => [o.id, o]))
    let checked = 0
    for (const op of plan.operations) {
      const at = where.get(op.id)
      if (!at) continue
      for (const d of op.deps) {
        const dep = where.get(d)
        if (!dep) continue
        checked++
        if (op.op === 'moveItem' && byId.get(d)?.op === 'moveItem') {
          expect(dep[0] < at[0] || (dep[0] === at[0] && dep[1] < at[1]), `${op.id} after ${d}`).to.equal(true)
        } else {
          expect(dep[0], `${op.id} in a later request than ${d}`).to.be.lessThan(at[0])
        }
      }
    }
    expect(checked).to.be.greaterThan(5)
  })

  it('sends the ids of options that still exist and takes the id of a recreated one from the payload before setting its values', async () => {
    const desired = baseState()
    const live = clone(desired)
    live.fields[FIELD.status].options!.opt_prog.color = 'PURPLE'
    delete live.fields[FIELD.status].options!.opt_done
    delete item(live, 3).values[FIELD.status]
    const gh = await github(live)
    const plan = diff(desired, gh.live)
    const result = await applyPlan(plan, ctxFor(gh))
    expect(result.failed).to.deep.equal([])
    const after = await gh.capture()
    const status = Object.values(after.fields).find((f) => f.name === 'Status')!
    const options = Object.values(status.options!).sort((a, b) => a.position - b.position)
    // the options that existed kept their ids, so the values pointing at them survived the replacement
    expect(options.slice(0, 2).map((o) => o.id)).to.deep.equal(['opt_todo', 'opt_prog'])
    expect(item(after, 1).values[status.id]).to.include({optionId: 'opt_todo'})
    expect(item(after, 2).values[status.id]).to.include({optionId: 'opt_prog'})
    const done = options.find((o) => o.name === 'Done')!
    expect(done.id).to.not.equal('opt_done')
    const sets = gh.mutationDocuments.flatMap((d) =>
      d.fields.map((f, i) => [f, d.variables[`i${i}`]] as [string, any]).filter(([f]) => f === 'updateProjectV2ItemFieldValue'),
    )
    expect(sets.map(([, input]) => input.value.singleSelectOptionId)).to.deep.equal([done.id])
    expect(diff(desired, after).operations).to.deep.equal([])
  })

  it('resumes after an interrupted run, skipping what the progress store says is done', async () => {
    const desired = baseState()
    const gh = await github(vandalise(desired), {references: desired})
    const journal = new MemoryProgressStore()
    const plan = diff(desired, gh.live)
    gh.dropMutationRequest(3)
    const first = await applyPlan(plan, ctxFor(gh, {journal}))
    expect(first.failed.length).to.be.greaterThan(0)
    expect(first.failed.some((f) => f.error.startsWith('not attempted'))).to.equal(true)
    const done = await journal.completed()
    expect(done.size).to.equal(first.applied)
    expect(first.applied).to.be.greaterThan(0)

    // same plan, same journal, same (stale) live state: completed operations are skipped, ids they created come back from the journal
    gh.dropMutationRequest(undefined)
    const sentBefore = gh.mutationDocuments.flatMap((d) => d.fields).length
    const second = await applyPlan(plan, ctxFor(gh, {journal}))
    expect(second.failed).to.deep.equal([])
    expect(second.skipped).to.equal(first.applied)
    expect(second.applied).to.equal(plan.operations.length - first.applied)
    const sentAgain = gh.mutationDocuments.flatMap((d) => d.fields).length - sentBefore
    expect(sentAgain).to.equal(second.applied)
    expect(diff(desired, await gh.capture()).operations).to.deep.equal([])
  })

  it('a plan recomputed after an interruption finishes the job', async () => {
    const desired = baseState()
    const gh = await github(vandalise(desired), {references: desired})
    gh.dropMutationRequest(2)
    const first = await applyPlan(diff(desired, gh.live), ctxFor(gh))
    expect(first.failed.length).to.be.greaterThan(0)
    gh.dropMutationRequest(undefined)
    const now = await gh.capture()
    const rest = diff(desired, now)
    const result = await applyPlan(rest, ctxFor(gh, {live: now}))
    expect(result.failed).to.deep.equal([])
    expect(diff(desired, await gh.capture()).operations).to.deep.equal([])
  })

  it('reports a failed operation, does not attempt what depends on it, and does the rest', async () => {
    const desired = baseState()
    const live = clone(desired)
    delete live.fields[FIELD.priority]
    for (const it of Object.values(live.items!)) delete it.values[FIELD.priority]
    live.project.title = 'x'
    const gh = await github(live)
    const plan = diff(desired, gh.live)
    // someone else creates the field between the plan and its apply: GitHub refuses the second one
    await gh.graphql(`mutation($p: ID!) { createProjectV2Field(input: {projectId: $p, dataType: TEXT, name: "Priority"}) { clientMutationId } }`, {
      p: gh.projectId,
    })
    gh.requests.length = 0
    const result = await applyPlan(plan, ctxFor(gh))
    expect(result.failed.map((f) => [f.op, f.error.split(':')[0]])).to.deep.equal([
      ['createField', 'Name has already been taken'],
      ['setValue', 'not attempted'],
    ])
    expect(result.applied).to.equal(1)
    expect((await gh.capture()).project.title).to.equal('Roadmap')
  })

  it('fails an operation whose option does not exist, naming it, without sending it', async () => {
    const desired = baseState()
    const live = clone(desired)
    item(live, 1).values[FIELD.status] = {type: 'singleSelect', optionId: 'opt_done', name: 'Done'}
    const gh = await github(live)
    const plan = diff(desired, gh.live)
    expect(plan.operations.map((o) => o.op)).to.deep.equal(['setValue'])
    const gone = clone(gh.live)
    const status = Object.values(gone.fields).find((f) => f.name === 'Status')!
    delete status.options!.opt_todo
    const result = await applyPlan(plan, ctxFor(gh, {live: gone}))
    expect(result.failed).to.deep.equal([{id: plan.operations[0].id, op: 'setValue', error: "option 'Todo' does not exist on field 'Status'"}])
    expect(gh.mutationDocuments).to.have.length(0)
  })

  it('recreates a deleted issue as a new issue and remaps its URL', async () => {
    const desired = baseState()
    const live = clone(desired)
    delete live.items![url(3)]
    live.itemOrder = live.itemOrder!.filter((k) => k !== url(3))
    const gh = await github(live, {references: desired, missingContent: [url(3)]})
    const missing = await findMissingContent(gh.graphql, Object.values(desired.items!).flatMap((i) => (i.content ? [i.content.url] : [])))
    expect(missing).to.deep.equal([url(3)])
    const plan = diff(desired, gh.live, {missingContent: missing, recreateMissingIssues: true})
    const result = await applyPlan(plan, ctxFor(gh))
    expect(result.failed).to.deep.equal([])
    const newUrl = result.idMap.urls[url(3)]
    expect(newUrl).to.match(/^https:\/\/github\.com\/acme\/api\/issues\/\d+$/)
    expect(newUrl).to.not.equal(url(3))
    const after = await gh.capture()
    const status = Object.values(after.fields).find((f) => f.name === 'Status')!
    expect(after.items![newUrl].values[status.id]).to.include({name: 'Done'})
    expect(after.items![newUrl].content).to.include({title: 'Issue 3', body: 'Body of issue 3'})
    expect(diff(desired, after, {urlMap: result.idMap.urls}).operations).to.deep.equal([])
  })

  it('creates a missing view through REST with field database ids', async () => {
    // keys sorted as in a backup read from the journal (and in a capture): plan/diff compares a view's sorting by
    // JSON text, so the fixture's {field, direction} would differ from the capture's {direction, field}
    const desired = sortKeys(baseState())
    const live = clone(desired)
    delete live.views!['1']
    const gh = await github(live)
    const plan = diff(desired, gh.live)
    expect(plan.operations.map((o) => o.op)).to.deep.equal(['createView'])
    const result = await applyPlan(plan, ctxFor(gh))
    expect(result.failed).to.deep.equal([])
    expect(gh.restCalls.map((c) => c.route)).to.deep.equal(['POST /orgs/{org}/projectsV2/{project_number}/views'])
    const after = await gh.capture()
    const dbIds = new Set(Object.values(after.fields).map((f) => f.databaseId))
    const sent = gh.restCalls[0].params.visible_fields as number[]
    expect(sent).to.have.length(3)
    for (const id of sent) expect(dbIds.has(id), `visible field ${id} is a field's database id`).to.equal(true)
    expect(diff(desired, after).operations).to.deep.equal([])
    expect(diff(desired, after).warnings).to.deep.equal([])
  })

  it('property: after random edits, apply converges (the next plan is empty) and every document validates', async function () {
    this.timeout(120_000)
    const base = buildState(7, {items: 18})
    await fc.assert(
      fc.asyncProperty(fc.array(editArb, {minLength: 1, maxLength: 8}), async (edits) => {
        const gh = await github(applyEdits(base, edits), {references: base})
        try {
          const plan = diff(base, gh.live, {destructive: true})
          const result = await applyPlan(plan, ctxFor(gh))
          expect(result.failed).to.deep.equal([])
          const next = diff(base, await gh.capture(), {destructive: true})
          expect(next.operations.map((o: Operation) => o.id)).to.deep.equal([])
        } finally {
          await gh.close()
          hubs.splice(hubs.indexOf(gh), 1)
        }
      }),
      {numRuns: 60},
    )
  })

  describe('FileProgressStore', () => {
    let dir: string
    beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'plan-progress-'))))
    afterEach(async () => fs.rm(dir, {recursive: true, force: true}))

    it('keeps completed operations across instances, in a private file', async () => {
      const file = path.join(dir, 'restore.progress.json')
      const a = new FileProgressStore(file)
      expect((await a.completed()).size).to.equal(0)
      await a.done('field.create:Priority', {fieldId: 'F9', options: {P0: 'o1'}})
      await a.doneMany([
        ['value.set:x:Priority', null],
        ['item.add:y', {itemId: 'I1'}],
      ])
      const b = new FileProgressStore(file)
      const completed = await b.completed()
      expect([...completed.keys()]).to.deep.equal(['field.create:Priority', 'value.set:x:Priority', 'item.add:y'])
      expect(completed.get('field.create:Priority')).to.deep.equal({fieldId: 'F9', options: {P0: 'o1'}})
      expect((await fs.stat(file)).mode & 0o777).to.equal(0o600)
      await b.clear()
      expect((await new FileProgressStore(file).completed()).size).to.equal(0)
    })

    it('lets apply resume from the file', async () => {
      const desired = baseState()
      const gh = await github(vandalise(desired), {references: desired})
      const file = path.join(dir, 'p.json')
      const plan = diff(desired, gh.live)
      gh.dropMutationRequest(2)
      const first = await applyPlan(plan, ctxFor(gh, {journal: new FileProgressStore(file)}))
      expect(first.failed.length).to.be.greaterThan(0)
      gh.dropMutationRequest(undefined)
      const second = await applyPlan(plan, ctxFor(gh, {journal: new FileProgressStore(file)}))
      expect(second.skipped).to.equal(first.applied)
      expect(second.failed).to.deep.equal([])
      expect(diff(desired, await gh.capture()).operations).to.deep.equal([])
    })
  })
})
