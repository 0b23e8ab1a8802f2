import {Args, Flags} from '@oclif/core'
import {backedUpProjectId, journalFor, repository} from '../../app/session.js'
import {checkShadows, type ShadowStatus} from '../../app/shadow.js'
import {ProjectCommand} from '../../base-command.js'
import {storageFlag} from '../../cli/flags.js'
import {checkBackupIndex} from '../../journal/catalog.js'
import {INDEX_KEY} from '../../journal/events.js'
import {readData} from '../../journal/read-data.js'
import {validateJournal, withReadData, type ValidationReport} from '../../journal/validate.js'
import {KEY_RECORD_KEY} from '../../storage/codec.js'
import {UserError, failure, isUserError} from '../../util/errors.js'

export default class BackupValidate extends ProjectCommand<typeof BackupValidate> {
  static override summary = 'Check a backup: replay its chain and verify every checksum'
  static override description =
    'Exits with code 3 when any event, or the journal head, does not hold: the first damaged or tampered file is named. ' +
    'With --read-data, every stored object of the backups (event files, head, index, key record, superseded and quarantined files) ' +
    'is also downloaded, decoded and checked on its own, every damaged one is named, and the objects and bytes read are reported; ' +
    '--read-data=PERCENT reads a random sample of the event files (the seed is printed; --seed repeats a sample).'
  static override examples = [
    '<%= config.bin %> backup validate latest --project acme/3',
    '<%= config.bin %> backup validate before-major-refactor --json',
    '<%= config.bin %> backup validate --read-data',
    '<%= config.bin %> backup validate --read-data=10 --seed 42',
  ]
  static override args = {name: Args.string({description: 'backup name or latest (default: latest, i.e. the whole journal)'})}
  static override flags = {
    storage: storageFlag,
    'read-data': Flags.string({
      description: 'also download, decode and check every stored object (alone: 100), or a random PERCENT of the event files (--read-data=10)',
      helpValue: 'PERCENT',
    }),
    shadows: Flags.boolean({
      description: 'check on GitHub that the shadow copies the backups name still exist unchanged (docs/shadow-copies.md; needs a token); --no-shadows stays offline',
      default: true,
      allowNo: true,
    }),
    seed: Flags.integer({description: 'the seed of the --read-data sample (printed by a sampled run): the same seed reads the same objects', dependsOn: ['read-data'], min: 0, max: 4_294_967_295}),
  }

  /** `--read-data` alone means every object: oclif flags take a value, so the bare flag is given its default here. */
  public override async init(): Promise<void> {
    const end = this.argv.indexOf('--')
    this.argv = this.argv.map((arg, i) => (arg === '--read-data' && (end < 0 || i < end) ? '--read-data=100' : arg))
    await super.init()
  }

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
    const percent = this.flags['read-data'] === undefined ? undefined : parsePercent(this.flags['read-data'])
    let report = await validateJournal(repo.backend, repo.codec, projectId, upto)
    const indexProblem = report.status === 'valid' ? await checkBackupIndex(repo.backend, repo.codec) : undefined
    if (indexProblem) report = {...report, status: 'invalid', checksums: 'failed', issues: [{seq: null, name: INDEX_KEY, problem: indexProblem}]}
    if (report.status === 'valid' && report.events_total === 0) {
      throw new UserError(`project ${projectId} has no backups in ${repo.url}: nothing to validate (take one with \`github-pm backup create\`)`, {code: 'ENOTFOUND'})
    }
    if (percent !== undefined) {
      report = withReadData(report, await readData(repo.backend, repo.codec, projectId, {upto, percent, seed: this.flags.seed}))
    }
    const ok = report.status === 'valid'
    // shadow copies live on GitHub, not in the storage: one missing or edited is a warning, never damage of the backups
    let shadows: ShadowStatus[] = []
    if (this.flags.shadows) {
      const journal = await journalFor(session, repo, projectId).catch(() => undefined)
      const headers = journal ? journal.headers().filter((h) => upto === undefined || h.seq <= upto) : []
      shadows = await checkShadows(session, headers)
    }
    if (!this.jsonEnabled()) {
      for (const s of shadows) if (s.state !== 'ok') this.io.stderr.write(`warning: shadow copy ${s.state}: ${s.details} (named by ${s.backups.join(', ')})\n`)
    }
    if (shadows.length) report = {...report, shadows} as ValidationReport
    if (!this.jsonEnabled()) for (const note of report.notes ?? []) this.io.stderr.write(`note: ${note}\n`)
    const read = report.read_data
    if (read && !this.jsonEnabled()) {
      const sample = read.seed === null ? '' : ` (a ${read.percent}% sample, seed ${read.seed}: repeat it with --read-data=${read.percent} --seed ${read.seed})`
      this.io.stderr.write(`read ${read.objects_read} of ${read.objects_total} objects, ${read.bytes_read} bytes${sample}\n`)
    }
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

/** `--read-data=PERCENT`: a number in (0, 100], a `%` allowed. */
function parsePercent(value: string): number {
  const text = value.trim().replace(/%$/, '')
  const percent = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN
  if (!(percent > 0 && percent <= 100)) throw failure('usage', `--read-data takes a percentage above 0 and up to 100 (e.g. --read-data=10), not ${JSON.stringify(value)}`)
  return percent
}
