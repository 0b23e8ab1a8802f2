import {expect} from 'chai'
import {comparePlans, rehearse, testOnlyReport, type Rehearsal} from '../../src/app/rehearse.js'
import {captureProject} from '../../src/github/capture.js'
import {createClient, type GitHubClient} from '../../src/github/client.js'
import type {ProjectState} from '../../src/model/state.js'
import {diff} from '../../src/plan/diff.js'
import {loadSeed, type Seed} from '../../src/sandbox/seed.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'
import {canonicalJson} from '../../src/util/canonical.js'

const NOW = new Date('2025-03-10T12:00:00Z')

const ROADMAP: Seed = {
  users: [{login: 'alice'}, {login: 'bob'}],
  orgs: [{login: 'acme', teams: [{slug: 'core'}]}],
  repositories: [
    {
      owner: 'acme',
      name: 'app',
      labels: [{name: 'bug'}, {name: 'ui'}],
      milestones: [{title: 'v1'}],
      issues: [
        {number: 1, title: 'Epic', labels: ['bug'], assignees: ['alice'], milestone: 'v1', subIssues: ['#3', '#4']},
        {number: 3, title: 'Part one', state: 'CLOSED', stateReason: 'COMPLETED', blockedBy: ['#7']},
        {number: 4, title: 'Part two', labels: ['ui']},
        {number: 7, title: 'Blocker outside the project'},
      ],
      pullRequests: [{number: 2, title: 'Fix', state: 'MERGED'}],
    },
  ],
  projects: [
    {
      owner: 'acme',
      title: 'Roadmap',
      shortDescription: 'What we build',
      fields: [
        {name: 'Status', type: 'SINGLE_SELECT', options: [{name: 'Backlog', color: 'GRAY'}, {name: 'Doing', color: 'YELLOW'}, {name: 'Shipped', color: 'GREEN', description: 'out'}]},
        {name: 'Priority', type: 'SINGLE_SELECT', options: [{name: 'P0', color: 'RED'}, {name: 'P1', color: 'ORANGE'}]},
        {name: 'Estimate', type: 'NUMBER'},
        {name: 'Sprint', type: 'ITERATION', iteration: {startDate: '2025-03-03', duration: 7, iterations: [{title: 'W1', startDate: '2025-03-03'}, {title: 'W2', startDate: '2025-03-10'}]}},
      ],
      views: [{name: 'Board', layout: 'BOARD_LAYOUT', visibleFields: ['Title', 'Status', 'Priority'], groupBy: ['Status']}],
      workflows: [{name: 'Item closed', enabled: false}],
      statusUpdates: [{body: 'On track', status: 'ON_TRACK'}],
      repositories: ['acme/app'],
      teams: ['acme/core'],
      items: [
        {issue: 'acme/app#1', values: {Status: 'Doing', Priority: 'P0', Estimate: 13, Sprint: 'W2'}},
        {issue: 'acme/app#2', values: {Status: 'Shipped'}},
        {draft: {title: 'Idea', body: 'maybe later', assignees: ['bob']}, values: {Priority: 'P1'}},
        {issue: 'acme/app#3', values: {Status: 'Shipped', Priority: 'P1', Sprint: 'W1'}},
        {issue: 'acme/app#4', archived: true, values: {Status: 'Backlog'}},
        {draft: {title: 'Keep me'}, values: {Status: 'Backlog'}},
      ],
    },
  ],
}

/** The "real" GitHub of these tests: a world behind a sandbox, reached through the production client. */
interface LiveGitHub {
  world: World
  sandbox: Sandbox
  client: GitHubClient
  projectId: string
  capture(): Promise<ProjectState>
}

async function liveGitHub(seed: Seed): Promise<LiveGitHub> {
  const world = new World({now: () => NOW})
  const projectId = Object.values(loadSeed(world, seed).projects)[0]
  const sandbox = await startSandbox({backend: world, limits: 'off'})
  const client = await createClient({apiUrl: sandbox.url, token: 'live-token', env: {}})
  const capture = async () => (await captureProject(client, projectId, {type: 'full', dependencies: 'all'})).state
  return {world, sandbox, client, projectId, capture}
}

/** A bad day, through GitHub's public GraphQL API: Status options replaced, a field deleted, an issue item and a
 *  draft deleted, the project renamed. */
