import {Args, Flags} from '@oclif/core'
import {fieldHistoryCsv, formatFieldHistory, formatItemHistory, itemHistoryCsv} from '../../cli/history.js'
import {JournalBase} from '../../cli/journal-base.js'
import {storageFlag} from '../../cli/flags.js'
import {fieldHistory, itemHistory, parseItemSelector} from '../../journal/history.js'
import {UserError} from '../../util/errors.js'
import {parseTime} from '../../util/time.js'

export default class BackupHistory extends JournalBase<typeof BackupHistory> {
  static override summary = "One item's values across every backup, or every change of one field over the whole project"
  static override description =
    'With ISSUE (a number, owner/repo#N or a URL) or --draft TITLE: the item as every full backup saw it: first seen, ' +
    'each change of a value, archived, removed, re-added. With only --field: every change of that field in the project ' +
    '(--since/--until), the time each item spent in each value, and cycle time where the field has a done-like value. ' +
    "The times are the BACKUPS' times, not GitHub's timeline: every output shows the interval between backups."
  static override examples = [
    '<%= config.bin %> backup history 42 --project acme/3',
    '<%= config.bin %> backup history acme/api#42 --field Status',
    '<%= config.bin %> backup history --draft "Plan the launch"',
    '<%= config.bin %> backup history --field Status --since 30d --format csv > status-audit.csv',
  ]
  static override args = {item: Args.string({description: 'issue or pull request: a number, owner/repo#N, or its URL'})}
  static override flags = {
    storage: storageFlag,
    draft: Flags.string({description: 'a draft issue, by title (case-insensitive)'}),
    field: Flags.string({char: 'f', description: "only this field's changes; alone: this field over the whole project (e.g. Status)"}),
    since: Flags.string({description: 'project-wide: changes seen from this time (ISO 8601 or an age such as 30d)'}),
    until: Flags.string({description: 'project-wide: changes seen up to this time (ISO 8601 or an age)'}),
    done: Flags.string({description: 'project-wide: a value that means done, for cycle time (repeatable; default: options named Done, Closed, Complete, Shipped...)', multiple: true}),
    format: Flags.string({description: 'output: text (default) or csv', options: ['text', 'csv'], default: 'text'}),
  }

  async run(): Promise<unknown> {
    const {item, draft, field, since, until, done, format} = {item: this.args.item, ...this.flags}
    if (item !== undefined && draft !== undefined) throw new UserError('name one item: ISSUE or --draft TITLE, not both')
    if (item === undefined && draft === undefined) {
      if (!field) throw new UserError('name an item (ISSUE or --draft TITLE), or a field for the whole project (--field Status)')
      const {journal} = await this.openJournalFor(this.flags.storage)
      const history = await fieldHistory(journal, {
        field,
        since: since === undefined ? undefined : parseTime(since, new Date(), '--since'),
        until: until === undefined ? undefined : parseTime(until, new Date(), '--until'),
        done,
      })
      if (!this.jsonEnabled()) {
        if (format === 'csv') this.io.stdout.write(fieldHistoryCsv(history))
        else this.log(formatFieldHistory(history))
      }
      return history
    }
    if (since !== undefined || until !== undefined || done !== undefined) throw new UserError('--since, --until and --done are for the project-wide history (--field alone)')
    const selector = draft === undefined ? parseItemSelector(item!) : {kind: 'draft' as const, title: draft}
    const {journal} = await this.openJournalFor(this.flags.storage)
    const history = await itemHistory(journal, selector, {field})
    if (!this.jsonEnabled()) {
      if (format === 'csv') this.io.stdout.write(itemHistoryCsv(history))
      else this.log(formatItemHistory(history))
    }
    return history
  }
}
