import {readdir} from 'node:fs/promises'
import path from 'node:path'
import type {GitHubClient} from '../github/client.js'
import {captureProject} from '../github/capture.js'
import {mutationNames} from '../github/capabilities.js'
import {PROJECT_FIELDS, parseProjectRef, resolveProject, toProjectInfo, type ProjectInfo} from '../github/project-ref.js'
import {isGitHubError} from '../github/errors.js'
import type {EventHeader} from '../journal/events.js'
import {closestNames, type Journal} from '../journal/journal.js'
import {canonicalDigest} from '../journal/json-stream.js'
import {validateJournal} from '../journal/validate.js'
import {normalizeState} from '../model/normalize.js'
import {SECTIONS, type ProjectState} from '../model/state.js'
import {applyPlan, batchesFor, FileProgressStore, type ApplyResult, type ProgressStore} from '../plan/apply.js'
import {diff, mapDesired, unmatchedSelections} from '../plan/diff.js'
import {viewDifferences} from '../plan/compare.js'
import {findMissingContent} from '../plan/lookup.js'
import {fieldUpdateBlocker, GITHUB_DEFAULT_VIEW, type DiffOptions, type Plan} from '../plan/plan.js'
import {parseLockInfo, type LockHandle} from '../storage/backend.js'
import {githubPmHome} from '../storage/home.js'
import {LocalBackend} from '../storage/local.js'
// what GitHub puts into a new project: one description, shared with the sandbox that reproduces it
import {DEFAULT_FIELDS, DEFAULT_STATUS_OPTIONS, DEFAULT_VIEW_FIELDS, DEFAULT_WORKFLOWS} from '../github/defaults.js'
import {hashOf} from '../util/canonical.js'
import {UserError} from '../util/errors.js'
import {atomicWrite, readJsonFile} from '../util/fs.js'
import {stamp} from '../util/time.js'
import {readExportFile} from './documents.js'
import {copyShadow, copyTitle, decideResurrection, shadowAsCopy, shadowOf, type CheckShadow, type Resurrection, type ShadowRef} from './resurrect.js'
import {checkShadow} from './shadow.js'
import {backedUpProjectId, journalFor, projectText, writeJournal, type Repository, type Session} from './session.js'

export interface RestoreRequest {
  /** backup name, unique prefix or `latest` (ignored with `at` or `fromFile`) */
  backup?: string
  /** point in time: the newest backup at or before it */
  at?: Date
  /** an exported document instead of the journal */
  fromFile?: string
  /** --project: the project whose backups are read (and, without `to`, restored) */
  project?: string
  /** --to: another project to restore into, or `new:OWNER` for a new project under OWNER */
  to?: string
  /** allow restoring into a project other than the one backed up (another owner, host or copy) */
  adaptEnvironment?: boolean
  /** `--undo`: restore the safety backup the last restore of the project took */
  undo?: boolean
  /** `--use-edited-shadow`: a new project starts from the backup's shadow even when it was changed since the backup */
  useEditedShadow?: boolean
  diff: DiffOptions
}

export interface Desired {
  state: ProjectState
  /** the backup it came from */
  source: {name: string; timestamp: string; type: string; projectId: string; url: string; file?: string; shadow?: ShadowRef}
}

export interface PreparedRestore {
  desired: Desired
  target: ProjectInfo | NewTarget
  /** the live state the plan was computed against (an empty project when the target is still to be created) */
  live: ProjectState
  plan: Plan
  /** where progress is recorded, unique per (target, source state, options) */
  recordKey: string
  /** the diff options the plan was made with (urlMap and missing content included) */
  options: DiffOptions
  /** releases the restore lock on the target project (prepared with `exclusive`); harmless when there is none */
  release(): Promise<void>
  /** for a new project: whether it starts from the backup's shadow, and what cannot be brought back */
  resurrection?: Resurrection
}

/** A project the restore is still to create: under `owner`; `replaces` is the URL of the deleted project it rebuilds. */
export interface NewTarget {
  id: null
  url: null
  owner: {login: string; type: 'User' | 'Organization'}
  title: string
  replaces?: string
}

/** Reads what the project should become: a backup from the journal (validated first) or an exported document. */
export async function loadDesired(session: Session, repo: Repository | undefined, request: RestoreRequest): Promise<Desired> {
  if (request.fromFile) {
    const imported = await readExportFile(request.fromFile)
    return {
      state: imported.state,
      source: {
        name: imported.meta.name,
        timestamp: imported.meta.timestamp,
        type: imported.meta.type,
        projectId: imported.state.project.id,
        url: imported.state.project.url,
        file: request.fromFile,
      },
    }
  }
  if (!repo) throw new Error('loadDesired: a repository is needed to read backups')
  const projectId = await backedUpProjectId(session, repo, request.project)
  const journal = await journalFor(session, repo, projectId)
  const header: EventHeader = request.undo
    ? undoPoint(journal)
    : request.at
      ? journal.at(request.at)
      : journal.find(request.backup ?? 'latest')
  const report = await validateJournal(repo.backend, repo.codec, projectId, header.seq)
  if (report.status !== 'valid') {
    const bad = report.issues[0]
    throw new UserError(
      `backup ${header.name} is damaged (${bad?.name}: ${bad?.problem}); nothing was changed. Run \`github-pm backup validate\` for details, or restore an older backup`,
      {code: 'EDAMAGED'},
    )
  }
  const state = await journal.takeState(header)
  const shadow = shadowOf(header)
  return {
    state,
    source: {name: header.name, timestamp: header.timestamp, type: header.type, projectId, url: state.project.url, ...(shadow ? {shadow} : {})},
  }
}

