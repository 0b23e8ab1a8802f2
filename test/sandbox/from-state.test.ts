import {expect} from 'chai'
import {captureProject} from '../../src/github/capture.js'
import {createClient} from '../../src/github/client.js'
import type {ProjectState} from '../../src/model/state.js'
import {diff} from '../../src/plan/diff.js'
import {buildReplica, stateToSeed} from '../../src/sandbox/from-state.js'
import {loadSeed, type Seed} from '../../src/sandbox/seed.js'
import {startSandbox} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'

const NOW = new Date('2025-03-10T12:00:00Z')

/** A project using everything a state can hold: every field type, views, workflows, links, drafts, archived items,
 *  labels, milestones, sub-issues (also to an issue outside the project), blockers, and a PR numbered below issues. */
const RICH: Seed = {
  users: [{login: 'alice'}, {login: 'bob'}],
  orgs: [{login: 'acme', members: {alice: 'MEMBER'}, teams: [{slug: 'core', members: ['alice']}]}],
  repositories: [
    {
      owner: 'acme',
      name: 'app',
      labels: [{name: 'bug'}, {name: 'ui'}, {name: 'unused'}],
      milestones: [{title: 'v1', dueOn: '2025-04-01T00:00:00Z'}, {title: 'v2', state: 'CLOSED'}],
      issues: [
        {number: 1, title: 'Epic', labels: ['bug'], assignees: ['alice'], milestone: 'v2', subIssues: ['#2', '#3', '#9']},
        {number: 2, title: 'Part one', state: 'CLOSED', stateReason: 'NOT_PLANNED'},
        {number: 3, title: 'Part two', body: 'the second half', blockedBy: ['#2', '#8']},
        {number: 8, title: 'Outside blocker'},
        {number: 9, title: 'Outside sub-issue'},
        {number: 12, title: 'Late', labels: ['ui', 'bug'], assignees: ['bob', 'alice']},
      ],
      pullRequests: [{number: 5, title: 'Fix', state: 'MERGED'}, {number: 6, title: 'Open PR', labels: ['ui']}],
    },
    {owner: 'alice', name: 'notes', issues: [{number: 4, title: 'Alice note'}]},
  ],
  projects: [
    {
      owner: 'acme',
      title: 'Roadmap',
      shortDescription: 'What we build',
      readme: '# Roadmap',
      public: true,
      fields: [
        {name: 'Status', type: 'SINGLE_SELECT', options: [{name: 'Backlog', color: 'GRAY'}, {name: 'Doing', color: 'YELLOW', description: 'busy'}, {name: 'Shipped', color: 'GREEN'}]},
        {name: 'Priority', type: 'SINGLE_SELECT', options: [{name: 'P0', color: 'RED'}, {name: 'P1'}]},
        {name: 'Estimate', type: 'NUMBER'},
        {name: 'Notes', type: 'TEXT'},
        {name: 'Due', type: 'DATE'},
        {
          name: 'Sprint',
          type: 'ITERATION',
          iteration: {startDate: '2025-02-24', duration: 7, iterations: [{title: 'Week 1', startDate: '2025-02-24'}, {title: 'Week 3', startDate: '2025-03-10'}]},
        },
      ],
      views: [
        {name: 'Board', layout: 'BOARD_LAYOUT', filter: 'is:open', visibleFields: ['Title', 'Status', 'Priority'], groupBy: ['Status'], sortBy: [{field: 'Priority', direction: 'DESC'}]},
        {name: 'Plan', layout: 'ROADMAP_LAYOUT', visibleFields: ['Title', 'Sprint']},
      ],
      workflows: [{name: 'Item closed', enabled: false}, {name: 'Auto-add to project', enabled: true}],
      statusUpdates: [
        {body: 'Going well', status: 'ON_TRACK', startDate: '2025-03-01', targetDate: '2025-05-01'},
        {body: 'Slipping', status: 'AT_RISK'},
      ],
      repositories: ['acme/app'],
      teams: ['acme/core'],
      items: [
        {issue: 'acme/app#12', values: {Status: 'Doing', Priority: 'P0', Estimate: 8, Notes: 'big one', Due: '2025-04-01', Sprint: 'Week 3'}},
        {issue: 'acme/app#1', values: {Status: 'Shipped', Sprint: 'Week 1'}},
        {issue: 'acme/app#5', archived: true, values: {Estimate: 2.5}},
        {draft: {title: 'Idea', body: 'maybe', assignees: ['bob']}, values: {Priority: 'P1'}},
        {issue: 'acme/app#3', values: {Notes: 'blocked twice'}},
        {issue: 'acme/app#2'},
        {issue: 'acme/app#6'},
        {issue: 'alice/notes#4', values: {Status: 'Backlog'}},
        {draft: {title: 'Second draft'}, archived: true},
      ],
    },
  ],
}

