import {expect} from 'chai'
import {captureProject} from '../../src/github/capture.js'
import {createClient, type GitHubClient} from '../../src/github/client.js'
import type {ProjectState} from '../../src/model/state.js'
import {applyPlan} from '../../src/plan/apply.js'
import {diff} from '../../src/plan/diff.js'
import type {Plan} from '../../src/plan/plan.js'
import {loadSeed, type Seed} from '../../src/sandbox/seed.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'

const NOW = new Date('2025-03-10T12:00:00Z')

/** A project with archived issues and an archived draft, and a Status field most items use. */
const SEED: Seed = {
  repositories: [
    {
      owner: 'acme',
      name: 'app',
      issues: [{title: 'One'}, {title: 'Two'}, {title: 'Three'}, {title: 'Four'}, {title: 'Five'}, {title: 'Old'}],
    },
  ],
  projects: [
    {
      owner: 'acme',
      title: 'Roadmap',
      fields: [
        {name: 'Status', type: 'SINGLE_SELECT', options: [{name: 'Todo'}, {name: 'In Progress'}, {name: 'Done'}]},
        {name: 'Notes', type: 'TEXT'},
      ],
      items: [
        {issue: 'acme/app#1', values: {Status: 'Todo'}},
        {issue: 'acme/app#2', values: {Status: 'In Progress'}},
        {issue: 'acme/app#3', values: {Status: 'Done'}},
        {issue: 'acme/app#4', values: {Status: 'Done'}},
        {issue: 'acme/app#5', values: {Status: 'Todo'}},
        {issue: 'acme/app#6', archived: true, values: {Status: 'Done', Notes: 'kept for the record'}},
        {draft: {title: 'Shelved idea', body: 'exists nowhere else'}, archived: true, values: {Status: 'Todo'}},
      ],
    },
  ],
}

interface Live {
  world: World
  sandbox: Sandbox
  client: GitHubClient
  projectId: string
  capture(): Promise<ProjectState>
  apply(plan: Plan): Promise<Awaited<ReturnType<typeof applyPlan>>>
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>
}

async function live(): Promise<Live> {
  const world = new World({now: () => NOW})
  const projectId = Object.values(loadSeed(world, SEED).projects)[0]
  const sandbox = await startSandbox({backend: world, limits: 'off'})
  const client = await createClient({apiUrl: sandbox.url, token: 'live-token', env: {}})
  const capture = async () => (await captureProject(client, projectId, {type: 'full', dependencies: 'none'})).state
  const apply = async (plan: Plan) =>
    applyPlan(plan, {
      graphql: (q, v) => client.graphql(q, v),
      rest: (route, params) => client.rest(route, params),
      projectId,
      live: await capture(),
    })
  return {world, sandbox, client, projectId, capture, apply, gql: (q, v) => client.graphql(q, v)}
}

const STATUS = `query($id: ID!) { node(id: $id) { ... on ProjectV2 {
  field(name: "Status") { ... on ProjectV2SingleSelectField { id options { id name color description } } }
  items(first: 50, archivedStates: [ARCHIVED, NOT_ARCHIVED]) { nodes { id isArchived
    status: fieldValueByName(name: "Status") { ... on ProjectV2ItemFieldSingleSelectValue { optionId name } }
    notes: fieldValueByName(name: "Notes") { ... on ProjectV2ItemFieldTextValue { text } }
    content { ... on Issue { number } ... on DraftIssue { title } } } } } } }`

async function board(gh: Live) {
  const data = await gh.gql(STATUS, {id: gh.projectId})
  const items: Record<string, {id: string; archived: boolean; status: string | null; notes: string | null}> = {}
  for (const n of data.node.items.nodes) {
    items[n.content.number ? `#${n.content.number}` : n.content.title] = {
      id: n.id,
      archived: n.isArchived,
      status: n.status?.name ?? null,
      notes: n.notes?.text ?? null,
    }
  }
  return {field: data.node.field, items}
}

const UPDATE_OPTIONS = `mutation($input: UpdateProjectV2FieldInput!) { updateProjectV2Field(input: $input) { projectV2Field { __typename } } }`

/** Rename Todo (kept by id), delete Done, add Blocked: the values of Done are orphaned, the others survive. */
async function vandaliseOptions(gh: Live): Promise<void> {
  const {field} = await board(gh)
  const byName = (name: string) => field.options.find((o: {name: string}) => o.name === name)
  await gh.gql(UPDATE_OPTIONS, {
    input: {
      fieldId: field.id,
      singleSelectOptions: [
        {id: byName('Todo').id, name: 'Backlog', color: 'GRAY', description: ''},
        {id: byName('In Progress').id, name: 'In Progress', color: byName('In Progress').color, description: ''},
        {name: 'Blocked', color: 'RED', description: ''},
      ],
    },
  })
}

