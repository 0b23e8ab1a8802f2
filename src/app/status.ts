import type {GitHubClient} from '../github/client.js'
import {listOwnerProjects, type ProjectInfo} from '../github/project-ref.js'
import {readBackupIndex} from '../journal/catalog.js'
import {decodeText, encodeText, projectDir} from '../journal/events.js'
import {createOnly} from '../storage/backend.js'
import {inTransaction} from '../storage/open.js'
import {readRepositoryPolicy} from '../storage/repository.js'
import {failure, isUserError, oneLine, type UserError} from '../util/errors.js'
import {redact} from '../util/secrets.js'
import type {Repository} from './session.js'

/**
 * The run record: what the last backup ATTEMPT of a project did, kept in the backup storage itself so that it survives
 * a fresh CI runner (`runs/project-<id>/last.json`; in an append-only repository one create-only file per attempt,
 * `runs/project-<id>/<stamp>.json`, the newest of which counts). A backup that fails leaves no journal event, so this is
 * the only place a later `backup status` learns that a project is failing. It never holds a secret: the error is one
 * redacted line.
 */
export interface RunRecord {
  format: typeof RUN_FORMAT
  version: 1
  project: {id: string; title: string; url: string; owner: string}
  /** when the last attempt ended (ISO 8601) */
  lastAttempt: string
  outcome: 'ok' | 'failed'
  /** the failure's kind (ERROR_KINDS) and code, when the last attempt failed */
  errorKind?: string
  errorCode?: string
  /** the failure's message: one line, redacted, at most 500 characters */
  error?: string
  /** when a backup of the project last succeeded (carried over from the previous record when this attempt failed) */
  lastSuccess?: string
  /** the backup the last success made */
  lastBackup?: string
  /** how long the last attempt took */
  seconds?: number
}

export const RUN_FORMAT = 'github-pm-run'
export const RUNS_PREFIX = 'runs/'
const runsDir = (projectId: string) => `${RUNS_PREFIX}${projectDir(projectId)}/`
export const runRecordKey = (projectId: string) => `${runsDir(projectId)}last.json`

export type RunOutcome = {ok: true; at: Date; backup: string; seconds?: number} | {ok: false; at: Date; error: unknown; seconds?: number}

/** The kind, code and one redacted line of a failure, as a run record keeps them. */
export function describeFailure(error: unknown): {errorKind: string; errorCode: string; error: string} {
  const message = redact(oneLine(error instanceof Error ? error.message : String(error))).slice(0, 500)
  if (isUserError(error)) {
    const e = error as {category?: string; code?: string; kind?: string}
    // a GitHubError keeps its finer kind (not-found, forbidden, rate-limit...) beside the table's category
    return {errorKind: typeof e.kind === 'string' ? e.kind : (e.category ?? 'failed'), errorCode: e.code ?? 'EUSER', error: message}
  }
  return {errorKind: 'internal', errorCode: (error as {code?: string})?.code ?? 'EINTERNAL', error: message}
}

/** Reads the run record of one project (undefined when it has none or it cannot be read). */
export async function readRunRecord(repo: Repository, projectId: string): Promise<RunRecord | undefined> {
  const keys = await repo.backend.list(runsDir(projectId))
  return newest(repo, keys)
}

/** Every project's run record in the storage, by project id. */
export async function readRunRecords(repo: Repository): Promise<Map<string, RunRecord>> {
  const byDir = new Map<string, string[]>()
  for (const key of await repo.backend.list(RUNS_PREFIX)) {
    const m = /^runs\/([^/]+)\/[^/]+\.json$/.exec(key)
    if (!m) continue
    byDir.set(m[1], [...(byDir.get(m[1]) ?? []), key])
  }
  const out = new Map<string, RunRecord>()
  for (const keys of byDir.values()) {
    const record = await newest(repo, keys)
    if (record) out.set(record.project.id, record)
  }
  return out
}

