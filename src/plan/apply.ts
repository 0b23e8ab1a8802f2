/**
 * applyPlan: performs a plan's operations, exactly those, in dependency order.
 * - look-ups first (issue node ids, labels, users, ...), many aliased into one query;
 * - mutations aliased into ONE GraphQL request; a request never holds an operation together with one it needs data
 *   from. Batch sizes adapt to GitHub's 10-second limit (batching.ts): they start small, halve after a request cut
 *   off and grow while requests are quick (`batchSize` / `contentBatchSize` fix them instead);
 * - a request whose outcome is unknown (502/504, dropped connection: GitHub may have applied it) is never sent again
 *   blindly: a batch of operations that can be applied twice without harm (values, positions, settings) is sent again
 *   in smaller requests; any other stops the apply (`ambiguous`), and the caller re-reads the project and re-plans, so
 *   that what was applied is not applied twice (restore.ts);
 * - mutations GitHub refuses as "submitted too quickly" (per alias, inside a 200) did not run: after a wait, only they
 *   are sent again;
 * - ids remapped as they are created: new field ids, new option / iteration ids by name from the payload of the
 *   mutation that re-ided them, new item ids, new issue ids;
 * - every completed operation is recorded in a ProgressStore with what it created, so a second run skips it and
 *   still knows the ids it made.
 * Never prints: progress goes through `onProgress`.
 */
import {promises as fs} from 'node:fs'
import type {ProjectState} from '../model/state.js'
import {atomicWrite, readJsonFile} from '../util/fs.js'
import {CONTENT_CREATING, STAGE, type FieldRef, type Operation, type Plan} from './plan.js'
import {
  ResolveError,
  buildMutationDocument,
  graphqlCall,
  isRest,
  restCall,
  type GraphqlCall,
  type Resolver,
} from './mutations.js'
import {SEP, callGraphql, collectLookups, emptyLookups, resolveLookups, type GraphqlFn, type IssueFieldInfo, type Lookups} from './lookup.js'
import {isGitHubError} from '../github/errors.js'
import {AdaptiveBatch, BATCH_BOUNDS, batchOf, isTooBig} from './batching.js'

/** Where apply records finished operations, to resume after an interruption. */
export interface ProgressStore {
  done(opId: string, result: unknown): Promise<void>
  completed(): Promise<Map<string, unknown>>
  /** optional: record many at once (one write instead of many) */
  doneMany?(entries: Array<[string, unknown]>): Promise<void>
}

export class MemoryProgressStore implements ProgressStore {
  private readonly map = new Map<string, unknown>()

  async done(opId: string, result: unknown): Promise<void> {
    this.map.set(opId, result)
  }

  async doneMany(entries: Array<[string, unknown]>): Promise<void> {
    for (const [id, result] of entries) this.map.set(id, result)
  }

  async completed(): Promise<Map<string, unknown>> {
    return new Map(this.map)
  }
}

interface ProgressFile {
  version: 1
  completed: Record<string, unknown>
}

/**
 * Progress kept in a JSON file, rewritten atomically after each request, so a crash leaves the previous or the new
 * record, never a torn one. Use one file per restore: operation ids are stable, so a file reused for a later restore
 * would skip operations that have to run again.
 */
export class FileProgressStore implements ProgressStore {
  private entries: Map<string, unknown> | undefined

  constructor(readonly file: string) {}

  private async load(): Promise<Map<string, unknown>> {
    if (!this.entries) {
      const data = await readJsonFile<ProgressFile>(this.file)
      this.entries = new Map(Object.entries(data?.completed ?? {}))
    }
    return this.entries
  }

  async done(opId: string, result: unknown): Promise<void> {
    await this.doneMany([[opId, result]])
  }

  async doneMany(entries: Array<[string, unknown]>): Promise<void> {
    const map = await this.load()
    for (const [id, result] of entries) map.set(id, result ?? null)
    const body: ProgressFile = {version: 1, completed: Object.fromEntries(map)}
    await atomicWrite(this.file, JSON.stringify(body, null, 1) + '\n')
  }

