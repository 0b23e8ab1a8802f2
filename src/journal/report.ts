/**
 * The data of `backup report`: the board at every full backup, what changed between consecutive backups, the item
 * counts per value of the Status-like field (a cumulative flow), and the project's fields and views as they were.
 *
 * One replay of the journal (`Journal.walk`). Nothing holds every state at once: the walk keeps one compact summary per
 * item (its group, whether it is archived, one string of what a person sees of it), and the result holds the first
 * backup's board and then only the CHANGES of each backup (added, removed, moved, edited), which a reader replays to
 * get the board at any backup. Every time is a BACKUP's time, not GitHub's timeline (see `resolution`).
 */
import type {FieldDef, ItemState, ItemType, OptionColor, ProjectState} from '../model/state.js'
import {failure} from '../util/errors.js'
import type {BackupOrigin, EventHeader} from './events.js'
import {resolutionOf, valueText, type Resolution} from './history.js'
import type {Journal} from './journal.js'
import {originOf} from './names.js'

export interface ReportOptions {
  /** only backups taken at or after / at or before these times (the walk still reads the ones before) */
  since?: Date
  until?: Date
}

/** One item of the report, once: what the cards show. Changes refer to items by their index in `ReportData.items`. */
export interface ReportItem {
  /** the item's key in the journal (content URL, `draft:<id>`, `redacted:<id>`) */
  key: string
  /** `#12` (one repository) or `owner/repo#12`; `draft` for a draft issue */
  ref: string
  /** the title when the item first came onto the board in the report (an `edited` change carries a new one) */
  title: string
  type: ItemType
  /** the issue's or pull request's URL; null for drafts */
  url: string | null
}

/** A column of the board: a value of the grouping field (or the items without one). */
export interface ReportGroup {
  name: string
  /** the option's colour on GitHub (null for iterations, other values and "no value") */
  color: OptionColor | null
  /** true for the items without a value (`No Status`) */
  noValue: boolean
}

/** What one backup saw change since the backup before it (the first backup: its whole board, as `added`). */
export type ReportChange =
  /** onto the board: new, re-added or unarchived */
  | {kind: 'added'; item: number; group: number; title?: string}
  /** off the board: deleted from the project, or archived (`archived: true`) */
  | {kind: 'removed'; item: number; group: number; archived: boolean}
  /** to another column */
  | {kind: 'moved'; item: number; from: number; to: number}
  /** a value a person sees changed (title, assignees, labels, milestone, state, a field): the field names */
  | {kind: 'edited'; item: number; fields: string[]; title?: string}

export interface ReportBackup {
  seq: number
  name: string
  /** ISO 8601 time of the capture */
  time: string
  origin: BackupOrigin
  /** the columns of the board at this backup, in order (indexes into `groups`): the field's options, then other values, then "no value" */
  columns: number[]
  /** items on the board per group (aligned with `groups`; archived items are not on the board) */
  counts: number[]
  /** items on the board */
  total: number
  /** archived items (not on the board) */
  archived: number
  changes: ReportChange[]
  /** index into `schemas`: the fields and views of this backup */
  schema: number
}

export interface ReportField {
  name: string
  /** GitHub's data type (SINGLE_SELECT, ITERATION, TEXT, ...) */
  type: string
  /** option names in order, or iteration titles by start date */
  options: string[]
}

export interface ReportView {
  number: number
  name: string
  layout: string
  filter: string | null
  groupBy: string[]
  sortBy: string[]
  visibleFields: string[]
}

export interface ReportSchema {
  fields: ReportField[]
  views: ReportView[]
}

export interface ReportData {
  project: {title: string; url: string}
  /** the field the board is grouped by, as the newest backup names it (null: no single select, one "All items" column) */
  groupBy: string | null
  since?: string
  until?: string
  /** how far apart the backups are: the precision of every time in the report */
  resolution: Resolution
  groups: ReportGroup[]
  items: ReportItem[]
  /** full backups in the range, oldest first */
  backups: ReportBackup[]
  /** distinct fields-and-views tables (backups refer to them by index) */
  schemas: ReportSchema[]
}