/**
 * What `--undo` restores: the safety backup of the last restore, taken before it changed anything. A resumed restore's
 * own safety backup (of changes made during the interruption) points at it: undoing the restore goes back to before
 * its first run; the changes made meanwhile stay in that later safety backup, restorable by name.
 */
function undoPoint(journal: Journal): EventHeader {
  const last = journal.latestSafety()
  const first = (last.summary as {resumeOf?: unknown} | undefined)?.resumeOf
  if (typeof first !== 'string') return last
  try {
    return journal.find(first)
  } catch {
    return last
  }
}

/**
 * A config or minimal backup says nothing about the sections it does not hold: they are taken from the live project,
 * so the plan leaves them alone. A minimal backup keeps field names and types only: options and iterations of fields
 * that still exist are taken from live too.
 */
export function completeDesired(desired: ProjectState, live: ProjectState): ProjectState {
  if (desired.type === 'full') return desired
  const out: ProjectState = {...desired, type: 'full'}
  const held = new Set<string>(SECTIONS[desired.type])
  for (const section of SECTIONS.full) {
    if (!held.has(section)) (out as any)[section] = structuredClone((live as any)[section])
  }
  // the live items' values are keyed by live field ids: a field re-created since (new id, same name) carries them
  // under the backup's id, so the plan sees them as they are instead of as values to clear
  const liveByName = new Map(Object.values(live.fields).map((f) => [f.name, f]))
  const renamed = new Map<string, string>()
  for (const f of Object.values(desired.fields)) {
    const l = live.fields[f.id] ? undefined : liveByName.get(f.name)
    if (l && l.dataType === f.dataType && !desired.fields[l.id]) renamed.set(l.id, f.id)
  }
  if (!held.has('items') && renamed.size && out.items) {
    out.items = Object.fromEntries(
      Object.entries(out.items).map(([k, it]) => [
        k,
        {...it, values: Object.fromEntries(Object.entries(it.values).map(([fid, v]) => [renamed.get(fid) ?? fid, v]))},
      ]),
    )
  }
  if (desired.type === 'minimal') {
    out.fields = Object.fromEntries(
      Object.entries(desired.fields).map(([id, f]) => {
        const l = live.fields[id] ?? liveByName.get(f.name)
        return [id, l && l.dataType === f.dataType ? {...f, options: l.options, iteration: l.iteration} : f]
      }),
    )
  }
  return out
}

/**
 * A project still to be created, as a live state: what GitHub puts into every new project (the built-in fields, the
 * Status field with its default options, the default view "View 1", the built-in workflows), so the plan for a new
 * project is the one the restore will apply once it exists: it neither warns about built-in fields, workflows or
 * views' Title column as missing, nor plans what GitHub makes by itself. Ids are placeholders: the apply plans again
 * against the created project.
 */
export function emptyProject(owner: {login: string; type: 'User' | 'Organization'}, title: string): ProjectState {
  const fields: ProjectState['fields'] = {}
  for (const f of DEFAULT_FIELDS) {
    const id = `new-field:${f.name}`
    fields[id] = {id, name: f.name, dataType: f.dataType}
    if (f.dataType === 'SINGLE_SELECT') {
      fields[id].options = Object.fromEntries(DEFAULT_STATUS_OPTIONS.map((o, position) => [o.id, {...o, position}]))
    }
  }
  const workflows: NonNullable<ProjectState['workflows']> = {}
  DEFAULT_WORKFLOWS.forEach((w, i) => {
    workflows[String(i + 1)] = {id: `new-workflow:${i + 1}`, number: i + 1, name: w.name, enabled: w.enabled}
  })
  return {
    schemaVersion: 1,
    type: 'full',
    project: {
      id: 'new',
      number: 0,
      url: '',
      owner,
      title,
      shortDescription: null,
      readme: null,
      public: false,
      closed: false,
      template: false,
    },
    fields,
    views: {
      '1': {
        id: 'new-view:1',
        number: 1,
        name: GITHUB_DEFAULT_VIEW,
        layout: 'TABLE_LAYOUT',
        filter: null,
        visibleFields: [...DEFAULT_VIEW_FIELDS],
        sortBy: [],
        groupBy: [],
        verticalGroupBy: [],
      },
    },
    workflows,
    repositories: [],
    teams: [],
    statusUpdates: {},
    items: {},
    itemOrder: [],
    milestones: {},
  }
}