/** last.json when there is one, else the newest stamped file (append-only repositories). */
async function newest(repo: Repository, keys: string[]): Promise<RunRecord | undefined> {
  const last = keys.find((k) => k.endsWith('/last.json'))
  const stamped = keys.filter((k) => /\/\d{8}-\d{6}-\d{3}\.json$/.test(k)).sort()
  for (const key of [...(last ? [last] : []), ...stamped.reverse()]) {
    const bytes = await repo.backend.get(key)
    if (!bytes) continue
    try {
      const record = JSON.parse(decodeText(await repo.codec.decode(bytes, key))) as RunRecord
      if (record?.format === RUN_FORMAT && typeof record.project?.id === 'string') return record
    } catch {
      // an unreadable record says nothing: the journal still does
    }
  }
  return undefined
}

/**
 * Writes the run record of one backup attempt and returns it. The last success is carried over from the previous record
 * when this attempt failed, so a run of failures never hides when the project was last protected.
 */
export async function recordRun(repo: Repository, project: Pick<ProjectInfo, 'id' | 'title' | 'url' | 'owner'>, outcome: RunOutcome): Promise<RunRecord> {
  let previous = await readRunRecord(repo, project.id)
  if (!outcome.ok && !previous?.lastSuccess) {
    // no record of a success (backups made before run records existed, or by a safety backup): the journal knows
    const latest = (await readBackupIndex(repo.backend, repo.codec)).find((e) => e.id === project.id)?.latest
    if (latest) previous = {...(previous ?? ({} as RunRecord)), lastSuccess: latest.timestamp, lastBackup: latest.name}
  }
  const record: RunRecord = {
    format: RUN_FORMAT,
    version: 1,
    project: {id: project.id, title: project.title, url: project.url, owner: project.owner.login},
    lastAttempt: outcome.at.toISOString(),
    outcome: outcome.ok ? 'ok' : 'failed',
    ...(outcome.ok ? {} : describeFailure(outcome.error)),
    ...(outcome.ok
      ? {lastSuccess: outcome.at.toISOString(), lastBackup: outcome.backup}
      : previous?.lastSuccess
        ? {lastSuccess: previous.lastSuccess, ...(previous.lastBackup ? {lastBackup: previous.lastBackup} : {})}
        : {}),
    ...(outcome.seconds === undefined ? {} : {seconds: Math.round(outcome.seconds * 1000) / 1000}),
  }
  const data = await repo.codec.encode(encodeText(record))
  await inTransaction(repo.backend, `Run record: ${project.title || project.id} ${record.outcome}`, async (tx) => {
    if ((await readRepositoryPolicy(tx)).appendOnly) {
      // nothing is ever overwritten there: one new file per attempt, named by its time
      const stampText = outcome.at.toISOString().replace(/[-:]/g, '').replace('T', '-').replace('.', '-').slice(0, 19)
      await createOnly(tx, `${runsDir(project.id)}${stampText}.json`, data)
    } else {
      await tx.put(runRecordKey(project.id), data)
    }
  })
  return record
}

// ---------------------------------------------------------------------------------------------------------------------
// backup status

/** How well a project is protected. */
export type ProtectionState = 'protected' | 'stale' | 'never' | 'failing'

export const STATE_TEXT: Record<ProtectionState, string> = {
  protected: 'protected',
  stale: 'stale',
  never: 'never backed up',
  failing: 'failing',
}

export interface ProjectStatus {
  /** the project's URL (its node id when the URL is unknown) */
  project: string
  id: string
  title: string
  owner: string
  /** time of the newest backup (ISO 8601), null when there is none */
  lastBackup: string | null
  lastBackupName: string | null
  /** seconds since the newest backup, null when there is none */
  age: number | null
  state: ProtectionState
  /** the last attempt's error when it failed (one redacted line) */
  lastError: string | null
  lastErrorKind: string | null
  /** when the last attempt recorded in the storage ended */
  lastAttempt: string | null
  /** false: the project is in the storage but --owner's live list does not have it (deleted, or no longer visible) */
  onGitHub?: boolean
}

export interface StatusOptions {
  now: Date
  /** a backup older than this is stale */
  maxAgeMs: number
  /** only this owner's projects; with a client, the owner's live projects are listed too ("never backed up") */
  owner?: string
  client?: GitHubClient
}

export const DEFAULT_MAX_AGE = '26h'

/**
 * Every project the storage knows (its journals and run records) and, with an owner and a client, every project the
 * owner has on GitHub now, each with its newest backup, age and state. Sorted: the worst first, then by title.
 */
