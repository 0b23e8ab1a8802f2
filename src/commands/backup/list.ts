import {Flags} from '@oclif/core'
import {repository} from '../../app/session.js'
import {JournalBase} from '../../cli/journal-base.js'
import {storageFlag} from '../../cli/flags.js'
import {bytes, table} from '../../cli/format.js'
import {readBackupIndex} from '../../journal/catalog.js'

export default class BackupList extends JournalBase<typeof BackupList> {
  static override summary = "List a project's backups, or with --all every project's"
  static override examples = ['<%= config.bin %> backup list --project acme/3', '<%= config.bin %> backup list --all', '<%= config.bin %> backup:list --json']
  static override flags = {
    all: Flags.boolean({char: 'a', description: 'every project in the storage'}),
    storage: storageFlag,
  }

  async run(): Promise<unknown> {
    if (this.flags.all) {
      return this.listAll()
    }
    const {journal} = await this.openJournalFor(this.flags.storage)
    const events = journal.headers()
    const {beyond} = await journal.strays()
    if (beyond.length) this.io.stderr.write(`warning: ${journal.straysWarning(beyond)}\n`)
    this.log(
      table(
        events.map((e) => [
          e.name,
          e.timestamp.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
          e.type,
          e.kind,
          String(e.stats.issues),
          String(e.stats.items),
          String(e.stats.fields),
          bytes(e.stats.bytes),
          // the shadow copy holding the backup's views and workflows (docs/shadow-copies.md), by project number
          [e.pinned ? 'pinned' : '', e.shadow ? `shadow #${e.shadow.number}` : ''].filter(Boolean).join(' '),
        ]),
        ['NAME', 'TIME', 'TYPE', 'KIND', 'ISSUES', 'ITEMS', 'FIELDS', 'STORED', ''],
      ) || 'no backups yet',
    )
    return {projectId: journal.projectId, backups: events, ...(beyond.length ? {unlistedFiles: beyond} : {})}
  }

  private async listAll() {
    const session = await this.newSession()
    const repo = await repository(session, this.flags.storage)
    const projects = await readBackupIndex(repo.backend, repo.codec)
    this.log(
      table(
        projects.map((p) => [p.title, p.url, String(p.events), p.latest ? `${p.latest.name} (${p.latest.timestamp})` : '-', bytes(p.bytes)]),
        ['PROJECT', 'URL', 'BACKUPS', 'LATEST', 'STORED'],
      ) || 'no backups yet',
    )
    return {storage: repo.url, projects}
  }
}
