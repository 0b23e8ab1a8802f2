import {Args, Flags} from '@oclif/core'
import {writeJournal} from '../../app/session.js'
import {JournalBase} from '../../cli/journal-base.js'
import {storageFlag} from '../../cli/flags.js'

export default class BackupPin extends JournalBase<typeof BackupPin> {
  static override summary = 'Pin a backup so cleanup and retention never remove it (--unpin to release)'
  static override examples = ['<%= config.bin %> backup pin before-major-refactor --project acme/3', '<%= config.bin %> backup pin before-major-refactor --unpin']
  static override args = {name: Args.string({required: true, description: 'exact backup name'})}
  static override flags = {
    unpin: Flags.boolean({description: 'remove the pin instead'}),
    storage: storageFlag,
  }

  async run(): Promise<unknown> {
    const {journal, session, repo} = await this.openJournalFor(this.flags.storage)
    const pinned = !this.flags.unpin
    const verb = pinned ? 'Pin' : 'Unpin'
    const record = this.audit({command: 'backup:pin', project: journal.projectId, backup: this.args.name})
    const header = await writeJournal(session, repo, journal.projectId, `${verb}: ${this.args.name}`, (j) => j.pin(this.args.name, pinned))
    Object.assign(record, {backup: header.name, outcome: 'ok', message: pinned ? 'pinned' : 'unpinned'})
    this.log(pinned ? `pinned ${header.name}: cleanup and retention will keep it` : `unpinned ${header.name}`)
    return {projectId: journal.projectId, name: header.name, pinned: header.pinned === true}
  }
}
