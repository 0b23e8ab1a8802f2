/**
 * `restore --test-only`: rehearse a restore on a sandbox replica of the live project, never on the project itself.
 *
 * The live state becomes a sandbox world (src/sandbox/from-state.ts) served in-process on 127.0.0.1; the replica is
 * captured like a real project, planned against (`diff(desired, replica)`: the desired state holds the LIVE ids, which
 * the replica does not have, so this also proves that matching by name and URL carries the plan), applied, captured
 * again and compared with the desired state. Nothing is sent to GitHub.
 */
import {captureProject} from '../github/capture.js'
import {createClient, type GitHubClient} from '../github/client.js'
import type {ProjectState} from '../model/state.js'
import {applyPlan, type ApplyFailure} from '../plan/apply.js'
import {diff, mapDesired} from '../plan/diff.js'
import type {Conflict, DiffOptions, OperationKind, Plan} from '../plan/plan.js'
import {buildReplica, REPLICA_VIEWER, type Replica} from '../sandbox/from-state.js'
import {startSandbox} from '../sandbox/server.js'
import {isUserError, UserError} from '../util/errors.js'

export interface Rehearsal {
  /** the replica equals the desired state after the apply: nothing left to do and nothing failed */
  equal: boolean
  /** the plan computed against the replica (what was rehearsed) */
  replicaPlan: Plan
  /** operations the apply performed */
  applied: number
  failed: ApplyFailure[]
  /** the plan a fresh diff finds after the apply (empty when the rehearsal converged) */
  remaining: Plan
  /** HTTP requests the apply sent (captures not counted): what the real restore would send */
  githubRequests: number
  /** GitHub's server time the apply's requests took (src/sandbox/servertime.ts, the model the estimate uses) */
  githubTimeMs: number
  /** GraphQL mutation fields and REST writes the apply performed */
  mutations: number
  /** what the replica could not reproduce, and where the replica's plan differs from the live plan */
  notes: string[]
}

export interface RehearsalSettings {
  /** the replica's clock (default: the system clock) */
  now?: () => Date
}

const TOKEN = 'rehearsal-sandbox-token'

/**
 * Rehearses `diff(desired, live, options)` on a replica of `live`: builds it, applies the plan there and reports
 * whether the replica converges to `desired`. The sandbox is closed whatever happens.
 */
export async function rehearse(
  desired: ProjectState,
  live: ProjectState,
  options: DiffOptions,
  settings: RehearsalSettings = {},
): Promise<Rehearsal> {
  const replica = replicaOf(desired, live, options, settings)
  const notes = [...replica.notes]
  // limits off (a rehearsal must not wait), but GitHub's server time on: the apply meets the 10-second limit as on GitHub
  const sandbox = await startSandbox({backend: replica.world, limits: 'off', serverTime: true, port: 0, host: '127.0.0.1', defaultViewer: REPLICA_VIEWER})
  try {
    const client = await createClient({apiUrl: sandbox.url, token: TOKEN, env: {}, retries: 0})
    const capture = async (): Promise<ProjectState> => {
      const result = await captureProject(client, replica.projectId, {type: 'full', dependencies: 'all'})
      for (const w of result.warnings) if (!notes.includes(`replica capture: ${w}`)) notes.push(`replica capture: ${w}`)
      return result.state
    }
    const replicaLive = await capture()
    const replicaPlan = diff(desired, replicaLive, options)
    notes.push(...comparePlans(diff(desired, live, options), replicaPlan))

    const counted = countingClient(client)
    const mutationsBefore = sandbox.stats.mutationFields
    const serverTimeBefore = sandbox.stats.serverTime.totalMs
    const result = await applyPlan(replicaPlan, {
      graphql: counted.graphql,
      rest: counted.rest,
      projectId: replica.projectId,
      live: replicaLive,
    })
    const mutations = sandbox.stats.mutationFields - mutationsBefore + counted.restWrites
    const githubTimeMs = sandbox.stats.serverTime.totalMs - serverTimeBefore

    const after = await capture()
    const remaining = diff(desired, after, {...options, urlMap: {...options.urlMap, ...result.idMap.urls}})
    return {
      equal: remaining.operations.length === 0 && result.failed.length === 0,
      replicaPlan,
      applied: result.applied,
      failed: result.failed,
      remaining,
      githubRequests: counted.requests,
      githubTimeMs,
      mutations,
      notes,
    }
  } finally {
    await sandbox.close()
  }
}

