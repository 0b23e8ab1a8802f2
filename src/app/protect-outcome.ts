import type {AuditEntry} from '../audit/audit.js'
import type {ResolvedConfig} from '../config/config.js'
import type {BackupResult} from './backup.js'
import {ERROR_KINDS} from '../util/errors.js'

/**
 * What the automatic backups before destructive commands answer, and the lines the hooks print: shared by the
 * decision (protect.ts), the reading of the command line (protect-argv.ts) and the backup itself (protect-backup.ts).
 * Light on purpose: the prerun hook loads this for every command of every plugin (docs/performance.md).
 */

/** `--no-backup` on a destructive command skips its automatic backup once (the hook removes it from argv). */
export const NO_BACKUP_FLAG = '--no-backup'
/** `GITHUB_PM_NO_BACKUP=1` skips every automatic backup of a process. */
export const NO_BACKUP_ENV = 'GITHUB_PM_NO_BACKUP'
/** The exit code of a destructive command stopped because its backup failed. */
export const BACKUP_FAILED_EXIT = ERROR_KINDS.backupFailed.exit

const SKIP_HINT = `add ${NO_BACKUP_FLAG} or set ${NO_BACKUP_ENV}=1`

/** A flag definition as an oclif command class holds it (only what reading the command line needs). */
export interface FlagInfo {
  /** `boolean` or `option` (takes a value); absent: `boolean` when it has allowNo, else `option` */
  type?: string
  char?: string
  aliases?: readonly string[]
  charAliases?: readonly string[]
  allowNo?: boolean
  multiple?: boolean
  multipleNonGreedy?: boolean
  delimiter?: string
  /** an environment variable that gives the flag its value when the command line does not */
  env?: string
}

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
  /** the command's flag definitions, to read its project flag and flags the command owns as the command reads them */
  flags?: Record<string, FlagInfo | undefined>
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

/** `backup restore` and `backup:restore` name the same command. */
export function normalizeId(id: string): string {
  return id.trim().split(/[\s:]+/).filter(Boolean).join(':')
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

/** A failed backup: the command may go on only under `backup.on_backup_failure=continue`. */
export function failure(config: ResolvedConfig, label: string, message: string, kind: 'command' | 'event'): FailedOutcome {
  const proceed = config.get('backup.on_backup_failure') === 'continue'
  return {status: 'failed', proceed, message, line: failedLine(label, message, proceed, kind)}
}

export function failedLine(label: string, message: string, proceed: boolean, kind: 'command' | 'event'): string {
  const why = message.replace(/[.\s]+$/, '')
  if (proceed) return `warning: automatic backup before ${label} failed: ${why}; going on without it (backup.on_backup_failure=continue)`
  return kind === 'command'
    ? `automatic backup before ${label} failed: ${why}; ${label} did not run. To run it once without a backup: ${SKIP_HINT}`
    : `automatic backup before ${label} failed: ${why}; the change was stopped. To skip the backup once: set ${NO_BACKUP_ENV}=1`
}

/** Audit lines are best effort here: the backup is what protects the project, and it is already saved (or not). */
export async function auditProtection(env: NodeJS.ProcessEnv, entry: Omit<AuditEntry, 'time' | 'user' | 'host'>): Promise<void> {
  try {
    // imported here: a command that is not destructive is never audited, so the hook does not load the audit log
    const {appendAudit} = await import('../audit/audit.js')
    await appendAudit(entry, env)
  } catch {
    // an unwritable audit log must not stop or unstop a destructive command
  }
}
