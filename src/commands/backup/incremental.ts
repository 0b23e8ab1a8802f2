import {Flags} from '@oclif/core'
import {BackupBase} from '../../cli/backup-base.js'
import {dependenciesFlag, shadowFlag, storageFlag, typeFlag} from '../../cli/flags.js'

export default class BackupIncremental extends BackupBase<typeof BackupIncremental> {
  static override summary = 'Back up only what changed since the last backup, and show what that was'
  static override description = 'Prints the incremental summary: the backup it builds on, and the issues and fields that changed.'
  static override examples = ['<%= config.bin %> backup incremental --project acme/3']
  static override flags = {
    name: Flags.string({char: 'n', description: 'backup name (default: incremental-<UTC time>)'}),
    type: typeFlag,
    storage: storageFlag,
    dependencies: dependenciesFlag,
    shadow: shadowFlag,
  }

  async run(): Promise<unknown> {
    const result = await this.backupOne({...this.flags, prefix: 'incremental'})
    this.report(result)
    const summary = {...result.incremental, backup: result.event.name, unchanged: result.unchanged, stored_bytes: result.event.stats.bytes}
    if (!this.jsonEnabled()) this.log(JSON.stringify(result.incremental, null, 2))
    return summary
  }
}
