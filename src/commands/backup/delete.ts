import {Args, Flags} from '@oclif/core'
import {writeJournal} from '../../app/session.js'
import {JournalBase} from '../../cli/journal-base.js'
import {storageFlag} from '../../cli/flags.js'
import {bytes, plural} from '../../cli/format.js'
import {retainedSummary, settleShadows} from '../../app/retention.js'
import {reportShadows} from '../../cli/shadow-report.js'

export default class BackupDelete extends JournalBase<typeof BackupDelete> {
  static override summary = 'Delete one backup; every other backup still rebuilds exactly as before'
  static override examples = ['<%= config.bin %> backup delete before-major-refactor --project acme/3']
  static override args = {name: Args.string({required: true, description: 'exact backup name, or latest'})}
  static override flags = {
    force: Flags.boolean({description: 'delete it even when it is pinned'}),
    storage: storageFlag,
  }

  async run(): Promise<unknown> {
    const {journal, session, repo} = await this.openJournalFor(this.flags.storage)
    // `latest` and the like are resolved first: the commit message, the audit log and the output name the real backup
    const record = this.audit({command: 'backup:delete', project: journal.projectId, backup: this.args.name})
    const name = this.args.name === 'latest' ? journal.find('latest').name : this.args.name
    record.backup = name
    const result = await writeJournal(session, repo, journal.projectId, `Delete: ${name}`, (j) => j.delete(name, {force: this.flags.force}))
    Object.assign(record, {backup: result.removed[0]?.name ?? name, outcome: 'ok', counts: {bytesFreed: result.bytesFreed}})
    this.log(`deleted ${record.backup}; ${bytes(Math.max(0, result.bytesFreed))} freed`)
    const retained = result.retained?.length ? retainedSummary(result.retained) : undefined
    if (retained) {
      this.log(`  ${plural(retained.objects, 'object')} retained by Object Lock${retained.until ? ` until ${retained.until}` : ''}: left in place; a later cleanup removes them`)
    }
    // after the journal change: a shadow no remaining backup names is deleted on GitHub (a failure is retried later)
    const shadows = await settleShadows(session, repo, journal.projectId, result.removed)
    reportShadows(this, shadows)
    return {deleted: result.removed.map((h) => h.name), bytesFreed: result.bytesFreed, ...(retained ? {retained} : {}), ...(shadows ? {shadows} : {})}
  }
}
