import {Args, Flags} from '@oclif/core'
import {JournalBase} from '../../cli/journal-base.js'
import {storageFlag} from '../../cli/flags.js'
import {list} from '../../cli/format.js'
import {compareStates, type ValueChange} from '../../journal/compare.js'
import {parseTime} from '../../util/time.js'

export default class BackupCompare extends JournalBase<typeof BackupCompare> {
  static override summary = 'Compare two backups: issues, fields, views and settings added, modified, removed, and each value that changed'
  static override examples = [
    '<%= config.bin %> backup compare before-major-refactor latest --project acme/3',
    '<%= config.bin %> backup compare auto-20261101-000000 auto-20261125-000000 --json',
  ]
  static override args = {
    a: Args.string({required: true, description: 'older backup (name, prefix or latest)'}),
    b: Args.string({required: true, description: 'newer backup (name, prefix or latest)'}),
  }
  static override flags = {
    storage: storageFlag,
    at: Flags.boolean({description: 'read A and B as times (ISO 8601 or ages like 2d): the backups in force then'}),
  }

  async run(): Promise<unknown> {
    const {journal} = await this.openJournalFor(this.flags.storage)
    const pick = (ref: string) => (this.flags.at ? journal.at(parseTime(ref)) : journal.find(ref))
    const a = pick(this.args.a)
    const b = pick(this.args.b)
    const result = compareStates(await journal.takeState(a), await journal.takeState(b))
    const d = result.differences
    this.log(`${a.name} → ${b.name}`)
    for (const [label, diff] of [
      ['issues', d.issues],
      ['fields', d.fields],
      ['views', d.views],
    ] as const) {
      this.log(`${label.padEnd(8)} added ${list(diff.added as Array<string | number>)}; modified ${list(diff.modified as Array<string | number>)}; removed ${list(diff.removed as Array<string | number>)}`)
    }
    this.log(`settings modified ${list(d.settings.modified)}`)
    for (const change of result.settings) this.log(`  ${describe(change)}`)
    for (const item of result.items) {
      this.log(`${typeof item.item === 'number' ? `#${item.item}` : item.item} ${item.title}`)
      for (const change of item.changes) this.log(`  ${describe(change)}`)
    }
    for (const note of result.notes) this.log(`note: ${note}`)
    return {from: a.name, to: b.name, ...result}
  }
}

/** `Status: "Todo" → "Done"`; a multi-line text shows its unified diff below, indented. */
function describe(change: ValueChange): string {
  const show = (v: unknown) => (v === null || v === undefined ? '(none)' : JSON.stringify(v).slice(0, 200))
  if (change.diff !== undefined) return `${change.what}:\n${change.diff.replace(/^/gm, '    ')}`
  return `${change.what}: ${show(change.from)} → ${show(change.to)}`
}