  async completed(): Promise<Map<string, unknown>> {
    return new Map(await this.load())
  }

  /** Removes the file (after a restore finished without failures). */
  async clear(): Promise<void> {
    this.entries = new Map()
    await fs.rm(this.file, {force: true})
  }
}

export interface ApplyContext {
  graphql: GraphqlFn
  rest(route: string, params: Record<string, unknown>): Promise<any>
  projectId: string
  /** the live state the plan was computed against: ids of existing fields, options, iterations */
  live: ProjectState
  /** aliased mutations per request, fixed (default: adaptive, BATCH_BOUNDS.mutations) */
  batchSize?: number
  /** aliased content-creating mutations per request, fixed (default: adaptive, BATCH_BOUNDS.content; never more than batchSize) */
  contentBatchSize?: number
  /** aliased look-ups per query, fixed (default: adaptive, BATCH_BOUNDS.lookups) */
  lookupBatchSize?: number
  /** batch sizes carried over from an earlier apply (a restore's next round starts where the last one ended) */
  batches?: Batches
  /** measures requests for batch sizing (default Date.now; a test passes the sandbox's clock) */
  now?: () => number
  /** waits (default a timer; a test moves the sandbox's manual clock) */
  sleep?: (ms: number) => Promise<void>
  /** first wait before re-sending mutations refused as "submitted too quickly" (default 60 s, doubled each time) */
  tooQuicklyWaitMs?: number
  onProgress?(done: number, total: number): void
  journal?: ProgressStore
}

/** Ids created by apply. */
export interface IdMap {
  /** field name → id of the field created */
  fields: Record<string, string>
  /** field id → option name → option id, for fields whose options were created or replaced */
  options: Record<string, Record<string, string>>
  /** field id → iteration title → iteration id */
  iterations: Record<string, Record<string, string>>
  /** item key → id of the item added */
  items: Record<string, string>
  /** content URL in the plan → node id (and database id) of the issue created to replace it */
  content: Record<string, {id: string; url: string; databaseId: number | null}>
  /** content URL in the plan → URL of its replacement: pass as `urlMap` to later diffs */
  urls: Record<string, string>
}

/** The adaptive batch sizes of one apply. */
export interface Batches {
  mutations: AdaptiveBatch
  content: AdaptiveBatch
  lookups: AdaptiveBatch
}

/** Batch sizes for `ctx` (fixed ones when it sets them). */
export function batchesFor(ctx: Pick<ApplyContext, 'batchSize' | 'contentBatchSize' | 'lookupBatchSize'>): Batches {
  const mutations = batchOf(ctx.batchSize, BATCH_BOUNDS.mutations)
  const content = ctx.contentBatchSize ?? (ctx.batchSize === undefined ? undefined : Math.min(ctx.batchSize, BATCH_BOUNDS.content.max))
  return {
    mutations,
    content: batchOf(content === undefined ? undefined : Math.min(content, mutations.bounds.max), BATCH_BOUNDS.content),
    lookups: batchOf(ctx.lookupBatchSize, BATCH_BOUNDS.lookups),
  }
}

export interface ApplyFailure {
  id: string
  op: Operation['op']
  error: string
  /** GitHub may have applied it: the outcome is unknown until the project is read again */
  ambiguous?: true
}

export interface ApplyResult {
  /** operations performed by this run */
  applied: number
  /** operations skipped because the progress store says a previous run performed them */
  skipped: number
  failed: ApplyFailure[]
  idMap: IdMap
  /** the apply stopped on a request whose outcome is unknown: re-read the project and re-plan before going on */
  ambiguous: boolean
}

interface FieldResult {
  fieldId: string
  options?: Record<string, string>
  iterations?: Record<string, string>
}

interface Pending {
  op: Operation
  call: GraphqlCall
}

export async function applyPlan(plan: Plan, ctx: ApplyContext): Promise<ApplyResult> {
  return new Applier(plan, ctx).run()
}

