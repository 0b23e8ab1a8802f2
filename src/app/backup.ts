import type {GitHubClient} from '../github/client.js'
import {captureProject, type DependencyMode} from '../github/capture.js'
import {listOwnerProjects, type ProjectInfo} from '../github/project-ref.js'
import {looksLikeShadow} from '../github/shadow.js'
import {incrementalSummary, type IncrementalSummary} from '../journal/compare.js'
import type {BackupOrigin, EventHeader, ShadowRef} from '../journal/events.js'
import {autoName, validateBackupName} from '../journal/names.js'
import type {BackupType, ProjectState} from '../model/state.js'
import type {StorageBackend} from '../storage/backend.js'
import {UserError} from '../util/errors.js'
import type {CaptureRecord} from '../github/capture-incremental.js'
import {applyRetentionDays, type RetentionOutcome} from './retention.js'
import {driftWarning, planCapture} from './backup-capture.js'
import {journalFor, writeJournal, type Repository, type Session} from './session.js'
import {discardShadow, prepareShadow, shadowsWanted, type ShadowOutcome} from './shadow.js'

export interface BackupRequest {
  project: ProjectInfo
  /** backup name; default `<type>-<UTC stamp>` */
  name?: string
  /** prefix of the generated name when no name is given (`auto`, `auto-configure`, `pre-restore`) */
  prefix?: string
  type?: BackupType
  dependencies?: DependencyMode
  /** who named it; default `named` when a name is given, else `auto` */
  origin?: BackupOrigin
  /** keep a shadow copy (docs/shadow-copies.md); default: config `backup.shadow_copies` */
  shadow?: boolean
  /**
   * Runs once the event is appended, inside the same storage transaction (on git storage: the same commit), with the
   * storage the journal writes to: the run record of a successful backup is written here. It must not throw for a
   * failure of its own (the backup is stored by then).
   */
  onStored?: (storage: StorageBackend, stored: {project: ProjectInfo; event: EventHeader; at: Date; seconds: number}) => Promise<void>
}

export interface BackupResult {
  project: {id: string; title: string; url: string}
  event: EventHeader
  /** nothing changed since the previous backup (the event stores an empty delta) */
  unchanged: boolean
  /** the spec's incremental summary against the previous backup */
  incremental: IncrementalSummary
  warnings: string[]
  api: {requests: number; points: number}
  /** full backups: incremental or full read of the items, what was read and reused, drift found by a full read */
  capture?: CaptureRecord
  seconds: number
  /** backups removed by `backup.retention_days` after this one (when set) */
  retention?: RetentionOutcome
  /** with shadows on: the shadow this backup names (`created`: made by this backup), or none when it could not be had */
  shadow?: {ref: ShadowRef | null; created: boolean}
}

/**
 * Captures a project and appends it to its journal: the first backup is a base, every later one a patch holding only
 * what changed. The name is checked before any request is made, so a bad name costs nothing.
 */