/** Captures a project of `world` the way a backup does, through the sandbox's HTTP API. */
async function capture(world: World, projectId: string): Promise<ProjectState> {
  const sandbox = await startSandbox({backend: world, limits: 'off'})
  try {
    const client = await createClient({apiUrl: sandbox.url, token: 'test-token', env: {}})
    return (await captureProject(client, projectId, {type: 'full', dependencies: 'all'})).state
  } finally {
    await sandbox.close()
  }
}

/**
 * A world built from `seed`. Two sandbox worlds number their ids from the same counter, so a copy would reuse the
 * ids of the original for other things (GitHub's ids never look like the sandbox's): `distinctIds` moves this
 * world's counter away, so that comparing a copy made with `World.fromSeed` matches by name as against GitHub.
 */
function seeded(seed: Seed, options: {baseUrl?: string; distinctIds?: boolean} = {}): {world: World; projectId: string} {
  const world = new World({now: () => NOW, baseUrl: options.baseUrl})
  if (options.distinctIds) world.model.store.counters.seq += 0x20000000
  const result = loadSeed(world, seed)
  return {world, projectId: Object.values(result.projects)[0]}
}

function contentUrls(state: ProjectState): string[] {
  return (state.itemOrder ?? []).map((k) => state.items![k].content?.url ?? `draft ${state.items![k].draft?.title}`)
}

