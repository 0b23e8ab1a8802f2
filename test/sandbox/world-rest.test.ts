import {expect} from 'chai'
import {buildProject, Client, newWorld} from './world-helpers.js'

describe('sandbox world: REST', () => {
  let api: Client
  let p: Awaited<ReturnType<typeof buildProject>>

  beforeEach(async () => {
    api = new Client(newWorld())
    p = await buildProject(api, 3)
  })

  it('creates, lists, reads, updates and deletes milestones in GitHub\'s shape', async () => {
    const created = await api.rest('POST', '/repos/acme/app/milestones', {title: 'v1', description: 'first', due_on: '2025-04-01T00:00:00Z'})
    expect(created?.status).to.equal(201)
    const body = created!.body as Record<string, unknown>
    expect(body).to.deep.include({number: 1, title: 'v1', description: 'first', state: 'open', due_on: '2025-04-01T00:00:00Z', open_issues: 0})
    expect(body.node_id).to.match(/^MI_/)
    expect(body.url).to.equal('https://api.github.com/repos/acme/app/milestones/1')
    expect(body.html_url).to.equal('https://github.com/acme/app/milestone/1')
    expect((body.creator as {login: string}).login).to.equal('octocat')

    const dup = await api.rest('POST', '/repos/acme/app/milestones', {title: 'v1'})
    expect(dup?.status).to.equal(422)
    expect((dup!.body as {errors: Array<{code: string}>}).errors[0].code).to.equal('already_exists')

    await api.rest('POST', '/repos/acme/app/milestones', {title: 'v2', state: 'closed'})
    expect(((await api.rest('GET', '/repos/acme/app/milestones'))!.body as Array<{title: string}>).map((m) => m.title)).to.deep.equal(['v1'])
    const all = await api.rest('GET', '/repos/acme/app/milestones', undefined, {state: 'all'})
    expect((all!.body as Array<{title: string}>).map((m) => m.title)).to.deep.equal(['v1', 'v2'])

    const patched = await api.rest('PATCH', '/repos/acme/app/milestones/1', {state: 'closed', title: 'v1.0'})
    expect(patched!.body).to.deep.include({title: 'v1.0', state: 'closed', closed_at: '2025-03-10T12:00:00Z'})
    expect((await api.rest('GET', '/repos/acme/app/milestones/1'))!.body).to.deep.include({title: 'v1.0'})

    const gql = await api.gql('{ repository(owner: "acme", name: "app") { milestone(number: 1) { title state dueOn } } }')
    expect(gql.repository.milestone).to.deep.equal({title: 'v1.0', state: 'CLOSED', dueOn: '2025-04-01T00:00:00Z'})

    expect((await api.rest('DELETE', '/repos/acme/app/milestones/1'))?.status).to.equal(204)
    expect(await api.rest('GET', '/repos/acme/app/milestones/1')).to.equal(undefined)
  })

  it('reads an issue in GitHub\'s REST shape', async () => {
    const res = await api.rest('GET', `/repos/acme/app/issues/${p.issues[0].number}`)
    expect(res?.status).to.equal(200)
    expect(res!.body).to.deep.include({
      id: p.issues[0].databaseId,
      node_id: p.issues[0].id,
      number: p.issues[0].number,
      title: 'Issue 1',
      state: 'open',
      html_url: `https://github.com/acme/app/issues/${p.issues[0].number}`,
    })
    expect(await api.rest('GET', '/repos/acme/app/issues/999')).to.equal(undefined)
    expect(await api.rest('GET', '/repos/acme/nope/issues/1')).to.equal(undefined)
  })

  it('adds, lists and removes blocked-by dependencies (by issue database id), and lists blocking', async () => {
    const [a, b, c] = p.issues
    const added = await api.rest('POST', `/repos/acme/app/issues/${a.number}/dependencies/blocked_by`, {issue_id: b.databaseId})
    expect(added?.status).to.equal(201)
    expect((added!.body as {node_id: string}).node_id).to.equal(b.id)
    await api.rest('POST', `/repos/acme/app/issues/${a.number}/dependencies/blocked_by`, {issue_id: c.databaseId})

    const list = await api.rest('GET', `/repos/acme/app/issues/${a.number}/dependencies/blocked_by`)
    expect((list!.body as Array<{number: number}>).map((i) => i.number)).to.deep.equal([b.number, c.number])
    const blocking = await api.rest('GET', `/repos/acme/app/issues/${b.number}/dependencies/blocking`)
    expect((blocking!.body as Array<{number: number}>).map((i) => i.number)).to.deep.equal([a.number])
    const summary = (await api.rest('GET', `/repos/acme/app/issues/${a.number}`))!.body as {issue_dependencies_summary: unknown}
    expect(summary.issue_dependencies_summary).to.deep.equal({blocked_by: 2, total_blocked_by: 2, blocking: 0, total_blocking: 0})

    const again = await api.rest('POST', `/repos/acme/app/issues/${a.number}/dependencies/blocked_by`, {issue_id: b.databaseId})
    expect(again?.status).to.equal(422)
    const unknown = await api.rest('POST', `/repos/acme/app/issues/${a.number}/dependencies/blocked_by`, {issue_id: 424242})
    expect(unknown?.status).to.equal(422)

    const removed = await api.rest('DELETE', `/repos/acme/app/issues/${a.number}/dependencies/blocked_by/${b.databaseId}`)
    expect(removed?.status).to.equal(200)
    const left = await api.rest('GET', `/repos/acme/app/issues/${a.number}/dependencies/blocked_by`)
    expect((left!.body as Array<{number: number}>).map((i) => i.number)).to.deep.equal([c.number])
    expect(await api.rest('DELETE', `/repos/acme/app/issues/${a.number}/dependencies/blocked_by/${b.databaseId}`)).to.equal(undefined)
  })

  it('creates views by field database ids; views have no edit route', async () => {
    const status = p.fields.Status.databaseId
    const title = p.fields.Title.databaseId
    const res = await api.rest('POST', `/orgs/acme/projectsV2/${p.number}/views`, {
      name: 'Board',
      layout: 'board',
      filter: 'is:open',
      visible_fields: [title, status],
      sort_by: [[title, 'desc']],
      group_by: [status],
    })
    expect(res?.status).to.equal(201)
    expect(res!.body).to.deep.include({
      number: 2,
      name: 'Board',
      layout: 'board',
      filter: 'is:open',
      visible_fields: [title, status],
      sort_by: [[title, 'desc']],
      group_by: [status],
      vertical_group_by: [],
      html_url: `https://github.com/orgs/acme/projects/${p.number}/views/2`,
    })
    expect((res!.body as {node_id: string}).node_id).to.match(/^PVTV_/)

    const views = await api.gql(`query($n: Int!) { organization(login: "acme") { projectV2(number: $n) { view(number: 2) {
      name layout filter fields(first: 10) { nodes { ... on ProjectV2FieldCommon { name } } }
      groupByFields(first: 5) { nodes { ... on ProjectV2FieldCommon { name } } }
      sortByFields(first: 5) { nodes { direction field { ... on ProjectV2FieldCommon { name } } } } } } } }`, {n: p.number})
    expect(views.organization.projectV2.view).to.deep.equal({
      name: 'Board',
      layout: 'BOARD_LAYOUT',
      filter: 'is:open',
      fields: {nodes: [{name: 'Title'}, {name: 'Status'}]},
      groupByFields: {nodes: [{name: 'Status'}]},
      sortByFields: {nodes: [{direction: 'DESC', field: {name: 'Title'}}]},
    })

    const octocat = (await api.gql('{ viewer { databaseId } }')).viewer.databaseId
    const userProject = await api.gql(`mutation($o: ID!) { createProjectV2(input: {ownerId: $o, title: "Mine"}) { projectV2 { number } } }`, {
      o: (await api.gql('{ viewer { id } }')).viewer.id,
    })
    const mine = await api.rest('POST', `/users/${octocat}/projectsV2/${userProject.createProjectV2.projectV2.number}/views`, {name: 'Plan', layout: 'roadmap'})
    expect(mine?.status).to.equal(201)
    expect(mine!.body).to.deep.include({layout: 'roadmap', number: 2})

    const badField = await api.rest('POST', `/orgs/acme/projectsV2/${p.number}/views`, {name: 'X', layout: 'table', visible_fields: [1]})
    expect(badField?.status).to.equal(422)
    const badLayout = await api.rest('POST', `/orgs/acme/projectsV2/${p.number}/views`, {name: 'X', layout: 'grid'})
    expect(badLayout?.status).to.equal(422)
    expect(await api.rest('POST', '/orgs/acme/projectsV2/99/views', {name: 'X', layout: 'table'})).to.equal(undefined)
    expect(await api.rest('PATCH', `/orgs/acme/projectsV2/${p.number}/views/2`, {name: 'Renamed'})).to.equal(undefined)
  })

  it('hides private repositories (404) and refuses writes without push access (403)', async () => {
    const model = api.world.model
    model.addUser({login: 'eve'})
    const secret = model.addRepo(model.orgOfLogin('acme')!.id, {name: 'secret', visibility: 'PRIVATE'})
    model.addIssue(secret, {title: 'hidden'})
    const eve = api.as('eve')
    expect(await eve.rest('GET', '/repos/acme/secret/issues/1')).to.equal(undefined)
    expect((await api.rest('GET', '/repos/acme/secret/issues/1'))?.status).to.equal(200)
    expect((await eve.rest('POST', '/repos/acme/app/milestones', {title: 'nope'}))?.status).to.equal(403)
  })
})
