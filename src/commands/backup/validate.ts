import {Args} from '@oclif/core'
import {backedUpProjectId, journalFor, openSession, repository} from '../../app/session.js'
import {appendAudit} from '../../audit/audit.js'
import {ProjectCommand} from '../../base-command.js'
import {storageFlag} from '../../cli/flags.js'
import {validateJournal} from '../../journal/validate.js'

export default class BackupValidate extends ProjectCommand<typeof BackupValidate> {
  static override summary = 'Check a backup: replay its chain and verify every checksum'
  static override description =
    'Exits with code 3 when any event, or the journal head, does not hold: the first damaged or tampered file is named.'
  static override examples = ['<%= config.bin %> backup validate latest --project acme/3', '<%= config.bin %> backup validate before-major-refactor --json']
  static override args = {name: Args.string({description: 'backup name or latest (default: latest, i.e. the whole journal)'})}
  static override flags = {storage: storageFlag}

  async run(): Promise<unknown> {
    const session = await openSession()
    const repo = await repository(session, this.flags.storage)
    const projectId = await backedUpProjectId(session, repo, this.flags.project)
    let upto: number | undefined
    if (this.args.name && this.args.name !== 'latest') {
      // a head too damaged to open is reported by validateJournal itself; an unknown name is the user's error
      const journal = await journalFor(session, repo, projectId).catch(() => undefined)
      if (journal) upto = journal.find(this.args.name).seq
    }
    const report = await validateJournal(repo.backend, repo.codec, projectId, upto)
    const ok = report.status === 'valid'
    await appendAudit({command: 'backup:validate', project: projectId, backup: this.args.name ?? 'latest', outcome: ok ? 'ok' : 'failed'})
    if (!this.jsonEnabled()) this.log(JSON.stringify(report, null, 2))
    if (!ok) {
      if (this.jsonEnabled()) this.logJson(report)
      else process.stderr.write(`Error: backup of ${projectId} is damaged at ${report.issues[0]?.name}: ${report.issues[0]?.problem}\n`)
      this.exit(3)
    }
    return report
  }
}