/** Which project the restore changes. */
export async function resolveTarget(
  client: GitHubClient,
  desired: Desired,
  request: RestoreRequest,
): Promise<PreparedRestore['target']> {
  if (request.to?.startsWith('new:')) {
    const login = request.to.slice(4)
    if (!login) throw new UserError('--to new:OWNER needs the owner login, e.g. --to new:acme')
    const owner = await ownerOf(client, login)
    return {id: null, url: null, owner, title: desired.state.project.title}
  }
  if (request.to) return resolveProject(client, parseProjectRef(request.to))
  const sourceId = desired.source.projectId
  try {
    return await resolveProject(client, {kind: 'id', id: sourceId})
  } catch (error) {
    if (!isGitHubError(error) || (error as any).kind !== 'not-found') throw error
  }
  // the backed-up project is not here (another host, or it was deleted): find it by owner/number, or say what to do
  if (request.adaptEnvironment) {
    const {owner, number} = desired.state.project
    try {
      return await resolveProject(client, {kind: 'number', owner: owner.login, ownerType: owner.type, number})
    } catch (error) {
      if (!isGitHubError(error) || (error as any).kind !== 'not-found') throw error
    }
    return {id: null, url: null, owner: await ownerOf(client, owner.login), title: desired.state.project.title}
  }
  // deleted: rebuilt as a new project of the same owner when the backup has a usable shadow (its views and
  // workflows), or found where an earlier restore rebuilt it (rebuiltTarget); otherwise planRestore refuses and says
  // how to choose a new project knowing what is lost
  const owner = await ownerOf(client, desired.state.project.owner.login).catch(() => undefined)
  if (owner) return {id: null, url: null, owner, title: desired.state.project.title, replaces: desired.source.url}
  throw deletedProject(desired)
}

function deletedProject(desired: Desired): UserError {
  return new UserError(
    `project ${desired.source.url} (${desired.source.projectId}) does not exist here: restore into another project with --to OWNER/NUMBER, or into a new one with --to new:OWNER --adapt-environment`,
    {code: 'ENOTFOUND'},
  )
}

async function ownerOf(client: GitHubClient, login: string): Promise<{login: string; type: 'User' | 'Organization'}> {
  const data = await client.graphql<any>(
    `query RestoreOwner($login: String!) { repositoryOwner(login: $login) { __typename login } }`,
    {login},
  )
  const o = data?.repositoryOwner
  if (!o) throw new UserError(`owner ${login} not found, or your token cannot see it`, {code: 'ENOTFOUND'})
  return {login: o.login, type: o.__typename === 'Organization' ? 'Organization' : 'User'}
}

export function restoresDir(env: NodeJS.ProcessEnv): string {
  return path.join(githubPmHome(env), 'restores')
}

/** What a restore records about itself: read back by a re-run to resume, and by the user to see what was done. */
export interface RestoreRecord {
  key: string
  status: 'running' | 'done' | 'failed'
  started: string
  updated: string
  source: Desired['source']
  target: {id: string; url: string}
  safetyBackup: string | null
  applied: number
  failed: ApplyResult['failed']
  /** content URL in the backup → URL of the issue recreated for it, for later runs */
  urls: Record<string, string>
  remaining: number
  /**
   * hash of each element of the live project (settings, each field, view, part of an item, ...) as the run read it
   * before applying: what a safety backup holds. A run resuming this restore compares them with the project it reads
   * anew: an element that is now neither this nor the backup's was changed by someone else since, during the run or
   * after it. Absent in records written before it existed (a resume then trusts nothing).
   */
  liveHashes?: Record<string, string>
  /** safety backups taken by resumed runs, of what was changed in the project since the interruption */
  resumeBackups?: string[]
  /** elements the restore itself changes only for a while (an archived item unarchived to edit it, then archived) */
  transient?: string[]
}

/**
 * The live project as elements a person would name (project settings, each field, view and item by name or URL, the
 * workflows, links, status updates, order, milestones), each with the hash of its normalised form (normalizeState:
 * no GitHub ids, so a re-created option or re-added draft that looks the same hashes the same).
 */
export function elementHashes(state: ProjectState): Record<string, string> {
  const n = normalizeState(state) as Record<string, unknown>
  const out: Record<string, string> = {}
  for (const [section, value] of Object.entries(n)) {
    if (section === 'items' && value && typeof value === 'object') {
      // an item by its parts (content, archived, each value): one restore operation changes one part, so a part the
      // interrupted run left halfway is rare, and a part someone else changed is named
      for (const [key, item] of Object.entries(value as Record<string, Record<string, unknown>>)) {
        for (const [part, v] of Object.entries(item)) {
          if (part === 'values' && v && typeof v === 'object') {
            for (const [field, fv] of Object.entries(v as Record<string, unknown>)) out[`item ${key}: value ${field}`] = shortHash(fv)
          } else {
            out[`item ${key}: ${part}`] = shortHash(v ?? null)
          }
        }
      }
    } else if ((section === 'fields' || section === 'views') && value && typeof value === 'object') {
      for (const [name, element] of Object.entries(value as Record<string, unknown>)) out[`${section.slice(0, -1)} ${name}`] = shortHash(element)
    } else {
      out[section] = shortHash(value ?? null)
    }
  }
  return out
}

/** 64 bits of the element's sha256: enough to tell a change, small enough for 50,000 items in a record. */
function shortHash(value: unknown): string {
  return hashOf(value).slice(-16)
}

/**
 * What someone else changed in the project since a restore last read it (`before`): an element that is now neither
 * what the restore read nor what the backup holds. An element the restore itself brought to the backup's value is
 * not a change; one caught halfway by an interruption may be (a second safety backup too many, never one too few).
 */
export function changedSince(before: Record<string, string>, now: Record<string, string>, desired: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(now)])
  return [...keys].filter((k) => now[k] !== before[k] && now[k] !== desired[k]).sort()
}

export function recordKeyOf(targetId: string, desired: ProjectState, options: DiffOptions): string {
  const {latencyMs: _l, batchSize: _b, contentBatchSize: _c, ...opts} = options
  return `${targetId.replace(/[^A-Za-z0-9_-]/g, '_')}-${hashOf({state: canonicalDigest(desired).hash, opts}).slice(7, 23)}`
}

