import {appendAudit} from '../audit/audit.js'
import {readBackupIndex} from '../journal/catalog.js'
import type {EventHeader} from '../journal/events.js'
import {originOf} from '../journal/names.js'
import {readRepositoryPolicy} from '../storage/repository.js'
import {UserError} from '../util/errors.js'
import {journalFor, writeJournal, type Repository, type Session} from './session.js'
import {releaseShadows, type ShadowRelease} from './shadow.js'

/**
 * Which backups to keep, in the spirit of restic's `forget`: a backup is kept when ANY rule keeps it; pinned backups
 * and the newest backup are always kept. Calendar rules count in UTC and only periods that have backups (restic's
 * rule): `keepDaily: 7` keeps the newest backup of each of the 7 most recent days on which a backup was taken.
 */
export interface RetentionPolicy {
  /** keep every backup taken less than this long before now (`--older-than=30d` removes older ones) */
  withinMs?: number
  keepLast?: number
  keepDaily?: number
  keepWeekly?: number
  keepMonthly?: number
  /**
   * keep every backup the user named (`before-major-refactor`), whatever the other rules say; default true. Only
   * generated names (`auto-…`, `pre-…`) are subject to the rules unless this is false (`--no-keep-named`).
   */
  keepNamed?: boolean
}

export type KeepReason = 'pinned' | 'named' | 'newest' | 'within' | 'last' | 'daily' | 'weekly' | 'monthly'

export interface RetentionPlan {
  keep: Array<{header: EventHeader; reasons: KeepReason[]}>
  remove: EventHeader[]
}

/** True when the policy has at least one rule (an empty policy would remove everything but the newest). */
export function hasRule(policy: RetentionPolicy): boolean {
  return [policy.withinMs, policy.keepLast, policy.keepDaily, policy.keepWeekly, policy.keepMonthly].some((v) => v !== undefined)
}

/** Decides, without changing anything, which of a project's backups a policy keeps and which it removes. */
export function planRetention(headers: EventHeader[], policy: RetentionPolicy, now: Date): RetentionPlan {
  if (!hasRule(policy)) throw new UserError('say what to keep or remove: give --older-than=30d or a --keep-last/--keep-daily/--keep-weekly/--keep-monthly rule')
  for (const [name, value] of Object.entries(policy)) {
    if (name === 'keepNamed') continue
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) throw new UserError(`${name} must be a positive number, not ${value}`)
  }
  const reasons = new Map<number, Set<KeepReason>>()
  const add = (h: EventHeader, why: KeepReason) => {
    const set = reasons.get(h.seq) ?? new Set<KeepReason>()
    set.add(why)
    reasons.set(h.seq, set)
  }
  // newest first; ties in time keep the journal's order (later seq is newer)
  const newestFirst = [...headers].sort((a, b) => time(b) - time(a) || b.seq - a.seq)
  if (newestFirst.length > 0) add(newestFirst[0], 'newest')
  for (const h of headers) if (h.pinned) add(h, 'pinned')
  if (policy.keepNamed !== false) for (const h of headers) if (originOf(h) === 'named') add(h, 'named')
  if (policy.withinMs !== undefined) {
    const cutoff = now.getTime() - policy.withinMs
    for (const h of headers) if (time(h) >= cutoff) add(h, 'within')
  }
  if (policy.keepLast) for (const h of newestFirst.slice(0, policy.keepLast)) add(h, 'last')
  const periodic: Array<[KeepReason, number | undefined, (d: Date) => string]> = [
    ['daily', policy.keepDaily, (d) => d.toISOString().slice(0, 10)],
    ['weekly', policy.keepWeekly, isoWeek],
    ['monthly', policy.keepMonthly, (d) => d.toISOString().slice(0, 7)],
  ]
  for (const [why, count, bucket] of periodic) {
    if (!count) continue
    const seen = new Set<string>()
    for (const h of newestFirst) {
      const b = bucket(new Date(time(h)))
      if (seen.has(b)) continue
      seen.add(b)
      add(h, why)
      if (seen.size >= count) break
    }
  }
  const keep: RetentionPlan['keep'] = []
  const remove: EventHeader[] = []
  for (const h of headers) {
    const why = reasons.get(h.seq)
    if (why) keep.push({header: h, reasons: [...why]})
    else remove.push(h)
  }
  return {keep, remove}
}

/** `2026-W48`: the ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday), in UTC. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()))
  const day = d.getUTCDay() || 7
  d.setUTCDate(d.getUTCDate() + 4 - day) // the Thursday of this week decides its year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1)
  const week = Math.ceil((d.getTime() - yearStart) / 86_400_000 / 7 + 1 / 7)
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`
}

function time(h: EventHeader): number {
  const t = Date.parse(h.timestamp)
  return Number.isNaN(t) ? 0 : t
}

export interface CleanupResult {
  projectId: string
  dryRun: boolean
  /** names of the backups removed (or, with dryRun, that would be) */
  removed: string[]
  kept: Array<{name: string; reasons: KeepReason[]}>
  /** stored bytes freed; with dryRun an upper estimate (the removed events' bytes) */
  bytesFreed: number
  /**
   * files the kept backups no longer need that S3 Object Lock still retains: left in place (never a failure), removed by
   * a later cleanup once their retention ends. `until` is the latest retain-until date among them.
   */
  retained?: {objects: number; until?: string}
  /**
   * shadow copies (docs/shadow-copies.md) no kept backup names any more: deleted on GitHub after the journal change
   * (with dryRun: would be). A failed delete is listed in `failed` and tried again by the next cleanup or delete.
   */
  shadows?: ShadowRelease
}

