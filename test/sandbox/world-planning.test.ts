/**
 * GitHub's planning features in the sandbox, driven through the public GraphQL API: issue types, dependencies,
 * issue fields, clearing a Labels value, sub-issue nesting and order.
 */
import {expect} from 'chai'
import {World} from '../../src/sandbox/world.js'
import {Client, NOW, buildProject} from './world-helpers.js'

const ISSUE = `query($id: ID!) { node(id: $id) { ... on Issue {
  number
  issueType { name color isEnabled }
  blockedBy(first: 10) { totalCount nodes { number } }
  blocking(first: 10) { totalCount nodes { number } }
  issueDependenciesSummary { blockedBy blocking totalBlockedBy totalBlocking }
  subIssues(first: 20) { nodes { number } }
  labels(first: 10) { nodes { name } }
} } }`

async function setup() {
  const api = new Client(new World({now: () => NOW}))
  const p = await buildProject(api, 5)
  return {api, ...p}
}

describe('sandbox: issue types', () => {
  it('creates organization issue types, sets one on an issue and lists them on the organization and its repositories', async () => {
    const {api, orgId, issues} = await setup()
    const bug = await api.gql(
      `mutation($o: ID!) { createIssueType(input: {ownerId: $o, name: "Bug", color: RED, isEnabled: true}) { issueType { id name color } } }`,
      {o: orgId},
    )
    const typeId = bug.createIssueType.issueType.id
    await api.gql(`mutation($i: ID!, $t: ID) { updateIssueIssueType(input: {issueId: $i, issueTypeId: $t}) { issue { id } } }`, {i: issues[0].id, t: typeId})
    const read = await api.gql(ISSUE, {id: issues[0].id})
    expect(read.node.issueType).to.deep.equal({name: 'Bug', color: 'RED', isEnabled: true})
    const listed = await api.gql(`{ organization(login: "acme") { issueTypes(first: 10) { nodes { name } } }
      repository(owner: "acme", name: "app") { issueTypes(first: 10) { nodes { name } } issueType(name: "bug") { name } } }`)
    expect(listed.organization.issueTypes.nodes).to.deep.equal([{name: 'Bug'}])
    expect(listed.repository.issueType).to.deep.equal({name: 'Bug'})

    await api.gql(`mutation($t: ID!) { updateIssueType(input: {issueTypeId: $t, name: "Defect"}) { issueType { name } } }`, {t: typeId})
    expect((await api.gql(ISSUE, {id: issues[0].id})).node.issueType.name).to.equal('Defect')
    await api.gql(`mutation($t: ID!) { deleteIssueType(input: {issueTypeId: $t}) { deletedIssueTypeId } }`, {t: typeId})
    expect((await api.gql(ISSUE, {id: issues[0].id})).node.issueType).to.equal(null)
  })

  it('sets the type with createIssue and updateIssue, and removes it with a null issueTypeId', async () => {
    const {api, orgId, repoId} = await setup()
    const t = (await api.gql(`mutation($o: ID!) { createIssueType(input: {ownerId: $o, name: "Task", isEnabled: true}) { issueType { id } } }`, {o: orgId}))
      .createIssueType.issueType.id
    const created = await api.gql(
      `mutation($r: ID!, $t: ID) { createIssue(input: {repositoryId: $r, title: "typed", issueTypeId: $t}) { issue { id issueType { name } } } }`,
      {r: repoId, t},
    )
    expect(created.createIssue.issue.issueType).to.deep.equal({name: 'Task'})
    const id = created.createIssue.issue.id
    await api.gql(`mutation($i: ID!) { updateIssueIssueType(input: {issueId: $i, issueTypeId: null}) { issue { id } } }`, {i: id})
    expect((await api.gql(ISSUE, {id})).node.issueType).to.equal(null)
    await api.gql(`mutation($i: ID!, $t: ID) { updateIssue(input: {id: $i, issueTypeId: $t}) { issue { id } } }`, {i: id, t})
    expect((await api.gql(ISSUE, {id})).node.issueType.name).to.equal('Task')
  })

  it("refuses an issue type on a user's repository, which has none", async () => {
    const api = new Client(new World({now: () => NOW}))
    const me = await api.gql('{ viewer { id } organization(login: "acme") { id } }')
    const repo = await api.gql(`mutation($o: ID!) { createRepository(input: {ownerId: $o, name: "mine", visibility: PUBLIC}) { repository { id } } }`, {
      o: me.viewer.id,
    })
    const issue = await api.gql(`mutation($r: ID!) { createIssue(input: {repositoryId: $r, title: "x"}) { issue { id } } }`, {
      r: repo.createRepository.repository.id,
    })
    const t = await api.gql(`mutation($o: ID!) { createIssueType(input: {ownerId: $o, name: "Bug", isEnabled: true}) { issueType { id } } }`, {
      o: me.organization.id,
    })
    const error = await api.gqlError(`mutation($i: ID!, $t: ID) { updateIssueIssueType(input: {issueId: $i, issueTypeId: $t}) { issue { id } } }`, {
      i: issue.createIssue.issue.id,
      t: t.createIssueType.issueType.id,
    })
    expect(error.message).to.match(/owned by an organization/)
    const listed = await api.gql('{ repository(owner: "octocat", name: "mine") { issueTypes(first: 5) { nodes { name } } } }')
    expect(listed.repository.issueTypes).to.equal(null)
  })
})