async function readRecord(env: NodeJS.ProcessEnv, key: string): Promise<RestoreRecord | undefined> {
  return readJsonFile<RestoreRecord>(path.join(restoresDir(env), `${key}.json`))
}

function progressFileOf(env: NodeJS.ProcessEnv, key: string): string {
  return path.join(restoresDir(env), `${key}.progress.json`)
}

/** content URL → URL of the issue an earlier run of this restore created for it, from that run's progress file. */
async function recreatedUrls(env: NodeJS.ProcessEnv, key: string): Promise<Record<string, string>> {
  const completed = await new FileProgressStore(progressFileOf(env, key)).completed()
  const urls: Record<string, string> = {}
  for (const [id, result] of completed) {
    const url = (result as {url?: unknown} | null)?.url
    if (id.startsWith('issue.create:') && typeof url === 'string') urls[id.slice('issue.create:'.length)] = url
  }
  return urls
}

async function writeRecord(env: NodeJS.ProcessEnv, record: RestoreRecord): Promise<void> {
  record.updated = new Date().toISOString()
  await atomicWrite(path.join(restoresDir(env), `${record.key}.json`), JSON.stringify(record, null, 2) + '\n')
}

/** How long a restore lock of another host (or an unreadable one) is trusted: a restore of 50,000 items takes hours. */
export const RESTORE_LOCK_STALE_MS = 24 * 60 * 60_000

/**
 * One restore per project at a time: a lock file in GITHUB_PM_HOME/restores/locks, created exclusively, naming its
 * holder (pid, host, time). It is taken before the plan is made and held until the restore ends, so a second restore
 * never plans against a project the first one is changing (two restores at once duplicate drafts, each re-creating
 * what the other has not created yet). A lock whose holder ran on this host and is gone is stale and taken over.
 * It lives beside the restore records it also protects (this machine's resume state), whatever storage the backups
 * are read from: a restore from --from-file, or from another storage, is serialised all the same.
 */
export async function lockRestore(
  env: NodeJS.ProcessEnv,
  target: PreparedRestore['target'],
): Promise<LockHandle> {
  const backend = new LocalBackend(restoresDir(env))
  const id = target.id ?? `new-${target.owner.login}`
  const key = `locks/${id.replace(/[^A-Za-z0-9_-]/g, '_')}.lock`
  const label = target.url ?? `a new project under ${target.owner.login}`
  try {
    return await backend.lock(key, {waitMs: 0, staleMs: RESTORE_LOCK_STALE_MS, owner: 'github-pm restore'})
  } catch (error) {
    if ((error as {code?: string}).code !== 'ELOCKED') throw error
    const info = parseLockInfo(await backend.get(key))
    const holder = info ? `pid ${info.pid} on ${info.host}, since ${info.time}` : 'a process whose lock record cannot be read'
    const file = path.join(backend.root, ...key.split('/'))
    throw new UserError(
      `another restore of ${label} is running (${holder}): wait for it to finish, then run this one again; nothing was changed (remove ${file} only if that process is gone)`,
      {code: 'ELOCKED'},
    )
  }
}

/**
 * Everything up to the plan: nothing is changed on GitHub. With `exclusive`, the target's restore lock is taken
 * before the live project is read, and held until `release()` (a failure here releases it).
 */
export async function prepareRestore(
  session: Session,
  client: GitHubClient,
  repo: Repository | undefined,
  request: RestoreRequest,
  settings: {exclusive?: boolean; checkShadow?: CheckShadow} = {},
): Promise<PreparedRestore> {
  if (!request.fromFile && !request.project) projectText(session) // a clear error before anything else
  const desired = await loadDesired(session, repo, request)
  const target = await rebuiltTarget(session.env, client, await resolveTarget(client, desired, request))
  const lock = settings.exclusive ? await lockRestore(session.env, target) : undefined
  const release = async () => lock?.release()
  try {
    return await planRestore(session, client, request, desired, target, release, settings.checkShadow ?? checkShadow)
  } catch (error) {
    await release()
    throw error
  }
}

/**
 * A deleted project that an earlier restore already rebuilt (its record names the new project, which still exists):
 * the restore goes into that project, as any restore in place, instead of rebuilding it a second time.
 */
async function rebuiltTarget(env: NodeJS.ProcessEnv, client: GitHubClient, target: PreparedRestore['target']): Promise<PreparedRestore['target']> {
  if (target.id !== null || !target.replaces) return target
  const deleted = target.replaces
  let names: string[] = []
  try {
    names = (await readdir(restoresDir(env))).filter((n) => n.endsWith('.json') && !n.endsWith('.progress.json'))
  } catch {
    return target
  }
  const records = (await Promise.all(names.map((n) => readJsonFile<RestoreRecord>(path.join(restoresDir(env), n)).catch(() => undefined))))
    .filter((r): r is RestoreRecord => Boolean(r?.target?.id && r.source?.url === deleted && r.target.url !== deleted))
    .sort((a, b) => String(b.updated).localeCompare(String(a.updated)))
  for (const record of records) {
    const found = await resolveProject(client, {kind: 'id', id: record.target.id}).catch(gone)
    if (found) return found
  }
  return target
}