export async function runBackup(session: Session, client: GitHubClient, repo: Repository, request: BackupRequest): Promise<BackupResult> {
  const started = Date.now()
  const type = request.type ?? ((session.config.get('backup.type') as BackupType | undefined) ?? 'full')
  const name = request.name ?? autoName(request.prefix ?? type, session.now())
  validateBackupName(name)
  const journal = await journalFor(session, repo, request.project.id)
  if (journal.headers().some((h) => h.name === name)) {
    // append checks again under the journal lock; failing here saves a whole capture
    throw new UserError(`project ${request.project.url} already has a backup named "${name}": choose another name or delete that one first`, {
      code: 'EEXIST',
    })
  }
  const dependencies = request.dependencies ?? ((session.config.get('backup.dependencies') as DependencyMode | undefined) ?? 'auto')
  // issue 14: a full backup reads only the items that changed since the latest full backup, except periodically
  const {handoff, ...plan} = await planCapture(session, repo, request.project.id, type)
  const captured = await captureProject(client, request.project.id, {type, dependencies, onProgress: session.onProgress, ...plan})
  // the previous backup's state is not needed past the capture; its chain (the same objects) goes on to the append
  delete plan.previous
  const drift = driftWarning(captured.capture)
  if (drift) captured.warnings.push(drift)
  // the summary is made inside append, under the journal lock, from the journal's own copy of the previous backup:
  // no second copy of a large project, and a cleanup running at the same time cannot pull the previous event away
  let summary!: IncrementalSummary
  // a shadow never fails the backup: prepareShadow answers a warning and no reference instead
  let shadow: ShadowOutcome | undefined
  if (shadowsWanted(session, request.shadow)) {
    shadow = await prepareShadow(session, client, journal.headers(), captured.state)
    if (shadow.warning) captured.warnings.push(shadow.warning)
  }
  let appended
  try {
    appended = await writeJournal(session, repo, request.project.id, `Backup: ${name}`, async (j, tx) => {
      const out = await j.append(captured.state, {
        name,
        type,
        origin: request.origin ?? (request.name ? 'named' : 'auto'),
        summary: (previous?: {header: EventHeader; state: ProjectState}) => {
          summary = incrementalSummary(previous?.header, previous?.state, captured.state)
          // the capture record goes into the event: the next backup reads its `since` (docs/journal-format.md)
          return captured.capture ? {...summary, capture: captured.capture} : summary
        },
        ...(shadow?.ref ? {shadow: shadow.ref} : {}),
        ...(handoff ? {previous: handoff} : {}),
      })
      await request.onStored?.(tx, {project: request.project, event: out.event, at: session.now(), seconds: (Date.now() - started) / 1000})
      return out
    })
  } catch (error) {
    // a shadow made for a backup that was not written would be named by nothing: delete it again
    if (shadow) await discardShadow(client, shadow)
    throw error
  }
  const retention = await applyRetentionDays(session, repo, request.project.id)
  return {
    project: {id: request.project.id, title: request.project.title, url: request.project.url},
    event: appended.event,
    unchanged: appended.unchanged,
    incremental: summary,
    warnings: captured.warnings,
    api: captured.stats,
    ...(captured.capture ? {capture: captured.capture} : {}),
    seconds: (Date.now() - started) / 1000,
    ...(retention ? {retention} : {}),
    ...(shadow ? {shadow: {ref: shadow.ref ?? null, created: shadow.created}} : {}),
  }
}

/** One project of an owner's backup run: its backup, or why it failed. */
export interface OwnerBackupEntry {
  project: ProjectInfo
  result?: BackupResult
  /** the failure's one line */
  error?: string
  /** the failure itself (its kind and code, for the run record) */
  cause?: unknown
  /** when the attempt ended (session clock) and how long it took */
  at: Date
  seconds: number
}

/**
 * Backs up every project of an owner (cross-project backup); one failure does not stop the others. The owner's projects
 * are listed at run time (every page), so a project created since the last run is backed up by this one. `onProject`
 * runs after each project (the run record is written there, before the next project starts).
 */
export async function backupOwner(
  session: Session,
  client: GitHubClient,
  repo: Repository,
  owner: string,
  request: Omit<BackupRequest, 'project'>,
  onProject?: (entry: OwnerBackupEntry) => Promise<void>,
): Promise<OwnerBackupEntry[]> {
  // shadow copies are this tool's own output: never backed up (or shadowed) themselves
  const projects = (await listOwnerProjects(client, owner)).filter((p) => !looksLikeShadow(p))
  const out: OwnerBackupEntry[] = []
  for (const project of projects) {
    const started = Date.now()
    let entry: OwnerBackupEntry
    try {
      const result = await runBackup(session, client, repo, {...request, project})
      entry = {project, result, at: session.now(), seconds: result.seconds}
    } catch (error) {
      entry = {project, error: error instanceof Error ? error.message : String(error), cause: error, at: session.now(), seconds: (Date.now() - started) / 1000}
    }
    out.push(entry)
    await onProject?.(entry)
  }
  return out
}
