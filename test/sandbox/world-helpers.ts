/**
 * Test helpers for the sandbox world: run GraphQL documents the way the engine does (validated against GitHub's
 * schema first, so every test document is one GitHub would accept) and REST calls.
 */
import {graphql, parse, validate, type GraphQLFormattedError, type OperationDefinitionNode} from 'graphql'
import {githubSchema} from '../../src/sandbox/schema.js'
import type {RestResponse, Viewer} from '../../src/sandbox/backend.js'
import {World} from '../../src/sandbox/world.js'

export const NOW = new Date('2025-03-10T12:00:00Z')

/** A world on a fixed clock. */
export function newWorld(): World {
  return new World({now: () => NOW})
}

export interface GqlError extends GraphQLFormattedError {
  type?: string
}

export class Client {
  readonly viewer: Viewer

  constructor(
    readonly world: World,
    login = 'octocat',
  ) {
    this.viewer = {login, scopes: ['repo', 'project', 'read:org']}
  }

  as(login: string): Client {
    return new Client(this.world, login)
  }

  /** Runs a document; answers `{data, errors}` with each error's SandboxError type. */
  async run(source: string, variableValues?: Record<string, unknown>): Promise<{data: any; errors: GqlError[]}> {
    const document = parse(source)
    const problems = validate(githubSchema(), document)
    if (problems.length) throw new Error(`document is not valid against GitHub's schema: ${problems.map((p) => p.message).join('; ')}`)
    const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')
    const root = this.world.graphqlRoot(this.viewer)
    const result = await graphql({
      schema: githubSchema(),
      source,
      rootValue: op?.operation === 'mutation' ? root.mutation : root.query,
      contextValue: {viewer: this.viewer, now: NOW},
      variableValues,
    })
    const errors = (result.errors ?? []).map((e) => ({...e.toJSON(), type: (e.originalError as {type?: string} | undefined)?.type}))
    return {data: result.data, errors}
  }

  /** Runs a document that must succeed; answers its data. */
  async gql(source: string, variableValues?: Record<string, unknown>): Promise<any> {
    const {data, errors} = await this.run(source, variableValues)
    if (errors.length) throw new Error(`GraphQL errors: ${errors.map((e) => `${e.type}: ${e.message}`).join('; ')}`)
    return data
  }

  /** Runs a document that must fail; answers its first error. */
  async gqlError(source: string, variableValues?: Record<string, unknown>): Promise<GqlError> {
    const {errors} = await this.run(source, variableValues)
    if (!errors.length) throw new Error('expected a GraphQL error, got none')
    return errors[0]
  }

  async rest(method: string, path: string, body?: unknown, query: Record<string, string> = {}): Promise<RestResponse | undefined> {
    return this.world.rest({method, path, query, body, viewer: this.viewer})
  }
}

/** Builds, through the public API only, a repository with issues and a project holding them. */
export async function buildProject(api: Client, issueCount = 3) {
  const org = await api.gql('{ organization(login: "acme") { id } }')
  const repo = await api.gql(
    `mutation($owner: ID!) { createRepository(input: {ownerId: $owner, name: "app", visibility: PUBLIC}) { repository { id } } }`,
    {owner: org.organization.id},
  )
  const repoId: string = repo.createRepository.repository.id
  const issues: Array<{id: string; number: number; databaseId: number}> = []
  for (let i = 1; i <= issueCount; i++) {
    const created = await api.gql(
      `mutation($repo: ID!, $title: String!) { createIssue(input: {repositoryId: $repo, title: $title}) { issue { id number databaseId } } }`,
      {repo: repoId, title: `Issue ${i}`},
    )
    issues.push(created.createIssue.issue)
  }
  const project = await api.gql(
    `mutation($owner: ID!) { createProjectV2(input: {ownerId: $owner, title: "Roadmap"}) { projectV2 { id number } } }`,
    {owner: org.organization.id},
  )
  const projectId: string = project.createProjectV2.projectV2.id
  const items: string[] = []
  for (const issue of issues) {
    const added = await api.gql(
      `mutation($p: ID!, $c: ID!) { addProjectV2ItemById(input: {projectId: $p, contentId: $c}) { item { id } } }`,
      {p: projectId, c: issue.id},
    )
    items.push(added.addProjectV2ItemById.item.id)
  }
  const fields = await api.gql(
    `query($p: ID!) { node(id: $p) { ... on ProjectV2 { fields(first: 50) { nodes {
        ... on ProjectV2FieldCommon { id name dataType databaseId }
        ... on ProjectV2SingleSelectField { options { id name } } } } } } }`,
    {p: projectId},
  )
  const byName: Record<string, {id: string; databaseId: number; options?: Array<{id: string; name: string}>}> = {}
  for (const f of fields.node.fields.nodes) byName[f.name] = f
  return {orgId: org.organization.id as string, repoId, issues, projectId, number: project.createProjectV2.projectV2.number as number, items, fields: byName}
}

export const SET_VALUE = `mutation($p: ID!, $i: ID!, $f: ID!, $v: ProjectV2FieldValue!) {
  updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: $v}) { projectV2Item { id } } }`

export const VALUE_BY_NAME = `query($i: ID!, $name: String!) { node(id: $i) { ... on ProjectV2Item {
  fieldValueByName(name: $name) {
    __typename
    ... on ProjectV2ItemFieldSingleSelectValue { optionId name }
    ... on ProjectV2ItemFieldIterationValue { iterationId title startDate duration }
    ... on ProjectV2ItemFieldTextValue { text }
    ... on ProjectV2ItemFieldNumberValue { number }
    ... on ProjectV2ItemFieldDateValue { date }
  } } } }`
