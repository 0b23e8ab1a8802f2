import {expect} from 'chai'
import {World} from '../../src/sandbox/world.js'
import {buildProject, Client, newWorld, NOW, SET_VALUE, VALUE_BY_NAME} from './world-helpers.js'

/** What GitHub changed since February 2025 (GITHUB-FACTS.md, "What changed"), through the public API only. */
describe('sandbox world: today\'s GitHub', () => {
  let api: Client
  let p: Awaited<ReturnType<typeof buildProject>>

  beforeEach(async () => {
    api = new Client(newWorld())
    p = await buildProject(api, 3)
  })

  const OPTIONS = `mutation($f: ID!, $o: [ProjectV2SingleSelectFieldOptionInput!]) {
    updateProjectV2Field(input: {fieldId: $f, singleSelectOptions: $o}) {
      projectV2Field { ... on ProjectV2SingleSelectField { options { id name color description } } } } }`

  const ARCHIVE = `mutation($p: ID!, $i: ID!) { archiveProjectV2Item(input: {projectId: $p, itemId: $i}) { item { isArchived } } }`

  async function valueOf(itemId: string, name: string) {
    return (await api.gql(VALUE_BY_NAME, {i: itemId, name})).node.fieldValueByName
  }

  async function setStatus(item: string, name: string) {
    const option = p.fields.Status.options!.find((o) => o.name === name)!
    await api.gql(SET_VALUE, {p: p.projectId, i: item, f: p.fields.Status.id, v: {singleSelectOptionId: option.id}})
  }

  describe('option identity in updateProjectV2Field', () => {
    it('keeps the id and every value of an option sent with its id, while options sent without id are new', async () => {
      await setStatus(p.items[0], 'Todo')
      await setStatus(p.items[1], 'In Progress')
      await setStatus(p.items[2], 'Done')
      const [todo, doing] = p.fields.Status.options!
      const answer = await api.gql(OPTIONS, {
        f: p.fields.Status.id,
        o: [
          {id: todo.id, name: 'Backlog', color: 'BLUE', description: 'renamed'},
          {id: doing.id, name: 'In Progress', color: 'YELLOW', description: ''},
          {name: 'Done', color: 'PURPLE', description: ''},
          {name: 'Blocked', color: 'RED', description: ''},
        ],
      })
      const options: Array<{id: string; name: string; color: string; description: string}> = answer.updateProjectV2Field.projectV2Field.options
      expect(options.map((o) => o.name)).to.deep.equal(['Backlog', 'In Progress', 'Done', 'Blocked'])
      expect(options[0]).to.deep.equal({id: todo.id, name: 'Backlog', color: 'BLUE', description: 'renamed'})
      expect(options[1].id).to.equal(doing.id)
      const oldDone = p.fields.Status.options![2].id
      expect(options[2].id).to.not.equal(oldDone)
      // values of kept options survive (renamed ones show the new name); the value of the re-created one is orphaned
      expect(await valueOf(p.items[0], 'Status')).to.deep.include({optionId: todo.id, name: 'Backlog'})
      expect(await valueOf(p.items[1], 'Status')).to.deep.include({optionId: doing.id, name: 'In Progress'})
      expect(await valueOf(p.items[2], 'Status')).to.equal(null)
    })

    it('removes listed-out options and orphans their values', async () => {
      await setStatus(p.items[0], 'Done')
      const [todo] = p.fields.Status.options!
      await api.gql(OPTIONS, {f: p.fields.Status.id, o: [{id: todo.id, name: 'Todo', color: 'GREEN', description: ''}]})
      expect(await valueOf(p.items[0], 'Status')).to.equal(null)
    })

    it('ignores an empty option list and an empty iteration configuration', async () => {
      await setStatus(p.items[0], 'Done')
      const answer = await api.gql(OPTIONS, {f: p.fields.Status.id, o: []})
      expect(answer.updateProjectV2Field.projectV2Field.options.map((o: {id: string}) => o.id)).to.deep.equal(p.fields.Status.options!.map((o) => o.id))
      expect(await valueOf(p.items[0], 'Status')).to.deep.include({name: 'Done'})

      const created = await api.gql(
        `mutation($p: ID!) { createProjectV2Field(input: {projectId: $p, dataType: ITERATION, name: "Sprint",
          iterationConfiguration: {startDate: "2025-03-03", duration: 7, iterations: [{title: "S1", startDate: "2025-03-03", duration: 7}]}}) {
          projectV2Field { ... on ProjectV2IterationField { id configuration { iterations { id title } } } } } }`,
        {p: p.projectId},
      )
      const field = created.createProjectV2Field.projectV2Field
      const kept = await api.gql(
        `mutation($f: ID!) { updateProjectV2Field(input: {fieldId: $f, iterationConfiguration: {startDate: "2025-03-03", duration: 14, iterations: []}}) {
          projectV2Field { ... on ProjectV2IterationField { configuration { duration iterations { id title } } } } } }`,
        {f: field.id},
      )
      expect(kept.updateProjectV2Field.projectV2Field.configuration).to.deep.equal({duration: 7, iterations: field.configuration.iterations})
    })

    it('refuses an id that is not an option of the field, changing nothing', async () => {
      const error = await api.gqlError(OPTIONS, {f: p.fields.Status.id, o: [{id: 'deadbeef', name: 'Todo', color: 'GREEN', description: ''}]})
      expect(error.type).to.equal('UNPROCESSABLE')
      expect(error.message).to.match(/deadbeef.*not an option of field Status/)
      const field = await api.gql(`query($f: ID!) { node(id: $f) { ... on ProjectV2SingleSelectField { options { id } } } }`, {f: p.fields.Status.id})
      expect(field.node.options.map((o: {id: string}) => o.id)).to.deep.equal(p.fields.Status.options!.map((o) => o.id))
    })

    it('gives the default Status options GitHub\'s fixed ids in every project', async () => {
      const second = await api.gql(
        `mutation($o: ID!) { createProjectV2(input: {ownerId: $o, title: "Second"}) { projectV2 { field(name: "Status") {
          ... on ProjectV2SingleSelectField { options { id name } } } } } }`,
        {o: p.orgId},
      )
      const fixed = [
        {id: 'f75ad846', name: 'Todo'},
        {id: '47fc9ee4', name: 'In Progress'},
        {id: '98236657', name: 'Done'},
      ]
      expect(p.fields.Status.options).to.deep.equal(fixed)
      expect(second.createProjectV2.projectV2.field.options).to.deep.equal(fixed)
      // the same option id in two projects: values stay in their own project
      await setStatus(p.items[0], 'Done')
      expect(await valueOf(p.items[0], 'Status')).to.deep.include({optionId: '98236657', name: 'Done'})
    })

    it('copies a project whose options share ids with other projects, values and all', async () => {
      const draft = await api.gql(
        `mutation($p: ID!) { addProjectV2DraftIssue(input: {projectId: $p, title: "Plan"}) { projectItem { id } } }`,
        {p: p.projectId},
      )
      await setStatus(draft.addProjectV2DraftIssue.projectItem.id, 'In Progress')
      const copy = await api.gql(
        `mutation($p: ID!, $o: ID!) { copyProjectV2(input: {projectId: $p, ownerId: $o, title: "Copy", includeDraftIssues: true}) {
          projectV2 { items(first: 5) { nodes { fieldValueByName(name: "Status") { ... on ProjectV2ItemFieldSingleSelectValue { name } } } } } } }`,
        {p: p.projectId, o: p.orgId},
      )
      expect(copy.copyProjectV2.projectV2.items.nodes).to.deep.equal([{fieldValueByName: {name: 'In Progress'}}])
    })
  })

  describe('archived items', () => {
    it('refuse value updates, clears and draft edits with GitHub\'s message; unarchived they accept them again', async () => {
      await setStatus(p.items[0], 'Todo')
      await api.gql(ARCHIVE, {p: p.projectId, i: p.items[0]})
      const done = p.fields.Status.options![2].id
      const set = await api.gqlError(SET_VALUE, {p: p.projectId, i: p.items[0], f: p.fields.Status.id, v: {singleSelectOptionId: done}})
      expect([set.type, set.message]).to.deep.equal(['UNPROCESSABLE', 'The item is archived and cannot be updated'])
      const clear = await api.gqlError(
        `mutation($p: ID!, $i: ID!, $f: ID!) { clearProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f}) { clientMutationId } }`,
        {p: p.projectId, i: p.items[0], f: p.fields.Status.id},
      )
      expect(clear.message).to.equal('The item is archived and cannot be updated')
      expect(await valueOf(p.items[0], 'Status')).to.deep.include({name: 'Todo'})

      const draft = await api.gql(
        `mutation($p: ID!) { addProjectV2DraftIssue(input: {projectId: $p, title: "Plan"}) { projectItem { id content { ... on DraftIssue { id } } } } }`,
        {p: p.projectId},
      )
      const item = draft.addProjectV2DraftIssue.projectItem
      await api.gql(ARCHIVE, {p: p.projectId, i: item.id})
      const edit = `mutation($d: ID!) { updateProjectV2DraftIssue(input: {draftIssueId: $d, title: "Renamed"}) { draftIssue { title } } }`
      expect((await api.gqlError(edit, {d: item.content.id})).message).to.equal('The item is archived and cannot be updated')

      await api.gql(`mutation($p: ID!, $i: ID!) { unarchiveProjectV2Item(input: {projectId: $p, itemId: $i}) { clientMutationId } }`, {
        p: p.projectId,
        i: p.items[0],
      })
      await api.gql(SET_VALUE, {p: p.projectId, i: p.items[0], f: p.fields.Status.id, v: {singleSelectOptionId: done}})
      expect(await valueOf(p.items[0], 'Status')).to.deep.include({name: 'Done'})
    })
  })

  describe('items(query:)', () => {
    const seeded = () =>
      new Client(
        World.fromSeed(
          {
            users: [{login: 'bob'}],
            repositories: [
              {
                owner: 'acme',
                name: 'app',
                labels: [{name: 'bug'}, {name: 'support'}],
                milestones: [{title: 'v1'}],
                issues: [
                  {title: 'Crash on start', labels: ['bug'], assignees: ['bob'], milestone: 'v1'},
                  {title: 'Docs typo', state: 'CLOSED', labels: ['support']},
                  {title: 'Slow search'},
                ],
                pullRequests: [{title: 'Fix crash', state: 'MERGED'}],
              },
            ],
            projects: [
              {
                owner: 'acme',
                title: 'Roadmap',
                fields: [
                  {name: 'Status', type: 'SINGLE_SELECT', options: [{name: 'Todo'}, {name: 'In Progress'}, {name: 'Done'}]},
                  {name: 'Points', type: 'NUMBER'},
                  {name: 'Due', type: 'DATE'},
                  {name: 'Note', type: 'TEXT'},
                  {
                    name: 'Sprint',
                    type: 'ITERATION',
                    iteration: {
                      startDate: '2025-02-24',
                      duration: 7,
                      iterations: [
                        {title: 'S1', startDate: '2025-02-24'},
                        {title: 'S2', startDate: '2025-03-03'},
                        {title: 'S3', startDate: '2025-03-10'},
                        {title: 'S4', startDate: '2025-03-17'},
                      ],
                    },
                  },
                ],
                items: [
                  {issue: 'acme/app#1', values: {Status: 'In Progress', Points: 3, Due: '2025-03-01', Sprint: 'S3', Note: 'hot path'}},
                  {issue: 'acme/app#2', values: {Status: 'Done', Points: 1, Due: '2025-03-20', Sprint: 'S1'}},
                  {issue: 'acme/app#3', values: {Status: 'Todo', Points: 8, Sprint: 'S4'}},
                  {issue: 'acme/app#4', values: {Status: 'Done', Sprint: 'S2'}},
                  {draft: {title: 'Think about search'}, values: {Points: 5}},
                  {draft: {title: 'Old idea'}, archived: true, values: {Status: 'Todo'}},
                ],
              },
            ],
          },
          {now: () => NOW},
        ),
      )
    const QUERY = `query($q: String!, $a: [ProjectV2ItemArchivedState!]) { organization(login: "acme") { projectV2(number: 1) {
      items(first: 20, query: $q, archivedStates: $a) { totalCount nodes { content { ... on Issue { title } ... on PullRequest { title } ... on DraftIssue { title } } } } } } }`
    let q: Client
    before(() => {
      q = seeded()
    })
    const titles = async (query: string, archived?: string[]) => {
      const data = await q.gql(QUERY, {q: query, a: archived ?? null})
      return data.organization.projectV2.items.nodes.map((n: {content: {title: string}}) => n.content.title)
    }

    it('filters by type, state, label, assignee, repository and milestone, ANDing qualifiers and ORing values', async () => {
      expect(await titles('is:draft')).to.deep.equal(['Think about search'])
      expect(await titles('is:pr')).to.deep.equal(['Fix crash'])
      expect(await titles('is:issue is:open')).to.deep.equal(['Crash on start', 'Slow search'])
      expect(await titles('is:closed')).to.deep.equal(['Docs typo', 'Fix crash'])
      expect(await titles('is:merged')).to.deep.equal(['Fix crash'])
      expect(await titles('label:bug,support')).to.deep.equal(['Crash on start', 'Docs typo'])
      expect(await titles('-label:bug is:issue')).to.deep.equal(['Docs typo', 'Slow search'])
      expect(await titles('no:label is:issue')).to.deep.equal(['Slow search'])
      expect(await titles('has:assignee')).to.deep.equal(['Crash on start'])
      expect(await titles('assignee:BOB milestone:v1 repo:acme/app')).to.deep.equal(['Crash on start'])
    })

    it('filters by single select, text, number, date and iteration fields, quoted and compared', async () => {
      expect(await titles('status:"in progress",done')).to.deep.equal(['Crash on start', 'Docs typo', 'Fix crash'])
      expect(await titles('-status:done')).to.deep.equal(['Crash on start', 'Slow search', 'Think about search'])
      expect(await titles('no:status')).to.deep.equal(['Think about search'])
      expect(await titles('note:"hot path"')).to.deep.equal(['Crash on start'])
      expect(await titles('points:>=5')).to.deep.equal(['Slow search', 'Think about search'])
      expect(await titles('points:2..5')).to.deep.equal(['Crash on start', 'Think about search'])
      expect(await titles('due:<@today')).to.deep.equal(['Crash on start'])
      expect(await titles('due:2025-03-01..2025-03-31')).to.deep.equal(['Crash on start', 'Docs typo'])
      expect(await titles('due:>@today+1w')).to.deep.equal(['Docs typo'])
      expect(await titles('sprint:@current')).to.deep.equal(['Crash on start'])
      expect(await titles('sprint:@previous,@next')).to.deep.equal(['Slow search', 'Fix crash'])
      expect(await titles('sprint:<@current')).to.deep.equal(['Docs typo', 'Fix crash'])
      expect(await titles('sprint:S1')).to.deep.equal(['Docs typo'])
    })

    it('matches free text against titles, keeps the archived default, and matches nothing for an unknown qualifier', async () => {
      expect(await titles('search')).to.deep.equal(['Slow search', 'Think about search'])
      expect(await titles('-search is:issue')).to.deep.equal(['Crash on start', 'Docs typo'])
      expect(await titles('idea')).to.deep.equal([])
      expect(await titles('idea', ['ARCHIVED'])).to.deep.equal(['Old idea'])
      expect(await titles('status:todo', ['ARCHIVED', 'NOT_ARCHIVED'])).to.deep.equal(['Slow search', 'Old idea'])
      expect(await titles('colour:red')).to.deep.equal([])
      expect(await titles('')).to.have.length(5)
    })
  })

  describe('built-in CREATED, UPDATED and CLOSED fields', () => {
    it('are not in new projects, can be seeded, cannot be set, and show the content\'s dates', async () => {
      const fresh = await api.gql(`query($p: ID!) { node(id: $p) { ... on ProjectV2 { fields(first: 30) { nodes { ... on ProjectV2FieldCommon { dataType } } } } } }`, {
        p: p.projectId,
      })
      const types = fresh.node.fields.nodes.map((f: {dataType: string}) => f.dataType)
      for (const t of ['CREATED', 'UPDATED', 'CLOSED']) expect(types).to.not.include(t)

      const world = World.fromSeed(
        {
          repositories: [{owner: 'acme', name: 'app', issues: [{title: 'Open one'}, {title: 'Closed one', state: 'CLOSED'}]}],
          projects: [
            {
              owner: 'acme',
              title: 'Dates',
              fields: [
                {name: 'Created', type: 'CREATED'},
                {name: 'Updated', type: 'UPDATED'},
                {name: 'Closed', type: 'CLOSED'},
              ],
              items: [{issue: 'acme/app#1'}, {issue: 'acme/app#2'}],
            },
          ],
        },
        {now: () => NOW},
      )
      const c = new Client(world)
      const data = await c.gql(`{ organization(login: "acme") { projectV2(number: 1) {
        field(name: "Closed") { ... on ProjectV2Field { id dataType } }
        items(first: 5) { nodes { id fieldValues(first: 20) { nodes { __typename
          ... on ProjectV2ItemFieldDateValue { date field { ... on ProjectV2FieldCommon { name } } } } } } } } } }`)
      const project = data.organization.projectV2
      expect(project.field.dataType).to.equal('CLOSED')
      const dates = (i: number) =>
        project.items.nodes[i].fieldValues.nodes
          .filter((v: {__typename: string}) => v.__typename === 'ProjectV2ItemFieldDateValue')
          .map((v: {date: string; field: {name: string}}) => `${v.field.name}=${v.date}`)
      expect(dates(0)).to.deep.equal(['Created=2025-03-10', 'Updated=2025-03-10'])
      expect(dates(1)).to.deep.equal(['Created=2025-03-10', 'Updated=2025-03-10', 'Closed=2025-03-10'])
      const refused = await c.gqlError(SET_VALUE, {
        p: world.model.projectsOfOwner(world.model.orgOfLogin('acme')!.id)[0].id,
        i: project.items.nodes[0].id,
        f: project.field.id,
        v: {date: '2025-01-01'},
      })
      expect(refused.type).to.equal('UNPROCESSABLE')
    })
  })
})
