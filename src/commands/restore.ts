import {Args, Flags} from '@oclif/core'
import {connect, repository, type Repository, type Session} from '../app/session.js'
import type {GitHubClient} from '../github/client.js'
import {askYesNo} from '../app/prompt.js'
import {
  applyRestore,
  checkPlanDocument,
  prepareRestore,
  readPlanDocument,
  savePlanDocument,
  type PreparedRestore,
  type RestoreRequest,
  type SavedPlan,
} from '../app/restore.js'
import {ProjectCommand} from '../base-command.js'
import {storageFlag} from '../cli/flags.js'
import {waitText} from '../cli/format.js'
import type {DiffOptions, Plan, Section} from '../plan/plan.js'
import {renderPlan} from '../plan/render.js'
import type {Resurrection} from '../app/resurrect.js'
import {UserError, failure} from '../util/errors.js'
import {atomicWrite} from '../util/fs.js'
import {parseTime} from '../util/time.js'

export default class Restore extends ProjectCommand<typeof Restore> {
  static override summary = 'Restore a project from a backup: plan, dry-run, rehearse, or apply'
  static override description =
    'Compares the backup with the live project and shows the plan; in a terminal it asks before changing anything ' +
    '(--yes for scripts; without a terminal it refuses unless --yes). `--dry-run --out FILE` saves the plan, `--plan FILE` ' +
    'applies exactly that plan while the project is unchanged. Nothing the backup does not hold is removed or cleared ' +
    'without --confirm-destructive. Before changing anything it takes a ' +
    'safety backup of the live project (pre-restore-…). An interrupted restore resumes when run again; afterwards the ' +
    'project is captured again and any difference left is reported. A deleted project (or --to new:OWNER) starts from ' +
    "the backup's shadow copy when it has one (views and workflows as they were); otherwise from an empty project, " +
    'and the restore lists what it cannot bring back.'
  static override aliases = ['backup:restore']
  /** protects itself: a pre-restore safety backup once the input is checked and only when something will change */
  static ownSafetyBackup = true
  static override examples = [
    '<%= config.bin %> restore latest --dry-run --project acme/3',
    '<%= config.bin %> restore latest --dry-run --out plan.json --project acme/3',
    '<%= config.bin %> restore --plan plan.json --project acme/3',
    '<%= config.bin %> restore before-major-refactor --yes --project acme/3',
    '<%= config.bin %> restore --undo --project acme/3',
    '<%= config.bin %> restore before-major-refactor --project acme/3',
    '<%= config.bin %> restore config-backup --partial=config --dry-run',
    '<%= config.bin %> restore full-backup --partial=fields',
    '<%= config.bin %> restore full-backup --confirm-destructive',
    '<%= config.bin %> restore backup-name --test-only',
    '<%= config.bin %> backup restore --at=2026-11-24T18:00:00Z --project acme/3',
    '<%= config.bin %> restore backup --issues=39,40,41',
    '<%= config.bin %> restore backup --fields=status,priority',
    '<%= config.bin %> restore --from-file=backup.json',
    '<%= config.bin %> restore migration-source --adapt-environment --to new:other-org --map-repo acme/app=other-org/app',
    '<%= config.bin %> restore before-deletion --project acme/3',
    '<%= config.bin %> restore before-edit --recreate-views --dry-run',
  ]
  static override args = {
    name: Args.string({description: 'backup name, a unique prefix of one, or latest (default: latest)'}),
  }
  static override flags = {
    at: Flags.string({description: 'point-in-time: the project as it was at TIME (ISO 8601, or an age such as 2d)', exclusive: ['from-file']}),
    'dry-run': Flags.boolean({description: 'show the plan; change nothing', exclusive: ['test-only']}),
    'test-only': Flags.boolean({description: 'print the restore plan and rehearse it on a sandbox replica; change nothing'}),
    partial: Flags.string({description: 'restore only these sections (comma-separated): config, fields, issues', multiple: true, delimiter: ','}),
    issues: Flags.string({description: 'only these issues: numbers or owner/repo#number, comma-separated', multiple: true, delimiter: ','}),
    'exclude-issues': Flags.string({description: 'never these issues, comma-separated', multiple: true, delimiter: ','}),
    fields: Flags.string({description: 'only these fields (and their values), by name, comma-separated', multiple: true, delimiter: ','}),
    'confirm-destructive': Flags.boolean({description: 'also delete fields and items the backup does not have'}),
    'from-file': Flags.string({description: 'restore from a document written by `backup export` (into --project when given)'}),
    to: Flags.string({description: 'restore into another project (URL, OWNER/NUMBER, node id), or new:OWNER for a new project'}),
    'adapt-environment': Flags.boolean({description: 'allow restoring into another project, owner or host; report what cannot be carried over'}),
    'map-repo': Flags.string({description: 'OLD=NEW: issues of repository OLD (owner/name) are those of NEW in the target', multiple: true}),
    'recreate-views': Flags.boolean({
      description: "a view that differs from the backup gets a view 'NAME (restored)' with the backup's settings beside it (no API edits a view)",
    }),
    'use-edited-shadow': Flags.boolean({
      description: "a new project starts from the backup's shadow even when the shadow was changed since the backup",
    }),
    'recreate-missing-issues': Flags.boolean({description: 'recreate deleted issues as new issues (they get new numbers)'}),
    yes: Flags.boolean({char: 'y', description: 'apply without asking (for scripts; without a terminal a restore that changes something needs it)'}),
    out: Flags.string({description: 'with --dry-run: save the plan to FILE, to apply later with --plan FILE', dependsOn: ['dry-run']}),
    plan: Flags.string({
      description: 'apply exactly the plan saved in FILE by --dry-run --out; refused if the project changed since',
      exclusive: ['dry-run', 'test-only', 'at', 'from-file', 'undo', 'partial', 'issues', 'exclude-issues', 'fields', 'to', 'map-repo'],
    }),
    undo: Flags.boolean({description: 'restore the safety backup taken by the last restore of the project (undo it)', exclusive: ['at', 'from-file', 'to']}),
    storage: storageFlag,
  }

