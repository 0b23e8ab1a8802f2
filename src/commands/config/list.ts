import {BaseCommand} from '../../base-command.js'
import {listConfig} from '../../config/config.js'

export default class ConfigList extends BaseCommand<typeof ConfigList> {
  static override summary = 'List every configuration key with its value and where it comes from'
  static override aliases = ['backup:config:list', 'config']
  static override examples = ['<%= config.bin %> config list', '<%= config.bin %> config list --json']

  async run(): Promise<{keys: Awaited<ReturnType<typeof listConfig>>}> {
    const keys = await listConfig()
    const width = Math.max(...keys.map((k) => k.key.length))
    for (const k of keys) {
      const value = k.value === undefined ? '(unset)' : Array.isArray(k.value) ? k.value.join(',') : String(k.value)
      this.log(`${k.key.padEnd(width)}  ${value}  [${k.source}]`)
    }
    return {keys}
  }
}