describe('sandbox/from-state: a captured state as a seed', () => {
  let original: ProjectState

  before(async () => {
    const {world, projectId} = seeded(RICH, {distinctIds: true})
    original = await capture(world, projectId)
  })

  it('rebuilds the project: captured again it equals the state (no plan operation either way), ids aside', async () => {
    const {seed, projectKey, baseUrl, notes} = stateToSeed(original)
    expect(baseUrl).to.equal('https://github.com')
    expect(notes).to.deep.equal([])
    const world = World.fromSeed(seed, {now: () => NOW, baseUrl})
    const [owner, number] = projectKey.split('/')
    const project = world.model.projectOf(world.model.ownerOfLogin(owner)!.rec.id, Number(number))!
    const copy = await capture(world, project.id)

    expect(diff(original, copy, {}).operations).to.deep.equal([])
    expect(diff(copy, original, {}).operations).to.deep.equal([])
    expect(contentUrls(copy)).to.deep.equal(contentUrls(original))
    expect(copy.project.id).to.not.equal(original.project.id)
    // what the plan compares by name is equal too, beyond operations: content, relations, values, options in order
    const strip = (s: ProjectState) =>
      (s.itemOrder ?? []).map((k) => {
        const it = s.items![k]
        const values = Object.entries(it.values).map(([f, v]) => [s.fields[f].name, {...v, optionId: undefined, iterationId: undefined}])
        return {archived: it.archived, content: it.content, draft: it.draft && {...it.draft, id: undefined}, values: Object.fromEntries(values)}
      })
    expect(strip(copy)).to.deep.equal(strip(original))
    const options = (s: ProjectState) => Object.values(Object.values(s.fields).find((f) => f.name === 'Status')!.options!).sort((a, b) => a.position - b.position).map((o) => [o.name, o.color, o.description])
    expect(options(copy)).to.deep.equal(options(original))
    expect(Object.values(copy.workflows!).map((w) => [w.name, w.enabled])).to.deep.equal(Object.values(original.workflows!).map((w) => [w.name, w.enabled]))
    expect(copy.teams).to.deep.equal(['acme/core'])
  })

  it('keeps issue numbers exact, so a pull request may be numbered below issues, and creates linked issues outside the project', async () => {
    const {seed} = stateToSeed(original)
    const app = seed.repositories!.find((r) => r.name === 'app')!
    expect(app.pullRequests!.map((p) => p.number)).to.deep.equal([5, 6])
    expect(app.issues!.map((i) => [i.number, i.title])).to.deep.equal([
      [1, 'Epic'],
      [2, 'Part one'],
      [3, 'Part two'],
      [8, 'Issue #8'],
      [9, 'Issue #9'],
      [12, 'Late'],
    ])
    const world = World.fromSeed(seed, {now: () => NOW})
    const repo = world.model.repoOf('acme', 'app')!
    expect([5, 6, 7, 10, 11].map((n) => world.model.issueOf(repo, n)?.kind ?? null)).to.deep.equal(['PullRequest', 'PullRequest', null, null, null])
    expect(world.model.issueOf(repo, 12)!.kind).to.equal('Issue')
    const epic = world.model.issueOf(repo, 1)!
    expect(epic.subIssueIds.map((id) => world.model.store.issues[id].number)).to.deep.equal([2, 3, 9])
    const part2 = world.model.issueOf(repo, 3)!
    expect(part2.blockedByIds.map((id) => world.model.store.issues[id].number).sort()).to.deep.equal([2, 8])
    // alice owns a repository: she is a user, and octocat (the replica's viewer) may write to it
    expect(seed.users!.map((u) => u.login)).to.include('alice')
    expect(seed.repositories!.find((r) => r.name === 'notes')!.collaborators).to.deep.equal(['octocat'])
  })

  it('seeds a pull request numbered below an issue of the same repository', async () => {
    const state = structuredClone(original)
    const pr = state.items!['https://github.com/acme/app/pull/5']
    expect(pr.content!.kind).to.equal('PullRequest')
    // the state lists the issue first: the seed must still give #5 to the pull request
    state.itemOrder = ['https://github.com/acme/app/issues/12', ...state.itemOrder!.filter((k) => k !== 'https://github.com/acme/app/issues/12')]
    const {seed, projectKey} = stateToSeed(state)
    const world = World.fromSeed(seed, {now: () => NOW})
    const project = world.model.projectOf(world.model.ownerOfLogin('acme')!.rec.id, Number(projectKey.split('/')[1]))!
    const copy = await capture(world, project.id)
    expect(copy.items!['https://github.com/acme/app/pull/5'].content).to.deep.equal(pr.content)
    expect(copy.itemOrder![0]).to.equal('https://github.com/acme/app/issues/12')
    expect(diff(state, copy, {}).operations).to.deep.equal([])
  })

  it('keeps the URLs of another host, and leaves out redacted items with a note', async () => {
    const {world, projectId} = seeded(
      {
        repositories: [{owner: 'acme', name: 'r', issues: [{number: 3, title: 'Three'}, {number: 4, title: 'Hidden'}]}],
        projects: [{owner: 'acme', title: 'GHES', items: [{issue: 'acme/r#3'}, {issue: 'acme/r#4', redacted: true}]}],
      },
      {baseUrl: 'https://ghe.example.com'},
    )
    const state = await capture(world, projectId)
    expect(Object.values(state.items!).map((i) => i.type)).to.deep.equal(['ISSUE', 'REDACTED'])
    const {seed, baseUrl, notes} = stateToSeed(state)
    expect(baseUrl).to.equal('https://ghe.example.com')
    expect(seed.projects![0].items).to.deep.equal([{issue: 'acme/r#3'}])
    expect(notes).to.have.length(1)
    expect(notes[0]).to.match(/redacted/)
    const replica = buildReplica(state, {now: () => NOW})
    const copy = await capture(replica.world, replica.projectId)
    expect(Object.keys(copy.items!)).to.deep.equal(['https://ghe.example.com/acme/r/issues/3'])
  })

  it('builds a replica without the default fields and workflows the live project no longer has', async () => {
    const state = structuredClone(original)
    const status = Object.values(state.fields).find((f) => f.name === 'Status')!
    delete state.fields[status.id]
    for (const it of Object.values(state.items!)) delete it.values[status.id]
    for (const v of Object.values(state.views!)) {
      v.visibleFields = v.visibleFields.filter((f) => f !== 'Status')
      v.groupBy = v.groupBy.filter((f) => f !== 'Status')
    }
    const closed = Object.values(state.workflows!).find((w) => w.name === 'Item closed')!
    delete state.workflows![String(closed.number)]
    const replica = buildReplica(state, {now: () => NOW})
    const copy = await capture(replica.world, replica.projectId)
    expect(Object.values(copy.fields).map((f) => f.name)).to.not.include('Status')
    expect(Object.values(copy.workflows!).map((w) => w.name)).to.not.include('Item closed')
    expect(diff(state, copy, {}).operations).to.deep.equal([])
    expect(diff(state, copy, {}).conflicts).to.deep.equal([])
  })

  it('also creates what a reference state needs, outside the project: its issues, labels, milestones, users and teams', async () => {
    const live = structuredClone(original)
    const removed = 'https://github.com/acme/app/issues/12'
    delete live.items![removed]
    live.itemOrder = live.itemOrder!.filter((k) => k !== removed)
    const desired = structuredClone(original)
    desired.items!['https://github.com/acme/app/issues/1'].content!.labels.push('wanted')
    desired.items!['https://github.com/acme/app/issues/1'].content!.assignees.push('carol')
    desired.teams = ['acme/core', 'guild/docs']
    const {seed} = stateToSeed(live, {references: desired, missingContent: ['https://github.com/acme/app/issues/3']})
    const world = World.fromSeed(seed, {now: () => NOW})
    const repo = world.model.repoOf('acme', 'app')!
    const late = world.model.issueOf(repo, 12)!
    expect(late.title).to.equal('Late')
    expect(world.model.itemsOfContent(late.id)).to.deep.equal([])
    expect(world.model.labelOf(repo, 'wanted')).to.not.equal(undefined)
    expect(world.model.userOfLogin('carol')).to.not.equal(undefined)
    expect(world.model.teamOf(world.model.orgOfLogin('guild')!, 'docs')).to.not.equal(undefined)
    // what the live state describes wins: #3 is in the live project, so it exists whatever `missingContent` says
    expect(world.model.issueOf(repo, 3)!.title).to.equal('Part two')
  })
})
