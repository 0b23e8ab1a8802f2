import {Command} from '@oclif/core'
import {backupOwner, runBackup, type BackupResult} from '../app/backup.js'
import {connect, repository, resolveLiveProject, type Session} from '../app/session.js'
import {ProjectCommand} from '../base-command.js'
import type {DependencyMode} from '../github/capture.js'
import type {BackupType} from '../model/state.js'
import {failure} from '../util/errors.js'
import {bytes, list, plural, waitText} from './format.js'

/** Shared by `backup`, `backup create`, `backup auto` and `backup incremental`: capture, append, audit, report. */
export abstract class BackupBase<T extends typeof Command> extends ProjectCommand<T> {
  protected async session(): Promise<Session> {
    return this.newSession({
      onProgress: (p) => this.progress(`${p.phase}: ${p.done}${p.total ? `/${p.total}` : ''}`),
      onWait: (w) => this.progress(waitText(w)),
    })
  }

  protected async backupOne(opts: {
    name?: string
    prefix?: string
    type?: string
    storage?: string
    dependencies?: string
    shadow?: boolean
  }): Promise<BackupResult> {
    const session = await this.session()
    const repo = await repository(session, opts.storage)
    const client = await connect(session)
    const project = await resolveLiveProject(session, client, (this.flags as {project?: string}).project)
    const record = this.audit({command: this.id ?? 'backup', project: project.id, backup: opts.name})
    const result = await runBackup(session, client, repo, {
      project,
      name: opts.name,
      prefix: opts.prefix,
      type: opts.type as BackupType | undefined,
      dependencies: opts.dependencies as DependencyMode | undefined,
      shadow: opts.shadow,
    })
    this.progressDone()
    Object.assign(record, {backup: result.event.name, outcome: 'ok'})
    record.counts = {items: result.event.stats.items, bytes: result.event.stats.bytes, requests: result.api.requests}
    return result
  }

  protected async backupAll(owner: string, opts: {type?: string; storage?: string; dependencies?: string; prefix?: string; shadow?: boolean}) {
    const session = await this.session()
    const repo = await repository(session, opts.storage)
    const client = await connect(session)
    const results = await backupOwner(session, client, repo, owner, {
      type: opts.type as BackupType | undefined,
      prefix: opts.prefix,
      dependencies: opts.dependencies as DependencyMode | undefined,
      shadow: opts.shadow,
    })
    this.progressDone()
    for (const r of results) {
      this.audit({command: this.id ?? 'backup', project: r.project.id, backup: r.result?.event.name, outcome: r.result ? 'ok' : 'failed', message: r.error})
      if (r.result) this.report(r.result)
      else this.logToStderr(`failed: ${r.project.url}: ${r.error}`)
    }
    const failed = results.filter((r) => r.error).length
    const summary = {owner, projects: results.map((r) => ({project: r.project, backup: r.result?.event, error: r.error}))}
    if (failed > 0) {
      // a scheduled job must notice: the backups that worked are kept, the exit code says not all did
      throw failure('batch', `${failed} of ${results.length} projects of ${owner} could not be backed up (see above)`, {document: summary})
    }
    return summary
  }

  protected report(result: BackupResult): void {
    const e = result.event
    const what = result.unchanged ? 'no changes since the previous backup' : e.kind === 'base' ? 'full base' : 'changes stored as a patch'
    this.log(`backup ${e.name} saved for ${result.project.title} (${result.project.url})`)
    this.log(
      `  ${e.type}, ${what}; ${plural(e.stats.items, 'item')}, ${plural(e.stats.fields, 'field')}, ${plural(e.stats.views, 'view')}; ` +
        `${bytes(e.stats.bytes)} stored (${bytes(e.stats.rawBytes)} of state); ${plural(result.api.requests, 'request')}, ${result.seconds.toFixed(1)} s`,
    )
    const c = result.incremental.changes
    if (result.incremental.base_backup && !result.unchanged) {
      this.log(
        `  since ${result.incremental.base_backup}: new ${list(c.new_issues)}; modified ${list(c.modified_issues)}; removed ${list(c.removed_issues)}; fields ${list(c.field_changes)}`,
      )
    }
    if (result.shadow?.ref) {
      this.log(`  shadow: ${result.shadow.created ? 'made' : 'unchanged, kept'} ${result.shadow.ref.title} (${result.shadow.ref.url})`)
    }
    if (result.retention?.removed.length) this.log(`  retention: removed ${list(result.retention.removed)}`)
    if (result.retention?.error) this.warn(`retention cleanup failed (the backup is saved): ${result.retention.error}`)
    for (const w of result.warnings) this.warn(w)
  }
}
