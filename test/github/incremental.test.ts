/**
 * Change-proportional capture (issue 14) on the sandbox: after each kind of change made through GitHub's API, an
 * incremental capture (light pass + changed items by id, the rest taken over from the previous capture) equals a full
 * capture of the project, reads only what changed, and spends a fraction of a full capture's points. A periodic full
 * capture reports, as drift, what an incremental one would have taken over wrongly (a change GitHub marks nowhere).
 */
import {expect} from 'chai'
import {captureProject, type CaptureResult} from '../../src/github/capture.js'
import type {PreviousCapture} from '../../src/github/capture-incremental.js'
import {createClient, type GitHubClient} from '../../src/github/client.js'
import {ManualClock} from '../../src/sandbox/clock.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'
import {canonicalJson} from '../../src/util/canonical.js'

const TOKEN = 'ghp_INCREMENTALtoken0123456789abcdefghij'
const APP = 'https://github.com/acme/app/issues/'
const MINUTE = 60_000

function seed() {
  const issues = Array.from({length: 24}, (_, i) => ({title: `Issue ${i + 1}`, body: `body ${i + 1}`, labels: i % 3 === 0 ? ['bug'] : []}))
  Object.assign(issues[0], {type: 'Feature', subIssues: ['#2', '#3', '#4']})
  Object.assign(issues[4], {blockedBy: ['#6']})
  return World.fromSeed({
    users: [{login: 'ann'}, {login: 'bob'}],
    orgs: [{login: 'acme', members: {ann: 'ADMIN', bob: 'MEMBER'}, issueTypes: [{name: 'Bug'}, {name: 'Feature'}, {name: 'Task'}]}],
    repositories: [
      {
        owner: 'acme',
        name: 'app',
        labels: [{name: 'bug'}, {name: 'ui'}],
        collaborators: ['ann', 'bob'],
        issues,
        pullRequests: [{title: 'A change'}],
      },
    ],
    projects: [
      {
        owner: 'acme',
        title: 'Roadmap',
        fields: [
          {name: 'Points', type: 'NUMBER'},
          {name: 'Status', type: 'SINGLE_SELECT', options: [{name: 'Todo'}, {name: 'Doing'}, {name: 'Done'}]},
        ],
        items: [
          ...issues.map((_, i) => ({issue: `acme/app#${i + 1}`, values: {Points: i}})),
          {issue: 'acme/app#25'},
          {draft: {title: 'A draft', body: 'draft body'}},
          {draft: {title: 'Old idea'}, archived: true},
        ],
      },
    ],
  } as any, {now: () => new Date(sharedClock.now())})
}

const sharedClock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'))