class Applier {
  private readonly idMap: IdMap = {fields: {}, options: {}, iterations: {}, items: {}, content: {}, urls: {}}
  private readonly state = new Map<string, 'done' | 'failed'>()
  private readonly failed: ApplyFailure[] = []
  private lookups: Lookups = emptyLookups()
  private viewInfo: {fields: Map<string, number>; ownerDatabaseId: number | null} | undefined
  private applied = 0
  private skipped = 0
  private processed = 0
  private readonly batch: AdaptiveBatch
  private readonly contentBatch: AdaptiveBatch
  private readonly lookupBatch: AdaptiveBatch
  private readonly now: () => number
  private stopped: string | undefined
  private ambiguous = false

  constructor(
    private readonly plan: Plan,
    private readonly ctx: ApplyContext,
  ) {
    const batches = ctx.batches ?? batchesFor(ctx)
    this.batch = batches.mutations
    this.contentBatch = batches.content
    this.lookupBatch = batches.lookups
    this.now = ctx.now ?? Date.now
  }

  async run(): Promise<ApplyResult> {
    const completed = (await this.ctx.journal?.completed()) ?? new Map<string, unknown>()
    const pending: Operation[] = []
    for (const op of this.plan.operations) {
      if (completed.has(op.id)) {
        this.record(op, completed.get(op.id))
        this.state.set(op.id, 'done')
        this.skipped++
        this.processed++
      } else {
        pending.push(op)
      }
    }
    this.progress()
    this.lookups = await resolveLookups(this.ctx.graphql, collectLookups(pending), emptyLookups(), this.lookupBatch, this.now)

    let batch: Pending[] = []
    for (const op of pending) {
      if (this.stopped) {
        this.fail(op, `not attempted: ${this.stopped}`)
        continue
      }
      if (batch.length && this.mustFlush(batch, op)) {
        await this.flush(batch)
        batch = []
        if (this.stopped) {
          this.fail(op, `not attempted: ${this.stopped}`)
          continue
        }
      }
      const broken = op.deps.find((d) => this.state.get(d) === 'failed')
      if (broken) {
        this.fail(op, `not attempted: it needs ${broken}, which failed`)
        continue
      }
      if (isRest(op)) {
        await this.runRest(op)
        continue
      }
      try {
        batch.push({op, call: graphqlCall(op, this.resolver())})
      } catch (error) {
        if (!(error instanceof ResolveError)) throw error
        this.fail(op, error.message)
      }
    }
    if (batch.length) await this.flush(batch)
    return {applied: this.applied, skipped: this.skipped, failed: this.failed, idMap: this.idMap, ambiguous: this.ambiguous}
  }

  private mustFlush(batch: Pending[], op: Operation): boolean {
    if (isRest(op)) return true
    const first = batch[0].op
    const content = CONTENT_CREATING.has(op.op)
    if (STAGE[first.op] !== STAGE[op.op] || CONTENT_CREATING.has(first.op) !== content) return true
    if (batch.length >= (content ? this.contentBatch : this.batch).size) return true
    const inBatch = new Set(batch.map((p) => p.op.id))
    // aliased mutations run one after the other, so an operation that only needs to come AFTER another (a move after a
    // move) may share its request; one that needs an id the other creates may not
    const ordering = (kind: string) => kind === 'moveItem' || kind === 'reorderSubIssue'
    return op.deps.some((d) => inBatch.has(d) && !(ordering(op.op) && batch.find((p) => p.op.id === d)?.op.op === op.op))
  }

