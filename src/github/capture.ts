import {print} from 'graphql'
import {setOwn, sortKeys, sortKeysShared} from '../util/canonical.js'
import {checkAnswer, checkedDocument, type AnswerProblem} from './answers.js'
import {isGitHubError} from './errors.js'
import {UserError} from '../util/errors.js'
import {
  CREATABLE_FIELD_TYPES,
  STATE_SCHEMA_VERSION,
  itemKey,
  type BackupType,
  type FieldDataType,
  type FieldDef,
  type FieldValue,
  type IssueContent,
  type ItemState,
  type Milestone,
  type ProjectState,
  type StatusUpdate,
  type ViewDef,
  type WorkflowDef,
} from '../model/state.js'
import {
  changedFieldIds,
  lightOf,
  MarkerWatch,
  ReuseJudge,
  driftKinds,
  type CaptureRecord,
  type LightItem,
  type PreviousCapture,
} from './capture-incremental.js'
import {
  ITEMS_BY_ID_MAX,
  NESTED_PAGE,
  PLANNING_FIELDS,
  PROJECT_ITEMS_LIGHT,
  itemsByIdQuery,
  PROJECT_CONFIG,
  PROJECT_HEAD,
  PROJECT_STATUS_UPDATES,
  REPO_MILESTONES,
  projectItemsQuery,
  type ItemsQueryFeatures,
} from './queries.js'

/** What a capture needs of a GitHub client (src/github/client.ts provides it; tests may pass the sandbox's). */
export interface Api {
  graphql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>
  rest<T = any>(route: string, params?: Record<string, unknown>): Promise<T>
  readonly stats?: {requests: number; points: number; serverDate?: string}
}

export type DependencyMode = 'auto' | 'all' | 'none'

export interface CaptureOptions {
  type?: BackupType
  /**
   * Blocked-by dependencies. GitHub's GraphQL API serves them in the same item pages as everything else
   * (`Issue.blockedBy`), so `auto` and `all` read them for every issue at no extra request. Where the schema lacks
   * `blockedBy` (GitHub Enterprise Server), they exist only in the REST API, one request per issue: `auto` then reads
   * them for projects of up to `dependencyLimit` issues and warns above, `all` always does. `none` never reads them.
   * Unread dependencies are left absent from the state (never recorded as "no dependencies").
   */
  dependencies?: DependencyMode
  dependencyLimit?: number
  /** parallel REST requests for dependencies and milestones */
  concurrency?: number
  onProgress?: (progress: {phase: string; done: number; total?: number}) => void
  /**
   * The previous full backup (src/github/capture-incremental.ts). With it, a full-type capture is incremental: a light
   * pass over every item, then a full read, by id, of only the items that changed; unless `fullItems` is set, when
   * every item is read and the capture reports as drift each item the incremental capture would have taken over
   * wrongly.
   */
  previous?: PreviousCapture
  /** read every item in full even with a previous backup (the periodic full capture) */
  fullItems?: boolean
}

export interface CaptureResult {
  state: ProjectState
  warnings: string[]
  stats: {requests: number; points: number}
  /** how the items were read (full-type captures only): stored with the backup for the next capture */
  capture?: CaptureRecord
}

const CUSTOM = new Set<FieldDataType>(CREATABLE_FIELD_TYPES)

/** How often a query whose answer does not hold up is asked (queries change nothing, so asking again is safe). */
export const ANSWER_ATTEMPTS = 3

const sent = new Map<string, string>()

/** The text sent for a capture document: the document with `__typename` on every selection (see answers.ts). */
function sentDocument(query: string): string {
  let text = sent.get(query)
  if (text === undefined) {
    text = print(checkedDocument(query))
    if (sent.size > 200) sent.clear()
    sent.set(query, text)
  }
  return text
}

function operationName(query: string): string {
  return /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'a query'
}

