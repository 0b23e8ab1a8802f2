/**
 * What happens to the project between backups, done the way users do it: through the sandbox's GraphQL API (the
 * sandbox runs in another process). Mutations are aliased 50 to a request.
 */
export const TOKEN = 'bench-sandbox-token'

export async function gql<T = any>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {authorization: `bearer ${TOKEN}`, 'content-type': 'application/json'},
    body: JSON.stringify({query, variables}),
  })
  const body = (await res.json()) as {data?: T; errors?: unknown}
  if (body.errors) throw new Error(`sandbox GraphQL error: ${JSON.stringify(body.errors).slice(0, 500)}`)
  return body.data as T
}

export interface ItemRef {
  id: string
  contentId: string | null
  type: string
}

export interface ProjectRefs {
  projectId: string
  items: ItemRef[]
  fields: Array<{id: string; name: string; dataType: string; options?: Array<{name: string; color: string; description: string}>}>
}

/** The project acme/1, its fields and every item's id and content id. */
export async function projectRefs(url: string): Promise<ProjectRefs> {
  const head = await gql(url, `query { organization(login: "acme") { projectV2(number: 1) { id
    fields(first: 50) { nodes { ... on ProjectV2FieldCommon { id name dataType } ... on ProjectV2SingleSelectField { options { name color description } } } } } } }`)
  const project = head.organization.projectV2
  const items: ItemRef[] = []
  let after: string | null = null
  for (;;) {
    const page: any = await gql(url, `query($id: ID!, $after: String) { node(id: $id) { ... on ProjectV2 { items(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor } nodes { id type content { ... on Issue { id } ... on PullRequest { id } ... on DraftIssue { id } } } } } } }`, {id: project.id, after})
    const conn = page.node.items
    for (const n of conn.nodes) items.push({id: n.id, contentId: n.content?.id ?? null, type: n.type})
    if (!conn.pageInfo.hasNextPage) break
    after = conn.pageInfo.endCursor
  }
  return {projectId: project.id, items, fields: project.fields.nodes}
}

async function batched(url: string, calls: Array<{field: string; input: Record<string, unknown>; select: string}>): Promise<number> {
  let requests = 0
  for (let i = 0; i < calls.length; i += 50) {
    const chunk = calls.slice(i, i + 50)
    const vars = chunk.map((_, k) => `$i${k}: ${inputType(chunk[k].field)}!`).join(', ')
    const body = chunk.map((c, k) => `m${k}: ${c.field}(input: $i${k}) { ${c.select} }`).join('\n')
    await gql(url, `mutation(${vars}) {\n${body}\n}`, Object.fromEntries(chunk.map((c, k) => [`i${k}`, c.input])))
    requests++
  }
  return requests
}

function inputType(field: string): string {
  return field[0].toUpperCase() + field.slice(1) + 'Input'
}

/**
 * Changes `share` of the items (default 1%): every other one gets a new Estimate, the others (issues)
 * a retitled issue. Returns how many items were changed.
 */
export async function changeItems(url: string, refs: ProjectRefs, share = 0.01, round = 1): Promise<number> {
  const estimate = refs.fields.find((f) => f.name === 'Estimate')!
  const count = Math.max(1, Math.round(refs.items.length * share))
  const step = refs.items.length / count
  const calls: Array<{field: string; input: Record<string, unknown>; select: string}> = []
  for (let k = 0; k < count; k++) {
    const item = refs.items[Math.floor(k * step)]
    if (k % 2 === 0 || !item.contentId || item.type !== 'ISSUE') {
      calls.push({
        field: 'updateProjectV2ItemFieldValue',
        input: {projectId: refs.projectId, itemId: item.id, fieldId: estimate.id, value: {number: 100 + round * 1000 + k}},
        select: 'projectV2Item { id }',
      })
    } else {
      calls.push({field: 'updateIssue', input: {id: item.contentId, title: `Changed in round ${round}: item ${k}`}, select: 'issue { id }'})
    }
  }
  await batched(url, calls)
  return count
}

/** The disaster: the Status options "tidied up" (same names, re-saved), which orphans every item's Status. */
export async function replaceStatusOptions(url: string, refs: ProjectRefs): Promise<void> {
  const status = refs.fields.find((f) => f.name === 'Status')!
  await gql(url, `mutation($input: UpdateProjectV2FieldInput!) { updateProjectV2Field(input: $input) { projectV2Field { __typename } } }`, {
    input: {fieldId: status.id, singleSelectOptions: status.options!.map((o) => ({name: o.name, color: o.color, description: o.description}))},
  })
}

/** The naive client's item read: one item per request, with its nested connections. */
export const NAIVE_ITEM = `query NaiveItem($id: ID!) { node(id: $id) { ... on ProjectV2Item { id type isArchived
  fieldValues(first: 50) { nodes { __typename
    ... on ProjectV2ItemFieldTextValue { text field { ... on ProjectV2FieldCommon { id } } }
    ... on ProjectV2ItemFieldNumberValue { number field { ... on ProjectV2FieldCommon { id } } }
    ... on ProjectV2ItemFieldDateValue { date field { ... on ProjectV2FieldCommon { id } } }
    ... on ProjectV2ItemFieldSingleSelectValue { optionId name field { ... on ProjectV2FieldCommon { id } } }
    ... on ProjectV2ItemFieldIterationValue { iterationId title field { ... on ProjectV2FieldCommon { id } } } } }
  content { __typename
    ... on DraftIssue { id title body assignees(first: 10) { nodes { login } } }
    ... on Issue { id url number title body state stateReason repository { nameWithOwner } milestone { number } parent { url }
      labels(first: 20) { nodes { name } } assignees(first: 10) { nodes { login } } subIssues(first: 50) { nodes { url } } }
    ... on PullRequest { id url number title body prState: state repository { nameWithOwner } milestone { number }
      labels(first: 20) { nodes { name } } assignees(first: 10) { nodes { login } } } } } } }`

/** Times `sample` one-item requests on the sandbox: the naive client's per-request cost, measured. */
export async function sampleNaiveItems(url: string, refs: ProjectRefs, sample = 100): Promise<{seconds: number; requests: number; bytes: number}> {
  const t = performance.now()
  let bytes = 0
  const n = Math.min(sample, refs.items.length)
  for (let i = 0; i < n; i++) {
    const data = await gql(url, NAIVE_ITEM, {id: refs.items[i].id})
    bytes += JSON.stringify(data).length
  }
  return {seconds: (performance.now() - t) / 1000, requests: n, bytes}
}