  /**
   * Sends a batch, in requests of the current batch size. A request cut off or lost: sent again in smaller requests
   * when every operation in it may be applied twice (IDEMPOTENT), otherwise the apply stops (see the file header).
   * Operations refused as "submitted too quickly" are sent again, alone, after a wait.
   */
  private async flush(batch: Pending[]): Promise<void> {
    let queue = batch
    let resends = 0
    let tooQuickly = 0
    while (queue.length > 0 && !this.stopped) {
      const sizer = CONTENT_CREATING.has(queue[0].op.op) ? this.contentBatch : this.batch
      const chunk = queue.slice(0, sizer.size)
      queue = queue.slice(chunk.length)
      const sent = await this.send(chunk)
      if (sent.ok) {
        sizer.succeeded(sent.ms)
        if (sent.refused.length === 0) continue
        if (++tooQuickly > MAX_TOO_QUICKLY_WAITS) {
          for (const p of sent.refused) this.fail(p.op, 'GitHub refused it as submitted too quickly, even after waiting')
          continue
        }
        await this.sleep((this.ctx.tooQuicklyWaitMs ?? DEFAULT_TOO_QUICKLY_WAIT_MS) * 2 ** (tooQuickly - 1))
        queue = [...sent.refused, ...queue]
        continue
      }
      const tooBig = isTooBig(sent.error)
      if (tooBig) sizer.timedOut()
      if (tooBig && resends++ < MAX_RESENDS && chunk.every((p) => IDEMPOTENT.has(p.op.op))) {
        // applied or not, these operations may run again without harm: smaller requests this time
        queue = [...chunk, ...queue]
        continue
      }
      const message = errorMessage(sent.error)
      const unknown = isGitHubError(sent.error, 'ambiguous')
      if (unknown) this.ambiguous = true
      this.stopped = unknown ? `apply stopped: ${message}` : `apply stopped after a failed request (${message})`
      for (const p of chunk) this.fail(p.op, message, unknown)
      for (const p of queue) this.fail(p.op, `not attempted: ${this.stopped}`)
      queue = []
    }
    this.progress()
  }

  /** One request: what it confirmed is recorded; what GitHub refused as too quick comes back in `refused`. */
  private async send(chunk: Pending[]): Promise<{ok: true; ms: number; refused: Pending[]} | {ok: false; error: unknown}> {
    const {query, variables, aliases} = buildMutationDocument(chunk.map((p) => p.call))
    const started = this.now()
    let answer: Awaited<ReturnType<typeof callGraphql>>
    try {
      answer = await callGraphql(this.ctx.graphql, query, variables, aliases[0])
    } catch (error) {
      return {ok: false, error}
    }
    const ms = this.now() - started
    const done: Array<[string, unknown]> = []
    const refused: Pending[] = []
    chunk.forEach((p, i) => {
      const alias = aliases[i]
      const error = answer.errors.find((e) => e.path?.[0] === alias)
      const payload = answer.data?.[alias]
      if (error && isTooQuickly(error)) {
        refused.push(p)
        return
      }
      if (error || payload === null || payload === undefined) {
        this.fail(p.op, error ? error.message : 'GitHub returned no result')
        return
      }
      try {
        const result = extractResult(p.op, payload)
        this.record(p.op, result)
        this.state.set(p.op.id, 'done')
        this.applied++
        this.processed++
        done.push([p.op.id, result])
      } catch (e) {
        this.fail(p.op, errorMessage(e))
      }
    })
    await this.journal(done)
    this.progress()
    return {ok: true, ms, refused}
  }

  private async sleep(ms: number): Promise<void> {
    if (this.ctx.sleep) await this.ctx.sleep(ms)
    else await new Promise((resolve) => setTimeout(resolve, ms))
  }

  private async runRest(op: Operation): Promise<void> {
    try {
      if (op.op === 'createView' && !this.viewInfo) await this.loadViewInfo()
      const {route, params} = restCall(op, this.resolver())
      const response = await this.ctx.rest(route, params)
      const data = response && typeof response === 'object' && 'data' in response ? response.data : response
      const result = op.op === 'createView' ? {viewId: data?.id ?? null, number: data?.number ?? null} : null
      this.state.set(op.id, 'done')
      this.applied++
      this.processed++
      await this.journal([[op.id, result]])
    } catch (error) {
      const unknown = isGitHubError(error, 'ambiguous')
      this.fail(op, errorMessage(error), unknown)
      if (unknown) {
        // a view or a dependency may have been created: re-read before anything else
        this.ambiguous = true
        this.stopped = `apply stopped: ${errorMessage(error)}`
      }
    }
    this.progress()
  }

