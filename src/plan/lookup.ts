import {UserError} from '../util/errors.js'
/**
 * Look-ups: the node ids a restore needs but a backup cannot keep (issue and pull request node ids, label, user,
 * milestone, repository and team ids), fetched before the mutations by aliased queries, many per request.
 */
import {AdaptiveBatch, BATCH_BOUNDS, batchOf, isTooBig} from './batching.js'
import type {ContentRef, Operation} from './types.js'

export type LookupKind = 'content' | 'label' | 'user' | 'milestone' | 'repository' | 'team' | 'issueType' | 'issueFields'

export interface LookupKey {
  kind: LookupKind
  /**
   * content: URL; label/milestone/issueType: `owner/name` + NUL + name/title; user: login; repository and
   * issueFields: `owner/name`; team: `org/slug`
   */
  key: string
}

export interface ContentIds {
  id: string
  databaseId: number | null
}

/** Resolved look-ups; `null` means GitHub answered that it does not exist (or is not visible). */
export interface Lookups {
  content: Map<string, ContentIds | null>
  label: Map<string, string | null>
  user: Map<string, string | null>
  milestone: Map<string, string | null>
  repository: Map<string, string | null>
  team: Map<string, string | null>
  issueType: Map<string, string | null>
  /** a repository's issue fields (its organization's); null: none (a user's repository) */
  issueFields: Map<string, IssueFieldInfo[] | null>
}

/** An organization issue field as a restore needs it. */
export interface IssueFieldInfo {
  id: string
  name: string
  dataType: string
  /** single select: option ids by name */
  options: Record<string, string>
}

export type GraphqlFn = (query: string, variables: Record<string, unknown>) => Promise<any>

export const SEP = '\u0000'

export function emptyLookups(): Lookups {
  return {
    content: new Map(),
    label: new Map(),
    user: new Map(),
    milestone: new Map(),
    repository: new Map(),
    team: new Map(),
    issueType: new Map(),
    issueFields: new Map(),
  }
}

/** The look-ups one operation needs before it can be sent. */
export function lookupsFor(op: Operation): LookupKey[] {
  const content = (c: ContentRef): LookupKey[] => (c.createdBy ? [] : [{kind: 'content', key: c.url}])
  const users = (logins: string[]): LookupKey[] => logins.map((key) => ({kind: 'user', key}))
  const labels = (repo: string, names: string[]): LookupKey[] => names.map((n) => ({kind: 'label', key: repo + SEP + n}))
  switch (op.op) {
    case 'addItem':
    case 'updateContent':
    case 'setIssueState':
      return content(op.content)
    case 'addLabels':
    case 'removeLabels':
      return [...content(op.content), ...labels(op.content.repository, op.labels)]
    case 'addAssignees':
    case 'removeAssignees':
      return [...content(op.content), ...users(op.assignees)]
    case 'setMilestone':
      return [
        ...content(op.content),
        ...(op.milestone ? [{kind: 'milestone' as const, key: op.milestone.repository + SEP + op.milestone.title}] : []),
      ]
    case 'addSubIssue':
    case 'removeSubIssue':
      return [...content(op.parent), ...content(op.child)]
    case 'addBlockedBy':
    case 'removeBlockedBy':
      return [...content(op.content), ...content(op.blocker)]
    case 'setIssueType':
      return [...content(op.content), ...(op.issueType === null ? [] : [{kind: 'issueType' as const, key: op.content.repository + SEP + op.issueType}])]
    case 'setIssueFields':
      return [...content(op.content), {kind: 'issueFields', key: op.content.repository}]
    case 'reorderSubIssue':
      return [...content(op.parent), ...content(op.child), ...(op.after ? content(op.after) : []), ...(op.before ? content(op.before) : [])]
    case 'createIssue':
      return [{kind: 'repository', key: op.content.repository}, ...labels(op.content.repository, op.labels), ...users(op.assignees)]
    case 'createDraft':
      return users(op.assignees)
    case 'updateDraft':
      return users(op.assignees ?? [])
    case 'linkRepository':
      return [{kind: 'repository', key: op.repository}]
    case 'linkTeam':
      return [{kind: 'team', key: op.team}]
    default:
      return []
  }
}

