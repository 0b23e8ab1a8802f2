import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {loadSeed, type Seed} from '../../src/sandbox/seed.js'
import {World} from '../../src/sandbox/world.js'
import {isUserError} from '../../src/util/errors.js'
import {Client, NOW, VALUE_BY_NAME} from './world-helpers.js'

const SEED: Seed = {
  version: 1,
  users: [{login: 'alice', name: 'Alice'}, {login: 'bob'}],
  orgs: [{login: 'acme', members: {alice: 'MEMBER'}, teams: [{slug: 'core', name: 'Core', members: ['alice']}]}],
  repositories: [
    {
      owner: 'acme',
      name: 'app',
      labels: [{name: 'bug', color: 'd73a4a'}, {name: 'ui'}],
      milestones: [{title: 'v1', dueOn: '2025-04-01T00:00:00Z'}],
      issues: [
        {title: 'Epic', labels: ['bug'], assignees: ['alice'], milestone: 'v1', subIssues: ['#2', '#3']},
        {title: 'Part one', state: 'CLOSED', stateReason: 'COMPLETED'},
        {title: 'Part two', blockedBy: ['#2']},
        {number: 10, title: 'Numbered'},
      ],
      pullRequests: [{title: 'Fix', state: 'MERGED', reviewers: ['bob']}],
    },
    {owner: 'acme', name: 'secret', visibility: 'PRIVATE', issues: [{title: 'Hidden'}]},
  ],
  projects: [
    {
      owner: 'acme',
      title: 'Roadmap',
      shortDescription: 'What we build',
      readme: '# Roadmap',
      public: true,
      creator: 'alice',
      fields: [
        {name: 'Status', type: 'SINGLE_SELECT', options: [{name: 'Backlog', color: 'GRAY'}, {name: 'Doing', color: 'YELLOW'}, {name: 'Shipped', color: 'GREEN'}]},
        {name: 'Priority', type: 'SINGLE_SELECT', options: [{name: 'P0', color: 'RED', description: 'drop everything'}, {name: 'P1'}]},
        {name: 'Estimate', type: 'NUMBER'},
        {name: 'Notes', type: 'TEXT'},
        {name: 'Due', type: 'DATE'},
        {
          name: 'Sprint',
          type: 'ITERATION',
          iteration: {
            startDate: '2025-02-24',
            duration: 7,
            iterations: [
              {title: 'Week 1', startDate: '2025-02-24'},
              {title: 'Week 2', startDate: '2025-03-03'},
              {title: 'Week 3', startDate: '2025-03-10'},
            ],
          },
        },
      ],
      views: [
        {name: 'Board', layout: 'BOARD_LAYOUT', filter: 'is:open', visibleFields: ['Title', 'Status', 'Priority'], groupBy: ['Status'], sortBy: [{field: 'Priority'}]},
        {name: 'Plan', layout: 'ROADMAP_LAYOUT', visibleFields: ['Title', 'Sprint']},
      ],
      workflows: [{name: 'Item closed', enabled: false}, {name: 'Auto-add to project', enabled: true}],
      statusUpdates: [{body: 'Going well', status: 'ON_TRACK', startDate: '2025-03-01', targetDate: '2025-05-01'}],
      repositories: ['acme/app'],
      teams: ['acme/core'],
      collaborators: [{user: 'bob', role: 'READER'}],
      items: [
        {issue: 'acme/app#1', values: {Status: 'Doing', Priority: 'P0', Estimate: 8, Notes: 'big one', Due: '2025-04-01', Sprint: 'Week 3'}},
        {issue: 'acme/app#2', values: {Status: 'Shipped', Sprint: 'Week 1'}},
        {issue: 'acme/app#11', archived: true},
        {draft: {title: 'Idea', body: 'maybe', assignees: ['bob']}, values: {Priority: 'P1'}},
        {issue: 'acme/secret#1', redacted: true},
      ],
    },
  ],
}