async function planRestore(
  session: Session,
  client: GitHubClient,
  request: RestoreRequest,
  desired: Desired,
  target: PreparedRestore['target'],
  release: () => Promise<void>,
  checkShadow: CheckShadow,
): Promise<PreparedRestore> {
  // a new project starts from the backup's shadow when it can (its views and workflows), else from nothing
  const resurrection = target.id
    ? undefined
    : await decideResurrection(client, desired.source.shadow, checkShadow, {useEdited: request.useEditedShadow})
  const replaces = target.id === null ? target.replaces : undefined
  if (replaces && !resurrection?.shadow) throw deletedProject(desired)
  if (replaces && !resurrection?.used) {
    const shadow = resurrection?.shadow
    const why =
      shadow?.state === 'edited'
        ? `its backup's shadow ${shadow.url} was changed since the backup: start from it anyway with --use-edited-shadow, or`
        : `its backup's shadow ${shadow?.url} is gone: restore`
    throw new UserError(
      `project ${replaces} does not exist here and ${why} into a new project with --to new:${target.owner.login} ` +
        `(views' hidden configuration and workflows cannot be brought back), or into another with --to OWNER/NUMBER`,
      {code: 'ENOTFOUND'},
    )
  }
  const live = target.id
    ? (await captureProject(client, target.id, {type: 'full', onProgress: session.onProgress})).state
    : resurrection?.used
      ? await shadowAsCopy(client, desired.source.shadow!, target.owner, copyTitle(target.title, desired.source.name))
      : emptyProject(target.owner, target.title)
  const completed = completeDesired(desired.state, live)
  const recordKey = recordKeyOf(target.id ?? `new-${target.owner.login}`, completed, request.diff)
  const previous = await readRecord(session.env, recordKey)
  const options: DiffOptions = {
    ...request.diff,
    // issues an interrupted run recreated (in its record, or only in its progress file when it was killed) are the
    // backup's issues now: planned as there, never recreated twice
    urlMap: {...(await recreatedUrls(session.env, recordKey)), ...previous?.urls, ...request.diff.urlMap},
    // what the backup covers: a config or minimal backup holds no items or values; another project's values are its own
    itemsHeld: desired.state.type === 'full',
    otherProject: target.id !== desired.source.projectId,
    // a project this restore creates is its own: what GitHub puts there by itself is made equal to the backup
    ...(target.id ? {} : {destructive: true, otherProject: false, createdByRestore: true}),
  }
  checkSelection(desired, completed, live, options)
  const liveUrls = new Set(Object.values(live.items ?? {}).flatMap((i) => (i.content ? [i.content.url] : [])))
  const wanted = Object.values(completed.items ?? {}).flatMap((i) => (i.content ? [mapUrl(i.content.url, options)] : []))
  const unknown = wanted.filter((u) => !liveUrls.has(u))
  if (unknown.length) options.missingContent = await findMissingContent((q, v) => client.graphql(q, v), unknown)
  // a view that differs in place: its original is in the shadow (hidden configuration included)
  if (target.id && desired.source.shadow && viewsDiffer(completed, live)) {
    const check = await checkShadow(client, desired.source.shadow)
    if (check.state !== 'missing') options.shadowUrl = desired.source.shadow.url
  }
  const plan = diff(completed, live, options)
  return {desired: {...desired, state: completed}, target, live, plan, recordKey, options, release, ...(resurrection ? {resurrection} : {})}
}

/** True when a view of the backup exists live under its name but differs (what the shadow can show as it was). */
function viewsDiffer(desired: ProjectState, live: ProjectState): boolean {
  const byName = new Map(Object.values(live.views ?? {}).map((v) => [v.name, v]))
  return Object.values(desired.views ?? {}).some((d) => {
    const l = byName.get(d.name)
    return l !== undefined && viewDifferences(d, l).length > 0
  })
}

/**
 * `--fields` and `--issues` that select nothing are mistakes (a typo, the wrong backup): the restore stops before
 * changing anything, with the names that do exist, instead of succeeding with an empty plan.
 */
function checkSelection(desired: Desired, completed: ProjectState, live: ProjectState, options: DiffOptions): void {
  const backup = `backup ${desired.source.name}`
  if (options.issues?.length && desired.state.type !== 'full') {
    throw new UserError(
      `${backup} is a ${desired.state.type} backup and holds no issues: --issues selects nothing in it; restore a full backup, or leave out --issues`,
      {code: 'ENOTFOUND'},
    )
  }
  const missed = unmatchedSelections(completed, live, options)
  if (missed.fields.length) {
    const names = Object.values(completed.fields).map((f) => f.name)
    const each = missed.fields.map((f) => `no field '${f}' in ${backup}: did you mean ${closestNames(f, names, 1)[0] ?? '(it has no fields)'}?`)
    throw new UserError(`${each.join('; ')} (nothing was changed)`, {code: 'ENOTFOUND'})
  }
  if (missed.issues.length) {
    throw new UserError(
      `no issue${missed.issues.length > 1 ? 's' : ''} ${missed.issues.join(', ')} in ${backup} (nothing was changed)`,
      {code: 'ENOTFOUND'},
    )
  }
}

function mapUrl(url: string, options: DiffOptions): string {
  if (options.urlMap?.[url]) return options.urlMap[url]
  const m = /^(https?:\/\/[^/]+\/)([^/]+\/[^/]+)(\/.*)$/.exec(url)
  if (m && options.repoMap?.[m[2]]) return `${m[1]}${options.repoMap[m[2]]}${m[3]}`
  return url
}

