import {Flags} from '@oclif/core'
import {writeReport} from '../../app/report.js'
import {storageFlag} from '../../cli/flags.js'
import {JournalBase} from '../../cli/journal-base.js'
import {parseTime} from '../../util/time.js'

export default class BackupReport extends JournalBase<typeof BackupReport> {
  static override summary = "The board's history as one self-contained HTML file: the board at each backup, what changed, a cumulative flow"
  static override description =
    'Writes ONE HTML file (no network, works from disk and as a CI artifact): a slider over the full backups showing ' +
    'the board at each one; the changes between two chosen backups (added, removed, moved, edited) listed and ' +
    "highlighted on the board; a cumulative flow diagram (items per Status value) and item counts over time; the " +
    "project's fields and views as they were. Times are the BACKUPS' times, not GitHub's timeline."
  static override examples = [
    '<%= config.bin %> backup report --html board-history.html --project acme/3',
    '<%= config.bin %> backup report --since 30d --html report.html',
    '<%= config.bin %> backup:report --html out/report.html --json',
  ]
  static override flags = {
    html: Flags.string({description: 'write the HTML report to FILE (0600, replaced atomically)', helpValue: 'FILE', required: true}),
    since: Flags.string({description: 'only backups taken from this time (ISO 8601 or an age such as 30d)', helpValue: 'TIME'}),
    until: Flags.string({description: 'only backups taken up to this time (ISO 8601 or an age)', helpValue: 'TIME'}),
    storage: storageFlag,
  }

  async run(): Promise<unknown> {
    const f = this.flags
    const {journal} = await this.openJournalFor(f.storage)
    const {file, backups, items, bytes} = await writeReport(journal, {
      file: f.html,
      since: f.since === undefined ? undefined : parseTime(f.since, new Date(), '--since'),
      until: f.until === undefined ? undefined : parseTime(f.until, new Date(), '--until'),
    })
    if (!this.jsonEnabled()) this.log(`report written to ${file} (${backups} backups, ${items} items, ${bytes} bytes)`)
    return {file, backups, items, bytes}
  }
}
