/**
 * The board's history as the journal recorded it: one item's values across every backup, or one field's changes over
 * the whole project, with time in each value and cycle time. One replay of the journal (`Journal.walk`), comparing each
 * backup to the one before for what was asked; nothing is rebuilt from a base per backup.
 *
 * Every time here is the time of a BACKUP (the capture that first saw a change), not GitHub's own timeline: a change
 * happened somewhere between that backup and the one before. `Resolution` says how far apart the backups are.
 */
import type {FieldValue, ItemState, ProjectState} from '../model/state.js'
import {UserError} from '../util/errors.js'
import type {BackupOrigin, EventHeader} from './events.js'
import type {Journal} from './journal.js'
import {originOf} from './names.js'

/** A backup the history is read from. */
export interface HistoryBackup {
  seq: number
  name: string
  /** ISO 8601 time of the capture */
  time: string
  origin: BackupOrigin
}

/** How far apart the backups are: the precision of every time in a history. */
export interface Resolution {
  /** full backups looked at (only full backups hold items) */
  backups: number
  /** median and longest interval between consecutive backups, in ms (null with fewer than two backups) */
  medianMs: number | null
  maxMs: number | null
}

/** Which item `backup history` is about. */
export type ItemSelector =
  | {kind: 'number'; number: number}
  | {kind: 'ref'; repository: string; number: number}
  | {kind: 'draft'; title: string}

