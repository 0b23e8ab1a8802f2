import {appendAudit} from '../audit/audit.js'
import {autoName} from '../journal/names.js'
import {oneLine} from '../util/errors.js'
import {redact} from '../util/secrets.js'
import {runBackup, type BackupResult} from './backup.js'
import {connect, journalFor, openSession, repository, resolveLiveProject, type Session} from './session.js'

/**
 * Automatic backups before destructive commands, whichever plugin they come from (docs/hooks.md is the contract):
 * the `prerun` hook asks `protectCommand`, the `backup:protect` event asks `protectProject`. Both answer an outcome
 * holding the one line the hook prints; nothing here prints, exits or reads process state other than the session.
 */

/** `--no-backup` on a destructive command skips its automatic backup once (the hook removes it from argv). */
export const NO_BACKUP_FLAG = '--no-backup'
/** `GITHUB_PM_NO_BACKUP=1` skips every automatic backup of a process. */
export const NO_BACKUP_ENV = 'GITHUB_PM_NO_BACKUP'
/** The exit code of a destructive command stopped because its backup failed. */
export const BACKUP_FAILED_EXIT = 2

const SKIP_HINT = `add ${NO_BACKUP_FLAG} or set ${NO_BACKUP_ENV}=1`

/** What the hook knows of the command about to run (an oclif command class fits). */
export interface CommandInfo {
  id: string
  /** `static destructive = true` */
  destructive?: unknown
  /**
   * `static ownSafetyBackup = true`: the command takes its own safety backup once its input is checked and only when
   * it will change something (this plugin's restore does: `pre-restore-…`), so the hook leaves it alone.
   */
  ownSafetyBackup?: unknown
  /** the command's flag definitions, to find the project flag's short name and flags the command owns */
  flags?: Record<string, {char?: string; allowNo?: boolean} | undefined>
}

export interface SavedOutcome {
  status: 'saved'
  line: string
  backup: string
  project: BackupResult['project']
  unchanged: boolean
  /** changed issues plus changed fields and options, as the incremental summary counts them */
  changes: number
}

export interface FailedOutcome {
  status: 'failed'
  line: string
  message: string
  /** true: backup.on_backup_failure=continue, the command may run; false: it must not */
  proceed: boolean
}

export type ProtectOutcome =
  | {status: 'not-destructive'}
  | {status: 'skipped'; why: 'disabled' | 'no-backup-flag' | 'no-backup-env'}
  | SavedOutcome
  | FailedOutcome

/** `backup restore` and `backup:restore` name the same command. */
export function normalizeId(id: string): string {
  return id.trim().split(/[\s:]+/).filter(Boolean).join(':')
}

/** Destructive: the class says `static destructive = true`, or its id (colon or space form) is in the list. */
export function isDestructive(command: CommandInfo, list: readonly string[]): boolean {
  if (command.ownSafetyBackup === true) return false
  if (command.destructive === true) return true
  const id = normalizeId(command.id)
  return list.some((entry) => normalizeId(entry) === id)
}

/** The tokens before `--`: what oclif parses as flags. */
function flagZone(argv: readonly string[]): number {
  const end = argv.indexOf('--')
  return end === -1 ? argv.length : end
}

/** The short name of the project flag: the command's own `project` char, else `p` unless another flag owns `-p`. */
function projectChar(flags: CommandInfo['flags']): string | undefined {
  if (!flags) return 'p'
  const own = flags.project?.char
  if (own) return own
  return Object.entries(flags).some(([name, def]) => name !== 'project' && def?.char === 'p') ? undefined : 'p'
}

/** The project named on the command line: `--project X`, `--project=X`, `-p X`, `-pX` or `-p=X`. */
export function projectFromArgv(argv: readonly string[], flags?: CommandInfo['flags']): string | undefined {
  const char = projectChar(flags)
  const end = flagZone(argv)
  let found: string | undefined
  for (let i = 0; i < end; i++) {
    const token = argv[i]
    if (token === '--project' || (char && token === `-${char}`)) {
      if (i + 1 < end) found = argv[++i]
    } else if (token.startsWith('--project=')) {
      found = token.slice('--project='.length)
    } else if (char && token.startsWith(`-${char}`) && !token.startsWith('--')) {
      found = token.slice(2).replace(/^=/, '')
    }
  }
  return found?.trim() ? found.trim() : undefined
}