/**
 * What the schema cannot say: an issue, pull request or draft item without its content is an answer cut short (an
 * item the viewer may not see comes as REDACTED, never as an issue without content).
 */
function incompleteItem(data: any): AnswerProblem | undefined {
  const paged = data?.node?.items?.nodes
  const nodes = Array.isArray(paged) ? paged : data?.nodes
  if (!Array.isArray(nodes)) return undefined
  const i = nodes.findIndex((n: any) => n && n.type !== 'REDACTED' && n.content == null)
  const at = Array.isArray(paged) ? 'node.items.nodes' : 'nodes'
  return i < 0 ? undefined : {path: `${at}.${i}.content`, message: `a ${nodes[i].type} item without its content`}
}

/** Only NOT_FOUND errors at `nodes.N` of the look-up by id: the items are gone, the rest of the answer holds. */
function goneNodes(query: string, error: {errors?: Array<{type?: unknown; path?: unknown}>}): boolean {
  if (operationName(query) !== 'ProjectItemsById') return false
  const errors = error.errors ?? []
  return errors.length > 0 && errors.every((e) => e.type === 'NOT_FOUND' && Array.isArray(e.path) && e.path.length === 2 && e.path[0] === 'nodes')
}

/**
 * Reads a whole project into a canonical ProjectState (src/model/state.ts). Two captures of an unchanged project give
 * byte-identical canonical JSON.
 */
