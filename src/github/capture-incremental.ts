/**
 * Change-proportional capture (issue 14): what tells whether an item changed since the previous backup, and the
 * verdict "this item may be taken over from the previous backup as it is".
 *
 * The model. GitHub stamps `updatedAt` on a project item when its field values, archived state or position change, and
 * on its content (issue, pull request, draft) when the content changes. A capture records, for the next one, a time
 * `since` no later than the moment it started reading items (server time): the greatest marker it saw, less the time
 * its reading of item pages took, less a margin. Every marker GitHub stamps on a change made after that moment is
 * later than `since`. So an item whose markers are both earlier than the previous capture's `since`, and whose
 * identity, archived state, parent, sub-issues and blocker count are as the previous backup holds them, has not
 * changed since: it is taken over. No wall clock is compared with GitHub's: `since` is built from GitHub's own stamps
 * and an elapsed time. Everything else (new items, items with a later marker, items whose values name a field whose
 * definition changed) is read in full, by id.
 *
 * What no marker shows (renamed labels, users, issue types or issue fields; a blocker swapped for another between two
 * backups) is what the periodic full capture reconciles; it reports as drift every taken-over item that differs.
 */
import {canonicalJson} from '../util/canonical.js'
import type {FieldDef, ItemState, ProjectState} from '../model/state.js'

/** What the light pass (or an items page) says of one item. */
export interface LightItem {
  id: string
  type: string
  archived: boolean
  updatedAt: string | null
  /** the item key (see itemKey in src/model/state.ts) */
  key: string
  content?: {
    kind: string
    updatedAt: string | null
    parent?: string | null
    /** sub-issue URLs in order, when the answer has them */
    subIssues?: string[]
    subIssuesTotal?: number
    /** count of blocking issues (open and closed), when read */
    blockedByTotal?: number
  }
}

/** What the previous backup gives an incremental capture. */
export interface PreviousCapture {
  /** the state of the latest full backup (read only: never modified) */
  state: ProjectState
  /** the `since` that backup's capture recorded; null: unknown (every item is then read in full) */
  since: string | null
}

/** How a capture went, stored in the event (the next capture reads `since` back). */
export interface CaptureRecord {
  mode: 'full' | 'incremental'
  /** a change stamped at or after this time may be missing from this backup: the next capture reads such items */
  since: string | null
  /** items read in full */
  read: number
  /** items taken over unchanged from the previous backup */
  reused: number
  /** requests of the light pass (incremental) */
  lightRequests?: number
  /** a full capture with a previous backup: the items an incremental capture would have taken over wrongly */
  drift?: {items: number; kinds: Record<string, number>}
}

/** The margin `since` keeps below the earliest possible read: GitHub's stamps are whole seconds. */
export const SINCE_MARGIN_MS = 60_000

/** An item's light record, from a light-pass node or a full items-page node (both carry what is compared). */
export function lightOf(raw: any): LightItem {
  const c = raw?.content
  const light: LightItem = {
    id: String(raw.id),
    type: String(raw.type),
    archived: Boolean(raw.isArchived),
    updatedAt: typeof raw.updatedAt === 'string' ? raw.updatedAt : null,
    key: `redacted:${raw.id}`,
  }
  if (c?.__typename === 'DraftIssue') {
    light.key = `draft:${c.id}`
    light.content = {kind: 'DraftIssue', updatedAt: c.updatedAt ?? null}
  } else if (c?.__typename === 'Issue' || c?.__typename === 'PullRequest') {
    light.key = String(c.url)
    light.content = {kind: c.__typename, updatedAt: c.updatedAt ?? null}
    if (c.__typename === 'Issue') {
      light.content.parent = c.parent?.url ?? null
      if (c.subIssues) {
        light.content.subIssues = (c.subIssues.nodes ?? []).map((n: any) => String(n?.url))
        light.content.subIssuesTotal = c.subIssues.totalCount
      }
      if (c.issueDependenciesSummary) light.content.blockedByTotal = c.issueDependenciesSummary.totalBlockedBy
      else if (c.blockedBy) light.content.blockedByTotal = c.blockedBy.totalCount
    }
  }
  return light
}

/** Field ids whose definition differs between two states (or exists in only one): their values are re-read. */
export function changedFieldIds(before: Record<string, FieldDef>, after: Record<string, FieldDef>): Set<string> {
  const changed = new Set<string>()
  for (const id of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = Object.hasOwn(before, id) ? canonicalJson(before[id]) : undefined
    const b = Object.hasOwn(after, id) ? canonicalJson(after[id]) : undefined
    if (a !== b) changed.add(id)
  }
  return changed
}