  /** Field database ids (REST views name fields by them) and, for a user's project, the user's database id. */
  private async loadViewInfo(): Promise<void> {
    const owner = this.ctx.live.project.owner
    const user = owner.type === 'User' && typeof owner.databaseId !== 'number'
    const query = user ? VIEW_INFO_USER_QUERY : VIEW_INFO_QUERY
    const {data} = await callGraphql(this.ctx.graphql, query, {project: this.ctx.projectId, ...(user ? {login: owner.login} : {})}, 'node')
    const fields = new Map<string, number>()
    for (const f of data?.node?.fields?.nodes ?? []) {
      if (f?.name && typeof f.databaseId === 'number') fields.set(f.name, f.databaseId)
    }
    this.viewInfo = {fields, ownerDatabaseId: owner.databaseId ?? (user ? (data?.user?.databaseId ?? null) : null)}
  }

  private async journal(entries: Array<[string, unknown]>): Promise<void> {
    const j = this.ctx.journal
    if (!j || !entries.length) return
    if (j.doneMany) await j.doneMany(entries)
    else for (const [id, result] of entries) await j.done(id, result)
  }

  private fail(op: Operation, error: string, ambiguous = false): void {
    this.state.set(op.id, 'failed')
    this.failed.push({id: op.id, op: op.op, error, ...(ambiguous ? {ambiguous: true as const} : {})})
    this.processed++
  }

  private progress(): void {
    this.ctx.onProgress?.(this.processed, this.plan.operations.length)
  }

  /** Remembers what an operation created (from this run's payload or a previous run's journal). */
  private record(op: Operation, result: unknown): void {
    const r = (result ?? {}) as Record<string, any>
    switch (op.op) {
      case 'createField':
      case 'renameField':
      case 'restoreOptions':
      case 'restoreIterations': {
        const f = r as FieldResult
        if (!f.fieldId) return
        if (op.op === 'createField') this.idMap.fields[op.field.name] = f.fieldId
        // aliased mutations run in order, so the latest payload always holds the field's current option ids
        if (f.options) this.idMap.options[f.fieldId] = f.options
        if (f.iterations) this.idMap.iterations[f.fieldId] = f.iterations
        return
      }
      case 'addItem':
      case 'createDraft':
        if (r.itemId) this.idMap.items[op.item.key] = r.itemId
        return
      case 'createIssue':
        if (r.id) {
          this.idMap.content[op.content.url] = {id: r.id, url: r.url, databaseId: r.databaseId ?? null}
          if (r.url) this.idMap.urls[op.content.url] = r.url
        }
        return
      default:
        return
    }
  }