/** Distinct look-ups a list of operations needs. */
export function collectLookups(operations: readonly Operation[]): LookupKey[] {
  const seen = new Set<string>()
  const out: LookupKey[] = []
  for (const op of operations) {
    for (const k of lookupsFor(op)) {
      const id = k.kind + SEP + k.key
      if (!seen.has(id)) {
        seen.add(id)
        out.push(k)
      }
    }
  }
  return out
}

export function countLookups(operations: readonly Operation[]): number {
  return collectLookups(operations).length
}

interface Part {
  alias: string
  variables: Record<string, unknown>
  declarations: string[]
  selection: string
  read(data: any): unknown
}

function splitRepo(repo: string): [string, string] {
  const i = repo.indexOf('/')
  return [repo.slice(0, i), repo.slice(i + 1)]
}

/**
 * A look-up inside one repository (`owner/name`): `repository(owner, name) { <inner> }`, with `$<alias>x` bound to
 * `name` when the inner selection needs one (a label, milestone or issue type by name).
 */
function repositoryPart(alias: string, repo: string, inner: string, read: Part['read'], name?: string): Part {
  const [owner, repoName] = splitRepo(repo)
  const variables: Record<string, unknown> = {[`${alias}o`]: owner, [`${alias}n`]: repoName}
  const declarations = [`$${alias}o: String!`, `$${alias}n: String!`]
  if (name !== undefined) {
    variables[`${alias}x`] = name
    declarations.push(`$${alias}x: String!`)
  }
  return {alias, variables, declarations, selection: `${alias}: repository(owner: $${alias}o, name: $${alias}n) { ${inner} }`, read}
}

function part(k: LookupKey, alias: string): Part {
  switch (k.kind) {
    case 'content':
      return {
        alias,
        variables: {[alias]: k.key},
        declarations: [`$${alias}: URI!`],
        selection: `${alias}: resource(url: $${alias}) { __typename ... on Issue { id databaseId } ... on PullRequest { id databaseId } }`,
        read: (d) => (d?.id ? {id: d.id, databaseId: typeof d.databaseId === 'number' ? d.databaseId : null} : null),
      }
    case 'label': {
      const [repo, name] = k.key.split(SEP)
      return repositoryPart(alias, repo, `label(name: $${alias}x) { id }`, (d) => d?.label?.id ?? null, name)
    }
    case 'milestone': {
      const [repo, title] = k.key.split(SEP)
      return repositoryPart(
        alias,
        repo,
        `milestones(first: 100, query: $${alias}x) { nodes { id title } }`,
        (d) => (d?.milestones?.nodes ?? []).find((m: any) => m?.title === title)?.id ?? null,
        title,
      )
    }
    case 'user':
      return {
        alias,
        variables: {[alias]: k.key},
        declarations: [`$${alias}: String!`],
        selection: `${alias}: user(login: $${alias}) { id }`,
        read: (d) => d?.id ?? null,
      }
    case 'repository':
      return repositoryPart(alias, k.key, 'id', (d) => d?.id ?? null)
    case 'issueType': {
      const [repo, name] = k.key.split(SEP)
      return repositoryPart(
        alias,
        repo,
        `issueType(name: $${alias}x) { id isEnabled }`,
        (d) => (d?.issueType?.id && d.issueType.isEnabled !== false ? d.issueType.id : null),
        name,
      )
    }
    case 'issueFields':
      return repositoryPart(
        alias,
        k.key,
        'issueFields(first: 25) { nodes { __typename ... on Node { id } ... on IssueFieldCommon { name dataType } ... on IssueFieldSingleSelect { options { id name } } } }',
        (d) =>
          d?.issueFields
            ? (d.issueFields.nodes ?? []).filter(Boolean).map(
                (f: any): IssueFieldInfo => ({
                  id: f.id,
                  name: f.name,
                  dataType: f.dataType,
                  options: Object.fromEntries((f.options ?? []).map((o: any) => [o.name, o.id])),
                }),
              )
            : null,
      )
    case 'team': {
      const [org, slug] = splitRepo(k.key)
      return {
        alias,
        variables: {[`${alias}o`]: org, [`${alias}s`]: slug},
        declarations: [`$${alias}o: String!`, `$${alias}s: String!`],
        selection: `${alias}: organization(login: $${alias}o) { team(slug: $${alias}s) { id } }`,
        read: (d) => d?.team?.id ?? null,
      }
    }
  }
}