describe('sandbox: issue dependencies through GraphQL', () => {
  it('adds and removes blocked-by, reads both directions and the summary', async () => {
    const {api, issues} = await setup()
    const add = `mutation($i: ID!, $b: ID!) { addBlockedBy(input: {issueId: $i, blockingIssueId: $b}) { issue { number } blockingIssue { number } } }`
    const added = await api.gql(add, {i: issues[0].id, b: issues[1].id})
    expect(added.addBlockedBy).to.deep.equal({issue: {number: 1}, blockingIssue: {number: 2}})
    await api.gql(add, {i: issues[0].id, b: issues[2].id})
    await api.gql(`mutation($i: ID!) { closeIssue(input: {issueId: $i}) { issue { id } } }`, {i: issues[2].id})
    const read = (await api.gql(ISSUE, {id: issues[0].id})).node
    // most recently added first (orderBy DEPENDENCY_ADDED_AT DESC by default)
    expect(read.blockedBy).to.deep.equal({totalCount: 2, nodes: [{number: 3}, {number: 2}]})
    expect(read.issueDependenciesSummary).to.deep.equal({blockedBy: 1, blocking: 0, totalBlockedBy: 2, totalBlocking: 0})
    expect((await api.gql(ISSUE, {id: issues[1].id})).node.blocking).to.deep.equal({totalCount: 1, nodes: [{number: 1}]})
    const asc = await api.gql(
      `query($id: ID!) { node(id: $id) { ... on Issue { blockedBy(first: 5, orderBy: {field: DEPENDENCY_ADDED_AT, direction: ASC}) { nodes { number } } } } }`,
      {id: issues[0].id},
    )
    expect(asc.node.blockedBy.nodes).to.deep.equal([{number: 2}, {number: 3}])

    expect((await api.gqlError(add, {i: issues[0].id, b: issues[1].id})).message).to.match(/already blocked/)
    expect((await api.gqlError(add, {i: issues[1].id, b: issues[0].id})).message).to.match(/cannot block each other/)
    await api.gql(`mutation($i: ID!, $b: ID!) { removeBlockedBy(input: {issueId: $i, blockingIssueId: $b}) { issue { number } } }`, {
      i: issues[0].id,
      b: issues[1].id,
    })
    expect((await api.gql(ISSUE, {id: issues[0].id})).node.blockedBy.nodes).to.deep.equal([{number: 3}])
  })

  it('refuses a 51st blocking issue', async () => {
    const {api, issues, repoId} = await setup()
    const add = `mutation($i: ID!, $b: ID!) { addBlockedBy(input: {issueId: $i, blockingIssueId: $b}) { issue { number } } }`
    for (let n = 0; n < 50; n++) {
      const b = await api.gql(`mutation($r: ID!) { createIssue(input: {repositoryId: $r, title: "b"}) { issue { id } } }`, {r: repoId})
      await api.gql(add, {i: issues[0].id, b: b.createIssue.issue.id})
    }
    const error = await api.gqlError(add, {i: issues[0].id, b: issues[1].id})
    expect(error.type).to.equal('UNPROCESSABLE')
    expect(error.message).to.match(/at most 50/)
  })
})