/** The grouping field of a state as `backup show` picks it: the field named Status, else the first single select. */
export function groupFieldOf(state: ProjectState): FieldDef | undefined {
  const fields = Object.values(state.fields)
  return fields.find((f) => f.name === 'Status') ?? fields.find((f) => f.name.toLowerCase() === 'status') ?? fields.find((f) => f.dataType === 'SINGLE_SELECT')
}

/** The key of the "no value" group while walking (not a name a value can have). */
const NONE = '\u0000none'
const ALL = 'All items'
const SEP = '\u0000'

interface Tracked {
  group: string
  archived: boolean
  /** `name=value` of every fact a person sees, joined by SEP, sorted */
  sig: string
  title: string
}

interface PendingBackup extends Omit<ReportBackup, 'columns' | 'counts' | 'changes'> {
  columns: string[]
  counts: Map<string, number>
  changes: Array<PendingChange>
}

type PendingChange =
  | {kind: 'added'; item: number; group: string; title?: string}
  | {kind: 'removed'; item: number; group: string; archived: boolean}
  | {kind: 'moved'; item: number; from: string; to: string}
  | {kind: 'edited'; item: number; fields: string[]; title?: string}

/**
 * The report's data, from one replay of the journal. Only full backups hold items: config and minimal backups are
 * left out. Fails (not found) when no full backup is in the range.
 */
