import {expect} from 'chai'
import type {Seed} from '../../src/sandbox/seed.js'
import {World} from '../../src/sandbox/world.js'
import {Client, NOW} from './world-helpers.js'

/**
 * copyProjectV2 as GitHub's docs ("Copying an existing project") describe it: views (with what only the UI holds),
 * custom fields, configured workflows except auto-add ones, insights; drafts only when asked; never items,
 * collaborators or links. What only the UI holds is read back through the sandbox-only inspection route.
 */
const SEED: Seed = {
  users: [{login: 'bob'}, {login: 'carol'}],
  orgs: [{login: 'acme', members: {bob: 'MEMBER'}}],
  repositories: [{owner: 'acme', name: 'app', issues: [{title: 'One'}]}],
  projects: [
    {
      owner: 'acme',
      title: 'Roadmap',
      fields: [{name: 'Priority', type: 'SINGLE_SELECT', options: [{name: 'P0', color: 'RED'}, {name: 'P1'}]}],
      views: [
        {name: 'Board', layout: 'BOARD_LAYOUT', groupBy: ['Status'], uiConfig: {columnWidths: {Title: 320}, sliceBy: 'Priority', fieldSums: ['Priority'], collapsedGroups: ['Done']}},
        {name: 'Table', visibleFields: ['Title', 'Priority']},
      ],
      workflows: [
        {name: 'Item closed', enabled: true, config: {set: {field: 'Status', value: 'Done'}}},
        {name: 'Auto-archive items', enabled: true, config: {filter: 'is:closed updated:<@today-2w'}},
        {name: 'Auto-add to project', enabled: true, config: {repository: 'acme/app', filter: 'is:issue label:bug'}},
      ],
      insights: [{name: 'Burn up', config: {layout: 'line', xAxis: 'Time'}}],
      repositories: ['acme/app'],
      collaborators: [{user: 'bob', role: 'WRITER'}],
      items: [{issue: 'acme/app#1', values: {Priority: 'P0'}}, {draft: {title: 'Idea'}, values: {Priority: 'P1'}}],
    },
  ],
}

const COPY = `mutation($p: ID!, $o: ID!, $d: Boolean!) { copyProjectV2(input: {projectId: $p, ownerId: $o, title: "Copy", includeDraftIssues: $d}) {
  projectV2 { id title items(first: 10) { nodes { type fieldValueByName(name: "Priority") { ... on ProjectV2ItemFieldSingleSelectValue { name } } } }
    repositories(first: 5) { totalCount } views(first: 10) { nodes { name layout } } workflows(first: 20) { nodes { name enabled } } } } }`

async function setup(): Promise<{api: Client; projectId: string; orgId: string}> {
  const world = World.fromSeed(SEED, {now: () => NOW})
  const api = new Client(world)
  const data = await api.gql('{ organization(login: "acme") { id projectV2(number: 1) { id } } }')
  return {api, projectId: data.organization.projectV2.id, orgId: data.organization.id}
}

interface Ui {
  sandboxOnly: string
  views: Array<{name: string; uiConfig: Record<string, unknown> | null}>
  workflows: Array<{name: string; enabled: boolean; config: Record<string, unknown> | null}>
  insights: Array<{name: string}>
}