  async run(): Promise<unknown> {
    const f = this.flags
    if (f['from-file'] && this.args.name) throw new UserError('give either a backup name or --from-file, not both')
    if (f.undo && this.args.name) throw new UserError('--undo restores the last safety backup: give no backup name with it')
    if (f.plan && this.args.name) throw new UserError('--plan FILE names its backup: give no backup name with it')
    // with --from-file the backup comes from the file: --project names the project to restore into (as --to does)
    if (f['from-file'] && f.project && f.to) throw new UserError('with --from-file, --project is the project to restore into: give it or --to, not both')
    const into = f['from-file'] ? (f.to ?? f.project) : f.to
    const saved: SavedPlan | undefined = f.plan ? await readPlanDocument(f.plan) : undefined
    const request: RestoreRequest = saved
      ? {...saved.request, project: f.project ?? saved.request.project, diff: {...saved.request.diff, destructive: saved.request.diff.destructive}}
      : {
          backup: this.args.name ?? 'latest',
          at: f.at ? parseTime(f.at) : undefined,
          fromFile: f['from-file'],
          project: f['from-file'] ? undefined : f.project,
          to: into,
          adaptEnvironment: f['adapt-environment'] || Boolean(into),
          undo: f.undo,
          ...(f['use-edited-shadow'] ? {useEditedShadow: true} : {}),
          diff: this.diffOptions(),
        }
    const session = await this.newSession({
      onProgress: (p) => this.progress(`${p.phase}: ${p.done}${p.total ? `/${p.total}` : ''}`),
      onWait: (w) => this.progress(waitText(w)),
    })
    const repo = await repository(session, f.storage)
    const client = await connect(session, {project: into ?? request.project})
    // one restore per project at a time: a restore that changes something holds the target's lock from before its
    // plan until it ends (a dry run or a rehearsal changes nothing and takes none)
    const exclusive = !f['dry-run'] && !f['test-only']
    const prepared = await prepareRestore(session, client, repo, request, {exclusive})
    try {
      return await this.restore({session, client, repo}, prepared, request, saved)
    } finally {
      await prepared.release()
    }
  }

