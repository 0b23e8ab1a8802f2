import {expect} from 'chai'
import {World} from '../../src/sandbox/world.js'
import {buildProject, Client, newWorld, NOW, SET_VALUE, VALUE_BY_NAME} from './world-helpers.js'

const ITEMS_PAGE = `query($p: ID!, $first: Int, $after: String, $last: Int, $before: String) { node(id: $p) { ... on ProjectV2 {
  items(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
    nodes { id isArchived content { ... on Issue { number } } } } } } }`

describe('sandbox world: accounts, ids and the read surface', () => {
  it('starts with octocat and acme (octocat an admin), with GitHub-shaped ids, urls and database ids', async () => {
    const api = new Client(newWorld())
    const data = await api.gql(`{
      viewer { login id databaseId url isViewer organizations(first: 5) { nodes { login } } }
      organization(login: "acme") { id login databaseId url viewerIsAMember viewerCanAdminister }
      repositoryOwner(login: "acme") { __typename login }
      nobody: repositoryOwner(login: "nobody") { login } }`)
    expect(data.viewer.login).to.equal('octocat')
    expect(data.viewer.id).to.match(/^U_kwDO[0-9A-Za-z]{6}$/)
    expect(data.viewer.databaseId).to.be.a('number')
    expect(data.viewer.url).to.equal('https://github.com/octocat')
    expect(data.viewer.organizations.nodes).to.deep.equal([{login: 'acme'}])
    expect(data.organization.id).to.match(/^O_kwDO/)
    expect(data.organization.viewerIsAMember).to.equal(true)
    expect(data.organization.viewerCanAdminister).to.equal(true)
    expect(data.repositoryOwner).to.deep.equal({__typename: 'Organization', login: 'acme'})
    expect(data.nobody).to.equal(null)
  })

  it('issues the same ids for the same calls (deterministic worlds)', async () => {
    const a = await buildProject(new Client(newWorld()), 2)
    const b = await buildProject(new Client(newWorld()), 2)
    expect(a.projectId).to.match(/^PVT_/)
    expect(a.items.every((id) => id.startsWith('PVTI_'))).to.equal(true)
    expect(a.fields.Status.id).to.match(/^PVTSSF_/)
    expect(a.fields.Title.id).to.match(/^PVTF_/)
    expect(a.fields.Status.options![0].id).to.match(/^[0-9a-f]{8}$/)
    expect(b).to.deep.equal(a)
  })

  it('answers unknown things with GitHub\'s NOT_FOUND wording', async () => {
    const api = new Client(newWorld())
    const project = await api.gqlError('{ organization(login: "acme") { projectV2(number: 9) { id } } }')
    expect(project).to.include({type: 'NOT_FOUND', message: 'Could not resolve to a ProjectV2 with the number 9.'})
    const node = await api.gqlError('{ node(id: "PVT_nothing") { id } }')
    expect(node).to.include({type: 'NOT_FOUND', message: "Could not resolve to a node with the global id of 'PVT_nothing'."})
    const user = await api.gqlError('{ user(login: "ghost") { id } }')
    expect(user.message).to.equal("Could not resolve to a User with the login of 'ghost'.")
    const repo = await api.gqlError('{ repository(owner: "acme", name: "nope") { id } }')
    expect(repo.message).to.equal("Could not resolve to a Repository with the name 'acme/nope'.")
    const many = await api.run('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', {ids: ['U_bad', (await api.gql('{ viewer { id } }')).viewer.id]})
    expect(many.data.nodes[0]).to.equal(null)
    expect(many.data.nodes[1].id).to.match(/^U_/)
    expect(many.errors[0].path).to.deep.equal(['nodes', 0])
  })

  it('fails loudly (INTERNAL) on schema fields it does not implement, never with a silent null', async () => {
    const api = new Client(newWorld())
    const error = await api.gqlError('{ viewer { login followers(first: 1) { totalCount } } }')
    expect(error).to.include({type: 'INTERNAL', message: 'sandbox does not implement User.followers'})
  })
})

