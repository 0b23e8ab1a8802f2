import type {Hook, Hooks} from '@oclif/core/interfaces'
import {BACKUP_FAILED_EXIT, payloadProblem, protectEvent, type ProtectOutcome, type ProtectPayload} from '../app/protect.js'
import {systemIO} from '../cli/io.js'

/** The custom event: `await this.config.runHook('backup:protect', {project, reason})`. See docs/hooks.md. */
export interface ProtectHooks extends Hooks {
  'backup:protect': {options: ProtectPayload; return: ProtectOutcome}
}

/** Raised to the plugin that fired `backup:protect` when the backup failed; oclif's runHook rethrows it. */
export class ProtectFailedError extends Error {
  readonly code = 'EBACKUPFAILED'
  readonly oclif = {exit: BACKUP_FAILED_EXIT}
  /** true when the reason line is already on stderr: oclif must not print it a second time */
  readonly skipOclifErrorHandling: boolean

  constructor(message: string, options: {printed: boolean}) {
    super(message)
    this.name = 'ProtectFailedError'
    this.skipOclifErrorHandling = options.printed
  }
}

/**
 * Backs up the named project before another plugin changes it, with the same one stderr line as the prerun hook.
 * Answers the outcome (runHook's `successes[0].result`); a failed backup throws ProtectFailedError (exit 2) unless
 * `backup.on_backup_failure=continue`.
 */
const hook: Hook<'backup:protect', ProtectHooks> = async function (options) {
  const problem = payloadProblem(options)
  if (problem) throw new ProtectFailedError(problem, {printed: false})
  const outcome = await protectEvent({project: options.project, reason: options.reason, command: options.command}, {io: systemIO()})
  if (outcome.status === 'saved' || outcome.status === 'failed') process.stderr.write(`${outcome.line}\n`)
  if (outcome.status === 'failed' && !outcome.proceed) throw new ProtectFailedError(outcome.line, {printed: true})
  return outcome
}

export default hook