async function vandalise(gh: LiveGitHub): Promise<void> {
  const data = await gh.client.graphql<any>(
    `query($id: ID!) { node(id: $id) { ... on ProjectV2 {
      fields(first: 50) { nodes { ... on ProjectV2FieldCommon { id name } } }
      items(first: 50) { nodes { id content { __typename ... on Issue { number } ... on DraftIssue { title } } } } } } }`,
    {id: gh.projectId},
  )
  const field = (name: string) => data.node.fields.nodes.find((f: any) => f.name === name).id
  const item = (pick: (c: any) => boolean) => data.node.items.nodes.find((i: any) => pick(i.content)).id
  await gh.client.graphql(`mutation($input: UpdateProjectV2FieldInput!) { updateProjectV2Field(input: $input) { projectV2Field { __typename } } }`, {
    input: {fieldId: field('Status'), singleSelectOptions: [{name: 'Todo', color: 'GRAY', description: ''}, {name: 'Done', color: 'GREEN', description: ''}]},
  })
  await gh.client.graphql(`mutation($input: DeleteProjectV2FieldInput!) { deleteProjectV2Field(input: $input) { projectV2Field { __typename } } }`, {
    input: {fieldId: field('Priority')},
  })
  for (const itemId of [item((c) => c.number === 3), item((c) => c.title === 'Idea')]) {
    await gh.client.graphql(`mutation($input: DeleteProjectV2ItemInput!) { deleteProjectV2Item(input: $input) { deletedItemId } }`, {
      input: {projectId: gh.projectId, itemId},
    })
  }
  await gh.client.graphql(`mutation($input: UpdateProjectV2Input!) { updateProjectV2(input: $input) { projectV2 { title } } }`, {
    input: {projectId: gh.projectId, title: 'Roadmap (oops)'},
  })
}

