import {Args} from '@oclif/core'
import {backedUpProjectId, journalFor, repository} from '../../app/session.js'
import {ProjectCommand} from '../../base-command.js'
import {storageFlag} from '../../cli/flags.js'
import {checkBackupIndex} from '../../journal/catalog.js'
import {INDEX_KEY} from '../../journal/events.js'
import {validateJournal, type ValidationReport} from '../../journal/validate.js'
import {KEY_RECORD_KEY} from '../../storage/codec.js'
import {UserError, failure, isUserError} from '../../util/errors.js'

export default class BackupValidate extends ProjectCommand<typeof BackupValidate> {
  static override summary = 'Check a backup: replay its chain and verify every checksum'
  static override description =
    'Exits with code 3 when any event, or the journal head, does not hold: the first damaged or tampered file is named.'
  static override examples = ['<%= config.bin %> backup validate latest --project acme/3', '<%= config.bin %> backup validate before-major-refactor --json']
  static override args = {name: Args.string({description: 'backup name or latest (default: latest, i.e. the whole journal)'})}
  static override flags = {storage: storageFlag}

  async run(): Promise<unknown> {
    const session = await this.newSession()
    let repo
    try {
      repo = await repository(session, this.flags.storage)
    } catch (error) {
      // the key record of an encrypted repository is a stored file too: its damage is a validation failure (exit 3)
      if (isUserError(error) && error.message.startsWith(`${KEY_RECORD_KEY} `) && error.message.includes('damaged')) {
        return this.invalid('repository', {seq: null, name: KEY_RECORD_KEY, problem: 'the key record is damaged'})
      }
      throw error
    }
    const projectId = await backedUpProjectId(session, repo, this.flags.project)
    let upto: number | undefined
    if (this.args.name && this.args.name !== 'latest') {
      // a head too damaged to open is reported by validateJournal itself; an unknown name is the user's error
      const journal = await journalFor(session, repo, projectId).catch(() => undefined)
      if (journal) upto = journal.find(this.args.name).seq
    }
    let report = await validateJournal(repo.backend, repo.codec, projectId, upto)
    const indexProblem = report.status === 'valid' ? await checkBackupIndex(repo.backend, repo.codec) : undefined
    if (indexProblem) report = {...report, status: 'invalid', checksums: 'failed', issues: [{seq: null, name: INDEX_KEY, problem: indexProblem}]}
    if (report.status === 'valid' && report.events_total === 0) {
      throw new UserError(`project ${projectId} has no backups in ${repo.url}: nothing to validate (take one with \`github-pm backup create\`)`, {code: 'ENOTFOUND'})
    }
    const ok = report.status === 'valid'
    if (!this.jsonEnabled()) for (const note of report.notes ?? []) this.io.stderr.write(`note: ${note}\n`)
    this.audit({command: 'backup:validate', project: projectId, backup: this.args.name ?? 'latest', outcome: ok ? 'ok' : 'failed'})
    if (!this.jsonEnabled()) this.log(JSON.stringify(report, null, 2))
    if (!ok) throw failure('damaged', `backup of ${projectId} is damaged at ${report.issues[0]?.name}: ${report.issues[0]?.problem}`, {document: report})
    return report
  }

  private invalid(subject: string, issue: ValidationReport['issues'][number]): never {
    const report: ValidationReport = {status: 'invalid', checksums: 'failed', data_integrity: 'failed', issues: [issue], events_checked: 0, events_total: 0}
    if (!this.jsonEnabled()) this.log(JSON.stringify(report, null, 2))
    throw failure('damaged', `backup ${subject} is damaged at ${issue.name}: ${issue.problem}`, {document: report})
  }
}