/** One aliased look-up query for up to `keys.length` look-ups. */
export function buildLookupQuery(keys: readonly LookupKey[]): {query: string; variables: Record<string, unknown>; parts: Part[]} {
  const parts = keys.map((k, i) => part(k, `q${i}`))
  const query = `query RestoreLookup(${parts.flatMap((p) => p.declarations).join(', ')}) {\n${parts
    .map((p) => '  ' + p.selection)
    .join('\n')}\n}`
  return {query, variables: Object.assign({}, ...parts.map((p) => p.variables)), parts}
}

/** GraphQL answer normalised: data (possibly partial) and errors; transport failures are rethrown. */
export async function callGraphql(
  graphql: GraphqlFn,
  query: string,
  variables: Record<string, unknown>,
  firstAlias: string,
): Promise<{data: Record<string, any>; errors: Array<{message: string; path?: Array<string | number>; type?: string}>}> {
  try {
    const result = await graphql(query, variables)
    if (result && typeof result === 'object' && 'data' in result && !(firstAlias in result)) {
      return {data: result.data ?? {}, errors: result.errors ?? []}
    }
    return {data: result ?? {}, errors: []}
  } catch (error: any) {
    if (error && typeof error === 'object' && Array.isArray(error.errors) && (error.data || error.errors.some((e: any) => e?.path))) {
      return {data: error.data ?? {}, errors: error.errors}
    }
    throw error
  }
}

/**
 * Resolves look-ups into `into`, in aliased queries of `batch` look-ups: a fixed number, or an AdaptiveBatch that
 * starts small, halves after a query GitHub cut off at its time limit and grows while queries are quick (`now` measures
 * them). Unknown or forbidden ids resolve to null.
 */
export async function resolveLookups(
  graphql: GraphqlFn,
  keys: readonly LookupKey[],
  into: Lookups = emptyLookups(),
  batch: number | AdaptiveBatch = new AdaptiveBatch(BATCH_BOUNDS.lookups),
  now: () => number = Date.now,
): Promise<Lookups> {
  const sizer = typeof batch === 'number' ? batchOf(batch, BATCH_BOUNDS.lookups) : batch
  const todo = keys.filter((k) => !into[k.kind].has(k.key))
  for (let i = 0; i < todo.length; ) {
    const chunk = todo.slice(i, i + sizer.size)
    const {query, variables, parts} = buildLookupQuery(chunk)
    const started = now()
    let answer: Awaited<ReturnType<typeof callGraphql>>
    try {
      answer = await callGraphql(graphql, query, variables, parts[0].alias)
    } catch (error) {
      // a query changes nothing: too big for GitHub's time limit, it is sent again in halves
      if (chunk.length > 1 && isTooBig(error)) {
        sizer.timedOut()
        continue
      }
      throw error
    }
    sizer.succeeded(now() - started)
    const {data, errors} = answer
    // not found and not visible mean "missing"; any other error must not pass for a missing issue or label
    const broken = errors.find((e) => e.type !== 'NOT_FOUND' && e.type !== 'FORBIDDEN')
    if (broken) throw new UserError(`looking up ids for the restore failed: ${broken.message}`, {code: 'ELOOKUP'})
    chunk.forEach((k, j) => {
      ;(into[k.kind] as Map<string, unknown>).set(k.key, parts[j].read(data[parts[j].alias]))
    })
    i += chunk.length
  }
  return into
}

/**
 * Content URLs that no longer resolve (deleted issues, or not visible to the token): pass them to `diff` as
 * `missingContent`, so that the plan warns (or recreates, with `recreateMissingIssues`) instead of failing to add them.
 */
export async function findMissingContent(graphql: GraphqlFn, urls: readonly string[], batch?: number | AdaptiveBatch): Promise<string[]> {
  const found = await resolveLookups(
    graphql,
    [...new Set(urls)].map((key) => ({kind: 'content' as const, key})),
    emptyLookups(),
    batch,
  )
  return [...found.content].filter(([, v]) => v === null).map(([url]) => url)
}
