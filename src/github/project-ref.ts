import {UserError} from '../util/errors.js'
import {redact} from '../util/secrets.js'
import type {GitHubClient} from './client.js'
import {canonicalHost, isLoopback} from './endpoints.js'
import {GitHubError, isGitHubError, toUserError} from './errors.js'

export type OwnerType = 'User' | 'Organization'

/** What the user named: an owner and a project number (from a URL or OWNER/N), or a project node id. */
export type ProjectRef =
  | {kind: 'number'; owner: string; ownerType?: OwnerType; number: number; host?: string}
  | {kind: 'id'; id: string}

export interface ProjectInfo {
  id: string
  number: number
  title: string
  url: string
  owner: {login: string; type: OwnerType}
  public: boolean
  closed: boolean
}

/** What resolving needs of a client; the sandbox's client fits too. */
export type ProjectApi = Pick<GitHubClient, 'graphql'> & {readonly endpoints?: {host: string; restUrl: string}}

export const ACCEPTED_FORMS =
  'https://github.com/orgs/ORG/projects/N, https://github.com/users/USER/projects/N (or the same on your GHES host), ' +
  'OWNER/N, or a project node id (PVT_...)'

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/
const NODE_ID = /^PVT_[A-Za-z0-9_-]+$/

/** Parses a project reference; bad text is a UserError listing the accepted forms. */
export function parseProjectRef(text: string): ProjectRef {
  const t = text.trim()
  if (NODE_ID.test(t)) return {kind: 'id', id: t}
  if (/^https?:\/\//i.test(t)) {
    const ref = fromUrl(t)
    if (ref) return ref
  } else {
    const m = /^([^/\s]+)\/(\d+)$/.exec(t)
    if (m && LOGIN.test(m[1])) {
      const number = Number(m[2])
      if (Number.isSafeInteger(number) && number > 0) return {kind: 'number', owner: m[1], number}
    }
  }
  throw new UserError(`"${redact(t)}" is not a project reference: use ${ACCEPTED_FORMS}`, {code: 'EPROJECTREF'})
}

function fromUrl(text: string): ProjectRef | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  // /orgs/ORG/projects/N or /users/USER/projects/N, optionally followed by /views/3 and the like
  const parts = url.pathname.split('/').filter(Boolean)
  if (parts.length < 4 || parts[2] !== 'projects') return undefined
  const ownerType: OwnerType | undefined = parts[0] === 'orgs' ? 'Organization' : parts[0] === 'users' ? 'User' : undefined
  const owner = decodeURIComponent(parts[1])
  const number = /^\d+$/.test(parts[3]) ? Number(parts[3]) : NaN
  if (!ownerType || !LOGIN.test(owner) || !Number.isSafeInteger(number) || number <= 0) return undefined
  return {kind: 'number', owner, ownerType, number, host: canonicalHost(url.host)}
}

/** `OWNER/N` or the node id: how messages name a project. */
export function describeRef(ref: ProjectRef): string {
  return ref.kind === 'id' ? ref.id : `${ref.owner}/${ref.number}`
}

/**
 * Refuses a project URL on another host than the client's ("set GH_HOST"). A client of the local sandbox accepts
 * URLs of any host, since the sandbox stands in for GitHub.
 */
export function checkProjectHost(ref: ProjectRef, endpoints: {host: string; restUrl: string} | undefined): void {
  if (ref.kind !== 'number' || !ref.host || !endpoints || isLoopback(endpoints)) return
  if (canonicalHost(ref.host) !== canonicalHost(endpoints.host)) {
    throw new UserError(`project URL is on ${ref.host} but the client talks to ${endpoints.host}: set GH_HOST=${ref.host}`, {code: 'EPROJECTHOST'})
  }
}

/** What a ProjectInfo is read from, for any document that selects a ProjectV2 (see toProjectInfo). */
export const PROJECT_FIELDS = `
  id
  number
  title
  url
  public
  closed
  owner {
    __typename
    ... on User { login }
    ... on Organization { login }
  }
`

export const PROJECT_BY_ORGANIZATION = `query ProjectByOrganization($login: String!, $number: Int!) {
  organization(login: $login) {
    projectV2(number: $number) {${PROJECT_FIELDS}}
  }
}`

export const PROJECT_BY_USER = `query ProjectByUser($login: String!, $number: Int!) {
  user(login: $login) {
    projectV2(number: $number) {${PROJECT_FIELDS}}
  }
}`

