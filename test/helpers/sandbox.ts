/**
 * A running sandbox (an in-memory GitHub on 127.0.0.1, limits off) for tests, and a project built in it through the
 * public GraphQL API only, the way a user's CLI would: a repository with issues, a project holding them, a Status
 * single-select field with values set, and a Notes text field.
 */
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'

export const FAKE_TOKEN = 'ghp_sandboxtesttoken0000000000000000000000'

export interface TestProject {
  id: string
  number: number
  owner: string
  /** `acme/1` */
  ref: string
  title: string
  issues: Array<{id: string; number: number}>
  items: string[]
  statusFieldId: string
}

export interface TestSandbox {
  sandbox: Sandbox
  /** http://127.0.0.1:PORT: what GITHUB_API_URL points at */
  url: string
  /** env a process (or a Session) uses to talk to this sandbox */
  env: {GITHUB_API_URL: string; GH_TOKEN: string}
  /** runs a document through HTTP; GraphQL errors throw */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>
  /** builds a project in the organization `acme` */
  createProject(options?: {title?: string; issues?: number}): Promise<TestProject>
  /** the Status options of a project, by name, in order */
  statusOptions(projectId: string): Promise<string[]>
  /** the names of a project's fields */
  fieldNames(projectId: string): Promise<string[]>
  projectTitle(projectId: string): Promise<string>
  close(): Promise<void>
}

export async function startTestSandbox(): Promise<TestSandbox> {
  const sandbox = await startSandbox({backend: new World(), limits: 'off'})
  const url = sandbox.url
  let repoCount = 0

  const gql = async <T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {authorization: `bearer ${FAKE_TOKEN}`, 'content-type': 'application/json'},
      body: JSON.stringify({query, variables}),
    })
    const body = (await response.json()) as {data?: T; errors?: Array<{message: string}>}
    if (!response.ok || body.errors?.length) {
      throw new Error(`sandbox GraphQL failed (${response.status}): ${(body.errors ?? []).map((e) => e.message).join('; ')}`)
    }
    return body.data as T
  }

  const fields = async (projectId: string) => {
    const data = await gql(
      `query($p: ID!) { node(id: $p) { ... on ProjectV2 { title fields(first: 50) { nodes {
        ... on ProjectV2FieldCommon { id name }
        ... on ProjectV2SingleSelectField { options { id name } } } } } } }`,
      {p: projectId},
    )
    return data.node as {title: string; fields: {nodes: Array<{id: string; name: string; options?: Array<{id: string; name: string}>}>}}
  }

  const createProject: TestSandbox['createProject'] = async (options = {}) => {
    const title = options.title ?? 'Roadmap'
    const org = await gql('{ organization(login: "acme") { id } }')
    const repo = await gql(
      `mutation($owner: ID!, $name: String!) { createRepository(input: {ownerId: $owner, name: $name, visibility: PUBLIC}) { repository { id } } }`,
      {owner: org.organization.id, name: `app${++repoCount}`},
    )
    const repoId: string = repo.createRepository.repository.id
    const issues: TestProject['issues'] = []
    for (let i = 1; i <= (options.issues ?? 3); i++) {
      const created = await gql(
        `mutation($repo: ID!, $title: String!) { createIssue(input: {repositoryId: $repo, title: $title}) { issue { id number } } }`,
        {repo: repoId, title: `Issue ${i}`},
      )
      issues.push(created.createIssue.issue)
    }
    const project = await gql(
      `mutation($owner: ID!, $title: String!) { createProjectV2(input: {ownerId: $owner, title: $title}) { projectV2 { id number } } }`,
      {owner: org.organization.id, title},
    )
    const projectId: string = project.createProjectV2.projectV2.id
    const statusField = (await fields(projectId)).fields.nodes.find((f) => f.name === 'Status')
    if (!statusField?.options?.length) throw new Error('the sandbox created a project without its default Status field')
    await gql(`mutation($p: ID!) { createProjectV2Field(input: {projectId: $p, dataType: TEXT, name: "Notes"}) { projectV2Field { ... on ProjectV2Field { id } } } }`, {
      p: projectId,
    })
    const items: string[] = []
    for (const [i, issue] of issues.entries()) {
      const added = await gql(`mutation($p: ID!, $c: ID!) { addProjectV2ItemById(input: {projectId: $p, contentId: $c}) { item { id } } }`, {
        p: projectId,
        c: issue.id,
      })
      const itemId: string = added.addProjectV2ItemById.item.id
      items.push(itemId)
      await gql(
        `mutation($p: ID!, $i: ID!, $f: ID!, $o: String!) {
          updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: {singleSelectOptionId: $o}}) { projectV2Item { id } } }`,
        {p: projectId, i: itemId, f: statusField.id, o: statusField.options![i % statusField.options!.length].id},
      )
    }
    const number: number = project.createProjectV2.projectV2.number
    return {id: projectId, number, owner: 'acme', ref: `acme/${number}`, title, issues, items, statusFieldId: statusField.id}
  }

  return {
    sandbox,
    url,
    env: {GITHUB_API_URL: url, GH_TOKEN: FAKE_TOKEN},
    gql,
    createProject,
    async statusOptions(projectId) {
      const node = await fields(projectId)
      return node.fields.nodes.find((f) => f.name === 'Status')?.options?.map((o) => o.name) ?? []
    },
    async fieldNames(projectId) {
      return (await fields(projectId)).fields.nodes.map((f) => f.name)
    },
    async projectTitle(projectId) {
      return (await fields(projectId)).title
    },
    close: () => sandbox.close(),
  }
}

/** Runs `fn` with a fresh sandbox and one project in it; the sandbox is closed afterwards, whatever happens. */
export async function withSandbox<T>(fn: (sb: TestSandbox, project: TestProject) => Promise<T>): Promise<T> {
  const sb = await startTestSandbox()
  try {
    return await fn(sb, await sb.createProject())
  } finally {
    await sb.close()
  }
}
