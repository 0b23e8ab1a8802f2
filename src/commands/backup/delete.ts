import {Args, Flags} from '@oclif/core'
import {writeJournal} from '../../app/session.js'
import {appendAudit} from '../../audit/audit.js'
import {JournalBase} from '../../cli/journal-base.js'
import {storageFlag} from '../../cli/flags.js'
import {bytes} from '../../cli/format.js'

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
    let name = this.args.name
    try {
      name = this.args.name === 'latest' ? journal.find('latest').name : this.args.name
      const result = await writeJournal(session, repo, journal.projectId, `Delete: ${name}`, (j) => j.delete(name, {force: this.flags.force}))
      name = result.removed[0]?.name ?? name
      await appendAudit({command: 'backup:delete', project: journal.projectId, backup: name, outcome: 'ok', counts: {bytesFreed: result.bytesFreed}})
      this.log(`deleted ${name}; ${bytes(Math.max(0, result.bytesFreed))} freed`)
      return {deleted: result.removed.map((h) => h.name), bytesFreed: result.bytesFreed}
    } catch (error) {
      await appendAudit({command: 'backup:delete', project: journal.projectId, backup: name, outcome: 'failed', message: (error as Error).message})
      throw error
    }
  }
}