  private resolver(): Resolver {
    const {live, projectId} = this.ctx
    const idMap = this.idMap
    const lookups = this.lookups
    const fieldId = (f: FieldRef): string => {
      const id = f.liveId ?? idMap.fields[f.name]
      if (!id) throw new ResolveError(`field '${f.name}' does not exist (it was not created)`)
      return id
    }
    const named = <T>(map: Map<string, T | null>, key: string, what: string): T => {
      const v = map.get(key)
      if (v === null || v === undefined) throw new ResolveError(`${what} not found on GitHub`)
      return v
    }
    return {
      projectId,
      fieldId,
      itemId: (item) => {
        const id = item.liveId ?? idMap.items[item.key]
        if (!id) throw new ResolveError(`item ${item.label} is not in the project (it was not added)`)
        return id
      },
      optionId: (f, name) => {
        const id = fieldId(f)
        const options =
          idMap.options[id] ??
          Object.fromEntries(Object.values(live.fields[id]?.options ?? {}).map((o) => [o.name, o.id] as [string, string]))
        const optionId = options[name]
        if (!optionId) throw new ResolveError(`option '${name}' does not exist on field '${f.name}'`)
        return optionId
      },
      iterationId: (f, title) => {
        const id = fieldId(f)
        const it = live.fields[id]?.iteration
        const iterations =
          idMap.iterations[id] ??
          Object.fromEntries([...Object.values(it?.iterations ?? {}), ...Object.values(it?.completedIterations ?? {})].map((i) => [i.title, i.id]))
        const iterationId = iterations[title]
        if (!iterationId) throw new ResolveError(`iteration '${title}' does not exist on field '${f.name}'`)
        return iterationId
      },
      contentId: (c) => {
        if (c.createdBy) {
          const made = idMap.content[c.url]
          if (!made) throw new ResolveError(`issue recreated for ${c.url} does not exist`)
          return made.id
        }
        return named(lookups.content, c.url, `${c.repository}#${c.number}`).id
      },
      contentDatabaseId: (c) => {
        const ids = c.createdBy ? idMap.content[c.url] : lookups.content.get(c.url)
        if (!ids || ids.databaseId === null) throw new ResolveError(`${c.repository}#${c.number} not found on GitHub`)
        return ids.databaseId
      },
      contentNumber: (c) => {
        const created = c.createdBy ? idMap.content[c.url] : undefined
        if (!created) return c.number
        const n = Number(/\/(\d+)$/.exec(created.url)?.[1])
        if (!Number.isInteger(n)) throw new ResolveError(`the issue recreated for ${c.repository}#${c.number} has no number in its URL`)
        return n
      },
      labelIds: (repo, names) => names.map((n) => named(lookups.label, repo + SEP + n, `label '${n}' in ${repo}`)),
      userIds: (logins) => logins.map((l) => named(lookups.user, l, `user '${l}'`)),
      milestoneId: (repo, title) => named(lookups.milestone, repo + SEP + title, `milestone '${title}' in ${repo}`),
      repositoryId: (repo) => named(lookups.repository, repo, `repository ${repo}`),
      teamId: (team) => named(lookups.team, team, `team ${team}`),
      issueTypeId: (repo, name) => {
        const id = lookups.issueType.get(repo + SEP + name)
        if (!id) throw new ResolveError(`issue type '${name}' does not exist in ${repo.split('/')[0]} (create it in the organization's settings, then restore again)`)
        return id
      },
      issueFieldInput: (repo, name, value) => issueFieldInput(lookups.issueFields.get(repo), repo, name, value),
      fieldDatabaseId: (name) => {
        const id = this.viewInfo?.fields.get(name)
        if (id === undefined) throw new ResolveError(`field '${name}' has no database id in the project`)
        return id
      },
      viewRoute: () => {
        const {owner, number} = live.project
        if (owner.type === 'Organization') return {route: 'orgs/{org}', params: {org: owner.login, project_number: number}}
        const userId = this.viewInfo?.ownerDatabaseId
        if (userId === null || userId === undefined) throw new ResolveError(`user ${owner.login} not found on GitHub`)
        return {route: 'users/{user_id}', params: {user_id: userId, project_number: number}}
      },
    }
  }
}

/** The `IssueFieldCreateOrUpdateInput` for one issue field of a repository's organization (value null: delete it). */
function issueFieldInput(fields: IssueFieldInfo[] | null | undefined, repo: string, name: string, value: string | number | null): Record<string, unknown> {
  if (!fields) throw new ResolveError(`${repo} has no issue fields (they exist only in organizations' repositories)`)
  const field = fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase())
  if (!field) throw new ResolveError(`issue field '${name}' does not exist in ${repo.split('/')[0]} (create it in the organization's settings, then restore again)`)
  if (value === null) return {fieldId: field.id, delete: true}
  switch (field.dataType) {
    case 'NUMBER':
      if (typeof value !== 'number') throw new ResolveError(`issue field '${name}' is a number field now; the backup's value ${JSON.stringify(value)} is not a number`)
      return {fieldId: field.id, numberValue: value}
    case 'DATE':
      return {fieldId: field.id, dateValue: String(value)}
    case 'SINGLE_SELECT': {
      const optionId = field.options[String(value)]
      if (!optionId) throw new ResolveError(`option '${String(value)}' does not exist on issue field '${name}'`)
      return {fieldId: field.id, singleSelectOptionId: optionId}
    }
    default:
      return {fieldId: field.id, textValue: String(value)}
  }
}

