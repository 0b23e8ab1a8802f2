import {Args} from '@oclif/core'
import {BaseCommand} from '../../base-command.js'
import {checkConfigValue, parseValue, setConfig} from '../../config/config.js'

export default class ConfigSet extends BaseCommand<typeof ConfigSet> {
  static override summary = 'Set a configuration key'
  static override aliases = ['backup:config:set']
  static override examples = [
    '<%= config.bin %> config set backup.auto_before_destructive true',
    '<%= config.bin %> config set backup.retention_days 30',
    '<%= config.bin %> config set project https://github.com/orgs/acme/projects/3',
  ]
  static override args = {
    key: Args.string({required: true, description: 'configuration key (see `config list`)'}),
    value: Args.string({required: true, description: 'value'}),
  }

  async run(): Promise<{key: string; value: unknown}> {
    // refused now, in one line, rather than by the next command that reads it
    await checkConfigValue(this.args.key, parseValue(this.args.key, this.args.value))
    const value = await setConfig(this.args.key, this.args.value)
    this.log(`${this.args.key} = ${Array.isArray(value) ? value.join(',') : value}`)
    return {key: this.args.key, value}
  }
}
