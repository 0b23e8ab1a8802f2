import {Flags} from '@oclif/core'
import {connect, repository} from '../../app/session.js'
import {backupStatus, DEFAULT_MAX_AGE, statusAlert} from '../../app/status.js'
import {BaseCommand} from '../../base-command.js'
import {storageFlag} from '../../cli/flags.js'
import {statusSummary, statusTable} from '../../cli/status.js'
import {failure} from '../../util/errors.js'
import {parseDuration} from '../../util/time.js'

export default class BackupStatus extends BaseCommand<typeof BackupStatus> {
  static override summary = 'Show every project with its last backup, its age and its state (protected, stale, never backed up, failing)'
  static override description =
    'Reads the backup storage (no token needed). With --owner it also lists the owner\'s projects on GitHub, so a project ' +
    'that was never backed up shows too. A project is "failing" when its last backup attempt failed after its last ' +
    `success, "stale" when its last backup is older than --max-age (default ${DEFAULT_MAX_AGE}). With --max-age the command ` +
    'exits with status 5 when any project is not protected: run it from cron or a scheduled job to be alerted.'
  static override examples = [
    '<%= config.bin %> backup status',
    '<%= config.bin %> backup status --owner acme --max-age 26h',
    '<%= config.bin %> backup status --owner acme --json',
  ]
  static override flags = {
    owner: Flags.string({description: "also list this user's or organization's projects on GitHub (needs a token); only its projects are shown"}),
    'max-age': Flags.string({
      description: `a backup older than this is stale (e.g. 26h, 2d); given, any stale, never backed up or failing project exits with status 5 (default for the states: ${DEFAULT_MAX_AGE}, exit 0)`,
      helpValue: 'AGE',
    }),
    storage: storageFlag,
  }

  async run(): Promise<unknown> {
    const f = this.flags
    const maxAge = f['max-age'] ?? DEFAULT_MAX_AGE
    let maxAgeMs: number
    try {
      maxAgeMs = parseDuration(maxAge, '--max-age')
    } catch (error) {
      throw failure('usage', (error as Error).message)
    }
    if (maxAgeMs <= 0) throw failure('usage', '--max-age must be longer than 0, e.g. 26h')
    const session = await this.newSession()
    const repo = await repository(session, f.storage)
    const client = f.owner ? await connect(session) : undefined
    const rows = await backupStatus(repo, {now: session.now(), maxAgeMs, owner: f.owner, client})
    this.log(statusTable(rows) || (f.owner ? `${f.owner} has no projects, and the storage no backups of any` : 'no backups in the storage yet (use --owner to list the projects on GitHub)'))
    if (rows.length) this.log(statusSummary(rows, maxAge))
    // given, --max-age turns the report into an alert: exit status 5 (kind `stale`) with the same rows on stdout in --json
    const alert = f['max-age'] === undefined ? undefined : statusAlert(rows, {maxAge, owner: f.owner, storage: repo.url})
    if (alert) throw alert
    return rows
  }
}