export async function captureProject(api: Api, projectId: string, options: CaptureOptions = {}): Promise<CaptureResult> {
  const type = options.type ?? 'full'
  const before = {requests: api.stats?.requests ?? 0, points: api.stats?.points ?? 0}
  let requests = 0
  const gql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    // an answer is believed only once it fits what was asked (src/github/answers.ts); one that does not, or that
    // comes with errors beside partial data, is asked again, then fails the capture: nothing incomplete is saved
    for (let attempt = 1; ; attempt++) {
      requests++
      let problem: AnswerProblem | undefined
      try {
        const data = await api.graphql<T>(sentDocument(query), variables)
        problem = checkAnswer(query, variables, data) ?? incompleteItem(data)
        if (!problem) return data
      } catch (error) {
        if (!isGitHubError(error, 'graphql') || error.data == null) throw error
        // an item deleted since the light pass: `nodes(ids:)` answers null for it, with a NOT_FOUND error
        if (goneNodes(query, error)) {
          problem = checkAnswer(query, variables, error.data) ?? incompleteItem(error.data)
          if (!problem) return error.data as T
        }
        const first = error.errors?.[0]
        problem = {path: first?.path?.join('.') || 'data', message: `partial data with an error: ${first?.message ?? error.message}`}
      }
      if (attempt >= ANSWER_ATTEMPTS) {
        throw new UserError(
          `GitHub's answer to ${operationName(query)} did not hold up at ${problem.path} (${problem.message}) in ${attempt} attempts; ` +
            'nothing was saved: run the backup again later',
          {code: 'EBADANSWER'},
        )
      }
    }
  }
  const rest = async <T>(route: string, params: Record<string, unknown>): Promise<T> => {
    requests++
    return api.rest<T>(route, params)
  }
  const progress = options.onProgress ?? (() => {})
  const warnings: string[] = []
  // how the items were read (full-type captures)
  let record: CaptureRecord | undefined

  progress({phase: 'project', done: 0})
  const head = await gql<any>(PROJECT_HEAD, {id: projectId})
  const node = head?.node
  if (!node || node.__typename !== 'ProjectV2') {
    throw new UserError(`project ${projectId} not found, or your token cannot see it`, {code: 'ENOTFOUND'})
  }
  if (node.fields.pageInfo.hasNextPage) warnings.push('the project has more than 100 fields; only the first 100 were read')

  const fields: Record<string, FieldDef> = {}
  for (const f of node.fields.nodes) {
    if (!f?.id) continue
    setOwn(fields, f.id, toFieldDef(f, type))
  }
  const state: ProjectState = {
    schemaVersion: STATE_SCHEMA_VERSION,
    type,
    project: {
      id: node.id,
      number: node.number,
      url: node.url,
      owner: {
        login: node.owner.login,
        type: node.owner.__typename === 'Organization' ? 'Organization' : 'User',
        ...(typeof node.owner.databaseId === 'number' ? {databaseId: node.owner.databaseId} : {}),
      },
      title: node.title,
      shortDescription: node.shortDescription ?? null,
      readme: node.readme ?? null,
      public: Boolean(node.public),
      closed: Boolean(node.closed),
      template: Boolean(node.template),
    },
    fields,
  }
  if (type === 'minimal') return finish()

  progress({phase: 'configuration', done: 0})
  await captureConfig(gql, projectId, state)
  if (type === 'config') return finish()

  state.statusUpdates = {}
  for await (const su of paginate<any>(gql, PROJECT_STATUS_UPDATES, {id: projectId}, (d) => d.node.statusUpdates)) {
    setOwn(state.statusUpdates, su.id, toStatusUpdate(su))
  }

  // items, in position order
  state.items = {}
  state.itemOrder = []
  const mode = options.dependencies ?? 'auto'
  const features: ItemsQueryFeatures = {planning: true, dependencies: mode !== 'none'}
  const previous = options.previous?.state.items && options.previous.state.itemOrder ? options.previous : undefined
  const judge = previous ? new ReuseJudge(previous, changedFieldIds(previous.state.fields, fields), features) : undefined
  // GitHub's clock before any item is read: the next incremental capture re-reads what changed after it
  const serverDate = api.stats?.serverDate
  let overflow: Array<() => Promise<void>> | undefined
  if (previous && judge && !options.fullItems) {
    const incremental = await captureIncremental(gql, projectId, fields, state, features, judge, progress, () => requests, serverDate)
    if (incremental) ({record, overflow} = incremental)
  }
  let reused: Array<{key: string; before: ItemState}> = []
  if (!record || !overflow) {
    const full = await captureItems(gql, projectId, fields, state, features, progress, warnings, judge, serverDate)
    overflow = full.overflow
    reused = full.reusable
    record = {mode: 'full', since: full.since, read: state.itemOrder.length, reused: 0}
  }
  for (const more of overflow) await more()

  const issues = Object.values(state.items).filter((i) => i.content?.kind === 'Issue')
  const limit = options.dependencyLimit ?? 1000
  const concurrency = Math.max(1, options.concurrency ?? 8)
  const restDependencies = mode !== 'none' && !features.dependencies
  if (restDependencies && (mode === 'all' || issues.length <= limit)) {
    let n = 0
    await pool(issues, concurrency, async (item) => {
      const c = item.content!
      const [owner, repo] = c.repository.split('/')
      const blockers = await restPages<any>(rest, 'GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by', {
        owner,
        repo,
        issue_number: c.number,
      })
      c.blockedBy = blockers.map((b) => String(b.html_url)).sort()
      if (++n % 50 === 0) progress({phase: 'dependencies', done: n, total: issues.length})
    })
  } else if (restDependencies && issues.length > 0) {
    warnings.push(
      `blocked-by dependencies of ${issues.length} issues were not read (this GitHub serves them only through REST, one request per issue): ` +
        'pass --dependencies=all to include them',
    )
  }

  // compared once everything of the items is in (overflow pages, REST dependencies)
  if (previous && record.mode === 'full') record.drift = drift(reused, state.items)

  // milestones of every repository an issue lives in, and of linked repositories
  const repos = new Set<string>(state.repositories ?? [])
  for (const item of Object.values(state.items)) if (item.content) repos.add(item.content.repository)
  state.milestones = {}
  const milestones = state.milestones
  await pool([...repos].sort(), concurrency, async (nameWithOwner) => {
    const [owner, name] = nameWithOwner.split('/')
    for await (const m of paginate<any>(gql, REPO_MILESTONES, {owner, name}, (d) => d.repository?.milestones)) {
      const ms: Milestone = {
        repository: nameWithOwner,
        number: m.number,
        title: m.title,
        description: m.description ?? null,
        state: m.state,
        dueOn: m.dueOn ?? null,
      }
      setOwn(milestones, `${nameWithOwner}#${m.number}`, ms)
    }
  })
  return finish()

  function finish(): CaptureResult {
    const points = api.stats ? api.stats.points - before.points : requests
    // items taken over from the previous backup are already canonical: shared, not copied (issue 14)
    return {state: sortKeysShared(state), warnings, stats: {requests, points}, ...(record ? {capture: record} : {})}
  }
}

