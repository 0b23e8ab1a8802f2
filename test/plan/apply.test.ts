import {expect} from 'chai'
import fc from 'fast-check'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {FileProgressStore, MemoryProgressStore, applyPlan, type ApplyContext} from '../../src/plan/apply.js'
import {diff} from '../../src/plan/diff.js'
import {findMissingContent} from '../../src/plan/lookup.js'
import type {ProjectState} from '../../src/model/state.js'
import type {Operation, Plan} from '../../src/plan/plan.js'
import {applyEdits, buildState, editArb} from '../helpers/states.js'
import {FakeGitHub, type FakeOptions} from './fake-github.js'
import {FIELD, baseState, clone, item, url} from './fixtures.js'

function ctxFor(gh: FakeGitHub, extra: Partial<ApplyContext> = {}): ApplyContext {
  return {graphql: gh.graphql, rest: gh.rest, projectId: gh.state.project.id, live: clone(gh.state), ...extra}
}

/** Where each operation was sent: [request index, alias index], from the recorded mutation documents. */
function placement(gh: FakeGitHub, plan: Plan): Map<string, [number, number]> {
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
  item(live, 1).content!.labels = []
  return live
}

describe('plan/apply', () => {
  it('restores a vandalised project: every document validates, and the plan afterwards is empty', async () => {
    const desired = baseState()
    const gh = new FakeGitHub(vandalise(desired), {}, [desired])
    const plan = diff(desired, gh.state)
    expect(plan.operations.length).to.be.greaterThan(10)
    const progress: Array<[number, number]> = []
    const result = await applyPlan(plan, ctxFor(gh, {onProgress: (d, t) => progress.push([d, t])}))
    expect(result.failed).to.deep.equal([])
    expect(result.applied).to.equal(plan.operations.length)
    expect(progress.at(-1)).to.deep.equal([plan.operations.length, plan.operations.length])
    const again = diff(desired, gh.state)
    expect(again.operations).to.deep.equal([])
    expect(gh.state.itemOrder!.map((k) => gh.state.items![k].content?.url ?? gh.state.items![k].draft?.title)).to.deep.equal(
      desired.itemOrder!.map((k) => desired.items![k].content?.url ?? desired.items![k].draft?.title),
    )
  })

  it('batches up to batchSize aliased mutations per request, content creation in smaller batches', async () => {
    const desired = buildState(3, {items: 130})
    const live = clone(desired)
    for (const it of Object.values(live.items!)) delete it.values.PVTSSF_status
    const drafts = Object.keys(live.items!).filter((k) => k.startsWith('draft:'))
    for (const k of drafts) delete live.items![k]
    live.itemOrder = live.itemOrder!.filter((k) => !drafts.includes(k))
    const gh = new FakeGitHub(live, {}, [desired])
    const plan = diff(desired, live, {batchSize: 40, contentBatchSize: 7})
    const result = await applyPlan(plan, ctxFor(gh, {batchSize: 40, contentBatchSize: 7}))
    expect(result.failed).to.deep.equal([])
    const docs = gh.mutationDocuments
    for (const d of docs) {
      expect(d.fields.length).to.be.within(1, 40)
      if (d.fields.includes('addProjectV2DraftIssue')) expect(d.fields.length).to.be.at.most(7)
    }
    const setValues = docs.flatMap((d) => d.fields).filter((f) => f === 'updateProjectV2ItemFieldValue').length
    expect(setValues).to.equal(plan.operations.filter((o) => o.op === 'setValue').length)
    expect(docs.some((d) => d.fields.length === 40)).to.equal(true)
    // the estimate counts exactly the requests apply sends (look-ups and mutations)
    expect(gh.requests.length).to.equal(plan.estimate.requests)
    expect(diff(desired, gh.state).operations).to.deep.equal([])
  })

  it('sends every operation after the operations it depends on, never in the same request when it needs their ids', async () => {
    const desired = baseState()
    const gh = new FakeGitHub(vandalise(desired), {}, [desired])
    const plan = diff(desired, gh.state)
    await applyPlan(plan, ctxFor(gh))
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
    const gh = new FakeGitHub(live)
    const plan = diff(desired, live)
    await applyPlan(plan, ctxFor(gh))
    const options = gh.state.fields[FIELD.status].options!
    expect(Object.keys(options).slice(0, 2)).to.deep.equal(['opt_todo', 'opt_prog'])
    const done = Object.values(options).find((o) => o.name === 'Done')!
    expect(done.id).to.not.equal('opt_done')
    const sets = gh.mutationDocuments.flatMap((d) =>
      d.fields.map((f, i) => [f, d.variables[`i${i}`]] as [string, any]).filter(([f]) => f === 'updateProjectV2ItemFieldValue'),
    )
    expect(sets.map(([, input]) => input.value.singleSelectOptionId)).to.deep.equal([done.id])
    expect(diff(desired, gh.state).operations).to.deep.equal([])
  })

  it('resumes after an interrupted run, skipping what the progress store says is done', async () => {
    const desired = baseState()
    const live = vandalise(desired)
    const journal = new MemoryProgressStore()
    const plan = diff(desired, live)
    const flaky = new FakeGitHub(live, {throwOnMutationRequest: 3}, [desired])
    const first = await applyPlan(plan, ctxFor(flaky, {journal}))
    expect(first.failed.length).to.be.greaterThan(0)
    expect(first.failed.some((f) => f.error.startsWith('not attempted'))).to.equal(true)
    const done = await journal.completed()
    expect(done.size).to.equal(first.applied)
    expect(first.applied).to.be.greaterThan(0)

    // same plan, same journal: completed operations are skipped, ids they created come back from the journal
    const steady = new FakeGitHub(flaky.state, {}, [desired])
    const second = await applyPlan(plan, {...ctxFor(steady, {journal}), live: clone(live)})
    expect(second.failed).to.deep.equal([])
    expect(second.skipped).to.equal(first.applied)
    expect(second.applied).to.equal(plan.operations.length - first.applied)
    const sentAgain = steady.mutationDocuments.flatMap((d) => d.fields).length
    expect(sentAgain).to.equal(second.applied)
    expect(diff(desired, steady.state).operations).to.deep.equal([])
  })

  it('a plan recomputed after an interruption finishes the job', async () => {
    const desired = baseState()
    const flaky = new FakeGitHub(vandalise(desired), {throwOnMutationRequest: 2}, [desired])
    await applyPlan(diff(desired, flaky.state), ctxFor(flaky))
    const gh = new FakeGitHub(flaky.state, {}, [desired])
    const rest = diff(desired, gh.state)
    const result = await applyPlan(rest, ctxFor(gh))
    expect(result.failed).to.deep.equal([])
    expect(diff(desired, gh.state).operations).to.deep.equal([])
  })

  it('reports a failed operation, does not attempt what depends on it, and does the rest', async () => {
    const desired = baseState()
    const live = clone(desired)
    delete live.fields[FIELD.priority]
    for (const it of Object.values(live.items!)) delete it.values[FIELD.priority]
    live.project.title = 'x'
    const opts: FakeOptions = {failWhen: (f) => (f === 'createProjectV2Field' ? 'Name has already been taken' : undefined)}
    const gh = new FakeGitHub(live, opts)
    const plan = diff(desired, live)
    const result = await applyPlan(plan, ctxFor(gh))
    expect(result.failed.map((f) => [f.op, f.error.split(':')[0]])).to.deep.equal([
      ['createField', 'Name has already been taken'],
      ['setValue', 'not attempted'],
    ])
    expect(result.applied).to.equal(1)
    expect(gh.state.project.title).to.equal('Roadmap')
  })

  it('fails an operation whose option does not exist, naming it, without sending it', async () => {
    const desired = baseState()
    const live = clone(desired)
    item(live, 1).values[FIELD.status] = {type: 'singleSelect', optionId: 'opt_done', name: 'Done'}
    const plan = diff(desired, live)
    const gone = clone(live)
    delete gone.fields[FIELD.status].options!.opt_todo
    const gh = new FakeGitHub(live)
    const result = await applyPlan(plan, {...ctxFor(gh), live: gone})
    expect(result.failed).to.deep.equal([{id: plan.operations[0].id, op: 'setValue', error: "option 'Todo' does not exist on field 'Status'"}])
    expect(gh.mutationDocuments).to.have.length(0)
  })

  it('recreates a deleted issue as a new issue and remaps its URL', async () => {
    const desired = baseState()
    const live = clone(desired)
    delete live.items![url(3)]
    live.itemOrder = live.itemOrder!.filter((k) => k !== url(3))
    const gh = new FakeGitHub(live, {deleted: [url(3)]})
    const missing = await findMissingContent(gh.graphql, Object.values(desired.items!).flatMap((i) => (i.content ? [i.content.url] : [])))
    expect(missing).to.deep.equal([url(3)])
    const plan = diff(desired, live, {missingContent: missing, recreateMissingIssues: true})
    const result = await applyPlan(plan, ctxFor(gh))
    expect(result.failed).to.deep.equal([])
    const newUrl = result.idMap.urls[url(3)]
    expect(newUrl).to.match(/issues\/\d{4}$/)
    expect(gh.state.items![newUrl].values[FIELD.status]).to.include({name: 'Done'})
    expect(diff(desired, gh.state, {urlMap: result.idMap.urls}).operations).to.deep.equal([])
  })

  it('creates a missing view through REST with field database ids', async () => {
    const desired = baseState()
    const live = clone(desired)
    delete live.views!['1']
    const gh = new FakeGitHub(live)
    const result = await applyPlan(diff(desired, live), ctxFor(gh))
    expect(result.failed).to.deep.equal([])
    expect(gh.restCalls[0].route).to.equal('POST /orgs/{org}/projectsV2/{project_number}/views')
    expect(diff(desired, gh.state).operations).to.deep.equal([])
    expect(diff(desired, gh.state).warnings).to.deep.equal([])
  })

  it('property: after random edits, apply converges (the next plan is empty) and every document validates', async function () {
    this.timeout(120_000)
    const base = buildState(7, {items: 18})
    await fc.assert(
      fc.asyncProperty(fc.array(editArb, {minLength: 1, maxLength: 8}), async (edits) => {
        const live = applyEdits(base, edits)
        const gh = new FakeGitHub(clone(live), {}, [base])
        const plan = diff(base, gh.state, {destructive: true})
        const result = await applyPlan(plan, ctxFor(gh))
        expect(result.failed).to.deep.equal([])
        const next = diff(base, gh.state, {destructive: true})
        expect(next.operations.map((o: Operation) => o.id)).to.deep.equal([])
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
      const live = vandalise(desired)
      const file = path.join(dir, 'p.json')
      const plan = diff(desired, live)
      const flaky = new FakeGitHub(live, {throwOnMutationRequest: 2}, [desired])
      const first = await applyPlan(plan, ctxFor(flaky, {journal: new FileProgressStore(file)}))
      const steady = new FakeGitHub(flaky.state, {}, [desired])
      const second = await applyPlan(plan, {...ctxFor(steady, {journal: new FileProgressStore(file)}), live: clone(live)})
      expect(second.skipped).to.equal(first.applied)
      expect(second.failed).to.deep.equal([])
      expect(diff(desired, steady.state).operations).to.deep.equal([])
    })
  })
})
