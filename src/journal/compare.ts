import {createPatch} from 'diff'
import type {FieldDef, ItemState, ProjectState} from '../model/state.js'
import {jsonEqual} from './diff.js'
import type {EventHeader} from './events.js'
import {displayValue} from './export.js'

/** Issue identity in reports: the issue number when every issue item is in one repository, else `owner/repo#number`. */
export type IssueRef = number | string

export interface SetDiff<T> {
  added: T[]
  modified: T[]
  removed: T[]
}

/** One value that differs: what, from, to. Long texts (bodies, the readme) also carry a unified diff. */
export interface ValueChange {
  /** `title`, `body`, `state`, `labels`, `assignees`, `milestone`, `archived`, or a field's name */
  what: string
  from: unknown
  to: unknown
  /** unified diff of a multi-line text */
  diff?: string
}

export interface ItemChanges {
  item: IssueRef
  /** the title in the newer backup (the older one when the item was removed) */
  title: string
  changes: ValueChange[]
}

export interface Comparison {
  differences: {
    issues: SetDiff<IssueRef>
    fields: SetDiff<string>
    views: SetDiff<string>
    settings: {modified: string[]}
  }
  /** what changed in each modified issue or draft, value by value */
  items: ItemChanges[]
  /** each modified setting, from and to */
  settings: ValueChange[]
  /** what could not be compared (e.g. items when one side is a config backup) */
  notes: string[]
}

export interface IncrementalSummary {
  backup_type: 'incremental'
  base_backup: string | null
  changes: {
    modified_issues: IssueRef[]
    new_issues: IssueRef[]
    removed_issues: IssueRef[]
    /** names of changed fields, and `Field/Option` for each changed single-select option or iteration */
    field_changes: string[]
  }
}

/** same canonical JSON, compared in place (no text per item of a 50,000-item project) */
const same = (a: unknown, b: unknown) => jsonEqual(a, b)

/** Numbers first, by number; then `owner/repo#n` by repository and number (#2 before #10); then drafts by title. */
export function compareRefs(a: IssueRef, b: IssueRef): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'number') return -1
  if (typeof b === 'number') return 1
  const ra = /^(.*)#(\d+)$/.exec(a)
  const rb = /^(.*)#(\d+)$/.exec(b)
  if (ra && rb) return ra[1] < rb[1] ? -1 : ra[1] > rb[1] ? 1 : Number(ra[2]) - Number(rb[2])
  if (ra) return -1
  if (rb) return 1
  return a < b ? -1 : a > b ? 1 : 0
}

function sortRefs<T extends IssueRef>(refs: T[]): T[] {
  return [...refs].sort(compareRefs)
}

function diffMaps<V>(a: Map<string, V>, b: Map<string, V>): SetDiff<string> {
  const out: SetDiff<string> = {added: [], modified: [], removed: []}
  for (const [k, v] of b) {
    if (!a.has(k)) out.added.push(k)
    else if (!same(a.get(k), v)) out.modified.push(k)
  }
  for (const k of a.keys()) if (!b.has(k)) out.removed.push(k)
  return {added: out.added.sort(), modified: out.modified.sort(), removed: out.removed.sort()}
}

const byName = <V extends {name: string}>(rec: Record<string, V> | undefined) => new Map(Object.values(rec ?? {}).map((v) => [v.name, v]))

/** A label per item key, consistent across the given states. */
export function itemLabels(...states: ProjectState[]): Map<string, IssueRef> {
  const repos = new Set<string>()
  for (const s of states) for (const item of Object.values(s.items ?? {})) if (item.content) repos.add(item.content.repository)
  const singleRepo = repos.size <= 1
  const labels = new Map<string, IssueRef>()
  for (const s of states) {
    for (const [key, item] of Object.entries(s.items ?? {})) labels.set(key, itemLabel(key, item, singleRepo))
  }
  return labels
}

function itemLabel(key: string, item: ItemState, singleRepo: boolean): IssueRef {
  if (item.content) return singleRepo ? item.content.number : `${item.content.repository}#${item.content.number}`
  if (item.draft) return `draft:${item.draft.title}`
  return key
}