describe('incremental capture: every kind of change is seen (sandbox)', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  let client: GitHubClient
  let projectId: string
  let previous: PreviousCapture
  let first: CaptureResult

  before(async () => {
    sandbox = await startSandbox({backend: seed(), limits: 'off', clock: sharedClock, tokens: {[TOKEN]: {login: 'ann', scopes: ['repo', 'project', 'read:org']}}})
    client = await createClient({apiUrl: sandbox.url, token: TOKEN, retryBaseMs: 5, retryAfterUnitMs: 1})
    projectId = (await client.graphql<any>('{ organization(login: "acme") { projectV2(number: 1) { id } } }')).organization.projectV2.id
    // the project was last changed ten minutes before its first backup (an item changed within a minute of a
    // backup is read again by the next one: GitHub's stamps are whole seconds, its clocks may differ a little)
    sharedClock.advance(10 * MINUTE)
    first = await captureProject(client, projectId)
    expect(first.capture).to.include({mode: 'full', reused: 0, read: 27})
    previous = {state: first.state, since: first.capture!.since}
  })
  after(async () => sandbox?.close())

  const gql = <T = any>(query: string, variables: Record<string, unknown> = {}) => client.graphql<T>(query, variables)
  async function issueId(n: number): Promise<string> {
    return (await gql(`{ repository(owner: "acme", name: "app") { issue(number: ${n}) { id } } }`)).repository.issue.id
  }
  function itemId(key: string): string {
    return previous.state.items![key].id
  }
  function fieldId(name: string): string {
    return Object.values(previous.state.fields).find((f) => f.name === name)!.id
  }
  async function userId(login: string): Promise<string> {
    return (await gql(`{ user(login: "${login}") { id } }`)).user.id
  }
  async function labelId(name: string): Promise<string> {
    return (await gql(`{ repository(owner: "acme", name: "app") { label(name: "${name}") { id } } }`)).repository.label.id
  }

  /**
   * Makes a change some minutes after the previous capture, captures incrementally and in full: the two states are
   * equal, and the incremental one read at most `reads` items in full. The next step builds on this capture.
   */
  async function step(change: () => Promise<unknown>, reads: number): Promise<CaptureResult> {
    sharedClock.advance(5 * MINUTE)
    await change()
    sharedClock.advance(5 * MINUTE)
    const incremental = await captureProject(client, projectId, {previous})
    const full = await captureProject(client, projectId)
    expect(canonicalJson(incremental.state)).to.equal(canonicalJson(full.state))
    expect(incremental.capture!.mode).to.equal('incremental')
    expect(incremental.capture!.read).to.be.at.most(reads)
    expect(incremental.capture!.reused + incremental.capture!.read).to.equal(full.state.itemOrder!.length)
    expect(canonicalJson(incremental.state)).to.not.equal(canonicalJson(previous.state), 'the change must show in the state')
    previous = {state: incremental.state, since: incremental.capture!.since}
    return incremental
  }

  it('a field value', async () => {
    await step(
      () =>
        gql(`mutation($p: ID!, $i: ID!, $f: ID!) { updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: {number: 42}}) { clientMutationId } }`, {
          p: projectId,
          i: itemId(APP + 7),
          f: fieldId('Points'),
        }),
      1,
    )
    expect(previous.state.items![APP + 7].values[fieldId('Points')]).to.deep.equal({type: 'number', number: 42})
  })

  it("an issue's title and body", async () => {
    const id = await issueId(8)
    await step(() => gql(`mutation($id: ID!) { updateIssue(input: {id: $id, title: "Renamed", body: "new body"}) { clientMutationId } }`, {id}), 1)
    expect(previous.state.items![APP + 8].content).to.include({title: 'Renamed', body: 'new body'})
  })

  it("an issue's labels and assignees", async () => {
    const id = await issueId(9)
    const [ui, ann] = [await labelId('ui'), await userId('ann')]
    await step(async () => {
      await gql(`mutation($id: ID!, $l: [ID!]!) { addLabelsToLabelable(input: {labelableId: $id, labelIds: $l}) { clientMutationId } }`, {id, l: [ui]})
      await gql(`mutation($id: ID!, $u: [ID!]!) { addAssigneesToAssignable(input: {assignableId: $id, assigneeIds: $u}) { clientMutationId } }`, {id, u: [ann]})
    }, 1)
    expect(previous.state.items![APP + 9].content).to.deep.include({labels: ['ui'], assignees: ['ann']})
  })

  it("an issue's state and type", async () => {
    const id = await issueId(10)
    const types = (await gql(`{ organization(login: "acme") { issueTypes(first: 10) { nodes { id name } } } }`)).organization.issueTypes.nodes
    const bug = types.find((t: any) => t.name === 'Bug').id
    await step(async () => {
      await gql(`mutation($id: ID!) { closeIssue(input: {issueId: $id, stateReason: NOT_PLANNED}) { clientMutationId } }`, {id})
      await gql(`mutation($id: ID!, $t: ID) { updateIssueIssueType(input: {issueId: $id, issueTypeId: $t}) { clientMutationId } }`, {id, t: bug})
    }, 1)
    expect(previous.state.items![APP + 10].content).to.include({state: 'CLOSED', stateReason: 'NOT_PLANNED', issueType: 'Bug'})
  })

  it('sub-issues: added, and reordered on the parent', async () => {
    const [parent, sub] = [await issueId(1), await issueId(11)]
    await step(() => gql(`mutation($p: ID!, $s: ID!) { addSubIssue(input: {issueId: $p, subIssueId: $s}) { clientMutationId } }`, {p: parent, s: sub}), 2)
    expect(previous.state.items![APP + 1].content!.subIssues).to.deep.equal([2, 3, 4, 11].map((n) => APP + n))
    const [two, four] = [await issueId(2), await issueId(4)]
    await step(() => gql(`mutation($p: ID!, $s: ID!, $a: ID) { reprioritizeSubIssue(input: {issueId: $p, subIssueId: $s, afterId: $a}) { clientMutationId } }`, {p: parent, s: two, a: four}), 1)
    expect(previous.state.items![APP + 1].content!.subIssues).to.deep.equal([3, 4, 2, 11].map((n) => APP + n))
  })

  it('blocked-by dependencies: added and removed', async () => {
    const [five, six, twelve] = [await issueId(5), await issueId(6), await issueId(12)]
    await step(() => gql(`mutation($i: ID!, $b: ID!) { addBlockedBy(input: {issueId: $i, blockingIssueId: $b}) { clientMutationId } }`, {i: five, b: twelve}), 2)
    expect(previous.state.items![APP + 5].content!.blockedBy).to.deep.equal([APP + 12, APP + 6])
    await step(() => gql(`mutation($i: ID!, $b: ID!) { removeBlockedBy(input: {issueId: $i, blockingIssueId: $b}) { clientMutationId } }`, {i: five, b: six}), 2)
    expect(previous.state.items![APP + 5].content!.blockedBy).to.deep.equal([APP + 12])
  })

  it('archive and unarchive', async () => {
    const archive = (op: string, key: string) => gql(`mutation($p: ID!, $i: ID!) { ${op}(input: {projectId: $p, itemId: $i}) { clientMutationId } }`, {p: projectId, i: itemId(key)})
    await step(() => archive('archiveProjectV2Item', APP + 13), 1)
    expect(previous.state.items![APP + 13].archived).to.equal(true)
    await step(() => archive('unarchiveProjectV2Item', APP + 13), 1)
    expect(previous.state.items![APP + 13].archived).to.equal(false)
  })

  it('position', async () => {
    await step(
      () => gql(`mutation($p: ID!, $i: ID!, $a: ID) { updateProjectV2ItemPosition(input: {projectId: $p, itemId: $i, afterId: $a}) { clientMutationId } }`, {p: projectId, i: itemId(APP + 20), a: null}),
      1,
    )
    expect(previous.state.itemOrder![0]).to.equal(APP + 20)
  })

  it('drafts: edited, added; items removed; an issue added', async () => {
    const draftKey = Object.keys(previous.state.items!).find((k) => previous.state.items![k].draft?.title === 'A draft')!
    const draftId = previous.state.items![draftKey].draft!.id
    await step(() => gql(`mutation($d: ID!) { updateProjectV2DraftIssue(input: {draftIssueId: $d, title: "A better draft", body: "more"}) { clientMutationId } }`, {d: draftId}), 1)
    expect(previous.state.items![draftKey].draft).to.include({title: 'A better draft', body: 'more'})
    await step(() => gql(`mutation($p: ID!) { addProjectV2DraftIssue(input: {projectId: $p, title: "New draft"}) { clientMutationId } }`, {p: projectId}), 1)
    const before = previous.state.itemOrder!.length
    await step(() => gql(`mutation($p: ID!, $i: ID!) { deleteProjectV2Item(input: {projectId: $p, itemId: $i}) { clientMutationId } }`, {p: projectId, i: itemId(APP + 14)}), 0)
    expect(previous.state.itemOrder!.length).to.equal(before - 1)
    expect(previous.state.items).to.not.have.property(APP + 14)
    const fourteen = await issueId(14)
    await step(() => gql(`mutation($p: ID!, $c: ID!) { addProjectV2ItemById(input: {projectId: $p, contentId: $c}) { clientMutationId } }`, {p: projectId, c: fourteen}), 1)
    expect(previous.state.items).to.have.property(APP + 14)
  })

  it('a renamed single-select option: the items with its values are read again', async () => {
    const status = Object.values(previous.state.fields).find((f) => f.name === 'Status')!
    const options = Object.values(status.options!).sort((a, b) => a.position - b.position)
    await gql(`mutation($p: ID!, $i: ID!, $f: ID!, $o: String) { updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: {singleSelectOptionId: $o}}) { clientMutationId } }`, {
      p: projectId,
      i: itemId(APP + 15),
      f: status.id,
      o: options[0].id,
    })
    await step(async () => {
      await gql(`mutation($f: ID!, $o: [ProjectV2SingleSelectFieldOptionInput!]) { updateProjectV2Field(input: {fieldId: $f, singleSelectOptions: $o}) { clientMutationId } }`, {
        f: status.id,
        o: options.map((o, i) => ({id: o.id, name: i === 0 ? 'To do' : o.name, color: o.color, description: o.description})),
      })
    }, 2)
  })

  it('a backup with no change spends one point per 100 items on the items, far below a full capture', async () => {
    sharedClock.advance(10 * MINUTE)
    const before = client.stats.points
    const incremental = await captureProject(client, projectId, {previous})
    const spent = client.stats.points - before
    const full = await captureProject(client, projectId)
    expect(canonicalJson(incremental.state)).to.equal(canonicalJson(full.state))
    expect(incremental.capture).to.include({mode: 'incremental', read: 0, lightRequests: 1})
    expect(spent).to.equal(incremental.stats.points)
    expect(spent).to.be.below(full.stats.points)
    expect(incremental.stats.requests).to.be.below(full.stats.requests + 1)
  })

  it('a full capture reports as drift what no marker shows (an issue type renamed), and an incremental one after it is right again', async () => {
    sharedClock.advance(10 * MINUTE)
    const types = (await gql(`{ organization(login: "acme") { issueTypes(first: 10) { nodes { id name } } } }`)).organization.issueTypes.nodes
    const feature = types.find((t: any) => t.name === 'Feature').id
    await gql(`mutation($t: ID!) { updateIssueType(input: {issueTypeId: $t, name: "Epic"}) { clientMutationId } }`, {t: feature})
    sharedClock.advance(10 * MINUTE)
    const missed = await captureProject(client, projectId, {previous})
    expect(missed.state.items![APP + 1].content!.issueType, 'an incremental capture cannot see it').to.equal('Feature')
    const full = await captureProject(client, projectId, {previous, fullItems: true})
    expect(full.capture).to.deep.include({mode: 'full', drift: {items: 1, kinds: {issueType: 1}}})
    expect(full.state.items![APP + 1].content!.issueType).to.equal('Epic')
    previous = {state: full.state, since: full.capture!.since}
    const three = await issueId(3)
    await step(() => gql(`mutation($id: ID!) { updateIssue(input: {id: $id, title: "after"}) { clientMutationId } }`, {id: three}), 1)
  })

  it('without a recorded `since`, every item is read in full', async () => {
    const result = await captureProject(client, projectId, {previous: {state: previous.state, since: null}})
    expect(result.capture).to.include({mode: 'incremental', reused: 0})
    expect(result.capture!.read).to.equal(result.state.itemOrder!.length)
  })
})