export async function reportData(journal: Journal, options: ReportOptions = {}): Promise<ReportData> {
  const since = options.since?.getTime() ?? -Infinity
  const until = options.until?.getTime() ?? Infinity
  if (since > until) throw failure('usage', '--since is after --until: nothing can be in that range')

  let tracked = new Map<string, Tracked>()
  const itemIndex = new Map<string, number>()
  const items: ReportItem[] = []
  const backups: PendingBackup[] = []
  const schemas: ReportSchema[] = []
  const schemaIndex = new Map<string, number>()
  /** group name -> colour, and the option order of the newest backup */
  const colors = new Map<string, OptionColor | null>()
  let lastOptionOrder: string[] = []
  const firstSeen: string[] = []
  let groupBy: string | null = null
  /** field id -> name, as last seen (a deleted field's values are still named) */
  const fieldNames = new Map<string, string>()
  let anyFull = false
  let project = {title: '', url: ''}

  await journal.walk((header: EventHeader, chain: ProjectState) => {
    if (header.type !== 'full') return
    anyFull = true
    const t = Date.parse(header.timestamp)
    const within = t >= since && t <= until
    const field = groupFieldOf(chain)
    for (const f of Object.values(chain.fields)) fieldNames.set(f.id, f.name)
    const current = new Map<string, Tracked>()
    let repo: string | undefined
    let manyRepos = false
    for (const key in chain.items ?? {}) {
      const item = chain.items![key]
      current.set(key, summarize(item, field))
      const r = item.content?.repository
      if (r !== undefined && !manyRepos) {
        if (repo === undefined) repo = r
        else if (r !== repo) manyRepos = true
      }
    }

    if (within) {
      groupBy = field?.name ?? null
      project = {title: chain.project.title, url: chain.project.url}
      const optionOrder = field ? columnsOf(field) : []
      for (const [name, color] of optionOrder) colors.set(name, color)
      lastOptionOrder = optionOrder.map(([n]) => n)
      const changes: PendingChange[] = []
      const indexOf = (key: string, item: ItemState, title: string) => {
        let i = itemIndex.get(key)
        if (i === undefined) {
          i = items.length
          itemIndex.set(key, i)
          items.push({key, ref: refOf(key, item, manyRepos), title, type: item.type, url: item.content?.url ?? null})
        }
        return i
      }
      const base = backups.length === 0
      const counts = new Map<string, number>()
      let archived = 0
      const listed = new Set(chain.itemOrder ?? [])
      const order = [...(chain.itemOrder ?? []).filter((k) => current.has(k)), ...[...current.keys()].filter((k) => !listed.has(k)).sort()]
      for (const key of order) {
        const now = current.get(key)!
        if (now.archived) {
          archived++
        } else {
          counts.set(now.group, (counts.get(now.group) ?? 0) + 1)
          if (!firstSeen.includes(now.group)) firstSeen.push(now.group)
        }
        const before = base ? undefined : tracked.get(key)
        const wasOn = before !== undefined && !before.archived
        const isOn = !now.archived
        if (isOn && !wasOn) {
          const i = indexOf(key, chain.items![key], now.title)
          changes.push({kind: 'added', item: i, group: now.group, ...(items[i].title !== now.title ? {title: now.title} : {})})
        } else if (isOn && wasOn) {
          const i = indexOf(key, chain.items![key], now.title)
          if (before.group !== now.group) changes.push({kind: 'moved', item: i, from: before.group, to: now.group})
          if (before.sig !== now.sig) {
            const fields = changedFacts(before.sig, now.sig).map((n) => (n.startsWith('#') ? (fieldNames.get(n.slice(1)) ?? n.slice(1)) : n))
            changes.push({kind: 'edited', item: i, fields, ...(before.title !== now.title ? {title: now.title} : {})})
          }
        } else if (!isOn && wasOn) {
          changes.push({kind: 'removed', item: indexOf(key, chain.items![key], before.title), group: before.group, archived: true})
        }
      }
      if (!base) {
        for (const [key, before] of tracked) {
          if (current.has(key) || before.archived) continue
          const i = itemIndex.get(key)
          // an item not seen in the range cannot have been on a board of it
          if (i !== undefined) changes.push({kind: 'removed', item: i, group: before.group, archived: false})
        }
      }
      const columns = [...lastOptionOrder]
      for (const g of counts.keys()) if (!columns.includes(g) && g !== NONE) columns.push(g)
      if (counts.has(NONE) || columns.length === 0) columns.push(NONE)
      backups.push({
        seq: header.seq,
        name: header.name,
        time: header.timestamp,
        origin: originOf(header),
        columns,
        counts,
        total: [...counts.values()].reduce((a, b) => a + b, 0),
        archived,
        changes,
        schema: schemaOf(chain, schemas, schemaIndex),
      })
    }
    tracked = current
  })

  if (backups.length === 0) {
    if (!anyFull) throw failure('notFound', `project ${journal.projectId} has no full backup: only full backups hold items`)
    throw failure('notFound', `no full backup of project ${journal.projectId} is in the range${options.since ? ` from ${options.since.toISOString()}` : ''}${options.until ? ` to ${options.until.toISOString()}` : ''}`)
  }

  // the columns in order: the newest backup's options, other values as first seen, "no value" last
  const noValueName = groupBy === null ? ALL : `No ${groupBy}`
  const names: string[] = [...lastOptionOrder]
  for (const b of backups) for (const c of b.columns) if (!names.includes(c) && c !== NONE) names.push(c)
  for (const g of firstSeen) if (!names.includes(g) && g !== NONE) names.push(g)
  const hasNone = backups.some((b) => b.columns.includes(NONE))
  if (hasNone) names.push(NONE)
  const gi = new Map(names.map((n, i) => [n, i]))
  const g = (name: string) => gi.get(name)!
  const groups: ReportGroup[] = names.map((n) => (n === NONE ? {name: noValueName, color: null, noValue: groupBy !== null} : {name: n, color: colors.get(n) ?? null, noValue: false}))

  return {
    project,
    groupBy,
    ...(options.since ? {since: options.since.toISOString()} : {}),
    ...(options.until ? {until: options.until.toISOString()} : {}),
    resolution: resolutionOf(backups.map((b) => Date.parse(b.time))),
    groups,
    items,
    backups: backups.map((b) => ({
      ...b,
      columns: b.columns.map(g),
      counts: names.map((n) => b.counts.get(n) ?? 0),
      changes: b.changes.map((c): ReportChange => {
        switch (c.kind) {
          case 'added':
            return {...c, group: g(c.group)}
          case 'removed':
            return {...c, group: g(c.group)}
          case 'moved':
            return {...c, from: g(c.from), to: g(c.to)}
          case 'edited':
            return c
        }
      }),
    })),
    schemas,
  }
}