describe('sandbox: sub-issues', () => {
  it('refuses a ninth level of nesting', async () => {
    const {api, repoId} = await setup()
    const ids: string[] = []
    for (let n = 0; n < 10; n++) {
      ids.push((await api.gql(`mutation($r: ID!) { createIssue(input: {repositoryId: $r, title: "level"}) { issue { id } } }`, {r: repoId})).createIssue.issue.id)
    }
    const link = `mutation($p: ID!, $s: ID!) { addSubIssue(input: {issueId: $p, subIssueId: $s}) { issue { id } } }`
    for (let n = 1; n <= 8; n++) await api.gql(link, {p: ids[n - 1], s: ids[n]})
    const error = await api.gqlError(link, {p: ids[8], s: ids[9]})
    expect(error.type).to.equal('UNPROCESSABLE')
    expect(error.message).to.match(/nested 8 levels/)
    // a two-level subtree hung below level 7 would reach level 9 too
    await api.gql(link, {p: ids[9], s: (await api.gql(`mutation($r: ID!) { createIssue(input: {repositoryId: $r, title: "leaf"}) { issue { id } } }`, {r: repoId})).createIssue.issue.id})
    expect((await api.gqlError(link, {p: ids[7], s: ids[9]})).message).to.match(/nested 8 levels/)
  })

  it('reorders sub-issues with reprioritizeSubIssue (afterId or beforeId)', async () => {
    const {api, issues} = await setup()
    const link = `mutation($p: ID!, $s: ID!) { addSubIssue(input: {issueId: $p, subIssueId: $s}) { issue { id } } }`
    for (const s of issues.slice(1)) await api.gql(link, {p: issues[0].id, s: s.id})
    const order = async () => (await api.gql(ISSUE, {id: issues[0].id})).node.subIssues.nodes.map((n: {number: number}) => n.number)
    expect(await order()).to.deep.equal([2, 3, 4, 5])
    const move = `mutation($p: ID!, $s: ID!, $a: ID, $b: ID) { reprioritizeSubIssue(input: {issueId: $p, subIssueId: $s, afterId: $a, beforeId: $b}) { issue { id } } }`
    await api.gql(move, {p: issues[0].id, s: issues[1].id, a: issues[4].id})
    expect(await order()).to.deep.equal([3, 4, 5, 2])
    await api.gql(move, {p: issues[0].id, s: issues[4].id, b: issues[2].id})
    expect(await order()).to.deep.equal([5, 3, 4, 2])
    expect((await api.gqlError(move, {p: issues[0].id, s: issues[1].id})).message).to.match(/afterId or beforeId/)
  })
})

