import {Flags} from '@oclif/core'
import {runDrill} from '../../app/drill.js'
import {repository} from '../../app/session.js'
import {BaseCommand} from '../../base-command.js'
import {renderDrill} from '../../cli/drill.js'
import {storageFlag} from '../../cli/flags.js'
import {failure} from '../../util/errors.js'

export default class BackupDrill extends BaseCommand<typeof BackupDrill> {
  static override summary = 'Restore drill: rehearse restoring the latest backup of each project on a sandbox replica'
  static override description =
    'For each backed-up project (every one in the storage, those of --owner, or --project) the latest backup is ' +
    'validated and restored from scratch into an empty replica project in a local sandbox, as a recovery after losing ' +
    'the project would go; then the replica is compared with the backup. Reports per project whether it converges and ' +
    'how long the real restore would take, and "restore errors: N" over all. Needs the storage (and passphrase) only: ' +
    'nothing is sent to GitHub. Exits with code 6 when any drill fails. For a weekly scheduled job.'
  static override examples = [
    '<%= config.bin %> backup drill',
    '<%= config.bin %> backup drill --owner acme',
    '<%= config.bin %> backup drill --project acme/3 --json',
    '<%= config.bin %> backup:drill --owner acme --storage s3://acme-backups/projects',
  ]
  static override flags = {
    owner: Flags.string({description: 'only the projects of this user or organization'}),
    project: Flags.string({char: 'p', description: 'only this project (URL, OWNER/NUMBER or node id), found among the backups'}),
    storage: storageFlag,
  }

  async run(): Promise<unknown> {
    const session = await this.newSession()
    const repo = await repository(session, this.flags.storage)
    const report = await runDrill(session, repo, {
      owner: this.flags.owner,
      project: this.flags.project,
      onProject: (p, i, n) => this.progress(`drill ${i + 1}/${n}: ${p.url || p.id}`),
    })
    this.progressDone()
    this.audit({command: this.id ?? 'backup:drill', outcome: report.ok ? 'ok' : 'failed', counts: {projects: report.projects.length, errors: report.restoreErrors}})
    if (!this.jsonEnabled()) this.log(renderDrill(report))
    if (!report.ok) {
      throw failure(
        'drillFailed',
        `restore drill failed: ${report.restoreErrors} restore error(s) in ${report.failedProjects} of ${report.projects.length} project(s) (see the report)`,
        {document: report},
      )
    }
    return report
  }
}