/** How the apply measures requests and waits (default: the system clock and timers; tests pass a sandbox clock). */
export interface ApplyTuning {
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  tooQuicklyWaitMs?: number
}

export interface ApplyOutcome {
  record: RestoreRecord
  result: ApplyResult
  /** the plan applied: the prepared one, or for a project the restore created, the one made against it */
  plan: Plan
  /** operations a fresh plan still finds after applying (0 when the project equals the backup) */
  remaining: Plan
  resumed: boolean
  /** what was changed in the project since the interrupted run this one resumed (kept in record.resumeBackups) */
  changedSinceInterruption: string[]
  target: ProjectInfo
  /** for a new project: whether it was copied from the backup's shadow, and what could not be brought back */
  resurrection?: Resurrection
}

/**
 * Applies a prepared plan: a safety backup of the live project first (`pre-restore-…` in the target's journal), then
 * the operations with their progress recorded, then a fresh capture and plan to prove what is left. An interrupted
 * restore resumes when the same command is run again.
 */
export async function applyRestore(
  session: Session,
  client: GitHubClient,
  repo: Repository,
  prepared: PreparedRestore,
  tuning: ApplyTuning = {},
): Promise<ApplyOutcome> {
  let target = prepared.target
  let plan = prepared.plan
  let live = prepared.live
  let previous = await readRecord(session.env, prepared.recordKey)
  let created = false
  // GitHub Enterprise Server 3.16 has no updateProjectV2Field: stop before changing anything, with one clear line
  const mutations = target.id && fieldUpdateBlocker(plan) ? await mutationNames(client) : undefined
  if (mutations && !mutations.has('updateProjectV2Field')) throw new UserError(`${fieldUpdateBlocker(plan)!} (nothing was changed)`, {code: 'EUNSUPPORTED'})
  if (!target.id) {
    // a restore into a new project: an interrupted run already created it (its record says which): resume into that
    // one instead of creating a second project; otherwise create it and record it before anything else happens
    // (a project an earlier run made and someone deleted since is made again: deleting it was a choice)
    const earlier = previous?.target.id ? await resolveProject(client, {kind: 'id', id: previous.target.id}).catch(gone) : undefined
    if (earlier) {
      target = earlier
    } else {
      const shadow = prepared.desired.source.shadow
      target =
        prepared.resurrection?.used && shadow
          ? await copyShadow(client, target.owner, shadow, copyTitle(prepared.desired.state.project.title, prepared.desired.source.name))
          : await createProject(client, target.owner, prepared.desired.state)
      created = true
      const now = new Date().toISOString()
      previous = {
        key: prepared.recordKey,
        status: 'running',
        started: now,
        updated: now,
        source: prepared.desired.source,
        target: {id: target.id!, url: target.url!},
        safetyBackup: null,
        applied: 0,
        failed: [],
        urls: {},
        remaining: 0,
      }
      await writeRecord(session.env, previous)
    }
    live = (await captureProject(client, target.id!, {type: 'full'})).state
    // the project is this restore's own: what it holds besides the backup GitHub made by itself (the default Status
    // options, "View 1"): nothing of the user's is removed by making it equal to the backup
    prepared.options = {...prepared.options, destructive: true, otherProject: false, createdByRestore: true}
    plan = diff(prepared.desired.state, live, prepared.options)
    const blocker = fieldUpdateBlocker(plan)
    if (blocker && (await mutationNames(client))?.has('updateProjectV2Field') === false) {
      throw new UserError(`${blocker} (only the new project ${target.url} was created)`, {code: 'EUNSUPPORTED'})
    }
  }
  const info = target as ProjectInfo
  const resumed = !created && (previous?.status === 'running' || previous?.status === 'failed')
  // a finished earlier restore's safety backup is not this run's: only a resumed run carries it on
  let safetyBackup = resumed ? (previous?.safetyBackup ?? null) : null
  // a project created by this restore holds nothing to protect
  if (!resumed && !created && plan.operations.length > 0) {
    // names are stamped to the second: a second restore within the same second gets `-2`, `-3`, ...
    const base = `pre-restore-${stamp(session.now())}`
    safetyBackup = await writeJournal(session, repo, info.id, `Backup: ${base}`, async (j) => {
      const taken = new Set(j.headers().map((h) => h.name))
      let name = base
      for (let n = 2; taken.has(name); n++) name = `${base}-${n}`
      // stored whole (docs/journal-format.md): writing it replays nothing, so the restore holds two projects (the
      // backup and the live one), not three, and undoing the restore never depends on the events before it
      await j.append(live, {name, type: 'full', origin: 'safety', whole: true, summary: {reason: `before restoring ${prepared.desired.source.name}`}})
      return name
    })
  }
  // a resumed run never trusts the interrupted one's view of the project: the plan was made from the project as it
  // is now, and what someone changed since the interruption is kept in a safety backup of its own before this run
  // overwrites it (the interrupted run's safety backup predates those changes)
  const liveHashes = elementHashes(live)
  let changed: string[] = []
  const resumeBackups = resumed ? [...(previous?.resumeBackups ?? [])] : []
  if (resumed && plan.operations.length > 0) {
    const desiredHashes = elementHashes(mapDesired(prepared.desired.state, prepared.options))
    const transient = new Set(previous?.transient ?? [])
    changed = previous?.liveHashes
      ? changedSince(previous.liveHashes, liveHashes, desiredHashes).filter((k) => !transient.has(k))
      : ['the project (the interrupted run recorded no fingerprint)']
    if (changed.length > 0) {
      const base = `pre-restore-${stamp(session.now())}`
      const name = await writeJournal(session, repo, info.id, `Backup: ${base}`, async (j) => {
        const taken = new Set(j.headers().map((h) => h.name))
        let next = base
        for (let n = 2; taken.has(next); n++) next = `${base}-${n}`
        await j.append(live, {
          name: next,
          type: 'full',
          origin: 'safety',
          whole: true,
          summary: {
            reason: `changed since the interrupted restore of ${prepared.desired.source.name}, before resuming it`,
            changed: changed.slice(0, 20),
            ...(safetyBackup ? {resumeOf: safetyBackup} : {}),
          },
        })
        return next
      })
      resumeBackups.push(name)
    }
  }
  const record: RestoreRecord = {
    key: prepared.recordKey,
    status: 'running',
    started: resumed ? previous!.started : new Date().toISOString(),
    updated: '',
    source: prepared.desired.source,
    target: {id: info.id, url: info.url},
    safetyBackup,
    applied: resumed ? (previous?.applied ?? 0) : 0,
    failed: [],
    urls: {...prepared.options.urlMap, ...previous?.urls},
    remaining: plan.operations.length,
    liveHashes,
    ...(resumeBackups.length ? {resumeBackups} : {}),
  }
  const transient = new Set([
    ...(resumed ? (previous?.transient ?? []) : []),
    ...plan.operations.flatMap((op) => (op.op === 'unarchiveItem' && op.temporary ? [`item ${op.item.key}: archived`] : [])),
  ])
  if (transient.size) record.transient = [...transient].sort()
  await writeRecord(session.env, record)
  const store = new FileProgressStore(progressFileOf(session.env, prepared.recordKey))
  const result = await applySettled(client, plan, {
    projectId: info.id,
    live,
    desired: prepared.desired.state,
    options: {...prepared.options, urlMap: {...prepared.options.urlMap, ...record.urls}},
    // the plan was made from the live project just read: every operation in it is still to do, whatever an earlier
    // run recorded (skipping one as "done by an earlier run" would leave a value someone changed since)
    journal: recordOnly(store),
    onProgress: (done, total) => session.onProgress?.({phase: 'restore', done, total}),
    ...tuning,
  })
  record.applied += result.applied
  record.failed = result.failed
  record.urls = {...record.urls, ...result.idMap.urls}
  // prove it: capture again and plan again; what is left is reported, never hidden. When GitHub fails here too (it
  // just failed the apply), what is left is the plan's operations that did not complete: the record still says how
  // to resume and how to roll back, instead of the restore ending in a bare network error
  let remaining: Plan
  // the project as it was before the apply is not needed any more: let it go before the proof capture, so that a
  // restore holds at most two whole projects (the backup and one capture) at any time (issue 14)
  live = undefined as unknown as ProjectState
  prepared.live = undefined as unknown as ProjectState
  try {
    const after = (await captureProject(client, info.id, {type: 'full'})).state
    prepared.live = after
    remaining = diff(prepared.desired.state, after, {...prepared.options, urlMap: record.urls})
  } catch (error) {
    if (result.failed.length === 0) throw error
    const notDone = new Set(result.failed.map((f) => f.id))
    remaining = {...plan, operations: plan.operations.filter((op) => notDone.has(op.id))}
  }
  record.remaining = remaining.operations.length
  record.status = result.failed.length === 0 && remaining.operations.length === 0 ? 'done' : 'failed'
  await writeRecord(session.env, record)
  if (record.status === 'done') await store.clear()
  return {record, result, plan, remaining, resumed, changedSinceInterruption: changed, target: info, ...(prepared.resurrection ? {resurrection: prepared.resurrection} : {})}
}

