import {Flags} from '@oclif/core'
import {describeHolder, unlockStorage} from '../../app/locks.js'
import {backedUpProjectId, repository} from '../../app/session.js'
import {ProjectCommand} from '../../base-command.js'
import {storageFlag} from '../../cli/flags.js'

export default class BackupUnlock extends ProjectCommand<typeof BackupUnlock> {
  static override summary = 'Break a stale lock left by a backup that died (a crash, a killed CI job)'
  static override description =
    "Checks the project's journal lock (with --project or a configured project) and the storage's index lock. A lock " +
    'whose process still runs on this machine is refused unless --force; a lock from another machine cannot be ' +
    'checked, so make sure that backup is no longer running.'
  static override examples = ['<%= config.bin %> backup unlock --project acme/3', '<%= config.bin %> backup unlock --storage s3://my-bucket/github-pm']
  static override flags = {
    force: Flags.boolean({description: 'break the lock even when its holder still runs on this machine'}),
    storage: storageFlag,
  }

  async run(): Promise<unknown> {
    const session = await this.newSession()
    const repo = await repository(session, this.flags.storage)
    const projectText = this.flags.project ?? (session.config.get('project') as string | undefined)
    const projectId = projectText ? await backedUpProjectId(session, repo, projectText) : undefined
    const record = this.audit({command: 'backup:unlock', project: projectId})
    let results
    try {
      results = await unlockStorage(repo, projectId, {force: this.flags.force})
    } catch (error) {
      Object.assign(record, {outcome: 'refused', message: (error as Error).message})
      throw error
    }
    for (const r of results) {
      if (r.broken) this.log(`unlocked ${r.key}: it was held by ${describeHolder(r.holder)}`)
      else this.log(`${r.key}: not locked`)
    }
    const broken = results.filter((r) => r.broken)
    Object.assign(record, {
      outcome: 'ok',
      counts: {broken: broken.length},
      ...(broken.length ? {message: broken.map((r) => `${r.key} held by ${describeHolder(r.holder)}`).join('; ')} : {}),
    })
    return {storage: repo.url, projectId: projectId ?? null, locks: results}
  }
}
