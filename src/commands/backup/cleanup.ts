import {Flags} from '@oclif/core'
import {type CleanupResult, type RetentionPolicy, runCleanup, runCleanupAll} from '../../app/retention.js'
import {backedUpProjectId, repository} from '../../app/session.js'
import {ProjectCommand, type AuditDraft} from '../../base-command.js'
import {storageFlag} from '../../cli/flags.js'
import {bytes, list, plural} from '../../cli/format.js'
import {reportShadows} from '../../cli/shadow-report.js'
import {failure} from '../../util/errors.js'
import {parseDuration} from '../../util/time.js'

export default class BackupCleanup extends ProjectCommand<typeof BackupCleanup> {
  static override summary = 'Remove old backups by age or restic-style --keep-* rules; every remaining backup stays intact'
  static override description =
    'A backup is kept when any rule keeps it: younger than --older-than, among the --keep-last newest, or the newest ' +
    'of one of the last N days / ISO weeks / months that have backups (UTC). Pinned backups (`backup pin`), backups ' +
    'named by hand (unless --no-keep-named) and the newest backup are always kept. Removed backups are folded into the next kept one, so every remaining backup ' +
    'rebuilds exactly as before. --dry-run lists what would go.'
  static override examples = [
    '<%= config.bin %> backup cleanup --older-than=30d --project acme/3',
    '<%= config.bin %> backup cleanup --keep-last 5 --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --all',
    '<%= config.bin %> backup cleanup --older-than=90d --keep-monthly 12 --dry-run',
  ]
  static override flags = {
    'older-than': Flags.string({description: 'remove backups older than this age (30d, 12h, 2w) unless a --keep rule keeps them', helpValue: 'AGE'}),
    'keep-last': Flags.integer({description: 'keep the N newest backups', min: 0}),
    'keep-daily': Flags.integer({description: 'keep the newest backup of each of the last N days that have backups', min: 0}),
    'keep-weekly': Flags.integer({description: 'keep the newest backup of each of the last N ISO weeks that have backups', min: 0}),
    'keep-monthly': Flags.integer({description: 'keep the newest backup of each of the last N months that have backups', min: 0}),
    'keep-named': Flags.boolean({
      description: 'keep every backup given a name by hand (before-major-refactor); --no-keep-named lets the rules remove them too',
      default: true,
      allowNo: true,
    }),
    'dry-run': Flags.boolean({description: 'list what would be removed; change nothing'}),
    all: Flags.boolean({char: 'a', description: 'every project in the storage'}),
    storage: storageFlag,
  }

  async run(): Promise<unknown> {
    const f = this.flags
    const policy: RetentionPolicy = {
      withinMs: f['older-than'] === undefined ? undefined : parseDuration(f['older-than'], '--older-than'),
      keepLast: f['keep-last'],
      keepDaily: f['keep-daily'],
      keepWeekly: f['keep-weekly'],
      keepMonthly: f['keep-monthly'],
      keepNamed: f['keep-named'],
    }
    const options = {dryRun: f['dry-run']}
    const session = await this.newSession()
    const repo = await repository(session, f.storage)
    if (f.all) {
      const results = await runCleanupAll(session, repo, policy, options)
      for (const r of results) {
        if (r.result) this.report(r.result)
        else {
          this.audit({command: 'backup:cleanup', project: r.projectId, outcome: 'failed', message: r.error})
          this.logToStderr(`failed: ${r.projectId}: ${r.error}`)
        }
      }
      if (results.length === 0) this.log(`no backups in ${repo.url}`)
      const failed = results.filter((r) => r.error).length
      if (failed > 0) throw failure('batch', `cleanup failed for ${failed} of ${results.length} projects`, {document: {storage: repo.url, projects: results}})
      return {storage: repo.url, dryRun: options.dryRun, projects: results}
    }
    const projectId = await backedUpProjectId(session, repo, f.project)
    // a dry run that fails is recorded as failed; one that works records nothing (it changed nothing)
    const record = this.audit({command: 'backup:cleanup', project: projectId})
    const result = await runCleanup(session, repo, projectId, policy, options)
    this.report(result, record)
    return result
  }

  private report(r: CleanupResult, record?: AuditDraft): void {
    if (r.dryRun) this.forgetAudit(record)
    else Object.assign(record ?? this.audit(), {command: 'backup:cleanup', project: r.projectId, outcome: 'ok', counts: {removed: r.removed.length, kept: r.kept.length, bytesFreed: r.bytesFreed}})
    if (r.removed.length === 0) {
      this.log(`${r.projectId}: nothing to remove (${plural(r.kept.length, 'backup')} kept)`)
      reportShadows(this, r.shadows)
      return
    }
    const verb = r.dryRun ? 'would remove' : 'removed'
    this.log(`${r.projectId}: ${verb} ${plural(r.removed.length, 'backup')}: ${list(r.removed)}`)
    this.log(`  ${r.dryRun ? 'up to ' : ''}${bytes(r.bytesFreed)} ${r.dryRun ? 'would be ' : ''}freed; ${plural(r.kept.length, 'backup')} kept`)
    if (r.retained) {
      this.log(`  ${plural(r.retained.objects, 'object')} retained by Object Lock${r.retained.until ? ` until ${r.retained.until}` : ''}: left in place; a later cleanup removes them`)
    }
    reportShadows(this, r.shadows)
  }
}