describe('sandbox world: projects through the API', () => {
  let api: Client
  let p: Awaited<ReturnType<typeof buildProject>>

  beforeEach(async () => {
    api = new Client(newWorld())
    p = await buildProject(api, 3)
  })

  it('creates projects with GitHub\'s default fields, Status options, "View 1" and workflows', async () => {
    const data = await api.gql(
      `query($n: Int!) { organization(login: "acme") { projectV2(number: $n) {
        title number url public closed template shortDescription readme createdAt
        owner { __typename ... on Organization { login } } creator { login }
        fields(first: 20) { totalCount nodes { ... on ProjectV2FieldCommon { name dataType } } }
        status: field(name: "Status") { ... on ProjectV2SingleSelectField { options { name color description nameHTML } } }
        views(first: 5) { nodes { number name layout filter fields(first: 10) { nodes { ... on ProjectV2FieldCommon { name } } } } }
        workflows(first: 20, orderBy: {field: NUMBER, direction: ASC}) { nodes { number name enabled } } } } }`,
      {n: p.number},
    )
    const project = data.organization.projectV2
    expect(project).to.include({title: 'Roadmap', url: `https://github.com/orgs/acme/projects/${p.number}`, public: false, closed: false, template: false})
    expect(project.createdAt).to.equal('2025-03-10T12:00:00Z')
    expect(project.owner).to.deep.equal({__typename: 'Organization', login: 'acme'})
    expect(project.creator).to.deep.equal({login: 'octocat'})
    expect(project.fields.nodes.map((f: {name: string}) => f.name)).to.deep.equal([
      'Title', 'Assignees', 'Status', 'Labels', 'Linked pull requests', 'Milestone', 'Repository', 'Reviewers', 'Parent issue', 'Sub-issues progress',
    ])
    expect(project.status.options.map((o: {name: string}) => o.name)).to.deep.equal(['Todo', 'In Progress', 'Done'])
    expect(project.views.nodes).to.have.length(1)
    expect(project.views.nodes[0]).to.deep.include({number: 1, name: 'View 1', layout: 'TABLE_LAYOUT', filter: null})
    expect(project.views.nodes[0].fields.nodes.map((f: {name: string}) => f.name)).to.deep.equal(['Title', 'Assignees', 'Status'])
    const workflows = project.workflows.nodes as Array<{name: string; enabled: boolean}>
    expect(workflows.find((w) => w.name === 'Item closed')?.enabled).to.equal(true)
    expect(workflows.find((w) => w.name === 'Pull request merged')?.enabled).to.equal(true)
  })

  it('creates a field of every creatable type; refuses duplicate names and non-creatable types', async () => {
    const create = `mutation($p: ID!, $t: ProjectV2CustomFieldType!, $n: String!, $o: [ProjectV2SingleSelectFieldOptionInput!]) {
      createProjectV2Field(input: {projectId: $p, dataType: $t, name: $n, singleSelectOptions: $o}) {
        projectV2Field { __typename ... on ProjectV2FieldCommon { id name dataType } } } }`
    const made: Record<string, string> = {}
    for (const [t, n] of [['TEXT', 'Notes'], ['NUMBER', 'Estimate'], ['DATE', 'Due'], ['ITERATION', 'Sprint']]) {
      const r = await api.gql(create, {p: p.projectId, t, n})
      made[n] = r.createProjectV2Field.projectV2Field.__typename
    }
    const select = await api.gql(create, {p: p.projectId, t: 'SINGLE_SELECT', n: 'Priority', o: [{name: 'High', color: 'RED', description: 'now'}]})
    expect(select.createProjectV2Field.projectV2Field.__typename).to.equal('ProjectV2SingleSelectField')
    expect(made).to.deep.equal({Notes: 'ProjectV2Field', Estimate: 'ProjectV2Field', Due: 'ProjectV2Field', Sprint: 'ProjectV2IterationField'})

    const sprint = await api.gql(`query($p: ID!) { node(id: $p) { ... on ProjectV2 { field(name: "Sprint") {
      ... on ProjectV2IterationField { configuration { duration iterations { title startDate } completedIterations { title } } } } } } }`, {p: p.projectId})
    expect(sprint.node.field.configuration.duration).to.equal(14)
    expect(sprint.node.field.configuration.iterations[0]).to.deep.equal({title: 'Iteration 1', startDate: '2025-03-10'})

    const duplicate = await api.gqlError(create, {p: p.projectId, t: 'TEXT', n: 'notes'})
    expect(duplicate).to.include({type: 'UNPROCESSABLE', message: 'Name has already been taken'})
    // GitHub's schema itself refuses to create a built-in type (ProjectV2CustomFieldType has no TITLE)...
    let refused = ''
    try {
      await api.run(`mutation($p: ID!) { createProjectV2Field(input: {projectId: $p, dataType: TITLE, name: "T2"}) { clientMutationId } }`, {p: p.projectId})
    } catch (error) {
      refused = (error as Error).message
    }
    expect(refused).to.match(/not valid against GitHub's schema/)
    // ...and so does the world when asked directly
    const project = api.world.model.store.projects[p.projectId]
    expect(() => api.world.model.addField(project, {name: 'T2', dataType: 'TITLE'})).to.throw(/cannot be created/)
  })

  it('renames custom fields (names stay unique) and refuses to rename or delete built-in ones', async () => {
    const created = await api.gql(`mutation($p: ID!) { createProjectV2Field(input: {projectId: $p, dataType: NUMBER, name: "Size"}) {
      projectV2Field { ... on ProjectV2Field { id } } } }`, {p: p.projectId})
    const size = created.createProjectV2Field.projectV2Field.id
    const renamed = await api.gql(`mutation($f: ID!) { updateProjectV2Field(input: {fieldId: $f, name: "Points"}) {
      projectV2Field { ... on ProjectV2Field { id name } } } }`, {f: size})
    expect(renamed.updateProjectV2Field.projectV2Field).to.deep.equal({id: size, name: 'Points'})
    const clash = await api.gqlError(`mutation($f: ID!) { updateProjectV2Field(input: {fieldId: $f, name: "status"}) { clientMutationId } }`, {f: size})
    expect(clash).to.include({type: 'UNPROCESSABLE', message: 'Name has already been taken'})
    const title = await api.gqlError(`mutation($f: ID!) { deleteProjectV2Field(input: {fieldId: $f}) { clientMutationId } }`, {f: p.fields.Title.id})
    expect(title.type).to.equal('UNPROCESSABLE')
    const rename = await api.gqlError(`mutation($f: ID!) { updateProjectV2Field(input: {fieldId: $f, name: "Name"}) { clientMutationId } }`, {
      f: p.fields.Title.id,
    })
    expect(rename.type).to.equal('UNPROCESSABLE')
  })

  it('sets, reads and clears values of every custom type; refuses unknown options and wrong kinds', async () => {
    const mk = async (t: string, n: string, extra = '') =>
      (
        await api.gql(`mutation($p: ID!) { createProjectV2Field(input: {projectId: $p, dataType: ${t}, name: "${n}"${extra}}) {
          projectV2Field { ... on ProjectV2FieldCommon { id } } } }`, {p: p.projectId})
      ).createProjectV2Field.projectV2Field.id as string
    const notes = await mk('TEXT', 'Notes')
    const estimate = await mk('NUMBER', 'Estimate')
    const due = await mk('DATE', 'Due')
    const item = p.items[0]
    await api.gql(SET_VALUE, {p: p.projectId, i: item, f: notes, v: {text: 'hello'}})
    await api.gql(SET_VALUE, {p: p.projectId, i: item, f: estimate, v: {number: 2.5}})
    await api.gql(SET_VALUE, {p: p.projectId, i: item, f: due, v: {date: '2025-04-01'}})
    await api.gql(SET_VALUE, {p: p.projectId, i: item, f: p.fields.Status.id, v: {singleSelectOptionId: p.fields.Status.options![0].id}})

    const values = await api.gql(
      `query($i: ID!) { node(id: $i) { ... on ProjectV2Item { type content { ... on Issue { title } }
        fieldValues(first: 20) { totalCount nodes { __typename
          ... on ProjectV2ItemFieldTextValue { text field { ... on ProjectV2FieldCommon { name } } }
          ... on ProjectV2ItemFieldNumberValue { number }
          ... on ProjectV2ItemFieldDateValue { date }
          ... on ProjectV2ItemFieldSingleSelectValue { name optionId field { ... on ProjectV2SingleSelectField { name } } }
          ... on ProjectV2ItemFieldRepositoryValue { repository { nameWithOwner } } } } } } }`,
      {i: item},
    )
    expect(values.node.type).to.equal('ISSUE')
    expect(values.node.fieldValues.nodes).to.deep.equal([
      {__typename: 'ProjectV2ItemFieldTextValue', text: 'Issue 1', field: {name: 'Title'}},
      {__typename: 'ProjectV2ItemFieldSingleSelectValue', name: 'Todo', optionId: p.fields.Status.options![0].id, field: {name: 'Status'}},
      {__typename: 'ProjectV2ItemFieldRepositoryValue', repository: {nameWithOwner: 'acme/app'}},
      {__typename: 'ProjectV2ItemFieldTextValue', text: 'hello', field: {name: 'Notes'}},
      {__typename: 'ProjectV2ItemFieldNumberValue', number: 2.5},
      {__typename: 'ProjectV2ItemFieldDateValue', date: '2025-04-01'},
    ])

    const bogus = await api.gqlError(SET_VALUE, {p: p.projectId, i: item, f: p.fields.Status.id, v: {singleSelectOptionId: 'deadbeef'}})
    expect(bogus.type).to.equal('UNPROCESSABLE')
    const wrongKind = await api.gqlError(SET_VALUE, {p: p.projectId, i: item, f: estimate, v: {text: 'three'}})
    expect(wrongKind.type).to.equal('UNPROCESSABLE')
    const builtin = await api.gqlError(SET_VALUE, {p: p.projectId, i: item, f: p.fields.Title.id, v: {text: 'x'}})
    expect(builtin.type).to.equal('UNPROCESSABLE')

    await api.gql(`mutation($p: ID!, $i: ID!, $f: ID!) { clearProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f}) {
      projectV2Item { id } } }`, {p: p.projectId, i: item, f: notes})
    expect((await api.gql(VALUE_BY_NAME, {i: item, name: 'Notes'})).node.fieldValueByName).to.equal(null)
  })

  it('keeps an issue in a project once: adding it again answers the existing item', async () => {
    const again = await api.gql(`mutation($p: ID!, $c: ID!) { addProjectV2ItemById(input: {projectId: $p, contentId: $c}) { item { id } } }`, {
      p: p.projectId,
      c: p.issues[0].id,
    })
    expect(again.addProjectV2ItemById.item.id).to.equal(p.items[0])
    const count = await api.gql(`query($p: ID!) { node(id: $p) { ... on ProjectV2 { items(first: 1) { totalCount } } } }`, {p: p.projectId})
    expect(count.node.items.totalCount).to.equal(3)
    const project = api.world.model.store.projects[p.projectId]
    const issue = api.world.model.store.issues[p.issues[0].id]
    expect(() => api.world.model.addItem(project, issue)).to.throw(/already exists/)
  })

  it('orders items by position and moves them with updateProjectV2ItemPosition', async () => {
    const order = async () =>
      (await api.gql(ITEMS_PAGE, {p: p.projectId, first: 10})).node.items.nodes.map((n: {id: string}) => n.id) as string[]
    expect(await order()).to.deep.equal(p.items)
    const moved = await api.gql(
      `mutation($p: ID!, $i: ID!, $a: ID) { updateProjectV2ItemPosition(input: {projectId: $p, itemId: $i, afterId: $a}) {
        items(first: 10) { nodes { id } } } }`,
      {p: p.projectId, i: p.items[0], a: p.items[1]},
    )
    const expected = [p.items[1], p.items[0], p.items[2]]
    expect(moved.updateProjectV2ItemPosition.items.nodes.map((n: {id: string}) => n.id)).to.deep.equal(expected)
    expect(await order()).to.deep.equal(expected)
    await api.gql(`mutation($p: ID!, $i: ID!) { updateProjectV2ItemPosition(input: {projectId: $p, itemId: $i}) { clientMutationId } }`, {
      p: p.projectId,
      i: p.items[2],
    })
    expect(await order()).to.deep.equal([p.items[2], p.items[1], p.items[0]])
  })

  it('archives and unarchives items; items hides archived ones unless archivedStates asks, projectItems shows them unless told', async () => {
    await api.gql(`mutation($p: ID!, $i: ID!) { archiveProjectV2Item(input: {projectId: $p, itemId: $i}) { item { isArchived } } }`, {
      p: p.projectId,
      i: p.items[1],
    })
    const page = await api.gql(ITEMS_PAGE, {p: p.projectId, first: 10})
    expect(page.node.items.nodes.map((n: {id: string}) => n.id)).to.deep.equal([p.items[0], p.items[2]])
    const states = `query($p: ID!) { node(id: $p) { ... on ProjectV2 {
      all: items(first: 10, archivedStates: [ARCHIVED, NOT_ARCHIVED]) { totalCount nodes { isArchived } }
      archived: items(first: 10, archivedStates: [ARCHIVED]) { nodes { id } } } } }`
    const all = (await api.gql(states, {p: p.projectId})).node
    expect(all.all.nodes.map((n: {isArchived: boolean}) => n.isArchived)).to.deep.equal([false, true, false])
    expect(all.all.totalCount).to.equal(3)
    expect(all.archived.nodes.map((n: {id: string}) => n.id)).to.deep.equal([p.items[1]])
    const issue = `query($i: ID!) { node(id: $i) { ... on Issue {
      all: projectItems(first: 5) { totalCount } live: projectItems(first: 5, includeArchived: false) { totalCount } } } }`
    expect((await api.gql(issue, {i: p.issues[1].id})).node).to.deep.equal({all: {totalCount: 1}, live: {totalCount: 0}})
    await api.gql(`mutation($p: ID!, $i: ID!) { unarchiveProjectV2Item(input: {projectId: $p, itemId: $i}) { item { isArchived } } }`, {
      p: p.projectId,
      i: p.items[1],
    })
    expect((await api.gql(issue, {i: p.issues[1].id})).node.live.totalCount).to.equal(1)
  })

  it('paginates 250 items forwards and backwards with opaque cursors', async () => {
    const project = api.world.model.store.projects[p.projectId]
    const repo = api.world.model.repoOf('acme', 'app')!
    for (let i = 0; i < 247; i++) api.world.model.addItem(project, api.world.model.addIssue(repo, {title: `bulk ${i}`}))
    const seen: string[] = []
    let after: string | null = null
    let pages = 0
    for (;;) {
      const data = await api.gql(ITEMS_PAGE, {p: p.projectId, first: 100, after})
      const items = data.node.items
      expect(items.totalCount).to.equal(250)
      seen.push(...items.nodes.map((n: {id: string}) => n.id))
      expect(items.edges.map((e: {node: {id: string}}) => e.node.id)).to.deep.equal(items.nodes.map((n: {id: string}) => n.id))
      expect(items.pageInfo.hasPreviousPage).to.equal(pages > 0)
      pages++
      if (!items.pageInfo.hasNextPage) break
      after = items.pageInfo.endCursor
    }
    expect(pages).to.equal(3)
    expect(seen).to.have.length(250)
    expect(new Set(seen).size).to.equal(250)
    expect(seen).to.deep.equal(project.itemIds)

    const last = await api.gql(ITEMS_PAGE, {p: p.projectId, last: 30})
    expect(last.node.items.nodes.map((n: {id: string}) => n.id)).to.deep.equal(project.itemIds.slice(220))
    const before = await api.gql(ITEMS_PAGE, {p: p.projectId, last: 20, before: last.node.items.pageInfo.startCursor})
    expect(before.node.items.nodes.map((n: {id: string}) => n.id)).to.deep.equal(project.itemIds.slice(200, 220))
    expect(before.node.items.pageInfo).to.deep.include({hasNextPage: true, hasPreviousPage: true})

    const tooMany = await api.gqlError(ITEMS_PAGE, {p: p.projectId, first: 101})
    expect(tooMany.message).to.equal('Requesting 101 records on the `items` connection exceeds the `first` limit of 100 records.')
    const bad = await api.gqlError(ITEMS_PAGE, {p: p.projectId, first: 5, after: 'bm9wZQ=='})
    expect(bad.message).to.match(/does not appear to be a valid cursor/)
  })

  it('updates settings, copies, marks templates, posts status updates, links repositories and teams', async () => {
    const updated = await api.gql(
      `mutation($p: ID!) { updateProjectV2(input: {projectId: $p, title: "Plan", shortDescription: "short", readme: "# Read", public: true, closed: true}) {
        projectV2 { title shortDescription readme public closed closedAt } } }`,
      {p: p.projectId},
    )
    expect(updated.updateProjectV2.projectV2).to.deep.equal({
      title: 'Plan', shortDescription: 'short', readme: '# Read', public: true, closed: true, closedAt: '2025-03-10T12:00:00Z',
    })
    await api.gql(`mutation($p: ID!) { addProjectV2DraftIssue(input: {projectId: $p, title: "Draft"}) { projectItem { id } } }`, {p: p.projectId})
    const copy = await api.gql(
      `mutation($p: ID!, $o: ID!) { copyProjectV2(input: {projectId: $p, ownerId: $o, title: "Copy", includeDraftIssues: true}) {
        projectV2 { id number title items(first: 10) { nodes { type } } } } }`,
      {p: p.projectId, o: p.orgId},
    )
    expect(copy.copyProjectV2.projectV2.title).to.equal('Copy')
    expect(copy.copyProjectV2.projectV2.number).to.equal(p.number + 1)
    expect(copy.copyProjectV2.projectV2.items.nodes).to.deep.equal([{type: 'DRAFT_ISSUE'}])

    const template = await api.gql(`mutation($p: ID!) { markProjectV2AsTemplate(input: {projectId: $p}) { projectV2 { template } } }`, {p: p.projectId})
    expect(template.markProjectV2AsTemplate.projectV2.template).to.equal(true)

    const status = await api.gql(
      `mutation($p: ID!) { createProjectV2StatusUpdate(input: {projectId: $p, body: "fine", status: ON_TRACK, startDate: "2025-03-01", targetDate: "2025-06-30"}) {
        statusUpdate { id body status startDate targetDate creator { login } } } }`,
      {p: p.projectId},
    )
    expect(status.createProjectV2StatusUpdate.statusUpdate).to.deep.include({body: 'fine', status: 'ON_TRACK', startDate: '2025-03-01', targetDate: '2025-06-30'})
    expect(status.createProjectV2StatusUpdate.statusUpdate.id).to.match(/^PVTSU_/)

    const acme = api.world.model.orgOfLogin('acme')!
    const team = api.world.model.addTeam(acme, {name: 'Core'})
    await api.gql(`mutation($p: ID!, $r: ID!) { linkProjectV2ToRepository(input: {projectId: $p, repositoryId: $r}) { repository { name } } }`, {
      p: p.projectId,
      r: p.repoId,
    })
    await api.gql(`mutation($p: ID!, $t: ID!) { linkProjectV2ToTeam(input: {projectId: $p, teamId: $t}) { team { slug } } }`, {p: p.projectId, t: team.id})
    const links = await api.gql(`query($p: ID!) { node(id: $p) { ... on ProjectV2 {
      repositories(first: 5) { nodes { nameWithOwner } } teams(first: 5) { nodes { combinedSlug } }
      statusUpdates(first: 5) { totalCount } } } }`, {p: p.projectId})
    expect(links.node).to.deep.equal({
      repositories: {nodes: [{nameWithOwner: 'acme/app'}]},
      teams: {nodes: [{combinedSlug: 'acme/core'}]},
      statusUpdates: {totalCount: 1},
    })
    await api.gql(`mutation($p: ID!, $r: ID!) { unlinkProjectV2FromRepository(input: {projectId: $p, repositoryId: $r}) { repository { name } } }`, {
      p: p.projectId,
      r: p.repoId,
    })
    const after = await api.gql(`query($p: ID!) { node(id: $p) { ... on ProjectV2 { repositories(first: 5) { totalCount } } } }`, {p: p.projectId})
    expect(after.node.repositories.totalCount).to.equal(0)
  })

  it('deletes workflows and projects; collaborators grant access to private projects', async () => {
    const model = api.world.model
    const alice = model.addUser({login: 'alice'})
    const outsider = api.as('alice')
    const hidden = await outsider.gqlError(`query($n: Int!) { organization(login: "acme") { projectV2(number: $n) { id } } }`, {n: p.number})
    expect(hidden.type).to.equal('NOT_FOUND')
    const collab = await api.gql(
      `mutation($p: ID!, $u: ID!) { updateProjectV2Collaborators(input: {projectId: $p, collaborators: [{userId: $u, role: READER}]}) {
        collaborators(first: 5) { nodes { ... on User { login } } } } }`,
      {p: p.projectId, u: alice.id},
    )
    expect(collab.updateProjectV2Collaborators.collaborators.nodes).to.deep.equal([{login: 'alice'}])
    const seen = await outsider.gql(`query($n: Int!) { organization(login: "acme") { projectV2(number: $n) { title viewerCanUpdate } } }`, {n: p.number})
    expect(seen.organization.projectV2).to.deep.equal({title: 'Roadmap', viewerCanUpdate: false})
    const denied = await outsider.gqlError(`mutation($p: ID!) { addProjectV2DraftIssue(input: {projectId: $p, title: "x"}) { projectItem { id } } }`, {
      p: p.projectId,
    })
    expect(denied.type).to.equal('FORBIDDEN')

    const workflows = await api.gql(`query($p: ID!) { node(id: $p) { ... on ProjectV2 { workflows(first: 20) { totalCount nodes { id name } } } } }`, {
      p: p.projectId,
    })
    const first = workflows.node.workflows.nodes[0]
    const removed = await api.gql(`mutation($w: ID!) { deleteProjectV2Workflow(input: {workflowId: $w}) { deletedWorkflowId projectV2 { workflows(first: 20) { totalCount } } } }`, {
      w: first.id,
    })
    expect(removed.deleteProjectV2Workflow.deletedWorkflowId).to.equal(first.id)
    expect(removed.deleteProjectV2Workflow.projectV2.workflows.totalCount).to.equal(workflows.node.workflows.totalCount - 1)

    const gone = await api.gql(`mutation($p: ID!) { deleteProjectV2(input: {projectId: $p}) { projectV2 { id title } } }`, {p: p.projectId})
    expect(gone.deleteProjectV2.projectV2).to.deep.equal({id: p.projectId, title: 'Roadmap'})
    expect((await api.gqlError(`query($i: ID!) { node(id: $i) { id } }`, {i: p.items[0]})).type).to.equal('NOT_FOUND')
    const issue = await api.gql(`query($i: ID!) { node(id: $i) { ... on Issue { projectItems(first: 5) { totalCount } } } }`, {i: p.issues[0].id})
    expect(issue.node.projectItems.totalCount).to.equal(0)
  })

  it('shows items whose content the viewer cannot see as REDACTED', async () => {
    const model = api.world.model
    model.addUser({login: 'bob'})
    const secret = model.addRepo(model.orgOfLogin('acme')!.id, {name: 'secret', visibility: 'PRIVATE'})
    const hiddenIssue = model.addIssue(secret, {title: 'classified'})
    const project = model.store.projects[p.projectId]
    project.public = true
    const item = model.addItem(project, hiddenIssue)
    const query = `query($i: ID!) { node(id: $i) { ... on ProjectV2Item { type content { __typename } fieldValues(first: 10) { totalCount } } } }`
    expect((await api.gql(query, {i: item.id})).node).to.deep.equal({type: 'ISSUE', content: {__typename: 'Issue'}, fieldValues: {totalCount: 2}})
    expect((await api.as('bob').gql(query, {i: item.id})).node).to.deep.equal({type: 'REDACTED', content: null, fieldValues: {totalCount: 0}})
  })
})

describe('sandbox world: issues through the API', () => {
  it('creates, edits, labels, assigns, closes and reopens issues; builds sub-issue trees', async () => {
    const api = new Client(newWorld())
    const p = await buildProject(api, 3)
    const label = await api.gql(`mutation($r: ID!) { createLabel(input: {repositoryId: $r, name: "urgent", color: "ff0000"}) { label { id name color } } }`, {
      r: p.repoId,
    })
    const labelId = label.createLabel.label.id
    expect(labelId).to.match(/^LA_/)
    const me = (await api.gql('{ viewer { id } }')).viewer.id
    const [one, two, three] = p.issues
    await api.gql(`mutation($i: ID!, $l: ID!) { addLabelsToLabelable(input: {labelableId: $i, labelIds: [$l]}) { clientMutationId } }`, {i: one.id, l: labelId})
    await api.gql(`mutation($i: ID!, $u: ID!) { addAssigneesToAssignable(input: {assignableId: $i, assigneeIds: [$u]}) { clientMutationId } }`, {i: one.id, u: me})
    await api.gql(`mutation($i: ID!) { updateIssue(input: {id: $i, title: "First", body: "text"}) { issue { title } } }`, {i: one.id})
    await api.gql(`mutation($i: ID!) { closeIssue(input: {issueId: $i, stateReason: NOT_PLANNED}) { issue { state } } }`, {i: two.id})
    await api.gql(`mutation($p: ID!, $s: ID!) { addSubIssue(input: {issueId: $p, subIssueId: $s}) { issue { id } subIssue { id } } }`, {p: one.id, s: two.id})
    await api.gql(`mutation($p: ID!, $s: ID!) { addSubIssue(input: {issueId: $p, subIssueId: $s}) { issue { id } } }`, {p: one.id, s: three.id})

    const data = await api.gql(`{ repository(owner: "acme", name: "app") {
      first: issue(number: ${one.number}) { title body state url labels(first: 5) { nodes { name } } assignees(first: 5) { nodes { login } }
        subIssues(first: 5) { nodes { number } } subIssuesSummary { total completed percentCompleted } parent { number } }
      second: issue(number: ${two.number}) { state stateReason closed parent { number } } } }`)
    expect(data.repository.first).to.deep.equal({
      title: 'First',
      body: 'text',
      state: 'OPEN',
      url: `https://github.com/acme/app/issues/${one.number}`,
      labels: {nodes: [{name: 'urgent'}]},
      assignees: {nodes: [{login: 'octocat'}]},
      subIssues: {nodes: [{number: two.number}, {number: three.number}]},
      subIssuesSummary: {total: 2, completed: 1, percentCompleted: 50},
      parent: null,
    })
    expect(data.repository.second).to.deep.equal({state: 'CLOSED', stateReason: 'NOT_PLANNED', closed: true, parent: {number: one.number}})

    const twoParents = await api.gqlError(`mutation($p: ID!, $s: ID!) { addSubIssue(input: {issueId: $p, subIssueId: $s}) { issue { id } } }`, {
      p: three.id,
      s: two.id,
    })
    expect(twoParents.type).to.equal('UNPROCESSABLE')
    await api.gql(`mutation($p: ID!, $s: ID!) { removeSubIssue(input: {issueId: $p, subIssueId: $s}) { subIssue { parent { id } } } }`, {p: one.id, s: two.id})
    await api.gql(`mutation($i: ID!) { reopenIssue(input: {issueId: $i}) { issue { state } } }`, {i: two.id})
    const after = await api.gql(`{ repository(owner: "acme", name: "app") { issue(number: ${two.number}) { state stateReason parent { id } } } }`)
    expect(after.repository.issue).to.deep.equal({state: 'OPEN', stateReason: 'REOPENED', parent: null})
    const missing = await api.gqlError(`{ repository(owner: "acme", name: "app") { issue(number: 99) { id } } }`)
    expect(missing.message).to.equal('Could not resolve to an Issue with the number of 99.')
  })
})

describe('sandbox world: backend contract and state', () => {
  it('names the content-creating mutations', () => {
    const world = newWorld()
    for (const f of ['createIssue', 'createRepository', 'createLabel', 'createProjectV2', 'copyProjectV2', 'addProjectV2DraftIssue', 'createProjectV2StatusUpdate']) {
      expect(world.isContentCreating(f), f).to.equal(true)
    }
    for (const f of ['updateIssue', 'addProjectV2ItemById', 'updateProjectV2ItemFieldValue', 'deleteProjectV2Item']) {
      expect(world.isContentCreating(f), f).to.equal(false)
    }
  })

  it('round-trips the whole state through toJSON / fromJSON, and keeps issuing fresh ids', async () => {
    const api = new Client(newWorld())
    const p = await buildProject(api, 3)
    await api.gql(SET_VALUE, {p: p.projectId, i: p.items[2], f: p.fields.Status.id, v: {singleSelectOptionId: p.fields.Status.options![2].id}})
    await api.gql(`mutation($p: ID!) { addProjectV2DraftIssue(input: {projectId: $p, title: "Draft"}) { projectItem { id } } }`, {p: p.projectId})
    const json = JSON.parse(JSON.stringify(api.world))
    const restored = World.fromJSON(json, {now: () => NOW})
    expect(restored.toJSON()).to.deep.equal(api.world.toJSON())

    const snapshot = `query($p: ID!) { node(id: $p) { ... on ProjectV2 { title items(first: 10) { nodes { id type
      fieldValues(first: 20) { nodes { ... on ProjectV2ItemFieldSingleSelectValue { name } ... on ProjectV2ItemFieldTextValue { text } } } } } } } }`
    const again = new Client(restored)
    expect(await again.gql(snapshot, {p: p.projectId})).to.deep.equal(await api.gql(snapshot, {p: p.projectId}))
    expect((await again.gql(VALUE_BY_NAME, {i: p.items[2], name: 'Status'})).node.fieldValueByName.name).to.equal('Done')

    const fresh = await again.gql(`mutation($p: ID!) { addProjectV2DraftIssue(input: {projectId: $p, title: "New"}) { projectItem { id } } }`, {p: p.projectId})
    const allIds = JSON.stringify(json)
    expect(allIds).to.not.include(fresh.addProjectV2DraftIssue.projectItem.id)
    expect(() => World.fromJSON({version: 99})).to.throw(/Not a sandbox world state/)
  })
})