export const PROJECT_BY_OWNER = `query ProjectByOwner($login: String!, $number: Int!) {
  repositoryOwner(login: $login) {
    __typename
    ... on User {
      projectV2(number: $number) {${PROJECT_FIELDS}}
    }
    ... on Organization {
      projectV2(number: $number) {${PROJECT_FIELDS}}
    }
  }
}`

export const PROJECT_BY_ID = `query ProjectById($id: ID!) {
  node(id: $id) {
    __typename
    ... on ProjectV2 {${PROJECT_FIELDS}}
  }
}`

export const OWNER_PROJECTS = `query OwnerProjects($login: String!, $after: String) {
  repositoryOwner(login: $login) {
    __typename
    ... on ProjectV2Owner {
      projectsV2(first: 100, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes {${PROJECT_FIELDS}}
      }
    }
  }
}`

/** Every GraphQL document this module sends (validated against GitHub's schema by the tests). */
export const PROJECT_REF_DOCUMENTS = {PROJECT_BY_ORGANIZATION, PROJECT_BY_USER, PROJECT_BY_OWNER, PROJECT_BY_ID, OWNER_PROJECTS}

/**
 * Finds the project a reference names, in one GraphQL query. Not found (or hidden from the token) is a UserError
 * "project OWNER/N not found, or your token cannot see it"; no access and missing scopes keep their own messages.
 */
export async function resolveProject(client: ProjectApi, ref: ProjectRef): Promise<ProjectInfo> {
  checkProjectHost(ref, client.endpoints)
  const label = describeRef(ref)
  const notFound = (cause?: unknown) =>
    new GitHubError('not-found', `project ${label} not found, or your token cannot see it`, {cause})
  let node: any
  try {
    if (ref.kind === 'id') {
      node = (await client.graphql(PROJECT_BY_ID, {id: ref.id}))?.node
    } else {
      const variables = {login: ref.owner, number: ref.number}
      if (ref.ownerType === 'Organization') node = (await client.graphql(PROJECT_BY_ORGANIZATION, variables))?.organization?.projectV2
      else if (ref.ownerType === 'User') node = (await client.graphql(PROJECT_BY_USER, variables))?.user?.projectV2
      else node = (await client.graphql(PROJECT_BY_OWNER, variables))?.repositoryOwner?.projectV2
    }
  } catch (error) {
    if (isGitHubError(error, 'not-found')) throw notFound(error)
    throw remap(error, `project ${label}`)
  }
  if (!node || typeof node.id !== 'string') throw notFound()
  return toProjectInfo(node)
}

/** Every project of a user or organization, 100 per request. */
export async function listOwnerProjects(client: ProjectApi, owner: string): Promise<ProjectInfo[]> {
  const ownerNotFound = (cause?: unknown) =>
    new GitHubError('not-found', `owner ${owner} not found, or your token cannot see it`, {cause})
  const projects: ProjectInfo[] = []
  let after: string | null = null
  for (;;) {
    let data: any
    try {
      data = await client.graphql(OWNER_PROJECTS, {login: owner, after})
    } catch (error) {
      if (isGitHubError(error, 'not-found')) throw ownerNotFound(error)
      throw remap(error, `the projects of ${owner}`)
    }
    if (!data?.repositoryOwner) throw ownerNotFound()
    const page = data.repositoryOwner.projectsV2
    if (!page) break
    for (const node of page.nodes ?? []) if (node && typeof node.id === 'string') projects.push(toProjectInfo(node))
    const cursor: string | null = page.pageInfo?.endCursor ?? null
    if (!page.pageInfo?.hasNextPage || !cursor || cursor === after) break
    after = cursor
  }
  return projects
}

export function toProjectInfo(node: any): ProjectInfo {
  return {
    id: node.id,
    number: node.number,
    title: node.title,
    url: node.url,
    owner: {login: node.owner?.login ?? '', type: node.owner?.__typename === 'Organization' ? 'Organization' : 'User'},
    public: Boolean(node.public),
    closed: Boolean(node.closed),
  }
}

/** Re-maps a client error with what was being looked for, from the original Octokit error kept as `cause`. */
function remap(error: unknown, context: string): Error {
  if (isGitHubError(error) && error.cause !== undefined && (error.kind === 'forbidden' || error.kind === 'scopes' || error.kind === 'graphql')) {
    const again = toUserError(error.cause, context)
    return isGitHubError(again) ? again : error
  }
  return error instanceof Error ? error : toUserError(error, context)
}