/**
 * Deletes the shadows that removed backups named and no kept one does (and those left over from a failed delete);
 * never fails the caller: a failure is reported in `error`.
 */
export async function settleShadows(
  session: Session,
  repo: Repository,
  projectId: string,
  removed: EventHeader[],
  options: {dryRun?: boolean} = {},
): Promise<ShadowRelease | undefined> {
  try {
    return await releaseShadows(session, repo, projectId, removed, options)
  } catch (error) {
    return {deleted: [], failed: [], error: `shadow copies were not released: ${(error as Error).message}`}
  }
}

/**
 * Applies a retention policy to one project's journal: journal.compact folds every removed event into the next kept
 * one, so each remaining backup rebuilds byte-identically. One git commit on git storage. Events appended after the
 * plan was made are never removed: only the planned ones are.
 */
export async function runCleanup(
  session: Session,
  repo: Repository,
  projectId: string,
  policy: RetentionPolicy,
  options: {dryRun?: boolean} = {},
): Promise<CleanupResult> {
  const journal = await journalFor(session, repo, projectId)
  const plan = planRetention(journal.headers(), policy, session.now())
  const kept = plan.keep.map((k) => ({name: k.header.name, reasons: k.reasons}))
  if (options.dryRun || plan.remove.length === 0) {
    // nothing removed: still a chance to retry the shadow deletes that failed before
    const shadows = await settleShadows(session, repo, projectId, options.dryRun ? plan.remove : [], options)
    return {
      projectId,
      dryRun: Boolean(options.dryRun),
      removed: plan.remove.map((h) => h.name),
      kept,
      bytesFreed: plan.remove.reduce((n, h) => n + h.stats.bytes, 0),
      ...(shadows ? {shadows} : {}),
    }
  }
  const doomed = new Set(plan.remove.map((h) => h.seq))
  const message = `Cleanup: ${plan.remove.length === 1 ? plan.remove[0].name : `${plan.remove.length} backups`} of ${projectId}`
  const result = await writeJournal(session, repo, projectId, message, (j) => j.compact((h) => !doomed.has(h.seq)))
  const shadows = await settleShadows(session, repo, projectId, result.removed)
  return {
    projectId,
    dryRun: false,
    removed: result.removed.map((h) => h.name),
    kept,
    bytesFreed: Math.max(0, result.bytesFreed),
    ...(result.retained?.length ? {retained: retainedSummary(result.retained)} : {}),
    ...(shadows ? {shadows} : {}),
  }
}

/** How many objects Object Lock kept, and the latest date it keeps one until. */
export function retainedSummary(retained: Array<{key: string; until?: string}>): {objects: number; until?: string} {
  const until = retained.map((r) => r.until).filter((u): u is string => u !== undefined).sort().at(-1)
  return {objects: retained.length, ...(until ? {until} : {})}
}

export interface RetentionOutcome {
  removed: string[]
  bytesFreed?: number
  /** set when the backup was saved but applying backup.retention_days failed */
  error?: string
}

/**
 * `backup.retention_days` after a backup: removes the project's backups older than that many days (pinned ones, named
 * ones and the newest always stay). Undefined when the key is unset or 0. A failure here never undoes the backup: it is
 * reported in `error`.
 */
export async function applyRetentionDays(session: Session, repo: Repository, projectId: string): Promise<RetentionOutcome | undefined> {
  const days = Number(session.config.get('backup.retention_days') ?? 0)
  if (!Number.isFinite(days) || days <= 0) return undefined
  // an append-only repository: a backup never deletes (its credentials need not allow it); `backup cleanup`, run with
  // credentials that may delete, applies retention there
  if ((await readRepositoryPolicy(repo.backend)).appendOnly) return undefined
  try {
    const result = await runCleanup(session, repo, projectId, {withinMs: days * 86_400_000})
    if (result.removed.length > 0) {
      await appendAudit(
        {command: 'backup:cleanup', project: projectId, outcome: 'ok', counts: {removed: result.removed.length, bytesFreed: result.bytesFreed}, message: `backup.retention_days=${days}`},
        session.env,
      ).catch(() => undefined)
    }
    return {removed: result.removed, bytesFreed: result.bytesFreed}
  } catch (error) {
    return {removed: [], error: `backup.retention_days was not applied: ${(error as Error).message}`}
  }
}

/** runCleanup on every project the storage holds backups of; one project's failure does not stop the others. */
export async function runCleanupAll(
  session: Session,
  repo: Repository,
  policy: RetentionPolicy,
  options: {dryRun?: boolean} = {},
): Promise<Array<{projectId: string; result?: CleanupResult; error?: string}>> {
  if (!hasRule(policy)) planRetention([], policy, session.now()) // the same one-line error before touching anything
  const out: Array<{projectId: string; result?: CleanupResult; error?: string}> = []
  for (const entry of await readBackupIndex(repo.backend, repo.codec)) {
    try {
      out.push({projectId: entry.id, result: await runCleanup(session, repo, entry.id, policy, options)})
    } catch (error) {
      out.push({projectId: entry.id, error: (error as Error).message})
    }
  }
  return out
}