/** `42`, `#42`, `owner/repo#42`, or an issue / pull request URL. */
export function parseItemSelector(text: string): ItemSelector {
  const t = text.trim()
  let m = /^#?(\d+)$/.exec(t)
  if (m) return {kind: 'number', number: Number(m[1])}
  m = /^([\w.-]+\/[\w.-]+)#(\d+)$/.exec(t)
  if (m) return {kind: 'ref', repository: m[1], number: Number(m[2])}
  m = /^https?:\/\/[^/]+\/([\w.-]+\/[\w.-]+)\/(?:issues|pull)\/(\d+)\/?(?:[?#].*)?$/.exec(t)
  if (m) return {kind: 'ref', repository: m[1], number: Number(m[2])}
  throw new UserError(`"${text}" is not an issue: use a number (42), owner/repo#42, an issue or pull request URL, or --draft TITLE`)
}

export type ItemHistoryEntry =
  | {kind: 'first-seen'; backup: HistoryBackup; archived: boolean; values: Record<string, string>}
  | {kind: 'changed'; backup: HistoryBackup; field: string; from: string | null; to: string | null}
  | {kind: 'archived' | 'unarchived' | 'removed' | 're-added'; backup: HistoryBackup}

export interface ItemHistory {
  /** the item's key in the journal (content URL, or `draft:<id>`) */
  key: string
  /** `owner/repo#N`, or the draft's title */
  ref: string
  /** the title at the newest backup that held the item */
  title: string
  /** only this field's changes (and the item's archive/remove/re-add entries), when asked */
  field?: string
  entries: ItemHistoryEntry[]
  resolution: Resolution
}

/** Options of the project-wide history of one field. */
export interface FieldHistoryOptions {
  /** field name (case-insensitive) */
  field: string
  /** only changes seen by backups taken at or after / at or before these times */
  since?: Date
  until?: Date
  /** the values that mean "done" (case-insensitive); default: options named like Done, Closed, Complete, Shipped */
  done?: string[]
}

export interface FieldChange {
  item: string
  ref: string
  title: string
  /** the backup that first saw the new value */
  backup: HistoryBackup
  /** the backup before it (the change happened between the two); null for none */
  previous: HistoryBackup | null
  /** changed: a value to another (null = no value); added / removed: the item came onto or left the board */
  kind: 'changed' | 'added' | 'removed'
  from: string | null
  to: string | null
}

export interface TimeInValue {
  item: string
  ref: string
  title: string
  /** ms in each value (`(none)` for no value) between the backups of the range, by the backups' times */
  ms: Record<string, number>
}

export interface CycleTime {
  item: string
  ref: string
  title: string
  /** the first value the item had when first seen */
  firstValue: string | null
  /** the backup that first saw it leave its first value */
  started: string
  /** the backup that first saw it in a done value */
  done: string
  ms: number
}

export interface FieldHistory {
  /** the field's name as the newest backup holding it spells it */
  field: string
  since?: string
  until?: string
  /** the full backups in the range, oldest first */
  backups: HistoryBackup[]
  resolution: Resolution
  changes: FieldChange[]
  timeInValue: TimeInValue[]
  /** the values counted as done (empty: no cycle times) */
  doneValues: string[]
  /** items that reached a done value within the range */
  cycleTimes: CycleTime[]
}

/** Option names that mean the work is finished. */
const DONE_LIKE = /^(done|closed|complete|completed|shipped|released|resolved|finished|merged)$/i

/** The label of "no value" in time-in-value tables. */
export const NO_VALUE = '(none)'

/** A field value as a person reads it. */
export function valueText(v: FieldValue): string {
  switch (v.type) {
    case 'text':
      return v.text
    case 'number':
      return String(v.number)
    case 'date':
      return v.date
    case 'singleSelect':
      return v.name
    case 'iteration':
      return v.title
  }
}

/** `owner/repo#N` or the draft's title (or the key). */
function refOf(key: string, item: ItemState): string {
  if (item.content) return `${item.content.repository}#${item.content.number}`
  if (item.draft) return item.draft.title
  return key
}

function titleOf(item: ItemState): string {
  return item.content?.title ?? item.draft?.title ?? ''
}

/** What a person sees of an item on the board: the built-in Title, Assignees, Labels, Milestone, State, and every custom field, by name. */
function facts(item: ItemState, state: ProjectState): Record<string, string> {
  const out: Record<string, string> = {}
  out.Title = titleOf(item)
  const assignees = item.content?.assignees ?? item.draft?.assignees ?? []
  if (assignees.length) out.Assignees = assignees.join(', ')
  if (item.content) {
    if (item.content.labels.length) out.Labels = item.content.labels.join(', ')
    if (item.content.milestone) out.Milestone = state.milestones?.[item.content.milestone]?.title ?? item.content.milestone
    out.State = item.content.stateReason ? `${item.content.state} (${item.content.stateReason})` : item.content.state
  }
  for (const [fid, v] of Object.entries(item.values)) out[state.fields[fid]?.name ?? fid] = valueText(v)
  return out
}

function backupOf(h: EventHeader): HistoryBackup {
  return {seq: h.seq, name: h.name, time: h.timestamp, origin: originOf(h)}
}

/** Median and max interval between consecutive times (ms since the epoch, in order). */
export function resolutionOf(times: number[]): Resolution {
  const gaps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b)
  if (gaps.length === 0) return {backups: times.length, medianMs: null, maxMs: null}
  const mid = Math.floor(gaps.length / 2)
  const median = gaps.length % 2 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2
  return {backups: times.length, medianMs: median, maxMs: gaps.at(-1)!}
}

function matches(selector: ItemSelector, item: ItemState): boolean {
  switch (selector.kind) {
    case 'number':
      return item.content?.number === selector.number
    case 'ref':
      return item.content?.number === selector.number && item.content.repository.toLowerCase() === selector.repository.toLowerCase()
    case 'draft':
      return item.draft !== undefined && item.draft.title.trim().toLowerCase() === selector.title.trim().toLowerCase()
  }
}

function describeSelector(selector: ItemSelector): string {
  if (selector.kind === 'number') return `#${selector.number}`
  if (selector.kind === 'ref') return `${selector.repository}#${selector.number}`
  return `draft "${selector.title}"`
}

interface Tracked {
  key: string
  ref: string
  title: string
  entries: ItemHistoryEntry[]
  last?: {archived: boolean; values: Record<string, string>}
  present: boolean
}

/**
 * One item's values across every full backup: first seen, each change of a value (field, old -> new), archived and
 * unarchived, removed from the board, re-added (by hand or by a restore). A number alone must name one item.
 */
export async function itemHistory(journal: Journal, selector: ItemSelector, opts: {field?: string} = {}): Promise<ItemHistory> {
  // drafts may be renamed and numbers are shared by repositories: every candidate is followed from the start, and the
  // one(s) that matched at some backup are kept at the end (one replay, no second pass)
  const candidates = new Map<string, Tracked & {matched: boolean}>()
  const times: number[] = []
  const wanted = opts.field?.toLowerCase()
  await journal.walk((header, chain) => {
    if (header.type !== 'full') return
    const backup = backupOf(header)
    times.push(Date.parse(header.timestamp))
    const items = chain.items ?? {}
    for (const [key, item] of Object.entries(items)) {
      const isCandidate = selector.kind === 'draft' ? item.draft !== undefined : item.content?.number === selector.number
      if (!isCandidate) continue
      let t = candidates.get(key)
      const now = {archived: item.archived, values: facts(item, chain)}
      if (!t) {
        t = {key, ref: refOf(key, item), title: titleOf(item), entries: [{kind: 'first-seen', backup, ...now}], last: now, present: true, matched: false}
        candidates.set(key, t)
      } else {
        if (!t.present) t.entries.push({kind: 're-added', backup})
        const last = t.last!
        if (last.archived !== now.archived) t.entries.push({kind: now.archived ? 'archived' : 'unarchived', backup})
        for (const field of new Set([...Object.keys(last.values), ...Object.keys(now.values)])) {
          const from = last.values[field] ?? null
          const to = now.values[field] ?? null
          if (from !== to) t.entries.push({kind: 'changed', backup, field, from, to})
        }
        t.last = now
        t.present = true
        t.ref = refOf(key, item)
        t.title = titleOf(item)
      }
      if (matches(selector, item)) t.matched = true
    }
    for (const t of candidates.values()) {
      if (t.present && !(t.key in items)) {
        t.present = false
        t.entries.push({kind: 'removed', backup})
      }
    }
  })
  const found = [...candidates.values()].filter((t) => t.matched)
  if (found.length === 0) {
    if (times.length === 0) throw new UserError(`project ${journal.projectId} has no full backup: only full backups hold items`, {code: 'ENOTFOUND'})
    throw new UserError(`no backup of project ${journal.projectId} holds ${describeSelector(selector)}`, {code: 'ENOTFOUND'})
  }
  if (found.length > 1) {
    const refs = found.map((t) => (t.ref === t.key ? t.key : `${t.ref} (${t.key})`))
    throw new UserError(`${describeSelector(selector)} is more than one item of project ${journal.projectId}: ${refs.join(', ')}; name one (owner/repo#N or its URL)`, {code: 'EAMBIGUOUS'})
  }
  const t = found[0]
  const entries = wanted === undefined ? t.entries : t.entries.filter((e) => e.kind !== 'changed' || e.field.toLowerCase() === wanted)
  return {key: t.key, ref: t.ref, title: t.title, ...(opts.field ? {field: opts.field} : {}), entries, resolution: resolutionOf(times)}
}

interface FieldTrack {
  ref: string
  title: string
  present: boolean
  value: string | null
  first: string | null
  startedAt?: string
  doneAt?: string
  ms: Map<string, number>
}

/**
 * Every change of one field's value over the whole project (within since..until), the time each item spent in each
 * value, and cycle time (first leaving its first value -> first reaching a done value) where the field has one.
 */
export async function fieldHistory(journal: Journal, opts: FieldHistoryOptions): Promise<FieldHistory> {
  const wanted = opts.field.trim().toLowerCase()
  const since = opts.since?.getTime() ?? -Infinity
  const until = opts.until?.getTime() ?? Infinity
  if (since > until) throw new UserError('--since is after --until: nothing can be in that range')
  const tracks = new Map<string, FieldTrack>()
  const changes: FieldChange[] = []
  const inRange: HistoryBackup[] = []
  let previous: {backup: HistoryBackup; t: number} | undefined
  let fieldName: string | undefined
  let optionNames: string[] = []
  let fieldNames: string[] = []
  await journal.walk((header, chain) => {
    if (header.type !== 'full') return
    const backup = backupOf(header)
    const t = Date.parse(header.timestamp)
    const within = t >= since && t <= until
    if (within) inRange.push(backup)
    fieldNames = Object.values(chain.fields).map((f) => f.name)
    const ids = Object.values(chain.fields).filter((f) => f.name.toLowerCase() === wanted)
    if (ids.length) {
      fieldName = ids[0].name
      optionNames = ids.flatMap((f) => Object.values(f.options ?? {}).sort((a, b) => a.position - b.position).map((o) => o.name))
    }
    // the time since the previous backup, in the value each item had then (clipped to the range)
    if (previous) {
      const span = Math.max(0, Math.min(t, until) - Math.max(previous.t, since))
      if (span > 0) {
        for (const track of tracks.values()) {
          if (!track.present) continue
          const label = track.value ?? NO_VALUE
          track.ms.set(label, (track.ms.get(label) ?? 0) + span)
        }
      }
    }
    const items = chain.items ?? {}
    const prev = previous?.backup ?? null
    const doneNow = doneSet(opts.done, optionNames)
    for (const [key, item] of Object.entries(items)) {
      let value: string | null = null
      for (const f of ids) {
        const v = item.values[f.id]
        if (v) {
          value = valueText(v)
          break
        }
      }
      const track = tracks.get(key)
      if (!track) {
        tracks.set(key, {ref: refOf(key, item), title: titleOf(item), present: true, value, first: value, ms: new Map()})
        // items on the board at the first backup are where the history starts, not changes
        if (prev && within) changes.push({item: key, ref: refOf(key, item), title: titleOf(item), backup, previous: prev, kind: 'added', from: null, to: value})
        continue
      }
      track.ref = refOf(key, item)
      track.title = titleOf(item)
      if (!track.present) {
        track.present = true
        if (within) changes.push({item: key, ref: track.ref, title: track.title, backup, previous: prev, kind: 'added', from: null, to: value})
      } else if (track.value !== value && within) {
        changes.push({item: key, ref: track.ref, title: track.title, backup, previous: prev, kind: 'changed', from: track.value, to: value})
      }
      track.value = value
      if (track.startedAt === undefined && value !== track.first) track.startedAt = backup.time
      if (track.doneAt === undefined && value !== null && doneNow.has(value.toLowerCase())) track.doneAt = backup.time
    }
    for (const [key, track] of tracks) {
      if (track.present && !(key in items)) {
        track.present = false
        if (within) changes.push({item: key, ref: track.ref, title: track.title, backup, previous: prev, kind: 'removed', from: track.value, to: null})
      }
    }
    previous = {backup, t}
  })
  if (fieldName === undefined) {
    if (inRange.length === 0 && tracks.size === 0) throw new UserError(`project ${journal.projectId} has no full backup: only full backups hold items`, {code: 'ENOTFOUND'})
    throw new UserError(`no backup of project ${journal.projectId} has a field named "${opts.field}"; fields: ${fieldNames.join(', ') || '(none)'}`, {code: 'ENOTFOUND'})
  }
  const done = [...doneSet(opts.done, optionNames)]
  const doneValues = opts.done?.length ? opts.done : optionNames.filter((n) => done.includes(n.toLowerCase()))
  const timeInValue: TimeInValue[] = []
  const cycleTimes: CycleTime[] = []
  for (const [key, track] of tracks) {
    if (track.ms.size) timeInValue.push({item: key, ref: track.ref, title: track.title, ms: Object.fromEntries(track.ms)})
    if (track.doneAt !== undefined && track.startedAt !== undefined && !done.includes((track.first ?? '').toLowerCase())) {
      const d = Date.parse(track.doneAt)
      if (d >= since && d <= until) {
        cycleTimes.push({item: key, ref: track.ref, title: track.title, firstValue: track.first, started: track.startedAt, done: track.doneAt, ms: d - Date.parse(track.startedAt)})
      }
    }
  }
  return {
    field: fieldName,
    ...(opts.since ? {since: opts.since.toISOString()} : {}),
    ...(opts.until ? {until: opts.until.toISOString()} : {}),
    backups: inRange,
    resolution: resolutionOf(inRange.map((b) => Date.parse(b.time))),
    changes,
    timeInValue,
    doneValues,
    cycleTimes,
  }
}

/** The done values, lower case: as given, or the field's options that are named like done. */
function doneSet(given: string[] | undefined, optionNames: string[]): Set<string> {
  if (given?.length) return new Set(given.map((g) => g.toLowerCase()))
  return new Set(optionNames.filter((n) => DONE_LIKE.test(n.trim())).map((n) => n.toLowerCase()))
}