/**
 * Operations that may be applied twice with the same result (they set a state, they create nothing): a request of
 * them whose outcome is unknown can be sent again. `addItem` too: adding an item that is already there returns it.
 */
const IDEMPOTENT: ReadonlySet<Operation['op']> = new Set<Operation['op']>([
  'updateProject',
  'renameField',
  'addItem',
  'updateDraft',
  'archiveItem',
  'unarchiveItem',
  'setValue',
  'clearValue',
  'moveItem',
  'updateContent',
  'setIssueState',
  'addLabels',
  'removeLabels',
  'addAssignees',
  'removeAssignees',
  'setMilestone',
  // set a state, create nothing (issue types, issue-field values, sub-issue order, the template flag)
  'setIssueType',
  'setIssueFields',
  'reorderSubIssue',
  'setTemplate',
])

/** Re-sends of an idempotent batch after requests cut off, per flush, before the apply stops. */
const MAX_RESENDS = 6
/** Waits for "submitted too quickly" per flush before the refused operations fail. */
const MAX_TOO_QUICKLY_WAITS = 5
export const DEFAULT_TOO_QUICKLY_WAIT_MS = 60_000

/** GitHub's per-mutation refusal of content created too fast (cli/cli#4801). */
function isTooQuickly(error: {type?: string; message: string}): boolean {
  return error.type === 'UNPROCESSABLE' && /submitted too quickly/i.test(error.message)
}

export const VIEW_INFO_QUERY = `query RestoreViewFields($project: ID!) {
  node(id: $project) { ... on ProjectV2 { fields(first: 100) { nodes { ... on ProjectV2FieldCommon { name databaseId } } } } }
}`

export const VIEW_INFO_USER_QUERY = `query RestoreViewFields($project: ID!, $login: String!) {
  node(id: $project) { ... on ProjectV2 { fields(first: 100) { nodes { ... on ProjectV2FieldCommon { name databaseId } } } } }
  user(login: $login) { databaseId }
}`

/** What an operation's payload tells us, kept in the progress store. */
function extractResult(op: Operation, payload: any): unknown {
  switch (op.op) {
    case 'createField':
    case 'renameField':
    case 'restoreOptions':
    case 'restoreIterations': {
      const f = payload.projectV2Field
      if (!f?.id) throw new Error('GitHub did not return the field')
      const result: FieldResult = {fieldId: f.id}
      if (Array.isArray(f.options)) result.options = Object.fromEntries(f.options.map((o: any) => [o.name, o.id]))
      if (f.configuration) {
        const all = [...(f.configuration.iterations ?? []), ...(f.configuration.completedIterations ?? [])]
        result.iterations = Object.fromEntries(all.map((i: any) => [i.title, i.id]))
      }
      if (op.op === 'restoreOptions' && !result.options) throw new Error('GitHub did not return the new options')
      if (op.op === 'restoreIterations' && !result.iterations) throw new Error('GitHub did not return the new iterations')
      return result
    }
    case 'addItem':
      if (!payload.item?.id) throw new Error('GitHub did not return the item')
      return {itemId: payload.item.id}
    case 'createDraft':
      if (!payload.projectItem?.id) throw new Error('GitHub did not return the draft item')
      return {itemId: payload.projectItem.id, draftId: payload.projectItem.content?.id ?? null}
    case 'createIssue':
      if (!payload.issue?.id) throw new Error('GitHub did not return the issue')
      return {id: payload.issue.id, url: payload.issue.url, number: payload.issue.number, databaseId: payload.issue.databaseId ?? null}
    default:
      return null
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0]
  return String(error)
}
