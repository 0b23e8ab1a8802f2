import {Flags} from '@oclif/core'
import {copyAll, copyProject, openCopyTarget, type ProjectCopy} from '../../app/copy.js'
import {backedUpProjectId, repository} from '../../app/session.js'
import {ProjectCommand, type AuditDraft} from '../../base-command.js'
import {storageFlag} from '../../cli/flags.js'
import {bytes, plural} from '../../cli/format.js'
import {failure} from '../../util/errors.js'

export default class BackupCopy extends ProjectCommand<typeof BackupCopy> {
  static override summary = "Copy a project's backups (or every project's) to another storage location, and validate the copy"
  static override description =
    'For the 3-2-1 rule: keep a second copy on another medium and one off site. Each backup is re-encoded for the target ' +
    '(an encrypted target may take backups from a plain source); only backups the target lacks are written, and the ' +
    'copy is validated on the target afterwards. An encrypted target with its own passphrase reads it from ' +
    'GITHUB_PM_TO_PASSPHRASE (or GITHUB_PM_TO_PASSPHRASE_FILE, GITHUB_PM_TO_KEY_FILE).'
  static override examples = [
    '<%= config.bin %> backup copy --to-storage=s3://my-bucket/github-pm --project acme/3',
    '<%= config.bin %> backup copy --all --storage=local --to-storage=git+file:///mnt/usb/github-pm.git',
    '<%= config.bin %> backup copy --all --mirror --to-storage=s3://my-bucket/github-pm',
  ]
  static override flags = {
    'to-storage': Flags.string({required: true, description: 'where to copy to (any storage URL)', helpValue: 'URL'}),
    storage: storageFlag,
    all: Flags.boolean({char: 'a', description: 'every project in the source storage'}),
    'allow-unencrypted': Flags.boolean({description: 'allow copying an encrypted source into an unencrypted target'}),
    mirror: Flags.boolean({description: "make the target's backups exactly the source's, removing those the source no longer has (after a cleanup)"}),
  }

  async run(): Promise<unknown> {
    const f = this.flags
    const session = await this.newSession()
    const source = await repository(session, f.storage)
    const target = await openCopyTarget(session, f['to-storage'])
    const options = {allowUnencrypted: f['allow-unencrypted'], mirror: f.mirror}
    if (f.all) {
      const results = await copyAll(source, target, options)
      let failed = 0
      for (const r of results) {
        if (r.result) this.done(r.result)
        else {
          failed++
          this.audit({command: 'backup:copy', project: r.projectId, outcome: 'failed', message: r.error})
          this.logToStderr(`failed: ${r.projectId}: ${r.error}`)
        }
      }
      const invalid = results.filter((r) => r.result && r.result.validation.status !== 'valid').length
      if (results.length === 0) this.log(`no backups in ${source.url} to copy`)
      const out = {from: source.url, to: target.url, projects: results}
      if (failed + invalid > 0) {
        throw failure(invalid > 0 ? 'damaged' : 'batch', `${failed + invalid} of ${results.length} projects were not copied intact to ${target.url}`, {document: out})
      }
      return out
    }
    const projectId = await backedUpProjectId(session, source, f.project)
    const record = this.audit({command: 'backup:copy', project: projectId})
    const result = await copyProject(source, target, projectId, options)
    this.done(result, record)
    const out = {from: source.url, to: target.url, ...result}
    if (result.validation.status !== 'valid') {
      const first = result.validation.issues[0]
      throw failure('damaged', `the copy in ${target.url} does not validate at ${first?.name}: ${first?.problem}`, {document: out})
    }
    return out
  }

  private done(r: ProjectCopy, record: AuditDraft = this.audit()): void {
    const ok = r.validation.status === 'valid'
    Object.assign(record, {
      command: 'backup:copy',
      project: r.projectId,
      outcome: ok ? 'ok' : 'failed',
      counts: {copied: r.copied.length, present: r.present, removed: r.removed.length, bytes: r.bytes},
      message: `to ${this.flags['to-storage']}`,
    })
    this.log(
      `${r.title}: copied ${plural(r.copied.length, 'backup')} (${bytes(r.bytes)})${r.present ? `, ${r.present} already there` : ''}` +
        `${r.removed.length ? `, removed ${r.removed.join(', ')} from the copy` : ''}; ` +
        `copy ${ok ? `validated (${plural(r.validation.events_checked, 'event')})` : 'INVALID'}`,
    )
  }
}
