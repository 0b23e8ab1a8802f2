import {expect} from 'chai'
import {buildProject, Client, newWorld, SET_VALUE, VALUE_BY_NAME} from './world-helpers.js'

/** Every hazard of GITHUB-FACTS.md, reproduced through the public API only. */
describe('sandbox world: GitHub hazards', () => {
  let api: Client
  let p: Awaited<ReturnType<typeof buildProject>>

  beforeEach(async () => {
    api = new Client(newWorld())
    p = await buildProject(api, 3)
  })

  async function valueOf(itemId: string, name: string) {
    const data = await api.gql(VALUE_BY_NAME, {i: itemId, name})
    return data.node.fieldValueByName
  }

  async function setStatusAll(optionName: string) {
    const option = p.fields.Status.options!.find((o) => o.name === optionName)!
    for (const item of p.items) {
      await api.gql(SET_VALUE, {p: p.projectId, i: item, f: p.fields.Status.id, v: {singleSelectOptionId: option.id}})
    }
    return option
  }

  it('replacing single-select options gives every option a new id and orphans every item value', async () => {
    const inProgress = await setStatusAll('In Progress')
    expect(await valueOf(p.items[0], 'Status')).to.deep.equal({
      __typename: 'ProjectV2ItemFieldSingleSelectValue',
      optionId: inProgress.id,
      name: 'In Progress',
    })

    const updated = await api.gql(
      `mutation($f: ID!) { updateProjectV2Field(input: {fieldId: $f, clientMutationId: "m1", singleSelectOptions: [
          {name: "Todo", color: GREEN, description: ""},
          {name: "In Progress", color: YELLOW, description: ""},
          {name: "Done", color: PURPLE, description: ""}]}) {
        clientMutationId
        projectV2Field { ... on ProjectV2SingleSelectField { options { id name } } } } }`,
      {f: p.fields.Status.id},
    )
    expect(updated.updateProjectV2Field.clientMutationId).to.equal('m1')
    const newOptions: Array<{id: string; name: string}> = updated.updateProjectV2Field.projectV2Field.options
    expect(newOptions.map((o) => o.name)).to.deep.equal(['Todo', 'In Progress', 'Done'])
    const oldIds = new Set(p.fields.Status.options!.map((o) => o.id))
    for (const o of newOptions) expect(oldIds.has(o.id), `option ${o.name} kept its id`).to.equal(false)

    for (const item of p.items) expect(await valueOf(item, 'Status')).to.equal(null)
    const values = await api.gql(
      `query($i: ID!) { node(id: $i) { ... on ProjectV2Item { fieldValues(first: 20) { nodes { __typename } } } } }`,
      {i: p.items[0]},
    )
    expect(values.node.fieldValues.nodes.map((n: {__typename: string}) => n.__typename)).to.not.include('ProjectV2ItemFieldSingleSelectValue')

    const stale = await api.gqlError(SET_VALUE, {p: p.projectId, i: p.items[0], f: p.fields.Status.id, v: {singleSelectOptionId: inProgress.id}})
    expect(stale.type).to.equal('UNPROCESSABLE')
    expect(stale.message).to.equal('The single select option Id does not belong to the field')
  })

  it('deleting a field deletes it with every value of it', async () => {
    const created = await api.gql(
      `mutation($p: ID!) { createProjectV2Field(input: {projectId: $p, dataType: TEXT, name: "Notes"}) {
        projectV2Field { ... on ProjectV2Field { id } } } }`,
      {p: p.projectId},
    )
    const notes = created.createProjectV2Field.projectV2Field.id
    for (const item of p.items) await api.gql(SET_VALUE, {p: p.projectId, i: item, f: notes, v: {text: `note ${item}`}})
    expect((await valueOf(p.items[1], 'Notes')).text).to.equal(`note ${p.items[1]}`)

    const deleted = await api.gql(`mutation($f: ID!) { deleteProjectV2Field(input: {fieldId: $f}) { projectV2Field { ... on ProjectV2Field { id name } } } }`, {f: notes})
    expect(deleted.deleteProjectV2Field.projectV2Field).to.deep.equal({id: notes, name: 'Notes'})

    for (const item of p.items) expect(await valueOf(item, 'Notes')).to.equal(null)
    const field = await api.gql(`query($p: ID!) { node(id: $p) { ... on ProjectV2 { field(name: "Notes") { __typename } } } }`, {p: p.projectId})
    expect(field.node.field).to.equal(null)
    expect((await api.gqlError(`query($f: ID!) { node(id: $f) { id } }`, {f: notes})).type).to.equal('NOT_FOUND')

    // a new field of the same name starts empty
    await api.gql(`mutation($p: ID!) { createProjectV2Field(input: {projectId: $p, dataType: TEXT, name: "Notes"}) { clientMutationId } }`, {
      p: p.projectId,
    })
    expect(await valueOf(p.items[0], 'Notes')).to.equal(null)
  })

  it('deleting an item removes its values; re-adding the same issue creates a NEW item id without them', async () => {
    await setStatusAll('Done')
    const deleted = await api.gql(
      `mutation($p: ID!, $i: ID!) { deleteProjectV2Item(input: {projectId: $p, itemId: $i}) { deletedItemId } }`,
      {p: p.projectId, i: p.items[0]},
    )
    expect(deleted.deleteProjectV2Item.deletedItemId).to.equal(p.items[0])
    expect((await api.gqlError(`query($i: ID!) { node(id: $i) { id } }`, {i: p.items[0]})).message).to.equal(
      `Could not resolve to a node with the global id of '${p.items[0]}'.`,
    )

    const readded = await api.gql(
      `mutation($p: ID!, $c: ID!) { addProjectV2ItemById(input: {projectId: $p, contentId: $c}) { item { id } } }`,
      {p: p.projectId, c: p.issues[0].id},
    )
    const newId = readded.addProjectV2ItemById.item.id
    expect(newId).to.match(/^PVTI_/)
    expect(newId).to.not.equal(p.items[0])
    expect(await valueOf(newId, 'Status')).to.equal(null)
    expect((await valueOf(p.items[1], 'Status')).name).to.equal('Done')

    const issue = await api.gql(`query($i: ID!) { node(id: $i) { ... on Issue { projectItems(first: 10) { nodes { id } } } } }`, {i: p.issues[0].id})
    expect(issue.node.projectItems.nodes).to.deep.equal([{id: newId}])
  })

  it('deleting a draft item deletes the draft issue forever', async () => {
    const added = await api.gql(
      `mutation($p: ID!) { addProjectV2DraftIssue(input: {projectId: $p, title: "Idea", body: "only here"}) {
        projectItem { id type content { ... on DraftIssue { id title body } } } } }`,
      {p: p.projectId},
    )
    const item = added.addProjectV2DraftIssue.projectItem
    expect(item.type).to.equal('DRAFT_ISSUE')
    expect(item.content.id).to.match(/^DI_/)
    const draftId = item.content.id
    expect((await api.gql(`query($d: ID!) { node(id: $d) { ... on DraftIssue { title } } }`, {d: draftId})).node.title).to.equal('Idea')

    await api.gql(`mutation($p: ID!, $i: ID!) { deleteProjectV2Item(input: {projectId: $p, itemId: $i}) { deletedItemId } }`, {
      p: p.projectId,
      i: item.id,
    })
    const error = await api.gqlError(`query($d: ID!) { node(id: $d) { id } }`, {d: draftId})
    expect(error.type).to.equal('NOT_FOUND')
    expect(error.message).to.equal(`Could not resolve to a node with the global id of '${draftId}'.`)
    const edit = await api.gqlError(`mutation($d: ID!) { updateProjectV2DraftIssue(input: {draftIssueId: $d, title: "back?"}) { draftIssue { id } } }`, {
      d: draftId,
    })
    expect(edit.type).to.equal('NOT_FOUND')
  })

  it('replacing an iteration configuration re-ids the iterations and orphans their values', async () => {
    const created = await api.gql(
      `mutation($p: ID!) { createProjectV2Field(input: {projectId: $p, dataType: ITERATION, name: "Sprint",
          iterationConfiguration: {startDate: "2025-03-03", duration: 14, iterations: [
            {title: "Sprint 1", startDate: "2025-03-03", duration: 14},
            {title: "Sprint 2", startDate: "2025-03-17", duration: 14}]}}) {
        projectV2Field { ... on ProjectV2IterationField { id configuration { duration startDay iterations { id title startDate duration } } } } } }`,
      {p: p.projectId},
    )
    const field = created.createProjectV2Field.projectV2Field
    expect(field.configuration.duration).to.equal(14)
    expect(field.configuration.startDay).to.equal(1)
    const [s1, s2] = field.configuration.iterations
    expect([s1.title, s2.title]).to.deep.equal(['Sprint 1', 'Sprint 2'])
    expect(s1.id).to.match(/^[0-9a-f]{8}$/)
    await api.gql(SET_VALUE, {p: p.projectId, i: p.items[0], f: field.id, v: {iterationId: s1.id}})
    await api.gql(SET_VALUE, {p: p.projectId, i: p.items[1], f: field.id, v: {iterationId: s2.id}})
    expect(await valueOf(p.items[0], 'Sprint')).to.deep.equal({
      __typename: 'ProjectV2ItemFieldIterationValue',
      iterationId: s1.id,
      title: 'Sprint 1',
      startDate: '2025-03-03',
      duration: 14,
    })

    const updated = await api.gql(
      `mutation($f: ID!) { updateProjectV2Field(input: {fieldId: $f, iterationConfiguration: {startDate: "2025-03-03", duration: 14, iterations: [
            {title: "Sprint 1", startDate: "2025-03-03", duration: 14},
            {title: "Sprint 2", startDate: "2025-03-17", duration: 14}]}}) {
        projectV2Field { ... on ProjectV2IterationField { configuration { iterations { id title } } } } } }`,
      {f: field.id},
    )
    const fresh: Array<{id: string; title: string}> = updated.updateProjectV2Field.projectV2Field.configuration.iterations
    expect(fresh.map((i) => i.title)).to.deep.equal(['Sprint 1', 'Sprint 2'])
    expect(fresh.map((i) => i.id)).to.not.include.members([s1.id]).and.not.include.members([s2.id])
    expect(await valueOf(p.items[0], 'Sprint')).to.equal(null)
    expect(await valueOf(p.items[1], 'Sprint')).to.equal(null)
  })
})
