import {BackupBase} from '../../cli/backup-base.js'
import {dependenciesFlag, shadowFlag, storageFlag, typeFlag} from '../../cli/flags.js'

export default class BackupAuto extends BackupBase<typeof BackupAuto> {
  static override summary = 'Back up a project under a timestamped name (auto-YYYYMMDD-HHMMSS), e.g. from cron or CI'
  static override examples = ['<%= config.bin %> backup auto --project acme/3']
  static override flags = {type: typeFlag, storage: storageFlag, dependencies: dependenciesFlag, shadow: shadowFlag}

  async run(): Promise<unknown> {
    const result = await this.backupOne({...this.flags, prefix: 'auto'})
    this.report(result)
    return result
  }
}