function replicaOf(desired: ProjectState, live: ProjectState, options: DiffOptions, settings: RehearsalSettings): Replica {
  const hasDependencies = Object.values(live.items ?? {}).some((i) => i.content?.kind === 'Issue' && i.content.blockedBy !== undefined)
  const anyIssues = Object.values(live.items ?? {}).some((i) => i.content?.kind === 'Issue')
  try {
    const replica = buildReplica(live, {references: mapDesired(desired, options), missingContent: options.missingContent, now: settings.now})
    if (anyIssues && !hasDependencies) {
      replica.notes.push('the live capture did not read blocked-by dependencies: the replica starts without any')
    }
    return replica
  } catch (error) {
    if (!isUserError(error)) throw error
    throw new UserError(`the sandbox replica of the live project could not be built (${error.message}); run the restore with --dry-run instead`, {
      cause: error,
    })
  }
}

/** The client, counting the requests sent through it and its REST writes. */
function countingClient(client: GitHubClient) {
  const before = client.stats.requests
  const counter = {
    restWrites: 0,
    get requests(): number {
      return client.stats.requests - before
    },
    graphql: (query: string, variables: Record<string, unknown>) => client.graphql(query, variables),
    rest: async (route: string, params: Record<string, unknown>) => {
      const result = await client.rest(route, params)
      if (!/^\s*(GET|HEAD)\b/i.test(route)) counter.restWrites++
      return result
    },
  }
  return counter
}

/**
 * Where the plan made against the replica differs from the plan made against the live project, by operation kind.
 * They should match: a difference means the replica is not faithful there (or matching by name lost something).
 */
export function comparePlans(livePlan: Plan, replicaPlan: Plan): string[] {
  const count = (plan: Plan) => {
    const map = new Map<OperationKind, number>()
    for (const op of plan.operations) map.set(op.op, (map.get(op.op) ?? 0) + 1)
    return map
  }
  const a = count(livePlan)
  const b = count(replicaPlan)
  const kinds = [...new Set([...a.keys(), ...b.keys()])].sort()
  const differs = kinds.filter((k) => (a.get(k) ?? 0) !== (b.get(k) ?? 0)).map((k) => `${k} ${a.get(k) ?? 0} live / ${b.get(k) ?? 0} replica`)
  return differs.length ? [`the plan against the replica differs from the plan against the live project: ${differs.join(', ')}`] : []
}

export type Compatibility = 'full' | 'partial' | 'incompatible'

export interface TestOnlyReport {
  restore_plan: {
    fields_to_restore: number
    issues_to_update: number
    conflicts: Conflict[]
    estimated_time: string
  }
  compatibility: Compatibility
  warnings: string[]
  rehearsal: {
    equal: boolean
    applied: number
    remaining_operations: number
    failed: ApplyFailure[]
    notes: string[]
  }
}

/**
 * The `restore --test-only` document: the plan's figures, and the rehearsal's verdict. Compatibility is `full` when
 * the plan has no warnings and no conflicts, `partial` when it has some but the rehearsal converged, `incompatible`
 * when the rehearsal did not converge.
 */
export function testOnlyReport(plan: Plan, rehearsal: Rehearsal): TestOnlyReport {
  const compatibility: Compatibility = !rehearsal.equal
    ? 'incompatible'
    : plan.warnings.length || plan.conflicts.length
      ? 'partial'
      : 'full'
  return {
    restore_plan: {
      fields_to_restore: plan.summary.fields_to_restore,
      issues_to_update: plan.summary.issues_to_update,
      conflicts: plan.conflicts,
      estimated_time: plan.estimate.human,
    },
    compatibility,
    warnings: plan.warnings,
    rehearsal: {
      equal: rehearsal.equal,
      applied: rehearsal.applied,
      remaining_operations: rehearsal.remaining.operations.length,
      failed: rehearsal.failed,
      notes: rehearsal.notes,
    },
  }
}