  private async restore(
    {session, client, repo}: {session: Session; client: GitHubClient; repo: Repository},
    prepared: PreparedRestore,
    request: RestoreRequest,
    saved: SavedPlan | undefined,
  ): Promise<unknown> {
    const f = this.flags
    this.progressDone()
    if (saved) {
      // exactly the plan that was reviewed, while the backup and the project are what it was made against
      checkPlanDocument(saved, prepared, f.plan!)
      prepared.plan = saved.plan
    }
    const {plan} = prepared
    const targetLabel = prepared.target.url ?? `a new project under ${prepared.target.owner.login}`

    if (f['dry-run']) {
      this.log(`Restore ${prepared.desired.source.name} (${prepared.desired.source.timestamp}) into ${targetLabel}`)
      for (const line of resurrectionLines(prepared.resurrection, prepared.target)) this.log(line)
      this.log(renderPlan(plan))
      if (f.out) {
        await atomicWrite(f.out, JSON.stringify(savePlanDocument(prepared, request, session.now()), null, 2) + '\n')
        this.log(`plan saved to ${f.out}: apply exactly it with \`github-pm restore --plan ${f.out}\``)
      }
      return {source: prepared.desired.source, target: prepared.target, plan, ...resurrectionOf(prepared), ...(f.out ? {saved: f.out} : {})}
    }
    if (f['test-only']) {
      const {rehearse, testOnlyReport} = await import('../app/rehearse.js')
      const rehearsal = await rehearse(prepared.desired.state, prepared.live, prepared.options)
      const report = testOnlyReport(plan, rehearsal)
      if (!this.jsonEnabled()) this.log(JSON.stringify(report, null, 2))
      return report
    }

    if (plan.operations.length > 0 && !f.yes && !saved) await this.confirm(prepared.desired.source.name, targetLabel, plan)

    const audit = this.audit({command: 'restore', project: prepared.target.id ?? undefined, backup: prepared.desired.source.name})
    const outcome = await applyRestore(session, client, repo, prepared)
    this.progressDone()
    // the plan applied: for a project this restore created, the one made against it (GitHub's defaults included)
    const {record, result, remaining, plan: applied} = outcome
    // the record as the user reads it: without the per-element fingerprint kept for a resume
    const {liveHashes: _fingerprint, ...shown} = record
    Object.assign(audit, {
      project: record.target.id,
      outcome: record.status === 'done' ? 'ok' : 'failed',
      counts: {applied: result.applied, skipped: result.skipped, failed: result.failed.length, remaining: remaining.operations.length},
    })
    if (outcome.resumed) this.log(`resumed the restore started ${record.started}`)
    for (const line of resurrectionLines(outcome.resurrection, prepared.target)) this.log(line)
    if (record.safetyBackup) this.log(`safety backup of the live project${outcome.resumed ? ' (taken by the interrupted run)' : ''}: ${record.safetyBackup}`)
    const changed = outcome.changedSinceInterruption
    if (changed.length) {
      const list = changed.slice(0, 5).join(', ') + (changed.length > 5 ? `, … (${changed.length} in all)` : '')
      this.log(`changed since the interrupted run: ${list}; safety backup of the project as it was before this run: ${record.resumeBackups?.at(-1)}`)
    }
    this.log(`applied ${result.applied} operations${result.skipped ? ` (${result.skipped} done by an earlier run)` : ''} to ${record.target.url}`)
    for (const w of applied.warnings) this.warn(w)
    if (record.status === 'done') {
      // verified only over what this restore covered, and only when nothing is left that differs: the recapture's
      // conflicts (live items, options, values the backup lacks, duplicates included) and what could not be restored
      const scope = scopeOf(request)
      const differences = [...remaining.conflicts.map((c) => `${c.kind} ${c.name}: ${c.detail}`), ...remaining.warnings]
      if (differences.length === 0) {
        this.log(`verified: ${record.target.url} equals backup ${prepared.desired.source.name} over ${scope}`)
        return {status: 'done', verified: true, compared: scope, record: shown, plan: applied.summary, warnings: applied.warnings, ...resurrectionOf(outcome)}
      }
      this.log(`not verified: ${record.target.url} still differs from backup ${prepared.desired.source.name} over ${scope} in ${differences.length} way(s):`)
      for (const d of differences.slice(0, 20)) this.log(`  ${d}`)
      if (differences.length > 20) this.log(`  … and ${differences.length - 20} more`)
      return {status: 'done', verified: false, compared: scope, differences, record: shown, plan: applied.summary, warnings: applied.warnings, ...resurrectionOf(outcome)}
    }
    for (const fail of result.failed.slice(0, 10)) this.logToStderr(`failed: ${fail.op} ${fail.id}: ${fail.error}`)
    if (remaining.operations.length) this.logToStderr(renderPlan(remaining, {limit: 10}))
    const rollback = record.safetyBackup ? `; to undo what was applied: github-pm restore --undo --project ${record.target.url} --confirm-destructive` : ''
    throw failure(
      'incomplete',
      `restore incomplete: ${result.failed.length} operations failed and ${remaining.operations.length} differences remain; run the same command again to resume${rollback}`,
      {document: {status: record.status, record: shown, remaining: remaining.summary, warnings: applied.warnings, ...resurrectionOf(outcome)}},
    )
  }