export async function backupStatus(repo: Repository, options: StatusOptions): Promise<ProjectStatus[]> {
  const live = options.owner && options.client ? await listOwnerProjects(options.client, options.owner) : undefined
  const index = await readBackupIndex(repo.backend, repo.codec)
  const runs = await readRunRecords(repo)
  const ownerOf = (login: string) => !options.owner || login.toLowerCase() === options.owner.toLowerCase()

  const rows = new Map<string, {id: string; title: string; url: string; owner: string; latest?: {name: string; timestamp: string}; run?: RunRecord; live?: boolean}>()
  for (const e of index) {
    if (ownerOf(e.owner)) rows.set(e.id, {id: e.id, title: e.title, url: e.url, owner: e.owner, latest: e.latest ?? undefined})
  }
  for (const [id, run] of runs) {
    if (!ownerOf(run.project.owner)) continue
    const row = rows.get(id) ?? {id, title: run.project.title, url: run.project.url, owner: run.project.owner}
    rows.set(id, {...row, run})
  }
  if (live) {
    for (const p of live) {
      const row = rows.get(p.id)
      // the live title and URL win: a renamed project shows its name of today
      rows.set(p.id, {...row, id: p.id, title: p.title, url: p.url, owner: p.owner.login || options.owner!, live: true})
    }
    for (const row of rows.values()) row.live ??= false
  }

  const out: ProjectStatus[] = []
  for (const row of rows.values()) {
    // the newest backup: the journal's, or the run record's when the journal is gone (deleted backups) or newer
    const fromJournal = row.latest ? {at: row.latest.timestamp, name: row.latest.name} : undefined
    const fromRun = row.run?.lastSuccess ? {at: row.run.lastSuccess, name: row.run.lastBackup ?? null} : undefined
    const newest = [fromJournal, fromRun].filter((x) => x !== undefined).sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0]
    const age = newest ? Math.max(0, Math.round((options.now.getTime() - Date.parse(newest.at)) / 1000)) : null
    const failed = row.run?.outcome === 'failed' && (!newest || Date.parse(row.run.lastAttempt) >= Date.parse(newest.at))
    const state: ProtectionState = failed ? 'failing' : !newest ? 'never' : age! * 1000 > options.maxAgeMs ? 'stale' : 'protected'
    out.push({
      project: row.url || row.id,
      id: row.id,
      title: row.title,
      owner: row.owner,
      lastBackup: newest?.at ?? null,
      lastBackupName: newest?.name ?? null,
      age,
      state,
      lastError: failed ? (row.run!.error ?? null) : null,
      lastErrorKind: failed ? (row.run!.errorKind ?? null) : null,
      lastAttempt: row.run?.lastAttempt ?? null,
      ...(row.live === undefined ? {} : {onGitHub: row.live}),
    })
  }
  const rank: Record<ProtectionState, number> = {failing: 0, never: 1, stale: 2, protected: 3}
  return out.sort((a, b) => rank[a.state] - rank[b.state] || a.title.localeCompare(b.title) || a.id.localeCompare(b.id))
}

/** True when every project is protected (what `--max-age` turns into the exit status). */
export function allProtected(rows: ProjectStatus[]): boolean {
  return rows.every((r) => r.state === 'protected')
}

/**
 * The alert of `backup status --max-age`: a `stale` failure (exit status 5) carrying the rows when any project is not
 * protected, or when there is no project at all (an alert that passes when it sees nothing would hide a wrong storage
 * location or a backup job that never ran); undefined when every project is protected.
 */
export function statusAlert(rows: ProjectStatus[], context: {maxAge: string; owner?: string; storage: string}): UserError | undefined {
  if (rows.length === 0) {
    const none = context.owner ? `${context.owner} has no projects, and the storage ${context.storage} holds no backups of any` : `the storage ${context.storage} holds no backups`
    return failure('stale', `no project is protected: ${none}`, {document: rows})
  }
  if (allProtected(rows)) return undefined
  const bad = rows.filter((r) => r.state !== 'protected').length
  return failure('stale', `${bad} of ${rows.length} projects are not protected (stale, never backed up or failing; max age ${context.maxAge})`, {document: rows})
}