/** The board a reader sees at backup `index` of a report: item index -> {group, title}, replayed from the first. */
export function boardAt(data: ReportData, index: number): Map<number, {group: number; title: string}> {
  const board = new Map<number, {group: number; title: string}>()
  const titles = new Map<number, string>()
  for (let b = 0; b <= index && b < data.backups.length; b++) {
    for (const c of data.backups[b].changes) {
      if (c.kind === 'added') {
        if (c.title !== undefined) titles.set(c.item, c.title)
        board.set(c.item, {group: c.group, title: titles.get(c.item) ?? data.items[c.item].title})
      } else if (c.kind === 'removed') {
        board.delete(c.item)
      } else if (c.kind === 'moved') {
        const it = board.get(c.item)
        if (it) it.group = c.to
      } else if (c.title !== undefined) {
        titles.set(c.item, c.title)
        const it = board.get(c.item)
        if (it) it.title = c.title
      }
    }
  }
  return board
}

/** The options of a grouping field as columns: single-select options by position, iterations by start date. */
function columnsOf(f: FieldDef): Array<[string, OptionColor | null]> {
  if (f.options) return Object.values(f.options).sort((a, b) => a.position - b.position).map((o) => [o.name, o.color])
  if (f.iteration) {
    const all = [...Object.values(f.iteration.completedIterations), ...Object.values(f.iteration.iterations)]
    return all.sort((a, b) => a.startDate.localeCompare(b.startDate)).map((i) => [i.title, null])
  }
  return []
}

function titleOf(item: ItemState): string {
  return item.content?.title ?? item.draft?.title ?? '(redacted)'
}

function refOf(key: string, item: ItemState, manyRepos: boolean): string {
  if (item.content) return manyRepos ? `${item.content.repository}#${item.content.number}` : `#${item.content.number}`
  if (item.draft) return 'draft'
  return key.startsWith('redacted:') ? 'redacted' : key
}

/** An item's group, archived flag and what a person sees of it, compactly. */
function summarize(item: ItemState, field: FieldDef | undefined): Tracked {
  const facts: string[] = []
  const add = (name: string, value: string) => {
    if (value !== '') facts.push(`${name}=${value.includes(SEP) ? value.replaceAll(SEP, ' ') : value}`)
  }
  const title = titleOf(item)
  add('Title', title)
  add('Assignees', (item.content?.assignees ?? item.draft?.assignees ?? []).join(', '))
  if (item.content) {
    add('Labels', item.content.labels.join(', '))
    add('Milestone', item.content.milestone ?? '')
    add('State', item.content.stateReason ? `${item.content.state} (${item.content.stateReason})` : item.content.state)
  }
  let group = field ? NONE : ALL
  for (const [fid, v] of Object.entries(item.values)) {
    if (field && fid === field.id) group = valueText(v) || NONE
    else add(`#${fid}`, valueText(v))
  }
  facts.sort()
  return {group, archived: item.archived, sig: facts.join(SEP), title}
}

/** The names of the facts that differ between two summaries (field ids resolved by the caller's state are kept as ids). */
function changedFacts(before: string, after: string): string[] {
  const parse = (sig: string) => {
    const m = new Map<string, string>()
    if (sig) {
      for (const f of sig.split(SEP)) {
        const i = f.indexOf('=')
        m.set(f.slice(0, i), f.slice(i + 1))
      }
    }
    return m
  }
  const a = parse(before)
  const b = parse(after)
  const out: string[] = []
  for (const k of new Set([...a.keys(), ...b.keys()])) if (a.get(k) !== b.get(k)) out.push(k)
  return out
}

function schemaOf(state: ProjectState, schemas: ReportSchema[], index: Map<string, number>): number {
  const fields: ReportField[] = Object.values(state.fields).map((f) => ({name: f.name, type: f.dataType, options: columnsOf(f).map(([n]) => n)}))
  const views: ReportView[] = Object.values(state.views ?? {})
    .sort((a, b) => a.number - b.number)
    .map((v) => ({
      number: v.number,
      name: v.name,
      layout: v.layout,
      filter: v.filter,
      groupBy: v.layout === 'BOARD_LAYOUT' && v.verticalGroupBy.length ? v.verticalGroupBy : v.groupBy,
      sortBy: v.sortBy.map((s) => `${s.field} ${s.direction.toLowerCase()}`),
      visibleFields: v.visibleFields,
    }))
  const schema = {fields, views}
  const text = JSON.stringify(schema)
  let i = index.get(text)
  if (i === undefined) {
    i = schemas.length
    schemas.push(schema)
    index.set(text, i)
  }
  return i
}
