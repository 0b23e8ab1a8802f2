import {Command} from '@oclif/core'
import {backupOwner, runBackup, type BackupRequest, type BackupResult, type OwnerBackupEntry} from '../app/backup.js'
import {checkHealthcheckUrl, checkMetricsFolder, ping, projectLabel, writeMetricsFile, type PingSignal, type ProjectRunMetrics, type RunMetrics} from '../app/monitor.js'
import {connect, repository, resolveLiveProject, type Repository, type Session} from '../app/session.js'
import {describeFailure, recordRun, type RunOutcome, type RunRecord} from '../app/status.js'
import {ProjectCommand} from '../base-command.js'
import type {DependencyMode} from '../github/capture.js'
import type {GitHubClient} from '../github/client.js'
import type {ProjectInfo} from '../github/project-ref.js'
import {validateBackupName} from '../journal/names.js'
import type {BackupType} from '../model/state.js'
import {failure} from '../util/errors.js'
import {redact} from '../util/secrets.js'
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
    healthcheck?: string
    metrics?: string
  }): Promise<BackupResult> {
    const monitor = await this.startMonitor(opts, (this.flags as {project?: string}).project ?? 'the configured project')
    const session = await this.session()
    const started = Date.now()
    let repo: Repository | undefined
    let project: ProjectInfo | undefined
    let client: GitHubClient | undefined
    let result: BackupResult
    try {
      // a name that can never be stored is refused before anything is read or written (no run record either)
      if (opts.name) validateBackupName(opts.name)
      repo = await repository(session, opts.storage)
      client = await connect(session, {project: (this.flags as {project?: string}).project})
      project = await resolveLiveProject(session, client, (this.flags as {project?: string}).project)
      const record = this.audit({command: this.id ?? 'backup', project: project.id, backup: opts.name})
      result = await runBackup(session, client, repo, {
        project,
        name: opts.name,
        prefix: opts.prefix,
        type: opts.type as BackupType | undefined,
        dependencies: opts.dependencies as DependencyMode | undefined,
        shadow: opts.shadow,
        onStored: this.recordSuccess(repo),
      })
      this.progressDone()
      Object.assign(record, {backup: result.event.name, outcome: 'ok'})
      record.counts = {items: result.event.stats.items, bytes: result.event.stats.bytes, requests: result.api.requests}
    } catch (error) {
      const seconds = (Date.now() - started) / 1000
      const at = session.now()
      const run = repo && project ? await this.recordRunSafely(repo, project, {ok: false, at, error, seconds}) : undefined
      await monitor.failed(error, {
        startedAt: new Date(started),
        endedAt: new Date(),
        ok: false,
        projects: project ? [{project, ok: false, at, seconds, lastSuccess: run?.lastSuccess ? new Date(run.lastSuccess) : undefined}] : undefined,
        points: client?.stats.points,
        requests: client?.stats.requests,
      })
      throw error
    }
    const at = session.now()
    await monitor.succeeded(`${projectLabel(project!.url)}: ${outcomeText([result])}`, {
      startedAt: new Date(started),
      endedAt: new Date(),
      ok: true,
      projects: [projectMetrics(project!, result, at)],
      points: client!.stats.points,
      requests: client!.stats.requests,
    })
    return result
  }

  protected async backupAll(
    owner: string,
    opts: {type?: string; storage?: string; dependencies?: string; prefix?: string; shadow?: boolean; healthcheck?: string; metrics?: string},
  ) {
    const monitor = await this.startMonitor(opts, `every project of ${owner}`)
    const session = await this.session()
    const started = Date.now()
    let client: GitHubClient | undefined
    let results: OwnerBackupEntry[]
    const lastSuccess = new Map<string, string | undefined>()
    try {
      const repo = await repository(session, opts.storage)
      client = await connect(session, {owner})
      results = await backupOwner(
        session,
        client,
        repo,
        owner,
        {
          type: opts.type as BackupType | undefined,
          prefix: opts.prefix,
          dependencies: opts.dependencies as DependencyMode | undefined,
          shadow: opts.shadow,
          onStored: this.recordSuccess(repo),
        },
        async (entry) => {
          if (entry.result) return
          const run = await this.recordRunSafely(repo, entry.project, {ok: false, at: entry.at, error: entry.cause ?? entry.error, seconds: entry.seconds})
          lastSuccess.set(entry.project.id, run?.lastSuccess)
        },
      )
    } catch (error) {
      // the owner's projects could not be listed (or the storage opened): no project was tried
      await monitor.failed(error, {startedAt: new Date(started), endedAt: new Date(), ok: false, points: client?.stats.points, requests: client?.stats.requests})
      throw error
    }
    this.progressDone()
    for (const r of results) {
      this.audit({command: this.id ?? 'backup', project: r.project.id, backup: r.result?.event.name, outcome: r.result ? 'ok' : 'failed', message: r.error})
      if (r.result) this.report(r.result)
      else this.logToStderr(`failed: ${r.project.url}: ${r.error}`)
    }
    const failed = results.filter((r) => r.error)
    // warnings and the change summary too: a scheduled job's summary (the GitHub Action, src/action) reports them
    const summary = {
      owner,
      projects: results.map((r) => ({project: r.project, backup: r.result?.event, unchanged: r.result?.unchanged, warnings: r.result?.warnings, error: r.error})),
    }
    const metrics: RunMetrics = {
      startedAt: new Date(started),
      endedAt: new Date(),
      ok: failed.length === 0,
      projects: results.map((r) => {
        if (r.result) return projectMetrics(r.project, r.result, r.at)
        const last = lastSuccess.get(r.project.id)
        return {project: r.project, ok: false, at: r.at, seconds: r.seconds, lastSuccess: last ? new Date(last) : undefined}
      }),
      points: client!.stats.points,
      requests: client!.stats.requests,
    }
    if (failed.length > 0) {
      // a scheduled job must notice: the backups that worked are kept, the exit code says not all did
      const error = failure('batch', `${failed.length} of ${results.length} projects of ${owner} could not be backed up (see above)`, {document: summary})
      const detail = failed.map((r) => `${projectLabel(r.project.url)}: ${r.error}`).join('\n')
      await monitor.failed(error, metrics, detail)
      throw error
    }
    const done = results.map((r) => r.result!)
    await monitor.succeeded(`${owner}: ${plural(results.length, 'project')} backed up; ${outcomeText(done)}`, metrics)
    return summary
  }

  /**
   * Checks the monitoring flags (before anything else runs, so a bad URL or metrics folder costs nothing) and sends the
   * start ping. The returned monitor pings success or failure and writes the metrics file; neither ever fails the
   * backup: what goes wrong there is a warning.
   */
  protected async startMonitor(opts: {healthcheck?: string; metrics?: string}, what: string) {
    const url = opts.healthcheck ? checkHealthcheckUrl(opts.healthcheck) : undefined
    if (opts.metrics) await checkMetricsFolder(opts.metrics)
    const pingAndWarn = async (signal: PingSignal, body: string) => {
      if (!url) return
      const warning = await ping(url, signal, body, {fetch: this.healthcheckFetch()})
      if (warning) this.warn(warning)
    }
    const writeMetrics = async (run: RunMetrics) => {
      if (!opts.metrics) return
      try {
        await writeMetricsFile(opts.metrics, run)
      } catch (error: any) {
        this.warn(redact(`could not write the metrics file ${opts.metrics}: ${error?.message ?? error}`))
      }
    }
    await pingAndWarn('start', `github-pm ${this.id ?? 'backup'} started: ${what}`)
    return {
      succeeded: async (text: string, run: RunMetrics) => {
        await writeMetrics(run)
        await pingAndWarn('success', `github-pm ${this.id ?? 'backup'} succeeded: ${text}`)
      },
      failed: async (error: unknown, run: RunMetrics, detail?: string) => {
        await writeMetrics(run)
        const {errorCode, error: message} = describeFailure(error)
        await pingAndWarn('fail', `github-pm ${this.id ?? 'backup'} failed (${errorCode}): ${message}${detail ? `\n${detail}` : ''}`)
      },
    }
  }

  /** The fetch the pings use: the global one (tests of the command layer may override this). */
  protected healthcheckFetch(): typeof fetch {
    return fetch
  }

  /** The run record of a successful backup, written in the backup's own storage transaction (one git commit). */
  private recordSuccess(repo: Repository): NonNullable<BackupRequest['onStored']> {
    return async (storage, {project, event, at, seconds}) => {
      await this.recordRunSafely({...repo, backend: storage}, project, {ok: true, at, backup: event.name, seconds})
    }
  }

  /** Writes a project's run record; a storage that refuses it only warns (the backup itself is saved, or failed already). */
  private async recordRunSafely(repo: Repository, project: ProjectInfo, outcome: RunOutcome): Promise<RunRecord | undefined> {
    try {
      return await recordRun(repo, project, outcome)
    } catch (error: any) {
      this.warn(redact(`could not write the run record of ${project.url} (backup status may not show this attempt): ${error?.message ?? error}`))
      return undefined
    }
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

/** What a success ping says of a run's backups: items, bytes stored, points, time. */
function outcomeText(results: BackupResult[]): string {
  const sum = (f: (r: BackupResult) => number) => results.reduce((n, r) => n + f(r), 0)
  return (
    `${plural(sum((r) => r.event.stats.items), 'item')}, ${bytes(sum((r) => r.event.stats.bytes))} stored, ` +
    `${plural(sum((r) => r.api.points), 'point')}, ${sum((r) => r.seconds).toFixed(1)} s`
  )
}

function projectMetrics(project: ProjectInfo, result: BackupResult, at: Date): ProjectRunMetrics {
  return {
    project,
    ok: true,
    at,
    seconds: result.seconds,
    items: result.event.stats.items,
    bytes: result.event.stats.bytes,
    stateBytes: result.event.stats.rawBytes,
    points: result.api.points,
  }
}
