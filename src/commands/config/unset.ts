import {Args} from '@oclif/core'
import {BaseCommand} from '../../base-command.js'
import {unsetConfig} from '../../config/config.js'

export default class ConfigUnset extends BaseCommand<typeof ConfigUnset> {
  static override summary = 'Remove a configuration key (its default applies again)'
  static override aliases = ['backup:config:unset']
  static override examples = ['<%= config.bin %> config unset backup.retention_days']
  static override args = {key: Args.string({required: true, description: 'configuration key'})}

  async run(): Promise<{key: string; removed: boolean}> {
    const removed = await unsetConfig(this.args.key)
    this.log(removed ? `${this.args.key} removed` : `${this.args.key} was not set`)
    return {key: this.args.key, removed}
  }
}
