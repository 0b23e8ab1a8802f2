import type {Hook} from '@oclif/core'
import {BACKUP_FAILED_EXIT, protectCommand, type CommandInfo} from '../app/protect.js'
import {systemIO} from '../cli/io.js'

/**
 * Before any command of any plugin: when it is destructive (`static destructive = true`, or its id is in
 * `backup.destructive_commands`), back up its project first and say so in one stderr line. When the backup fails the
 * command does not run (exit 2) unless `backup.on_backup_failure=continue`. See docs/hooks.md.
 */
const hook: Hook<'prerun'> = async function (options) {
  const command = options.Command as unknown as CommandInfo & {baseFlags?: CommandInfo['flags']}
  const info: CommandInfo = {
    id: command.id ?? '',
    destructive: command.destructive,
    ownSafetyBackup: command.ownSafetyBackup,
    flags: {...command.baseFlags, ...command.flags},
  }
  if (!info.id) return
  const outcome = await protectCommand(options.argv, info, {topicSeparator: options.config.topicSeparator, io: systemIO()})
  if (outcome.status === 'saved' || outcome.status === 'failed') process.stderr.write(`${outcome.line}\n`)
  if (outcome.status === 'failed' && !outcome.proceed) this.exit(BACKUP_FAILED_EXIT)
}

export default hook