describe('sandbox world: copyProjectV2 and what only the UI holds', () => {
  it('copies views with their UI configuration, configured workflows but auto-add, and insights; no items, links or collaborators', async () => {
    const {api, projectId, orgId} = await setup()
    const copy = (await api.gql(COPY, {p: projectId, o: orgId, d: false})).copyProjectV2.projectV2
    expect(copy.items.nodes).to.deep.equal([])
    expect(copy.repositories.totalCount).to.equal(0)
    expect(copy.views.nodes).to.deep.equal([{name: 'Board', layout: 'BOARD_LAYOUT'}, {name: 'Table', layout: 'TABLE_LAYOUT'}])
    const flows = Object.fromEntries(copy.workflows.nodes.map((w: {name: string; enabled: boolean}) => [w.name, w.enabled]))
    expect(flows['Item closed']).to.equal(true)
    expect(flows['Auto-archive items']).to.equal(true)
    expect(flows['Auto-add to project']).to.equal(false)

    const ui = (await api.rest('GET', `/_sandbox/projects/${copy.id}/ui`))!.body as Ui
    expect(ui.sandboxOnly).to.match(/not part of GitHub/)
    expect(ui.views.map((v) => v.uiConfig)).to.deep.equal([SEED.projects![0].views![0].uiConfig, null])
    const config = Object.fromEntries(ui.workflows.map((w) => [w.name, w.config]))
    expect(config['Item closed']).to.deep.equal({set: {field: 'Status', value: 'Done'}})
    expect(config['Auto-archive items']).to.deep.equal({filter: 'is:closed updated:<@today-2w'})
    expect(config['Auto-add to project']).to.equal(null)
    expect(ui.insights.map((i) => i.name)).to.deep.equal(['Burn up'])

    // collaborators are not copied: bob (WRITER on the source, a plain member) cannot write the copy
    const denied = await api.as('bob').run(`mutation($p: ID!) { updateProjectV2(input: {projectId: $p, title: "x"}) { projectV2 { id } } }`, {p: copy.id})
    expect(denied.errors.length).to.be.greaterThan(0)

    // the copy is independent: changing the source's UI-only configuration does not reach it
    api.world.model.store.views[api.world.model.store.projects[projectId].viewIds[0]].uiConfig = {sliceBy: 'Status'}
    const again = (await api.rest('GET', `/_sandbox/projects/${copy.id}/ui`))!.body as Ui
    expect(again.views[0].uiConfig).to.deep.include({sliceBy: 'Priority'})
  })

  it('does not bring back a workflow the source deleted', async () => {
    const {api, projectId, orgId} = await setup()
    const flows = await api.gql(`query($p: ID!) { node(id: $p) { ... on ProjectV2 { workflows(first: 20) { nodes { id name } } } } }`, {p: projectId})
    const reopened = flows.node.workflows.nodes.find((w: {name: string}) => w.name === 'Item reopened')
    await api.gql(`mutation($w: ID!) { deleteProjectV2Workflow(input: {workflowId: $w}) { deletedWorkflowId } }`, {w: reopened.id})
    const copy = (await api.gql(COPY, {p: projectId, o: orgId, d: false})).copyProjectV2.projectV2
    const names = copy.workflows.nodes.map((w: {name: string}) => w.name)
    expect(names).to.not.include('Item reopened')
    expect(names).to.include('Item closed')
    expect(names).to.include('Auto-add to project')
  })

  it('copies draft issues with their values only when asked', async () => {
    const {api, projectId, orgId} = await setup()
    const copy = (await api.gql(COPY, {p: projectId, o: orgId, d: true})).copyProjectV2.projectV2
    expect(copy.items.nodes).to.deep.equal([{type: 'DRAFT_ISSUE', fieldValueByName: {name: 'P1'}}])
  })

  it('serves the inspection route only for projects the caller can see, and is no GitHub route for writes', async () => {
    const {api, projectId} = await setup()
    expect(await api.as('carol').rest('GET', `/_sandbox/projects/${projectId}/ui`)).to.equal(undefined)
    expect(await api.rest('POST', `/_sandbox/projects/${projectId}/ui`, {})).to.equal(undefined)
    expect(await api.rest('GET', '/_sandbox/projects/PVT_nope/ui')).to.equal(undefined)
  })

  it('lets anyone who can see a public template copy it into their own account', async () => {
    const {api, projectId} = await setup()
    await api.gql(`mutation($p: ID!) { updateProjectV2(input: {projectId: $p, public: true}) { projectV2 { id } } }`, {p: projectId})
    await api.gql(`mutation($p: ID!) { markProjectV2AsTemplate(input: {projectId: $p}) { projectV2 { template } } }`, {p: projectId})
    const carol = api.as('carol')
    const me = (await carol.gql('{ viewer { id } }')).viewer.id
    const copy = (await carol.gql(COPY, {p: projectId, o: me, d: false})).copyProjectV2.projectV2
    expect(copy.views.nodes.map((v: {name: string}) => v.name)).to.deep.equal(['Board', 'Table'])
    const ui = (await carol.rest('GET', `/_sandbox/projects/${copy.id}/ui`))!.body as Ui
    expect(ui.insights.map((i) => i.name)).to.deep.equal(['Burn up'])
  })
})