type Gql = <T>(query: string, variables: Record<string, unknown>) => Promise<T>

/** The field of today's GitHub that a schema error says does not exist (GitHub Enterprise Server), if any. */
export function missingPlanningField(error: unknown): string | undefined {
  const e = error as {message?: unknown; errors?: Array<{message?: unknown}>} | undefined
  const messages = [String(e?.message ?? ''), ...(Array.isArray(e?.errors) ? e.errors.map((x) => String(x?.message ?? '')) : [])]
  for (const message of messages) {
    const m = /Field '(\w+)' doesn't exist on type '\w+'|Cannot query field "(\w+)" on type/.exec(message)
    const name = m?.[1] ?? m?.[2]
    if (name && PLANNING_FIELDS.has(name)) return name
  }
  return undefined
}

/**
 * Reads every item, in position order, into `state.items` / `state.itemOrder`. When the first page is refused because
 * the schema lacks a field of today's GitHub (GitHub Enterprise Server), reads again without it and says so; the
 * state then lacks what was not read (absent, never empty). `features` tells the caller what was read.
 */
async function captureItems(
  gql: Gql,
  projectId: string,
  fields: Record<string, FieldDef>,
  state: ProjectState,
  features: ItemsQueryFeatures,
  progress: NonNullable<CaptureOptions['onProgress']>,
  warnings: string[],
  judge?: ReuseJudge,
  serverDate?: string,
): Promise<{overflow: Array<() => Promise<void>>; since: string | null; reusable: Array<{key: string; before: ItemState}>}> {
  for (;;) {
    const items: Record<string, ItemState> = {}
    const order: string[] = []
    const overflow: Array<() => Promise<void>> = []
    const watch = new MarkerWatch()
    const reusable: Array<{key: string; before: ItemState}> = []
    let done = 0
    try {
      watch.start(Date.now())
      for await (const raw of paginate<any>(gql, projectItemsQuery(features), {id: projectId}, (d) => d.node.items)) {
        const item = toItem(raw, fields, overflow, gql, features)
        const key = itemKey(item)
        const light = lightOf(raw)
        watch.see(light)
        // what an incremental capture would have taken over, compared once the overflow pages are in (drift)
        const before = judge?.reusable(light)
        if (before && light.key === key) reusable.push({key, before})
        setOwn(items, key, item)
        order.push(key)
        done++
        if (done % 100 === 0) progress({phase: 'items', done})
      }
    } catch (error) {
      const missing = done === 0 ? missingPlanningField(error) : undefined
      if (!missing) throw error
      if (missing === 'blockedBy' && features.dependencies) features.dependencies = false
      else if (missing !== 'blockedBy' && features.planning) {
        features.planning = false
        warnings.push(`this GitHub has no ${missing} in its API: issue types and issue-field values were not read`)
      } else throw error
      continue
    }
    watch.end(Date.now())
    progress({phase: 'items', done})
    state.items = items
    state.itemOrder = order
    return {overflow, since: watch.since(serverDate), reusable}
  }
}

