/**
 * `backup drill`: a restore drill. For each backed-up project (of one owner, or one project) the latest backup is
 * restored FROM SCRATCH onto a sandbox replica, the way a recovery after losing the project would go: into a new,
 * empty project under the same owner (what GitHub puts into every new project: the built-in fields, the default
 * Status options, "View 1"), with the issues the backup's items refer to existing outside it. It is the
 * `restore --test-only` machinery (src/app/rehearse.ts: replica, plan, apply, capture, compare), aimed at an empty
 * project instead of the live one.
 *
 * It needs the storage (and the passphrase of an encrypted one) and nothing else: no token, no request to GitHub.
 * The headline figure is "restore errors": operations that failed on the replica, differences left after the apply
 * and what the backup holds that no restore can rebuild, summed over the projects; a project whose drill could not run at all (damaged backup, replica refused)
 * counts as one. 0 means every latest backup would rebuild its project exactly.
 */
import {readBackupIndex, type BackupIndexEntry} from '../journal/catalog.js'
import type {ApplyFailure} from '../plan/apply.js'
import {diff} from '../plan/diff.js'
import type {DiffOptions, Plan} from '../plan/plan.js'
import {describe} from '../plan/render.js'
import type {ProjectState} from '../model/state.js'
import {UserError} from '../util/errors.js'
import {rehearse} from './rehearse.js'
import {completeDesired, emptyProject, loadDesired} from './restore.js'
import {findBackedUpProject, type Repository, type Session} from './session.js'

export interface DrillRequest {
  /** only the projects of this user or organization (by login, as the backups recorded it) */
  owner?: string
  /** only this project (URL, OWNER/NUMBER or node id, found among the backups) */
  project?: string
  /** the replica's clock (default: the session's) */
  now?: () => Date
  /** called before each project's drill */
  onProject?: (project: BackupIndexEntry, index: number, total: number) => void
}

export interface DrillProject {
  project: {id: string; title: string; url: string; owner: string}
  /** the backup rehearsed (the latest), when it could be read */
  backup: {name: string; timestamp: string; type: string} | null
  /** the replica equals the backup after the rehearsed restore */
  converged: boolean
  /** operations that failed + differences left after the apply + unrestorable parts (1 when the drill could not run) */
  restoreErrors: number
  /** operations the restore plan holds */
  operations: number
  applied: number
  failed: ApplyFailure[]
  /** differences a fresh plan still finds on the replica after the apply */
  remaining: string[]
  /** what that fresh plan says the backup holds and no restore can rebuild (e.g. a field type GitHub cannot create) */
  unrestorable: string[]
  /** what a person finishes by hand after such a restore (views no API deletes or edits): reported, not counted */
  manualSteps: string[]
  /** how long the restore would take on GitHub: the plan's estimate (GitHub's limits and cost model) */
  estimate: {seconds: number; human: string; requests: number}
  /** what the rehearsal measured on the replica: requests sent, GitHub's modelled server time */
  rehearsal: {requests: number; githubTimeMs: number; mutations: number}
  /** what the restore would not carry over (the plan's warnings) */
  warnings: string[]
  /** where the replica is not faithful (rehearse's notes) */
  notes: string[]
  /** why the drill could not run */
  error?: string
  /** wall time of this project's drill */
  seconds: number
}

export interface DrillReport {
  storage: string
  /** when the drill ran (ISO 8601) */
  time: string
  projects: DrillProject[]
  /** the headline: restore errors over every project (0: every latest backup restores exactly) */
  restoreErrors: number
  /** projects whose drill did not converge */
  failedProjects: number
  /** the estimates summed: how long restoring every drilled project would take, one after the other */
  totalEstimateSeconds: number
  ok: boolean
}

/** Which backed-up projects a drill covers: all, one owner's, or one; none is an error that says what exists. */
export async function drillTargets(repo: Repository, request: Pick<DrillRequest, 'owner' | 'project'>): Promise<BackupIndexEntry[]> {
  const entries = (await readBackupIndex(repo.backend, repo.codec)).filter((e) => e.latest !== null)
  if (request.project) {
    const found = await findBackedUpProject(repo, request.project)
    if (!found || found.latest === null) {
      throw new UserError(`no backups of project ${request.project} in ${repo.url}: run \`github-pm backup list --all\` to see the projects it holds`, {
        code: 'ENOTFOUND',
      })
    }
    if (request.owner && found.owner.toLowerCase() !== request.owner.toLowerCase()) {
      throw new UserError(`project ${request.project} belongs to ${found.owner}, not ${request.owner}: give one of --owner and --project`)
    }
    return [found]
  }
  const chosen = request.owner ? entries.filter((e) => e.owner.toLowerCase() === request.owner!.toLowerCase()) : entries
  if (chosen.length === 0) {
    const owners = [...new Set(entries.map((e) => e.owner))].sort()
    const what = request.owner ? `no backups of projects of ${request.owner}` : 'no backups'
    throw new UserError(`${what} in ${repo.url}${owners.length ? ` (owners with backups: ${owners.join(', ')})` : ''}: back up first, or check --storage`, {
      code: 'ENOTFOUND',
    })
  }
  return chosen.sort((a, b) => a.url.localeCompare(b.url))
}