/** Decides per item whether the previous backup's copy still holds. */
export class ReuseJudge {
  private readonly since: number | undefined
  constructor(
    private readonly previous: PreviousCapture,
    private readonly changedFields: ReadonlySet<string>,
    private readonly options: {dependencies: boolean; planning: boolean},
  ) {
    const t = previous.since === null ? Number.NaN : Date.parse(previous.since)
    this.since = Number.isFinite(t) ? t : undefined
  }

  /** The previous backup's item that `light` may take over unchanged, or undefined when it must be read in full. */
  reusable(light: LightItem): ItemState | undefined {
    if (this.since === undefined) return undefined
    const items = this.previous.state.items
    if (!items || !Object.hasOwn(items, light.key)) return undefined
    const prev = items[light.key]
    if (prev.id !== light.id || prev.type !== light.type || prev.archived !== light.archived) return undefined
    if (!this.before(light.updatedAt)) return undefined
    for (const fieldId of Object.keys(prev.values)) if (this.changedFields.has(fieldId)) return undefined
    const c = light.content
    if (!c) return prev.content || prev.draft ? undefined : prev
    if (!this.before(c.updatedAt)) return undefined
    if (c.kind === 'DraftIssue') return prev.draft ? prev : undefined
    const pc = prev.content
    if (!pc || pc.kind !== c.kind) return undefined
    if (c.kind !== 'Issue') return prev
    if (pc.parent !== (c.parent ?? null)) return undefined
    if (c.subIssues === undefined || c.subIssuesTotal === undefined || c.subIssuesTotal > c.subIssues.length) return undefined
    if (c.subIssues.length !== pc.subIssues.length || c.subIssues.some((u, i) => u !== pc.subIssues[i])) return undefined
    if (this.options.dependencies) {
      if (pc.blockedBy === undefined || c.blockedByTotal === undefined || pc.blockedBy.length !== c.blockedByTotal) return undefined
    } else if (pc.blockedBy !== undefined) return undefined
    // a backup made before issue types were read has none: read the item so the backup gains them
    if (this.options.planning && pc.issueType === undefined) return undefined
    if (!this.options.planning && (pc.issueType !== undefined || pc.issueFields !== undefined)) return undefined
    return prev
  }

  private before(marker: string | null): boolean {
    if (marker === null) return false
    const t = Date.parse(marker)
    return Number.isFinite(t) && t < this.since!
  }
}

/** Tracks the markers a capture sees, for the `since` it records. */
export class MarkerWatch {
  private max = Number.NEGATIVE_INFINITY
  private started: number | undefined
  private ended: number | undefined

  start(now: number): void {
    this.started ??= now
  }

  end(now: number): void {
    this.ended = now
  }

  see(light: LightItem): void {
    for (const m of [light.updatedAt, light.content?.updatedAt]) {
      const t = m ? Date.parse(m) : Number.NaN
      if (Number.isFinite(t) && t > this.max) this.max = t
    }
  }

  /**
   * A time no later than the first item read, on GitHub's clock, less the margin. From `serverDate`, the `Date` header
   * of a response GitHub sent before the items were read (whole seconds, rounded down, so never late). Without one
   * (a client that does not tell it), from the markers: the greatest marker seen was stamped before the last page was
   * read, and the first page was read at most the elapsed reading time before that (this bound lags behind when the
   * project has been quiet: items stamped just before its last change are read again). Null when neither is known.
   */
  since(serverDate?: string): string | null {
    const elapsed = Math.max(0, (this.ended ?? 0) - (this.started ?? 0))
    const fromMarkers = Number.isFinite(this.max) ? this.max - elapsed : undefined
    const date = serverDate ? Date.parse(serverDate) : Number.NaN
    let t = fromMarkers
    // stamps later than GitHub's Date allows say its clocks disagree: then only the markers are trusted
    if (Number.isFinite(date) && !(fromMarkers !== undefined && fromMarkers > date + SINCE_MARGIN_MS)) t = date
    if (t === undefined) return null
    return new Date(Math.floor((t - SINCE_MARGIN_MS) / 1000) * 1000).toISOString().replace('.000Z', 'Z')
  }
}

/** What differs between a taken-over item and the one a full read gave: the kinds, for the drift report. */
export function driftKinds(before: ItemState, after: ItemState): string[] {
  const kinds: string[] = []
  if (before.archived !== after.archived) kinds.push('archived')
  if (canonicalJson(before.values) !== canonicalJson(after.values)) kinds.push('field values')
  if (canonicalJson(before.draft ?? null) !== canonicalJson(after.draft ?? null)) kinds.push('draft')
  const a = (before.content ?? {}) as unknown as Record<string, unknown>
  const b = (after.content ?? {}) as unknown as Record<string, unknown>
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null)) kinds.push(k)
  }
  if (kinds.length === 0 && canonicalJson(before) !== canonicalJson(after)) kinds.push('other')
  return kinds
}
