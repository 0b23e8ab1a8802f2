import {Args} from '@oclif/core'
import {BackupBase} from '../../cli/backup-base.js'
import {dependenciesFlag, shadowFlag, storageFlag, typeFlag} from '../../cli/flags.js'

export default class BackupCreate extends BackupBase<typeof BackupCreate> {
  static override summary = 'Back up a project under a name of your choice'
  static override examples = ['<%= config.bin %> backup create "before-major-refactor" --project acme/3']
  static override args = {name: Args.string({required: true, description: 'backup name: letters, digits, . _ -'})}
  static override flags = {type: typeFlag, storage: storageFlag, dependencies: dependenciesFlag, shadow: shadowFlag}

  async run(): Promise<unknown> {
    const result = await this.backupOne({...this.flags, name: this.args.name})
    this.report(result)
    return result
  }
}