describe('sandbox: issue fields', () => {
  it('sets organization issue-field values on an issue and shows them in a project as ProjectV2ItemIssueFieldValue', async () => {
    const {api, orgId, issues, projectId, items} = await setup()
    const created = await api.gql(
      `mutation($o: ID!) {
        p: createIssueField(input: {ownerId: $o, name: "Priority", dataType: SINGLE_SELECT,
          options: [{name: "High", color: RED, priority: 1}, {name: "Low", color: GRAY, priority: 2}]}) {
          issueField { ... on IssueFieldSingleSelect { id options { id name } } } }
        e: createIssueField(input: {ownerId: $o, name: "Effort", dataType: NUMBER}) { issueField { ... on IssueFieldNumber { id } } }
      }`,
      {o: orgId},
    )
    const priority = created.p.issueField
    const effort = created.e.issueField
    await api.gql(
      `mutation($i: ID!, $f: [IssueFieldCreateOrUpdateInput!]!) { setIssueFieldValue(input: {issueId: $i, issueFields: $f}) { issue { id } } }`,
      {i: issues[0].id, f: [{fieldId: priority.id, singleSelectOptionId: priority.options[0].id}, {fieldId: effort.id, numberValue: 3}]},
    )
    const onIssue = await api.gql(
      `query($id: ID!) { node(id: $id) { ... on Issue { issueFieldValues(first: 25) { nodes {
        __typename
        ... on IssueFieldSingleSelectValue { name optionId field { ... on IssueFieldCommon { name } } }
        ... on IssueFieldNumberValue { value }
      } } } } }`,
      {id: issues[0].id},
    )
    expect(onIssue.node.issueFieldValues.nodes).to.deep.equal([
      {__typename: 'IssueFieldSingleSelectValue', name: 'High', optionId: priority.options[0].id, field: {name: 'Priority'}},
      {__typename: 'IssueFieldNumberValue', value: 3},
    ])
    const field = await api.gql(
      `mutation($p: ID!, $f: ID!) { createProjectV2IssueField(input: {projectId: $p, issueFieldId: $f}) { projectV2Field { ... on ProjectV2FieldCommon { id name dataType } } } }`,
      {p: projectId, f: priority.id},
    )
    expect(field.createProjectV2IssueField.projectV2Field).to.include({name: 'Priority', dataType: 'SINGLE_SELECT'})
    const values = await api.gql(
      `query($i: ID!) { node(id: $i) { ... on ProjectV2Item { fieldValues(first: 20) { nodes {
        __typename
        ... on ProjectV2ItemIssueFieldValue { field { ... on ProjectV2FieldCommon { name } } issueFieldValue { ... on IssueFieldSingleSelectValue { name } } }
      } } } } }`,
      {i: items[0]},
    )
    const issueValues = values.node.fieldValues.nodes.filter((n: {__typename: string}) => n.__typename === 'ProjectV2ItemIssueFieldValue')
    expect(issueValues).to.deep.equal([{__typename: 'ProjectV2ItemIssueFieldValue', field: {name: 'Priority'}, issueFieldValue: {name: 'High'}}])
    // the project cannot set it: it is the issue's value
    const refused = await api.gqlError(
      `mutation($p: ID!, $i: ID!, $f: ID!) { updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: {text: "x"}}) { projectV2Item { id } } }`,
      {p: projectId, i: items[0], f: field.createProjectV2IssueField.projectV2Field.id},
    )
    expect(refused.message).to.match(/setIssueFieldValue/)
    // delete removes the value
    await api.gql(
      `mutation($i: ID!, $f: [IssueFieldCreateOrUpdateInput!]!) { setIssueFieldValue(input: {issueId: $i, issueFields: $f}) { issue { id } } }`,
      {i: issues[0].id, f: [{fieldId: priority.id, delete: true}]},
    )
    const after = await api.gql(`query($id: ID!) { node(id: $id) { ... on Issue { issueFieldValues(first: 25) { totalCount } } } }`, {id: issues[0].id})
    expect(after.node.issueFieldValues.totalCount).to.equal(1)
  })
})

describe('sandbox: clearing a Labels value', () => {
  it("takes every label off the issue itself (the project's Labels value is the issue's labels)", async () => {
    const {api, repoId, issues, projectId, items, fields} = await setup()
    const label = await api.gql(`mutation($r: ID!) { createLabel(input: {repositoryId: $r, name: "urgent", color: "ff0000"}) { label { id } } }`, {r: repoId})
    await api.gql(`mutation($i: ID!, $l: [ID!]!) { addLabelsToLabelable(input: {labelableId: $i, labelIds: $l}) { clientMutationId } }`, {
      i: issues[0].id,
      l: [label.createLabel.label.id],
    })
    await api.gql(`mutation($p: ID!, $i: ID!, $f: ID!) { clearProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f}) { projectV2Item { id } } }`, {
      p: projectId,
      i: items[0],
      f: fields.Labels.id,
    })
    expect((await api.gql(ISSUE, {id: issues[0].id})).node.labels.nodes).to.deep.equal([])
  })
})