describe("app: backup and restore on today's GitHub", function () {
  this.timeout(60_000)
  let gh: Live

  beforeEach(async () => {
    gh = await live()
  })

  afterEach(async () => {
    await gh.sandbox.close()
  })

  it('a backup keeps archived issues and archived drafts, with their values', async () => {
    const state = await gh.capture()
    const archived = Object.values(state.items!).filter((i) => i.archived)
    expect(archived.map((i) => i.content?.number ?? i.draft?.title).sort()).to.deep.equal([6, 'Shelved idea'].sort())
    expect(Object.keys(state.items!)).to.have.length(7)
    expect(state.itemOrder).to.have.length(7)
    const draft = archived.find((i) => i.draft)!
    expect(draft.draft!.body).to.equal('exists nowhere else')
    const notes = Object.values(state.fields).find((f) => f.name === 'Notes')!
    expect(archived.find((i) => i.content)!.values[notes.id]).to.deep.equal({type: 'text', text: 'kept for the record'})
  })

  it('restores vandalised options with their ids: only the items of the deleted option get a value mutation', async () => {
    const backup = await gh.capture()
    await vandaliseOptions(gh)
    const damaged = await board(gh)
    expect(damaged.items['#1'].status).to.equal('Backlog')
    expect(damaged.items['#3'].status).to.equal(null)
    const plan = diff(backup, await gh.capture())
    const usedDone = Object.values(backup.items!).filter((i) => Object.values(i.values).some((v) => v.type === 'singleSelect' && v.name === 'Done'))
    expect(usedDone).to.have.length(3)
    expect(plan.summary.values_to_set).to.equal(usedDone.length)

    const before = gh.sandbox.stats.mutationFields
    const result = await gh.apply(plan)
    expect(result.failed).to.deep.equal([])
    const fields = gh.sandbox.stats.mutationFields - before
    // restoreOptions, the three values of Done, and the archived #6 unarchived and archived again around its value
    expect(fields).to.equal(1 + usedDone.length + 2)
    expect(plan.estimate.mutations).to.equal(fields)

    const restored = await board(gh)
    expect(restored.field.options.map((o: {id: string}) => o.id).slice(0, 2)).to.deep.equal(damaged.field.options.map((o: {id: string}) => o.id).slice(0, 2))
    expect(Object.fromEntries(Object.entries(restored.items).map(([k, v]) => [k, v.status]))).to.deep.equal({
      '#1': 'Todo',
      '#2': 'In Progress',
      '#3': 'Done',
      '#4': 'Done',
      '#5': 'Todo',
      '#6': 'Done',
      'Shelved idea': 'Todo',
    })
    expect(diff(backup, await gh.capture()).operations).to.deep.equal([])
  })

  it('an option restore interrupted right after the options mutation leaves every surviving value on the board', async () => {
    const backup = await gh.capture()
    await vandaliseOptions(gh)
    const plan = diff(backup, await gh.capture())
    const onlyOptions = plan.operations.filter((op) => op.op === 'restoreOptions')
    expect(onlyOptions).to.have.length(1)
    await gh.apply({...plan, operations: onlyOptions})
    const {items} = await board(gh)
    // the values whose options still existed are all there; only Done's (deleted by the vandal) wait for the rest
    expect(Object.fromEntries(Object.entries(items).map(([k, v]) => [k, v.status]))).to.deep.equal({
      '#1': 'Todo',
      '#2': 'In Progress',
      '#3': null,
      '#4': null,
      '#5': 'Todo',
      '#6': null,
      'Shelved idea': 'Todo',
    })
  })

  it('an archived item whose value was vandalised is restored to the backup value and stays archived', async () => {
    const backup = await gh.capture()
    const {items, field} = await board(gh)
    const todo = field.options.find((o: {name: string}) => o.name === 'Todo').id
    const set = `mutation($p: ID!, $i: ID!, $f: ID!, $o: String!) { updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: {singleSelectOptionId: $o}}) { clientMutationId } }`
    const archive = (op: 'archive' | 'unarchive') =>
      gh.gql(`mutation($p: ID!, $i: ID!) { ${op}ProjectV2Item(input: {projectId: $p, itemId: $i}) { clientMutationId } }`, {p: gh.projectId, i: items['#6'].id})
    await archive('unarchive')
    await gh.gql(set, {p: gh.projectId, i: items['#6'].id, f: field.id, o: todo})
    await archive('archive')
    expect((await board(gh)).items['#6']).to.deep.include({archived: true, status: 'Todo'})

    const plan = diff(backup, await gh.capture())
    expect(plan.operations.map((o) => o.op)).to.deep.equal(['unarchiveItem', 'setValue', 'archiveItem'])
    const result = await gh.apply(plan)
    expect(result.failed).to.deep.equal([])
    expect((await board(gh)).items['#6']).to.deep.include({archived: true, status: 'Done', notes: 'kept for the record'})
    expect(diff(backup, await gh.capture()).operations).to.deep.equal([])
  })
})