/** Content fields a capture may not have read (older backups, GitHub Enterprise Server): absent means "not captured". */
const OPTIONAL_CONTENT = ['blockedBy', 'issueType', 'issueFields'] as const

/**
 * The two sides of one item as far as both captured them: what one side did not read is left out of the other, so
 * an older backup compared with a newer one does not report every issue as changed.
 */
function comparable(x: ItemState | undefined, y: ItemState | undefined): ItemState | undefined {
  if (!x?.content || !y?.content) return x
  const missing = OPTIONAL_CONTENT.filter((k) => x.content![k] !== undefined && y.content![k] === undefined)
  if (!missing.length) return x
  const content = {...x.content}
  for (const k of missing) delete content[k]
  return {...x, content}
}

function diffItems(a: ProjectState, b: ProjectState): SetDiff<IssueRef> {
  const labels = itemLabels(a, b)
  const ai = a.items ?? {}
  const bi = b.items ?? {}
  const d = diffMaps(
    new Map(Object.entries(ai).map(([k, v]) => [k, comparable(v, bi[k])])),
    new Map(Object.entries(bi).map(([k, v]) => [k, comparable(v, ai[k])])),
  )
  const map = (keys: string[]) => sortRefs(keys.map((k) => labels.get(k)!))
  return {added: map(d.added), modified: map(d.modified), removed: map(d.removed)}
}

/** What changed from backup a to backup b, in the spec's shape: issues, fields and views by name, settings by key. */
export function compareStates(a: ProjectState, b: ProjectState): Comparison {
  const notes: string[] = []
  const hasItems = (s: ProjectState) => s.type === 'full'
  let issues: SetDiff<IssueRef> = {added: [], modified: [], removed: []}
  if (hasItems(a) && hasItems(b)) issues = diffItems(a, b)
  else notes.push(`issues not compared: a ${hasItems(a) ? b.type : a.type} backup holds no items`)

  const hasViews = (s: ProjectState) => s.type !== 'minimal'
  let views: SetDiff<string> = {added: [], modified: [], removed: []}
  if (hasViews(a) && hasViews(b)) views = diffMaps(byName(a.views), byName(b.views))
  else notes.push('views not compared: a minimal backup holds no views')

  const settings: string[] = []
  const pa = a.project as unknown as Record<string, unknown>
  const pb = b.project as unknown as Record<string, unknown>
  for (const k of new Set([...Object.keys(pa), ...Object.keys(pb)])) if (!same(pa[k], pb[k])) settings.push(k)
  const sections = ['workflows', 'repositories', 'teams', 'statusUpdates', 'milestones', 'itemOrder'] as const
  for (const s of sections) {
    const both = a[s] !== undefined && b[s] !== undefined
    const comparable = both || (a.type === b.type)
    if (comparable && !same(a[s] ?? null, b[s] ?? null)) settings.push(s)
  }
  const items = hasItems(a) && hasItems(b) ? itemChanges(a, b, issues.modified) : []
  const settingChanges = Object.keys(pa)
    .filter((k) => settings.includes(k))
    .sort()
    .map((k) => valueChange(k, pa[k], pb[k]))
  return {
    differences: {issues, fields: diffMaps(byName(a.fields), byName(b.fields)), views, settings: {modified: settings.sort()}},
    items,
    settings: settingChanges,
    notes,
  }
}

function valueChange(what: string, from: unknown, to: unknown): ValueChange {
  const change: ValueChange = {what, from: from ?? null, to: to ?? null}
  if (typeof from === 'string' && typeof to === 'string' && (from.includes('\n') || to.includes('\n'))) {
    // the unified diff without its file headers: the hunks say what changed
    change.diff = createPatch(what, from.endsWith('\n') ? from : `${from}\n`, to.endsWith('\n') ? to : `${to}\n`, '', '', {context: 1})
      .split('\n')
      .slice(4)
      .join('\n')
      .trimEnd()
  }
  return change
}

