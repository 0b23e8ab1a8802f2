import {Flags} from '@oclif/core'
import {readAudit} from '../../audit/audit.js'
import {BaseCommand} from '../../base-command.js'
import {table} from '../../cli/format.js'

export default class BackupLog extends BaseCommand<typeof BackupLog> {
  static override summary = 'Show the audit trail: every backup, restore, delete, cleanup and validate'
  static override examples = ['<%= config.bin %> backup log', '<%= config.bin %> backup log --limit 50 --json', '<%= config.bin %> backup log --command restore']
  static override flags = {
    limit: Flags.integer({char: 'n', description: 'newest N entries', default: 20, min: 1}),
    project: Flags.string({description: 'only entries of this project node id'}),
    command: Flags.string({description: 'only entries of this command id (e.g. restore, backup:create)'}),
  }

  async run(): Promise<unknown> {
    const entries = await readAudit({limit: this.flags.limit, project: this.flags.project, command: this.flags.command})
    this.log(
      table(
        entries.map((e) => [e.time, e.user, e.command, e.project ?? '-', e.backup ?? '-', e.outcome, e.message ?? '']),
        ['TIME', 'USER', 'COMMAND', 'PROJECT', 'BACKUP', 'OUTCOME', 'MESSAGE'],
      ) || 'the audit log is empty',
    )
    return {entries}
  }
}
