import {autoName} from '../journal/names.js'
import type {ResolvedConfig} from '../config/config.js'
import {oneLine} from '../util/errors.js'
import type {IOStreams} from '../util/io.js'
import {redact} from '../util/secrets.js'
import {runBackup, type BackupResult} from './backup.js'
import {auditProtection, failure, type FailedOutcome, type ProtectRequest, type SavedOutcome} from './protect-outcome.js'
import {connect, journalFor, openSession, repository, resolveLiveProject, type Session} from './session.js'

/**
 * The safety backup itself, once the decision (protect.ts) says one is due: this module holds the heavy part of the
 * hook (GitHub client, storage backends, journal), so protect.ts imports it only for a destructive command.
 */

/** The session of a protection, from the configuration the decision already read. */
export function protectionSession(env: NodeJS.ProcessEnv, config: ResolvedConfig, io?: IOStreams): Promise<Session> {
  return openSession({env, config, io})
}

/** `3 changes`, `1 change`, `no changes`, `first backup`. */
export function describeChanges(result: Pick<BackupResult, 'unchanged' | 'incremental'>): {text: string; count: number} {
  const c = result.incremental.changes
  const count = c.new_issues.length + c.modified_issues.length + c.removed_issues.length + c.field_changes.length
  if (result.unchanged) return {text: 'no changes', count: 0}
  if (result.incremental.base_backup === null) return {text: 'first backup of this project', count}
  if (count === 0) return {text: 'project settings changed', count}
  return {text: `${count} ${count === 1 ? 'change' : 'changes'}`, count}
}

/**
 * Backs up one project before a change and answers the line to print. Never throws for a failed backup: a failure
 * is an outcome whose `proceed` follows `backup.on_backup_failure`. Every attempt appends one audit line.
 */
export async function protectProject(session: Session, request: ProtectRequest): Promise<SavedOutcome | FailedOutcome> {
  let projectId: string | undefined
  let name: string | undefined
  try {
    const client = await connect(session, {project: request.project})
    const project = await resolveLiveProject(session, client, request.project)
    projectId = project.id
    const repo = await repository(session)
    name = await freeName(session, repo, project.id, request.prefix)
    const result = await runBackup(session, client, repo, {project, name, origin: 'auto'})
    const changes = describeChanges(result)
    await auditProtection(session.env, {
      command: request.command,
      project: project.id,
      backup: result.event.name,
      outcome: 'ok',
      counts: {changes: changes.count, items: result.event.stats.items, bytes: result.event.stats.bytes},
      message: request.reason ? `automatic backup: ${request.reason}` : 'automatic backup',
    })
    return {
      status: 'saved',
      line: `backup ${result.event.name} saved, ${changes.text}`,
      backup: result.event.name,
      project: result.project,
      unchanged: result.unchanged,
      changes: changes.count,
    }
  } catch (error) {
    const message = redact(oneLine(error instanceof Error ? error.message : String(error)))
    await auditProtection(session.env, {command: request.command, project: projectId ?? request.project, backup: name, outcome: 'failed', message})
    return failure(session.config, request.label, message, request.kind ?? 'command')
  }
}

/** `prefix-STAMP`, or `prefix-STAMP-2`, ... when a backup of that name exists (two protections in one second). */
async function freeName(session: Session, repo: Awaited<ReturnType<typeof repository>>, projectId: string, prefix: string): Promise<string> {
  const base = autoName(prefix, session.now())
  const taken = new Set((await journalFor(session, repo, projectId)).headers().map((h) => h.name))
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}