/** Value by value, what changed in each modified item; fields are matched by name (ids die with deletion). */
function itemChanges(a: ProjectState, b: ProjectState, modified: IssueRef[]): ItemChanges[] {
  const labels = itemLabels(a, b)
  const wanted = new Set(modified)
  const out: ItemChanges[] = []
  const fieldName = (s: ProjectState, id: string) => s.fields[id]?.name ?? id
  for (const [key, y] of Object.entries(b.items ?? {})) {
    const ref = labels.get(key)!
    const x = a.items?.[key]
    if (!x || !wanted.has(ref)) continue
    const changes: ValueChange[] = []
    const cx = x.content ?? x.draft
    const cy = y.content ?? y.draft
    const scalar = (what: string, from: unknown, to: unknown) => {
      if (!same(from ?? null, to ?? null)) changes.push(valueChange(what, from, to))
    }
    scalar('title', cx?.title, cy?.title)
    scalar('body', cx?.body, cy?.body)
    if (x.content || y.content) {
      for (const k of ['state', 'stateReason', 'labels', 'assignees', 'milestone', 'parent', 'subIssues', 'blockedBy'] as const) {
        scalar(k, (x.content as unknown as Record<string, unknown> | undefined)?.[k], (y.content as unknown as Record<string, unknown> | undefined)?.[k])
      }
    } else scalar('assignees', x.draft?.assignees, y.draft?.assignees)
    scalar('archived', x.archived, y.archived)
    // the same issue removed and added again has a new item id (and lost what the project held of it meanwhile)
    scalar('item id', x.id, y.id)
    const byField = (s: ProjectState, item: ItemState) => new Map(Object.entries(item.values).map(([id, v]) => [fieldName(s, id), displayValue(v)]))
    const vx = byField(a, x)
    const vy = byField(b, y)
    for (const name of [...new Set([...vx.keys(), ...vy.keys()])].sort()) scalar(name, vx.get(name), vy.get(name))
    if (changes.length) out.push({item: ref, title: String(cy?.title ?? cx?.title ?? key), changes})
  }
  return out.sort((p, q) => compareRefs(p.item, q.item))
}

/** Names of changed fields, plus `Field/Option` for each option or iteration added, removed or changed. */
export function fieldChanges(a: ProjectState, b: ProjectState): string[] {
  const fa = byName(a.fields)
  const fb = byName(b.fields)
  const out = new Set<string>()
  for (const name of new Set([...fa.keys(), ...fb.keys()])) {
    const x = fa.get(name)
    const y = fb.get(name)
    if (same(x, y)) continue
    out.add(name)
    if (x && y) for (const sub of subChanges(x, y)) out.add(`${name}/${sub}`)
  }
  return [...out].sort()
}

function subChanges(x: FieldDef, y: FieldDef): string[] {
  const named = (f: FieldDef) =>
    new Map<string, unknown>([
      ...Object.values(f.options ?? {}).map((o) => [o.name, o] as [string, unknown]),
      ...Object.values(f.iteration?.iterations ?? {}).map((i) => [i.title, i] as [string, unknown]),
      ...Object.values(f.iteration?.completedIterations ?? {}).map((i) => [i.title, i] as [string, unknown]),
    ])
  const d = diffMaps(named(x), named(y))
  return [...d.added, ...d.modified, ...d.removed]
}

/** The spec's incremental backup report: what the new state changed relative to the previous backup. */
export function incrementalSummary(prevHeader: Pick<EventHeader, 'name'> | undefined, prevState: ProjectState | undefined, newState: ProjectState): IncrementalSummary {
  const before: ProjectState = prevState ?? {...newState, fields: {}, items: {}}
  const empty: SetDiff<IssueRef> = {added: [], modified: [], removed: []}
  const items = newState.type !== 'full' ? empty : diffItems(before.type === 'full' ? before : {...before, items: {}}, newState)
  return {
    backup_type: 'incremental',
    base_backup: prevHeader?.name ?? null,
    changes: {
      modified_issues: items.modified,
      new_issues: items.added,
      removed_issues: items.removed,
      field_changes: fieldChanges(before, newState),
    },
  }
}
