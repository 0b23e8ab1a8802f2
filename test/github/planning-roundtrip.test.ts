/**
 * End to end on the sandbox (GitHub's schema over HTTP): a project whose issues have types, blocked-by dependencies,
 * issue-field values and ordered sub-issues is backed up, vandalised through the API, restored, and captured again:
 * the recapture equals the backup. The capture reads all of it in the item pages, with no REST request.
 */
import {expect} from 'chai'
import {captureProject} from '../../src/github/capture.js'
import {createClient} from '../../src/github/client.js'
import {diff} from '../../src/plan/diff.js'
import {applyPlan} from '../../src/plan/apply.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'
import type {ProjectState} from '../../src/model/state.js'

const TOKEN = 'ghp_PLANNINGtoken0123456789abcdefghijkl'
const APP = 'https://github.com/acme/app/issues/'

function seed() {
  return World.fromSeed({
    orgs: [
      {
        login: 'acme',
        issueTypes: [{name: 'Bug', color: 'RED'}, {name: 'Feature', color: 'BLUE'}, {name: 'Task'}],
        issueFields: [
          {name: 'Priority', type: 'SINGLE_SELECT', options: [{name: 'High', color: 'RED'}, {name: 'Low'}]},
          {name: 'Effort', type: 'NUMBER'},
          {name: 'Target', type: 'DATE'},
        ],
      },
    ],
    repositories: [
      {
        owner: 'acme',
        name: 'app',
        issues: [
          {title: 'Epic', type: 'Feature', fields: {Priority: 'High', Effort: 8}, subIssues: ['#2', '#3', '#4']},
          {title: 'One', type: 'Task', blockedBy: ['#3', '#4']},
          {title: 'Two', type: 'Bug', fields: {Target: '2026-09-01'}},
          {title: 'Three', blockedBy: ['#3']},
        ],
      },
    ],
    projects: [{owner: 'acme', title: 'Roadmap', template: true, items: [{issue: 'acme/app#1'}, {issue: 'acme/app#2'}, {issue: 'acme/app#3'}, {issue: 'acme/app#4'}]}],
  })
}