/** Runs the drill on every target, one after the other; a project that fails does not stop the others. */
export async function runDrill(session: Session, repo: Repository, request: DrillRequest = {}): Promise<DrillReport> {
  const targets = await drillTargets(repo, request)
  const projects: DrillProject[] = []
  for (const [i, entry] of targets.entries()) {
    request.onProject?.(entry, i, targets.length)
    projects.push(await drillOne(session, repo, entry, request.now ?? session.now))
  }
  const restoreErrors = projects.reduce((n, p) => n + p.restoreErrors, 0)
  const failedProjects = projects.filter((p) => !p.converged).length
  return {
    storage: repo.url,
    time: session.now().toISOString(),
    projects,
    restoreErrors,
    failedProjects,
    totalEstimateSeconds: projects.reduce((n, p) => n + p.estimate.seconds, 0),
    ok: restoreErrors === 0 && failedProjects === 0,
  }
}

async function drillOne(session: Session, repo: Repository, entry: BackupIndexEntry, now: () => Date): Promise<DrillProject> {
  const started = Date.now()
  const base: DrillProject = {
    project: {id: entry.id, title: entry.title, url: entry.url, owner: entry.owner},
    backup: null,
    converged: false,
    restoreErrors: 1,
    operations: 0,
    applied: 0,
    failed: [],
    remaining: [],
    unrestorable: [],
    manualSteps: [],
    estimate: {seconds: 0, human: '-', requests: 0},
    rehearsal: {requests: 0, githubTimeMs: 0, mutations: 0},
    warnings: [],
    notes: [],
    seconds: 0,
  }
  try {
    // the latest backup, validated first (a damaged one fails here, with the event that does not hold)
    const desired = await loadDesired(session, repo, {project: entry.id, backup: 'latest', diff: {}})
    base.backup = {name: desired.source.name, timestamp: desired.source.timestamp, type: desired.source.type}
    const {live, completed, options, plan} = planFromScratch(desired.state)
    base.operations = plan.operations.length
    base.estimate = {seconds: plan.estimate.seconds, human: plan.estimate.human, requests: plan.estimate.requests}
    base.warnings = plan.warnings
    const rehearsal = await rehearse(completed, live, options, {now})
    base.applied = rehearsal.applied
    base.failed = rehearsal.failed
    base.remaining = describeRemaining(rehearsal.remaining)
    // the rehearsal's "equal" is about operations; a drill also fails on what the restore cannot rebuild at all, which
    // a fresh plan against the rebuilt replica still reports (as warnings, or as conflicts)
    const left = [...rehearsal.remaining.warnings, ...rehearsal.remaining.conflicts.map((c) => `${c.kind} ${c.name}: ${c.detail}`)]
    // views are the exception: no API deletes "View 1" of a new project or edits a view's columns, so every restore
    // from scratch leaves such steps to a person; they are listed, not counted (the project's data is all there)
    base.manualSteps = left.filter(isViewStep)
    base.unrestorable = left.filter((l) => !isViewStep(l))
    base.restoreErrors = rehearsal.failed.length + rehearsal.remaining.operations.length + base.unrestorable.length
    base.converged = rehearsal.equal && base.restoreErrors === 0
    base.rehearsal = {requests: rehearsal.githubRequests, githubTimeMs: rehearsal.githubTimeMs, mutations: rehearsal.mutations}
    base.notes = rehearsal.notes
  } catch (error) {
    if (!(error instanceof Error)) throw error
    base.error = (error as Error).message
  }
  base.seconds = (Date.now() - started) / 1000
  return base
}

/**
 * The restore of `desired` into a new project of the same owner, as `restore --to new:OWNER` plans it: the live
 * side is what GitHub puts into a new project, with the backed-up project's URL and number so that the replica lives
 * on the same host as the backup's content.
 */
export function planFromScratch(desired: ProjectState) {
  const fresh = emptyProject(desired.project.owner, desired.project.title)
  const live = {...fresh, project: {...fresh.project, id: 'drill-new-project', number: desired.project.number, url: desired.project.url}}
  const completed = completeDesired(desired, live)
  const options: DiffOptions = {
    itemsHeld: desired.type === 'full',
    // the project is the restore's own (as with --to new:OWNER): what GitHub made by itself is made equal to the backup
    destructive: true,
    otherProject: false,
    createdByRestore: true,
  }
  const plan: Plan = diff(completed, live, options)
  return {live, completed, options, plan}
}

function isViewStep(line: string): boolean {
  return /^view\b/.test(line)
}

function describeRemaining(plan: Plan): string[] {
  const shown = plan.operations.slice(0, 20).map((op) => describe(op))
  return plan.operations.length > 20 ? [...shown, `… and ${plan.operations.length - 20} more`] : shown
}
