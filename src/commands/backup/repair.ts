import {backedUpProjectId, repository} from '../../app/session.js'
import {ProjectCommand} from '../../base-command.js'
import {storageFlag} from '../../cli/flags.js'
import {repairJournal} from '../../journal/repair.js'
import {inTransaction} from '../../storage/open.js'

export default class BackupRepair extends ProjectCommand<typeof BackupRepair> {
  static override summary = "Rebuild a project's journal head from its event files; nothing is deleted"
  static override description =
    'When metadata.json is gone or older than the event files (a partial sync, a restored folder, a mistaken rm), the ' +
    'backups are still in their event files, which carry their chain hashes. repair keeps the newest chain that ' +
    'replays whole and moves every other file to the quarantine folder beside events/. A journal that needs no repair ' +
    'is left as it is.'
  static override examples = ['<%= config.bin %> backup repair --project acme/3', '<%= config.bin %> backup repair --project PVT_kwDOA1 --storage git:///srv/backups --json']
  static override flags = {storage: storageFlag}

  async run(): Promise<unknown> {
    const session = await this.newSession()
    const repo = await repository(session, this.flags.storage)
    const projectId = await backedUpProjectId(session, repo, this.flags.project)
    const record = this.audit({command: 'backup:repair', project: projectId})
    const report = await inTransaction(repo.backend, `Repair: ${projectId}`, (tx) => repairJournal(tx, repo.codec, projectId))
    Object.assign(record, {
      outcome: 'ok',
      counts: {backups: report.backups.length, recovered: report.recovered.length, quarantined: report.quarantined.length},
      message: report.outcome,
    })
    if (report.outcome === 'unchanged') this.log(`the journal of ${projectId} is whole (${report.backups.length} backups): nothing to repair`)
    else {
      this.log(`rebuilt the journal head of ${projectId}: ${report.backups.length} backups (${report.recovered.length} recovered)`)
      for (const name of report.recovered) this.log(`  recovered ${name}`)
    }
    for (const q of report.quarantined) this.log(`  quarantined ${q.file}: ${q.reason}`)
    return report
  }
}