/**
 * Finds `--no-backup` among the flags and removes it from argv IN PLACE (the array the command parses next), so the
 * protected command never sees a flag it does not know. A command that defines `--no-backup` itself (a `backup` flag
 * with allowNo, or a `no-backup` flag) keeps it: the flag is its own, and still skips the automatic backup.
 */
export function takeNoBackupFlag(argv: string[], flags?: CommandInfo['flags']): boolean {
  const owned = Boolean(flags?.['no-backup'] || flags?.backup?.allowNo)
  let found = false
  for (let i = flagZone(argv) - 1; i >= 0; i--) {
    if (argv[i] !== NO_BACKUP_FLAG) continue
    found = true
    if (!owned) argv.splice(i, 1)
  }
  return found
}

export function noBackupEnv(env: NodeJS.ProcessEnv): boolean {
  return /^(1|true|yes|on)$/i.test(env[NO_BACKUP_ENV]?.trim() ?? '')
}

/** `auto-configure`, `auto-backup-restore`: the name prefix of a command's automatic backups. */
export function backupPrefix(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .replace(/\.{2,}/g, '.')
    .slice(0, 40)
    .replace(/[-.]+$/, '')
  return `auto-${slug || 'protect'}`
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

export interface ProtectRequest {
  /** the project text (URL, OWNER/NUMBER, node id) */
  project: string
  /** audit `command`: the protected command id, or `backup:protect` */
  command: string
  /** how the line names what is protected: `configure`, `backup restore`, `backup:protect (bulk-edit)` */
  label: string
  /** backup name prefix, e.g. `auto-configure` */
  prefix: string
  /** why, for the audit trail (backup:protect's reason) */
  reason?: string
  /** a command about to run (prerun) or a change a plugin announced (backup:protect): only the failure line differs */
  kind?: 'command' | 'event'
}

/**
 * Backs up one project before a change and answers the line to print. Never throws for a failed backup: a failure
 * is an outcome whose `proceed` follows `backup.on_backup_failure`. Every attempt appends one audit line.
 */
export async function protectProject(session: Session, request: ProtectRequest): Promise<SavedOutcome | FailedOutcome> {
  let projectId: string | undefined
  let name: string | undefined
  try {
    const client = await connect(session)
    const project = await resolveLiveProject(session, client, request.project)
    projectId = project.id
    const repo = await repository(session)
    name = await freeName(session, repo, project.id, request.prefix)
    const result = await runBackup(session, client, repo, {project, name, origin: 'auto'})
    const changes = describeChanges(result)
    await audit(session, {
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
    await audit(session, {command: request.command, project: projectId ?? request.project, backup: name, outcome: 'failed', message})
    return failure(session, request.label, message, request.kind ?? 'command')
  }
}

/** The prerun decision: not destructive, skipped, saved or failed. Removes `--no-backup` from argv in place. */
export async function protectCommand(
  argv: string[],
  command: CommandInfo,
  options: {env?: NodeJS.ProcessEnv; session?: Session; topicSeparator?: string} = {},
): Promise<ProtectOutcome> {
  const label = options.topicSeparator === ' ' ? normalizeId(command.id).replace(/:/g, ' ') : command.id
  let session: Session
  try {
    session = options.session ?? (await openSession({env: options.env}))
  } catch (error) {
    // an unreadable config file: only a command that is destructive whatever the list says is stopped; the others
    // run and report the config problem themselves (`config set` must stay usable to repair it)
    if (command.destructive !== true) return {status: 'not-destructive'}
    takeNoBackupFlag(argv, command.flags)
    const message = redact(oneLine((error as Error).message))
    return {status: 'failed', proceed: false, message, line: failedLine(label, message, false, 'command')}
  }
  const list = (session.config.get('backup.destructive_commands') as string[] | undefined) ?? []
  if (!isDestructive(command, list)) return {status: 'not-destructive'}
  const flagged = takeNoBackupFlag(argv, command.flags)
  if (session.config.get('backup.auto_before_destructive') === false) return {status: 'skipped', why: 'disabled'}
  if (flagged || noBackupEnv(session.env)) {
    const why = flagged ? 'no-backup-flag' : 'no-backup-env'
    await audit(session, {
      command: normalizeId(command.id),
      project: projectFromArgv(argv, command.flags) ?? (session.config.get('project') as string | undefined),
      outcome: 'refused',
      message: `automatic backup skipped (${flagged ? NO_BACKUP_FLAG : `${NO_BACKUP_ENV}=1`})`,
    })
    return {status: 'skipped', why}
  }
  const project = projectFromArgv(argv, command.flags) ?? (session.config.get('project') as string | undefined)
  if (!project) {
    const message = `cannot tell which project ${label} changes: pass --project or run \`github-pm config set project <project>\``
    await audit(session, {command: normalizeId(command.id), outcome: 'failed', message})
    return failure(session, label, message, 'command')
  }
  return protectProject(session, {project, command: normalizeId(command.id), label, prefix: backupPrefix(normalizeId(command.id))})
}

/** The payload of `backup:protect`, as any plugin fires it. */
export type ProtectPayload = {
  project: string
  reason: string
  /** the firing command's id, for the audit trail (optional) */
  command?: string
}

/** Checks a `backup:protect` payload; answers a one-line problem, or undefined when it is good. */
export function payloadProblem(payload: unknown): string | undefined {
  const p = payload as Partial<ProtectPayload> | undefined
  if (!p || typeof p.project !== 'string' || !p.project.trim()) return 'backup:protect needs {project: string, reason: string}: project is missing'
  if (typeof p.reason !== 'string' || !p.reason.trim()) return 'backup:protect needs {project: string, reason: string}: reason is missing'
  if (p.command !== undefined && typeof p.command !== 'string') return 'backup:protect: command must be a string when given'
  return undefined
}

/** The `backup:protect` decision: skipped (config or env), saved or failed. */
export async function protectEvent(payload: ProtectPayload, options: {env?: NodeJS.ProcessEnv; session?: Session} = {}): Promise<ProtectOutcome> {
  const label = `${payload.command ? normalizeId(payload.command) + ' ' : ''}(${oneLine(payload.reason)})`
  let session: Session
  try {
    session = options.session ?? (await openSession({env: options.env}))
  } catch (error) {
    const message = redact(oneLine((error as Error).message))
    return {status: 'failed', proceed: false, message, line: failedLine(label, message, false, 'event')}
  }
  if (session.config.get('backup.auto_before_destructive') === false) return {status: 'skipped', why: 'disabled'}
  if (noBackupEnv(session.env)) {
    await audit(session, {
      command: payload.command ? normalizeId(payload.command) : 'backup:protect',
      project: payload.project,
      outcome: 'refused',
      message: `automatic backup skipped (${NO_BACKUP_ENV}=1): ${payload.reason}`,
    })
    return {status: 'skipped', why: 'no-backup-env'}
  }
  return protectProject(session, {
    project: payload.project,
    command: payload.command ? normalizeId(payload.command) : 'backup:protect',
    label,
    prefix: backupPrefix(payload.command ? normalizeId(payload.command) : payload.reason),
    reason: payload.reason,
    kind: 'event',
  })
}

function failure(session: Session, label: string, message: string, kind: 'command' | 'event'): FailedOutcome {
  const proceed = session.config.get('backup.on_backup_failure') === 'continue'
  return {status: 'failed', proceed, message, line: failedLine(label, message, proceed, kind)}
}

function failedLine(label: string, message: string, proceed: boolean, kind: 'command' | 'event'): string {
  const why = message.replace(/[.\s]+$/, '')
  if (proceed) return `warning: automatic backup before ${label} failed: ${why}; going on without it (backup.on_backup_failure=continue)`
  return kind === 'command'
    ? `automatic backup before ${label} failed: ${why}; ${label} did not run. To run it once without a backup: ${SKIP_HINT}`
    : `automatic backup before ${label} failed: ${why}; the change was stopped. To skip the backup once: set ${NO_BACKUP_ENV}=1`
}

/** `prefix-STAMP`, or `prefix-STAMP-2`, ... when a backup of that name exists (two protections in one second). */
async function freeName(session: Session, repo: Awaited<ReturnType<typeof repository>>, projectId: string, prefix: string): Promise<string> {
  const base = autoName(prefix, session.now())
  const taken = new Set((await journalFor(session, repo, projectId)).headers().map((h) => h.name))
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}

/** Audit lines are best effort here: the backup is what protects the project, and it is already saved (or not). */
async function audit(session: Session, entry: Parameters<typeof appendAudit>[0]): Promise<void> {
  try {
    await appendAudit(entry, session.env)
  } catch {
    // an unwritable audit log must not stop or unstop a destructive command
  }
}