/** The items an incremental capture would have taken over that differ from a full read, by kind of difference. */
function drift(reused: Array<{key: string; before: ItemState}>, items: Record<string, ItemState>): NonNullable<CaptureRecord['drift']> {
  const kinds: Record<string, number> = {}
  let count = 0
  for (const {key, before} of reused) {
    const found = driftKinds(before, items[key])
    if (found.length === 0) continue
    count++
    for (const k of found) kinds[k] = (kinds[k] ?? 0) + 1
  }
  return {items: count, kinds: sortKeys(kinds)}
}

/**
 * The incremental read of the items: a light pass over every item in position order (1 point per 100 items), then
 * the items that changed or are new, read in full by id, 100 to a request. Items the light pass shows unchanged are
 * taken over from the previous backup; items gone from the light pass are gone from the project. Undefined when this
 * GitHub's schema lacks what the light pass or the look-up asks (GitHub Enterprise Server): the caller reads every
 * item instead.
 */
async function captureIncremental(
  gql: Gql,
  projectId: string,
  fields: Record<string, FieldDef>,
  state: ProjectState,
  features: ItemsQueryFeatures,
  judge: ReuseJudge,
  progress: NonNullable<CaptureOptions['onProgress']>,
  requestCount: () => number,
  serverDate: string | undefined,
): Promise<{record: CaptureRecord; overflow: Array<() => Promise<void>>} | undefined> {
  const lights: LightItem[] = []
  const taken: Array<ItemState | undefined> = []
  const watch = new MarkerWatch()
  const first = requestCount()
  try {
    watch.start(Date.now())
    for await (const raw of paginate<any>(gql, PROJECT_ITEMS_LIGHT, {id: projectId}, (d) => d.node.items)) {
      const light = lightOf(raw)
      watch.see(light)
      lights.push(light)
      taken.push(judge.reusable(light))
      if (lights.length % 1000 === 0) progress({phase: 'items (changes)', done: lights.length})
    }
    watch.end(Date.now())
  } catch (error) {
    if (lights.length === 0 && missingSchemaField(error)) return undefined
    throw error
  }
  const lightRequests = requestCount() - first
  const stale = lights.filter((_, i) => !taken[i])
  const fetched = new Map<string, any>()
  const overflow: Array<() => Promise<void>> = []
  try {
    for (let i = 0; i < stale.length; i += ITEMS_BY_ID_MAX) {
      const ids = stale.slice(i, i + ITEMS_BY_ID_MAX).map((l) => l.id)
      const data = await gql<any>(itemsByIdQuery(features), {ids})
      for (const node of data?.nodes ?? []) if (node?.__typename === 'ProjectV2Item') fetched.set(node.id, node)
      progress({phase: 'items (changed)', done: Math.min(i + ITEMS_BY_ID_MAX, stale.length), total: stale.length})
    }
  } catch (error) {
    if (missingSchemaField(error)) return undefined
    throw error
  }
  const items: Record<string, ItemState> = {}
  const order: string[] = []
  let read = 0
  let reused = 0
  lights.forEach((light, i) => {
    let item: ItemState
    const before = taken[i]
    if (before) {
      // taken over without copying what it holds (a 50,000-item project is not held twice, issue 14): only the two
      // objects this capture may still change are new, the item and its content (REST dependencies set
      // content.blockedBy); titles, bodies, values, labels stay the previous backup's own, which no one modifies
      item = before.content ? {...before, content: {...before.content}} : {...before}
      reused++
    } else {
      // an item deleted between the light pass and the look-up is gone (the next capture sees it so)
      const raw = fetched.get(light.id)
      if (!raw) return
      item = toItem(raw, fields, overflow, gql, features)
      read++
    }
    const key = itemKey(item)
    if (Object.hasOwn(items, key)) return
    setOwn(items, key, item)
    order.push(key)
  })
  progress({phase: 'items', done: order.length})
  state.items = items
  state.itemOrder = order
  return {record: {mode: 'incremental', since: watch.since(serverDate), read, reused, lightRequests}, overflow}
}