/** undefined for a project that is not found (deleted), the error otherwise. */
function gone(error: unknown): undefined {
  if (isGitHubError(error) && (error as {kind?: string}).kind === 'not-found') return undefined
  throw error
}

/** Rounds of re-read and re-plan after a request whose outcome is unknown, before the restore reports what is left. */
export const MAX_SETTLE_ROUNDS = 6

/**
 * Applies `plan`; when the apply stops on a request whose outcome is unknown (GitHub may or may not have applied it),
 * reads the live project again, plans again against it and applies that: what did get applied is now in the live
 * state, so the new plan does not do it twice (drafts match by title, views by name, status updates by content,
 * values by value). At most MAX_SETTLE_ROUNDS rounds. The result adds up what every round applied; its failures are
 * the last round's.
 */
export async function applySettled(
  client: GitHubClient,
  plan: Plan,
  context: {
    projectId: string
    live: ProjectState
    desired: ProjectState
    options: DiffOptions
    journal?: ProgressStore
    onProgress?: (done: number, total: number) => void
  } & ApplyTuning,
): Promise<ApplyResult> {
  const ctx = {
    graphql: (q: string, v: Record<string, unknown>) => client.graphql(q, v),
    rest: (route: string, params: Record<string, unknown>) => client.rest(route, params),
    projectId: context.projectId,
    onProgress: context.onProgress,
    now: context.now,
    sleep: context.sleep,
    tooQuicklyWaitMs: context.tooQuicklyWaitMs,
    // what one round learnt about GitHub's time limit, the next one keeps
    batches: batchesFor({}),
  }
  let result = await applyPlan(plan, {...ctx, live: context.live, journal: context.journal})
  let applied = result.applied
  let urls = {...result.idMap.urls}
  for (let round = 1; result.ambiguous && round <= MAX_SETTLE_ROUNDS; round++) {
    let live: ProjectState
    try {
      live = (await captureProject(client, context.projectId, {type: 'full'})).state
    } catch {
      // GitHub is still failing: the restore reports what is left and how to resume
      break
    }
    const next = diff(context.desired, live, {...context.options, urlMap: {...context.options.urlMap, ...urls}})
    // the live state decides what is left: the progress store records, it no longer skips
    const journal = context.journal && recordOnly(context.journal)
    result = await applyPlan(next, {...ctx, live, journal})
    applied += result.applied
    urls = {...urls, ...result.idMap.urls}
  }
  return {...result, applied, idMap: {...result.idMap, urls}}
}