  /** Plan, confirm, apply: a person reviews the plan and says yes; a script says --yes; anything else changes nothing. */
  private async confirm(source: string, targetLabel: string, plan: Plan): Promise<void> {
    const n = plan.operations.length
    if (!this.io.canPrompt || this.jsonEnabled()) {
      throw new UserError(
        `restore of ${source} would make ${n} change(s) to ${targetLabel}: run it in a terminal to review and confirm, or pass --yes to apply (--dry-run shows the plan); nothing was changed`,
        {code: 'ECONFIRM'},
      )
    }
    this.io.stderr.write(`Restore ${source} into ${targetLabel}\n${renderPlan(plan, {limit: 30})}\n`)
    if (!(await askYesNo(`Apply these ${n} change(s) to ${targetLabel}? [y/N] `, this.io))) {
      throw new UserError('restore cancelled: nothing was changed', {code: 'ECANCELLED'})
    }
  }

  private diffOptions(): DiffOptions {
    const f = this.flags
    const sections = f.partial?.map((s) => s.trim()).filter(Boolean)
    for (const s of sections ?? []) {
      if (!['config', 'fields', 'issues'].includes(s)) throw new UserError(`--partial takes config, fields or issues, not "${s}"`)
    }
    const issueRefs = (list?: string[]) =>
      list?.map((s) => s.trim().replace(/^#/, '')).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s))
    const repoMap: Record<string, string> = {}
    for (const m of f['map-repo'] ?? []) {
      const match = /^([^/=\s]+\/[^/=\s]+)=([^/=\s]+\/[^/=\s]+)$/.exec(m)
      if (!match) throw new UserError(`--map-repo takes OLD_OWNER/REPO=NEW_OWNER/REPO, not "${m}"`)
      repoMap[match[1]] = match[2]
    }
    return {
      sections: sections as Section[] | undefined,
      issues: issueRefs(f.issues),
      excludeIssues: issueRefs(f['exclude-issues']),
      fields: f.fields?.map((s) => s.trim()).filter(Boolean),
      destructive: f['confirm-destructive'],
      repoMap: Object.keys(repoMap).length ? repoMap : undefined,
      recreateMissingIssues: f['recreate-missing-issues'],
      recreateViews: f['recreate-views'] || undefined,
    }
  }
}

/** What a restore compares after applying, in words: the sections, fields and issues it covered. */
function scopeOf(request: RestoreRequest): string {
  const d = request.diff
  const parts: string[] = []
  parts.push(d.sections?.length ? `section(s) ${d.sections.join(', ')}` : d.fields?.length || d.issues?.length ? 'the selection' : 'the whole project')
  if (d.fields?.length) parts.push(`field(s) ${d.fields.join(', ')}`)
  if (d.issues?.length) parts.push(`issue(s) ${d.issues.join(', ')}`)
  if (d.excludeIssues?.length) parts.push(`except issue(s) ${d.excludeIssues.join(', ')}`)
  return parts.join(', ')
}

/** The --json part about a new project: `shadow` (was it copied from the backup's shadow) and what cannot come back. */
function resurrectionOf(from: {resurrection?: Resurrection}): {resurrection?: Resurrection} {
  return from.resurrection ? {resurrection: from.resurrection} : {}
}

/** Says whether a new project starts from the backup's shadow, and what a restore cannot bring back. */
function resurrectionLines(r: Resurrection | undefined, target: PreparedRestore['target']): string[] {
  if (!r) return []
  const lines: string[] = []
  if (target.id === null && target.replaces) lines.push(`project ${target.replaces} no longer exists: it is rebuilt as a new project under ${target.owner.login}`)
  lines.push(r.used ? `starting from the backup's shadow ${r.shadow!.url} (a copy of its views and workflows)` : 'starting from an empty project (no usable shadow)')
  if (r.note && r.used) lines.push(`note: ${r.note}`)
  if (!r.used && r.note) lines.push(`(${r.note})`)
  lines.push('cannot be brought back:', ...r.notRestorable.map((n) => `  - ${n}`))
  return lines
}