describe('app/rehearse: restore --test-only', () => {
  let gh: LiveGitHub
  let desired: ProjectState
  let live: ProjectState

  before(async () => {
    gh = await liveGitHub(ROADMAP)
    desired = await gh.capture()
    await vandalise(gh)
    live = await gh.capture()
  })

  after(async () => {
    await gh?.sandbox.close()
  })

  it('rehearses the restore of a vandalised project on a replica: it converges, and the real project is untouched', async () => {
    const plan = diff(desired, live, {})
    expect(plan.operations.map((o) => o.op)).to.include.members(['updateProject', 'restoreOptions', 'createField', 'addItem', 'createDraft', 'setValue'])
    const worldBefore = canonicalJson(gh.world.toJSON())
    const requestsBefore = {...gh.sandbox.stats.requests}

    const rehearsal = await rehearse(desired, live, {}, {now: () => NOW})

    expect(rehearsal.failed).to.deep.equal([])
    expect(rehearsal.remaining.operations).to.deep.equal([])
    expect(rehearsal.equal).to.equal(true)
    expect(rehearsal.applied).to.equal(rehearsal.replicaPlan.operations.length)
    expect(rehearsal.applied).to.be.greaterThan(5)
    expect(rehearsal.githubRequests).to.be.greaterThan(0)
    expect(rehearsal.mutations).to.be.at.least(rehearsal.applied)
    // the replica knows none of the live ids, yet the plan made against it is the live plan, operation for operation
    expect(rehearsal.replicaPlan.summary).to.deep.equal(plan.summary)
    expect(comparePlans(plan, rehearsal.replicaPlan)).to.deep.equal([])
    expect(rehearsal.notes).to.deep.equal([])
    expect(rehearsal.replicaPlan.operations.some((o) => 'item' in o && o.item.liveId !== null && live.items![o.item.key]?.id === o.item.liveId)).to.equal(false)

    // not one request reached the real GitHub, and the real project is as it was
    expect(gh.sandbox.stats.requests).to.deep.equal(requestsBefore)
    expect(canonicalJson(gh.world.toJSON())).to.equal(worldBefore)
    expect(canonicalJson(await gh.capture())).to.equal(canonicalJson(live))
  })

  it('reports the spec\'s test-only document', async () => {
    const plan = diff(desired, live, {})
    const rehearsal = await rehearse(desired, live, {})
    const report = testOnlyReport(plan, rehearsal)
    expect(report.restore_plan).to.deep.equal({
      fields_to_restore: plan.summary.fields_to_restore,
      issues_to_update: plan.summary.issues_to_update,
      conflicts: plan.conflicts,
      estimated_time: plan.estimate.human,
    })
    expect(report.restore_plan.fields_to_restore).to.equal(2)
    expect(report.restore_plan.issues_to_update).to.be.greaterThan(2)
    // the deleted field took its place in view Board along: no API edits a view, so the plan warns
    expect(report.warnings).to.deep.equal(plan.warnings)
    expect(report.warnings.some((w) => /view 'Board'/.test(w))).to.equal(true)
    expect(report.compatibility).to.equal('partial')
    expect(report.rehearsal).to.deep.equal({equal: true, applied: rehearsal.applied, remaining_operations: 0, failed: [], notes: []})
    expect(JSON.parse(JSON.stringify(report))).to.deep.equal(report)
  })

  it('rehearses recreating a deleted issue as a new one, which the replica does not have either', async () => {
    const gone = 'https://github.com/acme/app/issues/3'
    // what a capture shows once issue #3 is deleted on GitHub: its parent no longer lists it
    const afterDeletion = structuredClone(live)
    const epic = afterDeletion.items!['https://github.com/acme/app/issues/1'].content!
    epic.subIssues = epic.subIssues.filter((u) => u !== gone)
    // (#3's blocker is left out: applyPlan sends addBlockedBy for a recreated issue to its OLD number, which the
    // rehearsal reports as a failure, as it should)
    const wanted = structuredClone(desired)
    wanted.items![gone].content!.blockedBy = []
    const options = {missingContent: [gone], recreateMissingIssues: true}
    const rehearsal = await rehearse(wanted, afterDeletion, options)
    expect(rehearsal.replicaPlan.operations.map((o) => o.op)).to.include.members(['createIssue', 'addItem', 'addSubIssue', 'setIssueState'])
    expect(comparePlans(diff(wanted, afterDeletion, options), rehearsal.replicaPlan)).to.deep.equal([])
    expect(rehearsal.failed).to.deep.equal([])
    expect(rehearsal.remaining.operations).to.deep.equal([])
    expect(rehearsal.equal).to.equal(true)
  })

  it('says when a restore would not converge: what failed and what remains', async () => {
    const greedy = structuredClone(desired)
    const epic = greedy.items!['https://github.com/acme/app/issues/1'].content!
    // GitHub allows at most 10 assignees: the replica refuses the 11th like GitHub would
    epic.assignees = Array.from({length: 11}, (_, i) => `dev${String(i).padStart(2, '0')}`)
    const rehearsal = await rehearse(greedy, live, {})
    expect(rehearsal.equal).to.equal(false)
    expect(rehearsal.failed.map((f) => f.op)).to.deep.equal(['addAssignees'])
    expect(rehearsal.failed[0].error).to.match(/at most 10 assignees/)
    const report = testOnlyReport(diff(greedy, live, {}), rehearsal)
    expect(report.compatibility).to.equal('incompatible')
    expect(report.rehearsal).to.deep.include({equal: false, failed: rehearsal.failed, remaining_operations: rehearsal.remaining.operations.length})
  })

  it('rehearses a user\'s project, recreating a deleted view through REST', async () => {
    const mine = await liveGitHub({
      users: [{login: 'alice'}],
      repositories: [{owner: 'alice', name: 'notes', issues: [{number: 4, title: 'Write it down'}, {number: 9, title: 'Again'}]}],
      projects: [
        {
          owner: 'alice',
          title: 'Notes',
          public: true,
          fields: [{name: 'Size', type: 'NUMBER'}],
          views: [{name: 'All', visibleFields: ['Title', 'Size']}, {name: 'Board', layout: 'BOARD_LAYOUT', groupBy: ['Status']}],
          items: [{issue: 'alice/notes#4', values: {Size: 3}}, {issue: 'alice/notes#9'}],
        },
      ],
    })
    try {
      const wanted = await mine.capture()
      // the Board view and issue #9's item go (a re-added item lands last, then moves after its predecessor)
      const project = mine.world.model.store.projects[mine.projectId]
      mine.world.model.deleteView(mine.world.model.store.views[project.viewIds[1]])
      mine.world.model.deleteItem(mine.world.model.items(project)[1])
      const now = await mine.capture()
      const rehearsal = await rehearse(wanted, now, {})
      expect(rehearsal.replicaPlan.operations.map((o) => o.op).sort()).to.deep.equal(['addItem', 'createView', 'moveItem'])
      expect(rehearsal.failed).to.deep.equal([])
      expect(rehearsal.equal).to.equal(true)
      expect(testOnlyReport(diff(wanted, now, {}), rehearsal).compatibility).to.equal('full')
    } finally {
      await mine.sandbox.close()
    }
  })

  it('grades compatibility from the plan and the rehearsal alone', () => {
    const plan = diff(desired, desired, {})
    expect(plan.operations).to.deep.equal([])
    const rehearsal = (equal: boolean): Rehearsal => ({
      equal,
      replicaPlan: plan,
      applied: 0,
      failed: [],
      remaining: plan,
      githubRequests: 0,
      githubTimeMs: 0,
      mutations: 0,
      notes: [],
    })
    expect(testOnlyReport(plan, rehearsal(true)).compatibility).to.equal('full')
    expect(testOnlyReport(plan, rehearsal(false)).compatibility).to.equal('incompatible')
    const conflicted = {...plan, conflicts: [{kind: 'field' as const, name: 'Extra', detail: 'exists live but not in the backup'}]}
    expect(testOnlyReport(conflicted, rehearsal(true)).compatibility).to.equal('partial')
    expect(testOnlyReport(conflicted, rehearsal(true)).restore_plan.conflicts).to.deep.equal(conflicted.conflicts)
    expect(testOnlyReport({...plan, warnings: ['enable workflow x by hand']}, rehearsal(false)).compatibility).to.equal('incompatible')
  })
})