/** A progress store that records completed operations without making a later apply skip them. */
function recordOnly(store: ProgressStore): ProgressStore {
  return {
    done: (id, result) => store.done(id, result),
    doneMany: (entries) => (store.doneMany ? store.doneMany(entries) : Promise.all(entries.map(([id, r]) => store.done(id, r))).then(() => undefined)),
    completed: async () => new Map(),
  }
}

const CREATE_PROJECT = `mutation RestoreCreateProject($input: CreateProjectV2Input!) {
  createProjectV2(input: $input) { projectV2 {${PROJECT_FIELDS}} }
}`

async function createProject(
  client: GitHubClient,
  owner: {login: string; type: 'User' | 'Organization'},
  desired: ProjectState,
): Promise<ProjectInfo> {
  const data = await client.graphql<any>(
    `query RestoreOwnerId($login: String!) { repositoryOwner(login: $login) { id } }`,
    {login: owner.login},
  )
  const ownerId = data?.repositoryOwner?.id
  if (!ownerId) throw new UserError(`owner ${owner.login} not found, or your token cannot see it`, {code: 'ENOTFOUND'})
  const created = await client.graphql<any>(CREATE_PROJECT, {input: {ownerId, title: desired.project.title}})
  return toProjectInfo(created.createProjectV2.projectV2)
}

/** A plan saved by `restore --dry-run --out FILE`, applied by `restore --plan FILE` only while nothing changed. */
export interface SavedPlan {
  format: 'github-pm-restore-plan'
  version: 1
  created: string
  /** what to restore again: the backup by its resolved name (never `latest`, which moves) */
  request: Omit<RestoreRequest, 'at' | 'undo'>
  source: Desired['source']
  target: {id: string | null; url: string | null}
  /** hashes of the desired state and of the live project the plan was made against */
  desiredHash: string
  liveFingerprint: string
  plan: Plan
}

export function savePlanDocument(prepared: PreparedRestore, request: RestoreRequest, created: Date): SavedPlan {
  const {at: _at, undo: _undo, ...rest} = request
  return {
    format: 'github-pm-restore-plan',
    version: 1,
    created: created.toISOString(),
    request: {...rest, backup: prepared.desired.source.file ? undefined : prepared.desired.source.name, project: request.project ?? prepared.desired.source.url},
    source: prepared.desired.source,
    target: {id: prepared.target.id, url: prepared.target.url},
    desiredHash: canonicalDigest(prepared.desired.state).hash,
    liveFingerprint: canonicalDigest(prepared.live).hash,
    plan: prepared.plan,
  }
}

export async function readPlanDocument(file: string): Promise<SavedPlan> {
  let doc: SavedPlan | undefined
  try {
    doc = await readJsonFile<SavedPlan>(file)
  } catch {
    throw new UserError(`${file} is not a restore plan (not JSON): make one with \`github-pm restore --dry-run --out ${file}\``)
  }
  if (!doc) throw new UserError(`plan file ${file} does not exist: make one with \`github-pm restore --dry-run --out ${file}\``, {code: 'ENOTFOUND'})
  if (doc.format !== 'github-pm-restore-plan' || doc.version !== 1 || !doc.plan || !Array.isArray(doc.plan.operations)) {
    throw new UserError(`${file} is not a restore plan: make one with \`github-pm restore --dry-run --out ${file}\``)
  }
  return doc
}

/** Refuses a saved plan once the backup or the live project is no longer what it was made against. */
export function checkPlanDocument(saved: SavedPlan, prepared: PreparedRestore, file: string): void {
  const again = `make a new plan with \`github-pm restore --dry-run --out ${file}\`; nothing was changed`
  if (saved.target.id !== prepared.target.id) {
    throw new UserError(`plan ${file} was made for ${saved.target.url ?? 'a new project'}, not ${prepared.target.url ?? 'a new project'}: ${again}`, {code: 'ESTALEPLAN'})
  }
  if (saved.desiredHash !== canonicalDigest(prepared.desired.state).hash) {
    throw new UserError(`backup ${saved.source.name} is not what plan ${file} was made from: ${again}`, {code: 'ESTALEPLAN'})
  }
  if (saved.liveFingerprint !== canonicalDigest(prepared.live).hash) {
    throw new UserError(`project ${prepared.target.url} changed since plan ${file} was made (${saved.created}): ${again}`, {code: 'ESTALEPLAN'})
  }
}