/** A schema error naming a field this GitHub lacks (GitHub Enterprise Server): the incremental capture steps aside. */
function missingSchemaField(error: unknown): boolean {
  const e = error as {message?: unknown; errors?: Array<{message?: unknown}>} | undefined
  const messages = [String(e?.message ?? ''), ...(Array.isArray(e?.errors) ? e.errors.map((x) => String(x?.message ?? '')) : [])]
  return messages.some((m) => /Field '\w+' doesn't exist on type|Cannot query field "\w+" on type/.test(m))
}

async function captureConfig(gql: Gql, projectId: string, state: ProjectState): Promise<void> {
  const views: Record<string, ViewDef> = {}
  const workflows: Record<string, WorkflowDef> = {}
  const repositories: string[] = []
  const teams: string[] = []
  type Key = 'views' | 'workflows' | 'repos' | 'teams'
  const sinks: Record<Key, (n: any) => void> = {
    views: (v) => (views[String(v.number)] = toView(v)),
    workflows: (w) => (workflows[String(w.number)] = {id: w.id, number: w.number, name: w.name, enabled: Boolean(w.enabled)}),
    repos: (r) => repositories.push(r.nameWithOwner),
    teams: (t) => teams.push(t.combinedSlug),
  }
  // One document pages through four connections at once. A finished connection keeps its end cursor, so later
  // rounds ask it for the (empty) page after its end instead of reading it again.
  const cursor: Record<Key, string | null> = {views: null, workflows: null, repos: null, teams: null}
  const open: Record<Key, boolean> = {views: true, workflows: true, repos: true, teams: true}
  while (Object.values(open).some(Boolean)) {
    const p = (await gql<any>(PROJECT_CONFIG, {id: projectId, ...cursor})).node
    const conns: Record<Key, any> = {views: p.views, workflows: p.workflows, repos: p.repositories, teams: p.teams}
    for (const key of Object.keys(conns) as Key[]) {
      if (!open[key]) continue
      for (const n of conns[key].nodes) if (n) sinks[key](n)
      open[key] = conns[key].pageInfo.hasNextPage
      if (conns[key].pageInfo.endCursor) cursor[key] = conns[key].pageInfo.endCursor
    }
  }
  state.views = views
  state.workflows = workflows
  state.repositories = [...new Set(repositories)].sort()
  state.teams = [...new Set(teams)].sort()
}

function toFieldDef(f: any, type: BackupType): FieldDef {
  const def: FieldDef = {id: f.id, name: f.name, dataType: f.dataType}
  if (typeof f.databaseId === 'number') def.databaseId = f.databaseId
  if (type === 'minimal') return def
  if (f.__typename === 'ProjectV2SingleSelectField') {
    def.options = {}
    f.options.forEach((o: any, position: number) => {
      setOwn(def.options!, o.id, {id: o.id, name: o.name, description: o.description ?? '', color: o.color, position})
    })
  }
  if (f.__typename === 'ProjectV2IterationField') {
    const c = f.configuration
    const map = (list: any[]) =>
      Object.fromEntries(list.map((i) => [i.id, {id: i.id, title: i.title, startDate: i.startDate, duration: i.duration}]))
    def.iteration = {
      duration: c.duration,
      startDay: c.startDay,
      iterations: map(c.iterations),
      completedIterations: map(c.completedIterations),
    }
  }
  return def
}

function fieldName(f: any): string | undefined {
  return f?.name
}

function toView(v: any): ViewDef {
  return {
    id: v.id,
    number: v.number,
    name: v.name,
    layout: v.layout,
    filter: v.filter ?? null,
    visibleFields: v.fields.nodes.map(fieldName).filter(Boolean),
    sortBy: v.sortByFields.nodes
      .filter((s: any) => fieldName(s.field))
      .map((s: any) => ({field: fieldName(s.field)!, direction: s.direction})),
    groupBy: v.groupByFields.nodes.map(fieldName).filter(Boolean),
    verticalGroupBy: v.verticalGroupByFields.nodes.map(fieldName).filter(Boolean),
  }
}

function toStatusUpdate(su: any): StatusUpdate {
  return {
    id: su.id,
    body: su.body ?? null,
    status: su.status ?? null,
    startDate: su.startDate ?? null,
    targetDate: su.targetDate ?? null,
    createdAt: su.createdAt,
  }
}

function toValue(v: any): FieldValue | undefined {
  switch (v.__typename) {
    case 'ProjectV2ItemFieldTextValue':
      return v.text == null ? undefined : {type: 'text', text: v.text}
    case 'ProjectV2ItemFieldNumberValue':
      return v.number == null ? undefined : {type: 'number', number: v.number}
    case 'ProjectV2ItemFieldDateValue':
      return v.date == null ? undefined : {type: 'date', date: v.date}
    case 'ProjectV2ItemFieldSingleSelectValue':
      return v.optionId == null ? undefined : {type: 'singleSelect', optionId: v.optionId, name: v.name}
    case 'ProjectV2ItemFieldIterationValue':
      return v.iterationId == null
        ? undefined
        : {type: 'iteration', iterationId: v.iterationId, title: v.title, startDate: v.startDate}
    default:
      return undefined
  }
}

function addValues(item: ItemState, nodes: any[], fields: Record<string, FieldDef>): void {
  for (const v of nodes) {
    const fieldId = v?.field?.id
    if (!fieldId || !Object.hasOwn(fields, fieldId) || !CUSTOM.has(fields[fieldId].dataType)) continue
    const value = toValue(v)
    if (value) setOwn(item.values, fieldId, value)
  }
}

function toItem(raw: any, fields: Record<string, FieldDef>, overflow: Array<() => Promise<void>>, gql: Gql, features: ItemsQueryFeatures): ItemState {
  const item: ItemState = {id: raw.id, type: raw.type, archived: Boolean(raw.isArchived), values: {}}
  addValues(item, raw.fieldValues.nodes, fields)
  if (raw.fieldValues.totalCount > raw.fieldValues.nodes.length) {
    overflow.push(async () => {
      for await (const v of paginate<any>(gql, NESTED_PAGE.fieldValues, {id: raw.id}, (d) => d.node.fieldValues)) {
        addValues(item, [v], fields)
      }
    })
  }
  const c = raw.content
  if (c?.__typename === 'DraftIssue') {
    item.draft = {id: c.id, title: c.title, body: c.body ?? '', assignees: logins(c.assignees)}
    if (c.assignees.totalCount > c.assignees.nodes.length) {
      overflow.push(async () => {
        item.draft!.assignees = await collect(gql, NESTED_PAGE.draftAssignees, c.id, (d) => d.node.assignees, (n) => n.login)
      })
    }
  } else if (c?.__typename === 'Issue' || c?.__typename === 'PullRequest') {
    const content: IssueContent = {
      kind: c.__typename,
      url: c.url,
      repository: c.repository.nameWithOwner,
      number: c.number,
      title: c.title,
      body: c.body ?? '',
      state: c.__typename === 'Issue' ? c.state : c.prState,
      stateReason: c.stateReason ?? null,
      labels: c.labels.nodes.map((l: any) => l.name).sort(),
      assignees: logins(c.assignees),
      milestone: c.milestone ? `${c.repository.nameWithOwner}#${c.milestone.number}` : null,
      parent: c.parent?.url ?? null,
      subIssues: c.subIssues ? c.subIssues.nodes.map((s: any) => s.url) : [],
    }
    if (c.__typename === 'Issue') addPlanning(content, c, features, overflow, gql)
    item.content = content
    if (c.labels.totalCount > c.labels.nodes.length) {
      overflow.push(async () => {
        content.labels = (await collect(gql, NESTED_PAGE.labels, c.id, (d) => d.node.labels, (n) => n.name)).sort()
      })
    }
    if (c.assignees.totalCount > c.assignees.nodes.length) {
      overflow.push(async () => {
        content.assignees = (await collect(gql, NESTED_PAGE.assignees, c.id, (d) => d.node.assignees, (n) => n.login)).sort()
      })
    }
    if (c.subIssues && c.subIssues.totalCount > c.subIssues.nodes.length) {
      overflow.push(async () => {
        content.subIssues = await collect(gql, NESTED_PAGE.subIssues, c.id, (d) => d.node.subIssues, (n) => n.url)
      })
    }
  }
  return item
}

/** An issue's type, issue-field values and blocked-by, as far as the items page read them. */
function addPlanning(content: IssueContent, c: any, features: ItemsQueryFeatures, overflow: Array<() => Promise<void>>, gql: Gql): void {
  if (features.planning) {
    content.issueType = c.issueType?.name ?? null
    // null connection: the repository has no issue fields (a user's repository): not captured
    if (c.issueFieldValues) {
      const values: Record<string, string | number> = {}
      for (const v of c.issueFieldValues.nodes ?? []) {
        const name = v?.field?.name
        if (!name) continue
        if (v.__typename === 'IssueFieldSingleSelectValue' && typeof v.name === 'string') setOwn(values, name, v.name)
        else if (v.__typename === 'IssueFieldDateValue' && typeof v.date === 'string') setOwn(values, name, v.date.slice(0, 10))
        else if (v.__typename === 'IssueFieldTextValue' && typeof v.text === 'string') setOwn(values, name, v.text)
        else if (v.__typename === 'IssueFieldNumberValue' && typeof v.number === 'number') setOwn(values, name, v.number)
      }
      content.issueFields = values
    }
  }
  if (features.dependencies && c.blockedBy) {
    content.blockedBy = c.blockedBy.nodes.map((n: any) => String(n.url)).sort()
    if (c.blockedBy.totalCount > c.blockedBy.nodes.length) {
      overflow.push(async () => {
        content.blockedBy = (await collect(gql, NESTED_PAGE.blockedBy, c.id, (d) => d.node.blockedBy, (n) => String(n.url))).sort()
      })
    }
  }
}

function logins(conn: any): string[] {
  return (conn?.nodes ?? []).map((u: any) => u.login).sort()
}

async function collect<T>(gql: Gql, query: string, id: string, pick: (d: any) => any, map: (n: any) => T): Promise<T[]> {
  const out: T[] = []
  for await (const n of paginate<any>(gql, query, {id}, pick)) out.push(map(n))
  return out
}

/** Yields every node of a connection, following `pageInfo.endCursor` through `$after`. */
export async function* paginate<T>(
  gql: Gql,
  query: string,
  variables: Record<string, unknown>,
  pick: (data: any) => {nodes: T[]; pageInfo: {hasNextPage: boolean; endCursor: string | null}} | undefined | null,
): AsyncGenerator<T> {
  let after: string | null = null
  for (;;) {
    const data = await gql<any>(query, {...variables, after})
    const conn = pick(data)
    if (!conn) return
    for (const n of conn.nodes) if (n) yield n
    if (!conn.pageInfo.hasNextPage) return
    after = conn.pageInfo.endCursor
  }
}

async function restPages<T>(
  rest: <R>(route: string, params: Record<string, unknown>) => Promise<R>,
  route: string,
  params: Record<string, unknown>,
): Promise<T[]> {
  const out: T[] = []
  for (let page = 1; ; page++) {
    const batch = await rest<T[]>(route, {...params, per_page: 100, page})
    out.push(...batch)
    if (batch.length < 100) return out
  }
}

async function pool<T>(list: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const runners = Array.from({length: Math.min(concurrency, list.length)}, async () => {
    while (next < list.length) await work(list[next++])
  })
  await Promise.all(runners)
}