describe('issue types, dependencies, issue fields and sub-issue order: backup, vandalise, restore', function () {
  this.timeout(60_000)
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox({backend: seed(), limits: 'off', tokens: {[TOKEN]: {login: 'octocat', scopes: ['repo', 'project', 'read:org']}}})
  })
  after(async () => sandbox.close())

  const client = () => createClient({apiUrl: sandbox.url, token: TOKEN, retryBaseMs: 5, retryAfterUnitMs: 1})

  async function projectId(): Promise<string> {
    const c = await client()
    return (await c.graphql<any>('{ organization(login: "acme") { projectV2(number: 1) { id } } }')).organization.projectV2.id
  }

  async function issueIds(): Promise<Record<number, string>> {
    const c = await client()
    const data = await c.graphql<any>('{ repository(owner: "acme", name: "app") { issues(first: 10) { nodes { id number } } } }')
    return Object.fromEntries(data.repository.issues.nodes.map((n: any) => [n.number, n.id]))
  }

  it('captures them in the item pages, without a REST request', async () => {
    const c = await client()
    const {state, warnings} = await captureProject(c, await projectId())
    expect(warnings).to.deep.equal([])
    expect(c.stats.restRequests).to.equal(0)
    const content = (n: number) => state.items![APP + n].content!
    expect(content(1)).to.deep.include({issueType: 'Feature', issueFields: {Effort: 8, Priority: 'High'}, subIssues: [APP + 2, APP + 3, APP + 4], blockedBy: []})
    expect(content(2)).to.deep.include({issueType: 'Task', blockedBy: [APP + 3, APP + 4], issueFields: {}})
    expect(content(3)).to.deep.include({issueType: 'Bug', issueFields: {Target: '2026-09-01'}})
    expect(content(4)).to.deep.include({issueType: null})
    expect(state.project.template).to.equal(true)
  })

  it('restores what was vandalised through the API, and the recapture equals the backup', async () => {
    const c = await client()
    const id = await projectId()
    const backup: ProjectState = (await captureProject(c, id)).state
    const ids = await issueIds()
    const types = await c.graphql<any>('{ organization(login: "acme") { issueTypes(first: 10) { nodes { id name } } issueFields(first: 10) { nodes { ... on IssueFieldNumber { id name } } } } }')
    const bug = types.organization.issueTypes.nodes.find((t: any) => t.name === 'Bug').id
    const effort = types.organization.issueFields.nodes.find((f: any) => f?.name === 'Effort').id
    await c.graphql(
      `mutation($i1: ID!, $i2: ID!, $i3: ID!, $i4: ID!, $bug: ID!, $effort: ID!, $p: ID!) {
        a: updateIssueIssueType(input: {issueId: $i1, issueTypeId: $bug}) { clientMutationId }
        b: updateIssueIssueType(input: {issueId: $i2, issueTypeId: null}) { clientMutationId }
        c: removeBlockedBy(input: {issueId: $i2, blockingIssueId: $i3}) { clientMutationId }
        d: addBlockedBy(input: {issueId: $i1, blockingIssueId: $i4}) { clientMutationId }
        e: setIssueFieldValue(input: {issueId: $i1, issueFields: [{fieldId: $effort, numberValue: 1}]}) { clientMutationId }
        f: setIssueFieldValue(input: {issueId: $i4, issueFields: [{fieldId: $effort, numberValue: 5}]}) { clientMutationId }
        g: reprioritizeSubIssue(input: {issueId: $i1, subIssueId: $i4, beforeId: $i2}) { clientMutationId }
        h: reprioritizeSubIssue(input: {issueId: $i1, subIssueId: $i2, afterId: $i3}) { clientMutationId }
        i: unmarkProjectV2AsTemplate(input: {projectId: $p}) { clientMutationId }
      }`,
      {i1: ids[1], i2: ids[2], i3: ids[3], i4: ids[4], bug, effort, p: id},
    )
    const live = (await captureProject(c, id)).state
    expect(live.items![APP + 1].content!.subIssues).to.deep.equal([APP + 4, APP + 3, APP + 2])

    const plan = diff(backup, live)
    const kinds = plan.operations.map((o) => o.op).sort()
    expect(kinds).to.include.members(['setIssueType', 'setIssueFields', 'addBlockedBy', 'removeBlockedBy', 'reorderSubIssue', 'setTemplate'])
    expect(plan.warnings).to.deep.equal([])
    const restBefore = c.stats.restRequests
    const result = await applyPlan(plan, {graphql: (q, v) => c.graphql(q, v), rest: (r, p) => c.rest(r, p), projectId: id, live})
    expect(result.failed).to.deep.equal([])
    expect(c.stats.restRequests).to.equal(restBefore)

    const again = (await captureProject(c, id)).state
    expect(canonicalJson(again.items)).to.equal(canonicalJson(backup.items))
    expect(again.project.template).to.equal(true)
    expect(diff(backup, again).operations).to.deep.equal([])
  })

  it("on a GitHub whose schema lacks them (GHES), captures without them, says so, and reads dependencies through REST", async () => {
    const c = await client()
    // GitHub's answer to a document that names a field its schema lacks
    const ghes = {
      graphql: async (query: string, variables?: Record<string, unknown>) => {
        for (const field of ['blockedBy', 'issueType']) {
          if (new RegExp(`\\b${field}[ ({]`).test(query)) throw Object.assign(new Error(`Field '${field}' doesn't exist on type 'Issue'`), {errors: [{message: `Field '${field}' doesn't exist on type 'Issue'`}]})
        }
        return c.graphql(query, variables)
      },
      rest: (route: string, params?: Record<string, unknown>) => c.rest(route, params),
    }
    const {state, warnings} = await captureProject(ghes, await projectId())
    expect(warnings.join('\n')).to.match(/issue types and issue-field values were not read/)
    const epic = state.items![APP + 2].content!
    expect(epic).to.not.have.property('issueType')
    expect(epic).to.not.have.property('issueFields')
    expect(epic.blockedBy).to.deep.equal([APP + 3, APP + 4])
    const none = await captureProject(ghes, await projectId(), {dependencies: 'none'})
    expect(none.state.items![APP + 2].content).to.not.have.property('blockedBy')
  })

  it('leaves alone what an older backup did not capture', async () => {
    const c = await client()
    const id = await projectId()
    const backup = (await captureProject(c, id)).state
    const older = structuredClone(backup)
    for (const item of Object.values(older.items!)) {
      if (!item.content) continue
      delete item.content.issueType
      delete item.content.issueFields
      delete item.content.blockedBy
    }
    const plan = diff(older, backup)
    expect(plan.operations.filter((o) => ['setIssueType', 'setIssueFields', 'addBlockedBy', 'removeBlockedBy'].includes(o.op))).to.deep.equal([])
  })
})