describe('sandbox world: seed', () => {
  it('loads a whole world: accounts, repositories, issue links and a project with every field type', async () => {
    const world = World.fromSeed(SEED, {now: () => NOW})
    const api = new Client(world)
    const data = await api.gql(`{ organization(login: "acme") { projectV2(number: 1) {
      title shortDescription readme public creator { login }
      fields(first: 30) { nodes { ... on ProjectV2FieldCommon { name dataType } } }
      status: field(name: "Status") { ... on ProjectV2SingleSelectField { options { name color } } }
      sprint: field(name: "Sprint") { ... on ProjectV2IterationField { configuration { duration startDay
        iterations { title startDate } completedIterations { title } } } }
      views(first: 5) { nodes { number name layout filter fields(first: 10) { nodes { ... on ProjectV2FieldCommon { name } } } } }
      workflows(first: 20) { nodes { name enabled } }
      statusUpdates(first: 5) { nodes { body status } }
      repositories(first: 5) { nodes { nameWithOwner } }
      teams(first: 5) { nodes { slug } }
      items(first: 10, archivedStates: [ARCHIVED, NOT_ARCHIVED]) { nodes { id type isArchived content { __typename ... on Issue { number } ... on PullRequest { number state }
        ... on DraftIssue { title body assignees(first: 5) { nodes { login } } } } } } } } }`)
    const project = data.organization.projectV2
    expect(project).to.deep.include({title: 'Roadmap', shortDescription: 'What we build', readme: '# Roadmap', public: true, creator: {login: 'alice'}})
    const fieldNames = project.fields.nodes.map((f: {name: string; dataType: string}) => `${f.name}:${f.dataType}`)
    expect(fieldNames).to.include.members(['Status:SINGLE_SELECT', 'Priority:SINGLE_SELECT', 'Estimate:NUMBER', 'Notes:TEXT', 'Due:DATE', 'Sprint:ITERATION'])
    expect(project.status.options).to.deep.equal([{name: 'Backlog', color: 'GRAY'}, {name: 'Doing', color: 'YELLOW'}, {name: 'Shipped', color: 'GREEN'}])
    // today is 2025-03-10: weeks 1 and 2 are over
    expect(project.sprint.configuration).to.deep.equal({
      duration: 7,
      startDay: 1,
      iterations: [{title: 'Week 3', startDate: '2025-03-10'}],
      completedIterations: [{title: 'Week 2'}, {title: 'Week 1'}],
    })
    expect(project.views.nodes.map((v: {name: string; layout: string}) => `${v.name}:${v.layout}`)).to.deep.equal(['Board:BOARD_LAYOUT', 'Plan:ROADMAP_LAYOUT'])
    expect(project.views.nodes[0].fields.nodes.map((f: {name: string}) => f.name)).to.deep.equal(['Title', 'Status', 'Priority'])
    const workflows = Object.fromEntries(project.workflows.nodes.map((w: {name: string; enabled: boolean}) => [w.name, w.enabled]))
    expect(workflows).to.deep.include({'Item closed': false, 'Auto-add to project': true, 'Pull request merged': true})
    expect(project.statusUpdates.nodes).to.deep.equal([{body: 'Going well', status: 'ON_TRACK'}])
    expect(project.repositories.nodes).to.deep.equal([{nameWithOwner: 'acme/app'}])
    expect(project.teams.nodes).to.deep.equal([{slug: 'core'}])

    const items = project.items.nodes
    expect(items.map((i: {type: string}) => i.type)).to.deep.equal(['ISSUE', 'ISSUE', 'PULL_REQUEST', 'DRAFT_ISSUE', 'REDACTED'])
    expect(items[2]).to.deep.include({isArchived: true, content: {__typename: 'PullRequest', number: 11, state: 'MERGED'}})
    expect(items[3].content).to.deep.equal({__typename: 'DraftIssue', title: 'Idea', body: 'maybe', assignees: {nodes: [{login: 'bob'}]}})
    expect(items[4].content).to.equal(null)

    const value = async (i: number, name: string) => (await api.gql(VALUE_BY_NAME, {i: items[i].id, name})).node.fieldValueByName
    expect(await value(0, 'Status')).to.deep.include({name: 'Doing'})
    expect(await value(0, 'Priority')).to.deep.include({name: 'P0'})
    expect(await value(0, 'Estimate')).to.deep.include({number: 8})
    expect(await value(0, 'Notes')).to.deep.include({text: 'big one'})
    expect(await value(0, 'Due')).to.deep.include({date: '2025-04-01'})
    expect(await value(0, 'Sprint')).to.deep.include({title: 'Week 3', startDate: '2025-03-10', duration: 7})
    expect(await value(1, 'Sprint')).to.deep.include({title: 'Week 1'})
    expect(await value(3, 'Priority')).to.deep.include({name: 'P1'})

    const issues = await api.gql(`{ repository(owner: "acme", name: "app") {
      epic: issue(number: 1) { labels(first: 5) { nodes { name } } assignees(first: 5) { nodes { login } } milestone { title }
        subIssues(first: 5) { nodes { number } } subIssuesSummary { completed total } }
      numbered: issue(number: 10) { title } } }`)
    expect(issues.repository.epic).to.deep.equal({
      labels: {nodes: [{name: 'bug'}]},
      assignees: {nodes: [{login: 'alice'}]},
      milestone: {title: 'v1'},
      subIssues: {nodes: [{number: 2}, {number: 3}]},
      subIssuesSummary: {completed: 1, total: 2},
    })
    expect(issues.repository.numbered.title).to.equal('Numbered')
    const blockedBy = await api.rest('GET', '/repos/acme/app/issues/3/dependencies/blocked_by')
    expect((blockedBy!.body as Array<{number: number}>).map((i) => i.number)).to.deep.equal([2])

    // bob (a READER collaborator) sees the project, alice (org member) may write
    expect((await api.as('bob').gql('{ organization(login: "acme") { projectV2(number: 1) { viewerCanUpdate } } }')).organization.projectV2.viewerCanUpdate).to.equal(false)
    expect((await api.as('alice').gql('{ organization(login: "acme") { projectV2(number: 1) { viewerCanUpdate } } }')).organization.projectV2.viewerCanUpdate).to.equal(true)
  })

  it('builds the same ids from the same seed, and loads into an existing world', () => {
    const a = World.fromSeed(SEED, {now: () => NOW}).toJSON()
    const b = World.fromSeed(SEED, {now: () => NOW}).toJSON()
    expect(a).to.deep.equal(b)
    const world = new World({now: () => NOW})
    const result = loadSeed(world, {projects: [{owner: 'octocat', title: 'Mine', items: [{draft: {title: 'x'}}]}]})
    expect(Object.keys(result.projects)).to.deep.equal(['octocat/1'])
    expect(world.model.store.projects[result.projects['octocat/1']].itemIds).to.have.length(1)
  })

  it('loads the example of docs/sandbox-seed.md', async () => {
    const doc = readFileSync(new URL('../../docs/sandbox-seed.md', import.meta.url), 'utf8')
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(doc)![1]) as Seed
    const api = new Client(World.fromSeed(example, {now: () => NOW}))
    const data = await api.gql('{ organization(login: "acme") { projectV2(number: 1) { title items(first: 10, archivedStates: [ARCHIVED, NOT_ARCHIVED]) { nodes { type } } } } }')
    expect(data.organization.projectV2.title).to.equal('Roadmap')
    expect(data.organization.projectV2.items.nodes.map((n: {type: string}) => n.type)).to.deep.equal(['ISSUE', 'PULL_REQUEST', 'DRAFT_ISSUE', 'REDACTED'])
  })

  it('numbers issues and pull requests with explicit numbers together, in number order', () => {
    const world = World.fromSeed({
      repositories: [
        {
          owner: 'acme',
          name: 'mixed',
          issues: [{title: 'first'}, {number: 7, title: 'seven'}, {title: 'second issue'}],
          pullRequests: [{number: 5, title: 'five'}, {title: 'unnumbered pr'}],
        },
      ],
    })
    const repo = world.model.repoOf('acme', 'mixed')!
    const numbered = Object.values(world.model.store.issues)
      .filter((i) => i.repoId === repo.id)
      .map((i) => `${i.number} ${i.kind} ${i.title}`)
      .sort((a, b) => parseInt(a) - parseInt(b))
    // unnumbered entries keep their place: issues first, then pull requests; the numbered ones go in number order
    expect(numbered).to.deep.equal(['1 Issue first', '5 PullRequest five', '6 Issue second issue', '7 Issue seven', '8 PullRequest unnumbered pr'])
    const refused = () => World.fromSeed({repositories: [{owner: 'acme', name: 'r', issues: [{number: 3, title: 'i'}], pullRequests: [{number: 3, title: 'p'}]}]})
    expect(refused).to.throw(/pullRequests\[0\]: number 3 is taken/)
  })

  it('refuses a broken seed with a UserError that says where and what', () => {
    const broken = (seed: Seed) => {
      try {
        World.fromSeed(seed)
      } catch (error) {
        expect(isUserError(error), String(error)).to.equal(true)
        return (error as Error).message
      }
      throw new Error('seed was accepted')
    }
    expect(broken({projects: [{owner: 'acme', title: 'P', items: [{issue: 'acme/none#1'}]}]})).to.match(/projects\[0\] \(P\) items\[0\]: repository of "acme\/none#1"/)
    expect(
      broken({projects: [{owner: 'acme', title: 'P', fields: [{name: 'Size', type: 'SINGLE_SELECT', options: [{name: 'S'}]}], items: [{draft: {title: 'd'}, values: {Size: 'XL'}}]}]}),
    ).to.match(/"XL" is not an option of "Size" \(options: S\)/)
    expect(broken({projects: [{owner: 'acme', title: 'P', fields: [{name: 'Title', type: 'TEXT'}]}]})).to.match(/Name has already been taken/)
    expect(broken({projects: [{owner: 'acme', title: 'P', fields: [{name: 'Kind', type: 'LABELS'}]}]})).to.match(/cannot be created/)
    expect(broken({projects: [{owner: 'acme', title: 'P', items: [{draft: {title: 'a'}, values: {Labels: 'x'}}]}]})).to.match(/built-in LABELS field/)
    expect(broken({orgs: [{login: 'acme', members: {zed: 'MEMBER'}}]})).to.match(/user "zed" is not in the seed/)
    expect(broken({version: 2 as 1})).to.match(/version 2 is not supported/)
    expect(
      broken({repositories: [{owner: 'acme', name: 'r', issues: [{title: 'a'}]}], projects: [{owner: 'acme', title: 'P', items: [{issue: 'acme/r#1'}, {issue: 'acme/r#1'}]}]}),
    ).to.match(/already exists in this project/)
  })

  it('loads a project at GitHub\'s 50,000-item limit, with values, and pages through it', async () => {
    const issues = Array.from({length: 25_000}, (_, i) => ({title: `Issue ${i + 1}`}))
    const items = [
      ...issues.map((_, i) => ({issue: `acme/big#${i + 1}`, values: {Status: i % 2 ? 'Done' : 'Todo', Points: i}})),
      ...Array.from({length: 25_000}, (_, i) => ({draft: {title: `Draft ${i}`}, values: {Status: 'In Progress'}})),
    ]
    const world = World.fromSeed(
      {
        repositories: [{owner: 'acme', name: 'big', issues}],
        projects: [{owner: 'acme', title: 'Big', fields: [{name: 'Points', type: 'NUMBER'}], items}],
      },
      {now: () => NOW},
    )
    const api = new Client(world)
    const page = await api.gql(`{ organization(login: "acme") { projectV2(number: 1) { items(last: 2) { totalCount nodes { content { ... on DraftIssue { title } } } } } } }`)
    expect(page.organization.projectV2.items.totalCount).to.equal(50_000)
    expect(page.organization.projectV2.items.nodes).to.deep.equal([{content: {title: 'Draft 24998'}}, {content: {title: 'Draft 24999'}}])
    const project = world.model.store.projects[Object.keys(world.model.store.projects)[0]]
    const full = world.model.addDraftItem.bind(world.model, project, {title: 'one too many'})
    expect(full).to.throw(/at most 50000 items/)
  })
})
