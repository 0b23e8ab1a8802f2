import {Args} from '@oclif/core'
import {BaseCommand} from '../../base-command.js'
import {describeKey, loadConfig, type ConfigKey} from '../../config/config.js'

export default class ConfigGet extends BaseCommand<typeof ConfigGet> {
  static override summary = 'Show the value of a configuration key'
  static override aliases = ['backup:config:get']
  static override examples = ['<%= config.bin %> config get backup.retention_days']
  static override args = {key: Args.string({required: true, description: 'configuration key'})}

  async run(): Promise<{key: string; value: unknown; source: string}> {
    describeKey(this.args.key)
    const config = await loadConfig()
    const key = this.args.key as ConfigKey
    const value = config.get(key)
    this.log(value === undefined ? '' : Array.isArray(value) ? value.join(',') : String(value))
    return {key, value: value ?? null, source: config.source(key)}
  }
}
