import {loadConfig, type ResolvedConfig} from '../config/config.js'
import {oneLine} from '../util/errors.js'
import type {IOStreams} from '../util/io.js'
import {redact} from '../util/secrets.js'
import {
  auditProtection,
  backupPrefix,
  failedLine,
  failure,
  normalizeId,
  NO_BACKUP_ENV,
  NO_BACKUP_FLAG,
  type CommandInfo,
  type ProtectOutcome,
  type ProtectRequest,
} from './protect-outcome.js'
import type {Session} from './session.js'

/**
 * Automatic backups before destructive commands, whichever plugin they come from (docs/hooks.md is the contract):
 * the `prerun` hook asks `protectCommand`, the `backup:protect` event asks `protectEvent`. Both answer an outcome
 * holding the one line the hook prints; nothing here prints, exits or reads process state other than the session.
 *
 * This module is the DECISION, and it is light: the prerun hook runs it before every command of every plugin, so it
 * reads the configuration and nothing else. What a destructive command needs is imported only then: reading its
 * command line with oclif's parser (protect-argv.ts) and the backup (protect-backup.ts: GitHub client, storage, journal).
 */

export {BACKUP_FAILED_EXIT, NO_BACKUP_ENV, NO_BACKUP_FLAG, backupPrefix, normalizeId} from './protect-outcome.js'
export type {CommandInfo, FailedOutcome, FlagInfo, ProtectOutcome, ProtectRequest, SavedOutcome} from './protect-outcome.js'

/** Destructive: the class says `static destructive = true`, or its id (colon or space form) is in the list. */
export function isDestructive(command: CommandInfo, list: readonly string[]): boolean {
  if (command.ownSafetyBackup === true) return false
  if (command.destructive === true) return true
  const id = normalizeId(command.id)
  return list.some((entry) => normalizeId(entry) === id)
}

export function noBackupEnv(env: NodeJS.ProcessEnv): boolean {
  return /^(1|true|yes|on)$/i.test(env[NO_BACKUP_ENV]?.trim() ?? '')
}

/** What the caller brings: the environment, a session (tests, a fixed clock), the process's terminal (the hook). */
export interface ProtectOptions {
  env?: NodeJS.ProcessEnv
  session?: Session
  io?: IOStreams
}

interface Settings {
  env: NodeJS.ProcessEnv
  config: ResolvedConfig
  /** a session given by the caller (tests, a fixed clock): the backup runs with it */
  session?: Session
  /** the process's terminal (the hook's), so that the backup can ask for a passphrase there */
  io?: IOStreams
}

/** The configuration in force: the given session's, else read from the config file and environment (light). */
async function settings(options: ProtectOptions): Promise<Settings> {
  if (options.session) return {env: options.session.env, config: options.session.config, session: options.session}
  const env = options.env ?? process.env
  return {env, config: await loadConfig(env), io: options.io}
}

/** Runs the backup: the heavy modules are loaded here, for a command that gets one, and only then. */
async function backUp(s: Settings, request: ProtectRequest) {
  const {protectProject, protectionSession} = await import('./protect-backup.js')
  return protectProject(s.session ?? (await protectionSession(s.env, s.config, s.io)), request)
}

/** The prerun decision: not destructive, skipped, saved or failed. Removes `--no-backup` from argv in place. */
export async function protectCommand(
  argv: string[],
  command: CommandInfo,
  options: ProtectOptions & {topicSeparator?: string} = {},
): Promise<ProtectOutcome> {
  const label = options.topicSeparator === ' ' ? normalizeId(command.id).replace(/:/g, ' ') : command.id
  let s: Settings
  try {
    s = await settings(options)
  } catch (error) {
    // an unreadable config file: only a command that is destructive whatever the list says is stopped; the others
    // run and report the config problem themselves (`config set` must stay usable to repair it)
    if (command.destructive !== true) return {status: 'not-destructive'}
    const {readArgv, takeNoBackup} = await import('./protect-argv.js')
    takeNoBackup(argv, await readArgv(argv, command.flags))
    const message = redact(oneLine((error as Error).message))
    return {status: 'failed', proceed: false, message, line: failedLine(label, message, false, 'command')}
  }
  const list = (s.config.get('backup.destructive_commands') as string[] | undefined) ?? []
  if (!isDestructive(command, list)) return {status: 'not-destructive'}
  const {readArgv, takeNoBackup} = await import('./protect-argv.js')
  const reading = await readArgv(argv, command.flags, s.env)
  const flagged = takeNoBackup(argv, reading)
  if (s.config.get('backup.auto_before_destructive') === false) return {status: 'skipped', why: 'disabled'}
  const project = reading.project ?? (reading.problem ? undefined : (s.config.get('project') as string | undefined))
  if (flagged || noBackupEnv(s.env)) {
    const why = flagged ? 'no-backup-flag' : 'no-backup-env'
    await auditProtection(s.env, {
      command: normalizeId(command.id),
      project,
      outcome: 'refused',
      message: `automatic backup skipped (${flagged ? NO_BACKUP_FLAG : `${NO_BACKUP_ENV}=1`})`,
    })
    return {status: 'skipped', why}
  }
  if (!project) {
    // a command line oclif cannot read: the command will refuse it too, but which project it names is unknown
    const message = reading.problem
      ? `cannot tell which project ${label} changes: its command line does not parse (${reading.problem})`
      : `cannot tell which project ${label} changes: pass --project or run \`github-pm config set project <project>\``
    await auditProtection(s.env, {command: normalizeId(command.id), outcome: 'failed', message})
    return failure(s.config, label, message, 'command')
  }
  return backUp(s, {project, command: normalizeId(command.id), label, prefix: backupPrefix(normalizeId(command.id))})
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
export async function protectEvent(payload: ProtectPayload, options: ProtectOptions = {}): Promise<ProtectOutcome> {
  const label = `${payload.command ? normalizeId(payload.command) + ' ' : ''}(${oneLine(payload.reason)})`
  let s: Settings
  try {
    s = await settings(options)
  } catch (error) {
    const message = redact(oneLine((error as Error).message))
    return {status: 'failed', proceed: false, message, line: failedLine(label, message, false, 'event')}
  }
  if (s.config.get('backup.auto_before_destructive') === false) return {status: 'skipped', why: 'disabled'}
  if (noBackupEnv(s.env)) {
    await auditProtection(s.env, {
      command: payload.command ? normalizeId(payload.command) : 'backup:protect',
      project: payload.project,
      outcome: 'refused',
      message: `automatic backup skipped (${NO_BACKUP_ENV}=1): ${payload.reason}`,
    })
    return {status: 'skipped', why: 'no-backup-env'}
  }
  return backUp(s, {
    project: payload.project,
    command: payload.command ? normalizeId(payload.command) : 'backup:protect',
    label,
    prefix: backupPrefix(payload.command ? normalizeId(payload.command) : payload.reason),
    reason: payload.reason,
    kind: 'event',
  })
}
