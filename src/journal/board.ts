/**
 * The board as a view shows it, from one backed-up state (`backup show`): items grouped by a field (default the
 * Status-like single select: the field named Status, else the first single select), groups in the field's option order
 * and the "No <field>" group last, items in the project's order (or the view's sort), archived items left out as GitHub
 * leaves them out. Pure: a model for a formatter (src/cli/board.ts) or a caller of the library, nothing printed.
 */
import {compileFilterTerms, formatTerm, parseFilter, BUILT_IN_QUALIFIERS, type FilterField, type FilterFieldValue, type FilterItem, type FilterTerm} from '../model/filter.js'
import type {FieldDef, ItemState, ItemType, ProjectState, ViewDef} from '../model/state.js'
import {failure} from '../util/errors.js'
import {displayValue} from './export.js'

export interface BoardOptions {
  /** a captured view, by name (case-insensitive) or number: its grouping, sort, visible fields and filter */
  view?: string
  /** the field to group by, by name (case-insensitive); overrides the view's grouping */
  groupBy?: string
  /** include archived items (GitHub's views leave them out) */
  archived?: boolean
}

export interface BoardItem {
  /** the item's key in the state (content URL, `draft:<id>`, `redacted:<id>`) */
  key: string
  type: ItemType
  title: string
  /** issue or pull request number; null for drafts and redacted items */
  number: number | null
  /** `owner/name`; null for drafts and redacted items */
  repository: string | null
  url: string | null
  archived: boolean
  assignees: string[]
  /** every column's text, by column name (an empty string for no value) */
  values: Record<string, string>
}

export interface BoardGroup {
  /** the option's, iteration's or value's name; `No <field>` for items without one; `All items` when ungrouped */
  name: string
  /** true for the group of items without a value */
  noValue: boolean
  items: BoardItem[]
}

export interface Board {
  project: {title: string; url: string}
  /** the field grouped by, null when ungrouped */
  groupBy: string | null
  /** the view whose settings were used, null for none */
  view: string | null
  /** the filter applied (the view's, without the terms in `notes`), null for none */
  filter: string | null
  sortBy: Array<{field: string; direction: 'ASC' | 'DESC'}>
  /** column names in order: Title, Number, Assignees, then the other visible fields */
  columns: string[]
  groups: BoardGroup[]
  /** items shown */
  total: number
  /** archived items left out (0 with `archived`) */
  archivedHidden: number
  /** what could not be shown as GitHub shows it (unsupported filter terms, columns a backup does not keep) */
  notes: string[]
}

export const TITLE_COLUMN = 'Title'
export const NUMBER_COLUMN = 'Number'
export const ASSIGNEES_COLUMN = 'Assignees'
/** with `archived`: `archived` for an archived item */
export const ARCHIVED_COLUMN = 'Archived'

/** Field types whose values a backup keeps: as columns, groups and sort keys. */
const SHOWN_TYPES = new Set(['TITLE', 'ASSIGNEES', 'LABELS', 'MILESTONE', 'REPOSITORY', 'PARENT_ISSUE', 'ISSUE_TYPE', 'SINGLE_SELECT', 'ITERATION', 'NUMBER', 'DATE', 'TEXT'])
const CUSTOM_TYPES = new Set(['SINGLE_SELECT', 'ITERATION', 'NUMBER', 'DATE', 'TEXT'])
/** Filter qualifiers that need what a backup does not keep (content dates, reviewers). */
const UNKEPT_QUALIFIERS = new Set(['created', 'updated', 'closed', 'last-updated', 'reviewers', 'reviewer'])

/** The board of one state. `today` (YYYY-MM-DD) resolves `@today` and `@current` in a filter: the backup's day. */
export function buildBoard(state: ProjectState, options: BoardOptions = {}, today = new Date().toISOString().slice(0, 10)): Board {
  if (!state.items) {
    throw failure('usage', `this backup is of type ${state.type}: it holds no items to show (a full backup does)`)
  }
  const fields = Object.values(state.fields)
  const byName = (name: string) => fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase())
  const notes: string[] = []
  const view = options.view === undefined ? undefined : findView(state, options.view)

  let groupField: FieldDef | undefined
  if (options.groupBy !== undefined) {
    groupField = byName(options.groupBy)
    if (!groupField) throw failure('usage', `no field named "${options.groupBy}" in this backup; fields: ${fields.map((f) => f.name).join(', ')}`)
  } else if (view) {
    const name = (view.layout === 'BOARD_LAYOUT' ? (view.verticalGroupBy[0] ?? view.groupBy[0]) : view.groupBy[0]) ?? undefined
    groupField = name === undefined ? undefined : byName(name)
    if (name !== undefined && !groupField) notes.push(`view "${view.name}" groups by "${name}", a field this backup does not have: shown ungrouped`)
  } else {
    groupField = byName('Status') ?? fields.find((f) => f.dataType === 'SINGLE_SELECT')
  }
  if (groupField && (!SHOWN_TYPES.has(groupField.dataType) || groupField.dataType === 'TITLE')) {
    if (options.groupBy !== undefined) throw failure('usage', `cannot group by "${groupField.name}" (${groupField.dataType.toLowerCase()}): a backup does not keep its values per item`)
    notes.push(`grouping by "${groupField.name}" is not possible from a backup (its values are not kept): shown ungrouped`)
    groupField = undefined
  }

  // columns: Title, Number, Assignees, then the view's visible fields (or every custom field) but the group field
  const builtIn = new Set([TITLE_COLUMN, NUMBER_COLUMN, ASSIGNEES_COLUMN, ...(options.archived ? [ARCHIVED_COLUMN] : [])].map((c) => c.toLowerCase()))
  const wanted = view ? view.visibleFields.map((n) => ({n, f: byName(n)})) : defaultColumns(state).map((f) => ({n: f.name, f}))
  const columnFields: FieldDef[] = []
  const unkept: string[] = []
  for (const {n, f} of wanted) {
    if (builtIn.has(n.toLowerCase()) || (f && f === groupField) || (f && columnFields.includes(f))) continue
    if (f && SHOWN_TYPES.has(f.dataType)) columnFields.push(f)
    else unkept.push(n)
  }
  if (unkept.length) notes.push(`columns a backup does not keep, left out: ${unkept.join(', ')}`)
  const columns = [TITLE_COLUMN, NUMBER_COLUMN, ASSIGNEES_COLUMN, ...columnFields.map((f) => f.name), ...(options.archived ? [ARCHIVED_COLUMN] : [])]

  // items: the project's order, then any the order misses (sorted keys), archived left out unless asked for
  const items = state.items
  const listed = new Set(state.itemOrder ?? [])
  const order = [...(state.itemOrder ?? []).filter((k) => k in items), ...Object.keys(items).filter((k) => !listed.has(k)).sort()]
  let keys = order
  let archivedHidden = 0
  if (!options.archived) {
    keys = order.filter((k) => !items[k].archived)
    archivedHidden = order.length - keys.length
  }

  // the view's filter, as far as a backup can evaluate it
  let filter: string | null = null
  if (view?.filter?.trim()) {
    const {kept, dropped} = splitTerms(parseFilter(view.filter), fields)
    for (const d of dropped) notes.push(`filter term ${formatTerm(d.term)} of view "${view.name}" ignored: ${d.why}`)
    if (kept.length) {
      filter = kept.map(formatTerm).join(' ')
      const ctx = filterContext(fields, today)
      const keep = compileFilterTerms(kept, ctx)
      keys = keys.filter((k) => keep(filterItem(state, items[k], ctx.fields)))
    }
  }

  // sort: the view's sort keys in turn, stable on the project's order; items without a value last
  const sortBy = (view?.sortBy ?? []).map((s) => ({field: s.field, direction: s.direction}))
  const sorters: Array<{f: FieldDef; dir: number}> = []
  for (const s of sortBy) {
    const f = byName(s.field)
    if (f && SHOWN_TYPES.has(f.dataType)) sorters.push({f, dir: s.direction === 'DESC' ? -1 : 1})
    else notes.push(`view "${view!.name}" sorts by "${s.field}", which a backup does not keep: that sort key is ignored`)
  }
  if (sorters.length) {
    const position = new Map(keys.map((k, i) => [k, i]))
    const sortKeys = new Map(keys.map((k) => [k, sorters.map((s) => sortKey(state, items[k], s.f))]))
    keys = [...keys].sort((a, b) => {
      const ka = sortKeys.get(a)!
      const kb = sortKeys.get(b)!
      for (let i = 0; i < sorters.length; i++) {
        const c = compareKeys(ka[i], kb[i], sorters[i].dir)
        if (c !== 0) return c
      }
      return position.get(a)! - position.get(b)!
    })
  }

  const repos = new Set(keys.map((k) => items[k].content?.repository).filter(Boolean))
  const shown = keys.map((k) => boardItem(state, k, items[k], columnFields, repos.size > 1, Boolean(options.archived)))
  const groups = groupField ? group(state, groupField, keys, shown) : [{name: 'All items', noValue: false, items: shown}]
  return {
    project: {title: state.project.title, url: state.project.url},
    groupBy: groupField?.name ?? null,
    view: view?.name ?? null,
    filter,
    sortBy,
    columns,
    groups,
    total: shown.length,
    archivedHidden,
    notes,
  }
}

/**
 * Without a view: every custom field, those the views show first in the order the views show them (a state keeps no
 * field order of its own), then the others by name.
 */
function defaultColumns(state: ProjectState): FieldDef[] {
  const custom = Object.values(state.fields).filter((f) => CUSTOM_TYPES.has(f.dataType))
  const shown = Object.values(state.views ?? {})
    .sort((a, b) => a.number - b.number)
    .flatMap((v) => v.visibleFields)
  const rank = (f: FieldDef) => {
    const i = shown.indexOf(f.name)
    return i < 0 ? Number.MAX_SAFE_INTEGER : i
  }
  return custom.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1))
}

function findView(state: ProjectState, wanted: string): ViewDef {
  const views = Object.values(state.views ?? {}).sort((a, b) => a.number - b.number)
  const found =
    views.find((v) => v.name === wanted) ?? views.find((v) => v.name.toLowerCase() === wanted.toLowerCase()) ?? views.find((v) => String(v.number) === wanted.trim())
  if (!found) {
    const names = views.map((v) => `"${v.name}"`).join(', ')
    throw failure('notFound', `no view named "${wanted}" in this backup; ${names ? `its views: ${names}` : 'it holds no views'}`)
  }
  return found
}

/** The terms a backup can evaluate, and the others with the reason. */
function splitTerms(terms: FilterTerm[], fields: FieldDef[]): {kept: FilterTerm[]; dropped: Array<{term: FilterTerm; why: string}>} {
  const kept: FilterTerm[] = []
  const dropped: Array<{term: FilterTerm; why: string}> = []
  const known = (name: string) => fields.find((f) => f.name.toLowerCase() === name)
  for (const term of terms) {
    if (term.kind === 'text') {
      kept.push(term)
      continue
    }
    const targets = term.key === 'no' || term.key === 'has' ? term.values.map((v) => v.text.toLowerCase()) : [term.key]
    const why = targets
      .map((t) => {
        if (UNKEPT_QUALIFIERS.has(t)) return `a backup does not keep ${t === 'reviewer' || t === 'reviewers' ? 'reviewers' : "items' dates"}`
        const f = known(t)
        if (f && !SHOWN_TYPES.has(f.dataType)) return `a backup does not keep the values of "${f.name}"`
        if (!f && !BUILT_IN_QUALIFIERS.includes(t)) return `no field named "${t}" in this backup`
        return undefined
      })
      .find(Boolean)
    if (why) dropped.push({term, why})
    else if ((term.key === 'assignee' || term.key === 'assignees') && term.values.some((v) => v.text === '@me')) dropped.push({term, why: '@me is whoever looks at the board, not known to a backup'})
    else kept.push(term)
  }
  return {kept, dropped}
}

function filterContext(fields: FieldDef[], today: string): {today: string; viewerLogin: null; fields: Array<FilterField & {def: FieldDef}>} {
  return {
    today,
    viewerLogin: null,
    fields: fields.map((def) => ({
      name: def.name,
      dataType: def.dataType,
      def,
      iterations: def.iteration
        ? [...Object.values(def.iteration.completedIterations), ...Object.values(def.iteration.iterations)].map((i) => ({title: i.title, startDate: i.startDate, duration: i.duration}))
        : undefined,
    })),
  }
}

function filterItem(state: ProjectState, item: ItemState, fields: Array<FilterField & {def: FieldDef}>): FilterItem {
  const c = item.content
  const defOf = new Map(fields.map((f) => [f as FilterField, f.def]))
  return {
    type: item.type,
    state: c?.state ?? null,
    stateReason: c?.stateReason ?? null,
    title: titleOf(item),
    labels: c?.labels ?? [],
    assignees: assigneesOf(item),
    reviewers: [],
    repository: c?.repository ?? null,
    milestone: c?.milestone ? (state.milestones?.[c.milestone]?.title ?? c.milestone) : null,
    issueType: c?.issueType ?? null,
    createdAt: '',
    updatedAt: '',
    closedAt: null,
    value(field: FilterField): FilterFieldValue | undefined {
      const def = defOf.get(field)
      if (!def) return undefined
      const v = item.values[def.id]
      if (v) {
        switch (v.type) {
          case 'singleSelect':
            return {type: 'option', name: v.name}
          case 'iteration':
            return {type: 'iteration', title: v.title}
          default:
            return v
        }
      }
      switch (def.dataType) {
        case 'TITLE':
          return {type: 'text', text: titleOf(item)}
        case 'ASSIGNEES':
          return {type: 'list', names: assigneesOf(item)}
        case 'LABELS':
          return {type: 'list', names: c?.labels ?? []}
        default: {
          const text = builtInText(state, item, def)
          return text ? {type: 'option', name: text} : undefined
        }
      }
    },
  }
}

function titleOf(item: ItemState): string {
  return item.content?.title ?? item.draft?.title ?? '(redacted)'
}

function assigneesOf(item: ItemState): string[] {
  return item.content?.assignees ?? item.draft?.assignees ?? []
}

/** A built-in field's text on an item ('' for none). */
function builtInText(state: ProjectState, item: ItemState, f: FieldDef): string {
  const c = item.content
  switch (f.dataType) {
    case 'TITLE':
      return titleOf(item)
    case 'ASSIGNEES':
      return assigneesOf(item).join(', ')
    case 'LABELS':
      return (c?.labels ?? []).join(', ')
    case 'MILESTONE':
      return c?.milestone ? (state.milestones?.[c.milestone]?.title ?? c.milestone) : ''
    case 'REPOSITORY':
      return c?.repository ?? ''
    case 'PARENT_ISSUE':
      return c?.parent ? issueRef(c.parent, c.repository) : ''
    case 'ISSUE_TYPE':
      return c?.issueType ?? ''
    default:
      return ''
  }
}

/** `#12` in the item's own repository, `owner/repo#12` elsewhere; the URL itself when it is not an issue URL. */
function issueRef(url: string, from: string): string {
  const m = /^https?:\/\/[^/]+\/([^/]+\/[^/]+)\/(?:issues|pull)\/(\d+)$/.exec(url)
  if (!m) return url
  return m[1] === from ? `#${m[2]}` : `${m[1]}#${m[2]}`
}

function cellText(state: ProjectState, item: ItemState, f: FieldDef): string {
  const v = item.values[f.id]
  if (v) return String(displayValue(v))
  return builtInText(state, item, f)
}

function boardItem(state: ProjectState, key: string, item: ItemState, columnFields: FieldDef[], manyRepos: boolean, archivedColumn: boolean): BoardItem {
  const c = item.content
  const number = c ? `${manyRepos ? c.repository.split('/')[1] : ''}#${c.number}` : item.draft ? 'draft' : 'redacted'
  const values: Record<string, string> = {[TITLE_COLUMN]: titleOf(item), [NUMBER_COLUMN]: number, [ASSIGNEES_COLUMN]: assigneesOf(item).join(', ')}
  for (const f of columnFields) values[f.name] = cellText(state, item, f)
  if (archivedColumn) values[ARCHIVED_COLUMN] = item.archived ? 'archived' : ''
  return {
    key,
    type: item.type,
    title: titleOf(item),
    number: c?.number ?? null,
    repository: c?.repository ?? null,
    url: c?.url ?? null,
    archived: item.archived,
    assignees: assigneesOf(item),
    values,
  }
}

type SortKey = number | string | undefined

function sortKey(state: ProjectState, item: ItemState, f: FieldDef): SortKey {
  const v = item.values[f.id]
  if (v) {
    switch (v.type) {
      case 'singleSelect':
        return f.options?.[v.optionId]?.position ?? Number.MAX_SAFE_INTEGER
      case 'iteration':
        return v.startDate
      case 'number':
        return v.number
      case 'date':
        return v.date
      case 'text':
        return v.text.toLowerCase()
    }
  }
  const text = builtInText(state, item, f)
  return text ? text.toLowerCase() : undefined
}

/** Ascending or descending; no value sorts last either way. */
function compareKeys(a: SortKey, b: SortKey, dir: number): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1
  if (typeof a === 'number' && typeof b === 'number') return (a - b) * dir
  return String(a).localeCompare(String(b)) * dir
}

/** Items into the field's groups: options by position, iterations by start, other values sorted; "No <field>" last. */
function group(state: ProjectState, f: FieldDef, keys: string[], shown: BoardItem[]): BoardGroup[] {
  const groups = new Map<string, BoardGroup>()
  const add = (name: string) => {
    if (!groups.has(name)) groups.set(name, {name, noValue: false, items: []})
    return groups.get(name)!
  }
  // every option and iteration is a column of the board, with items or not
  if (f.options) for (const o of Object.values(f.options).sort((a, b) => a.position - b.position)) add(o.name)
  if (f.iteration) {
    const all = [...Object.values(f.iteration.completedIterations), ...Object.values(f.iteration.iterations)]
    for (const i of all.sort((a, b) => a.startDate.localeCompare(b.startDate))) add(i.title)
  }
  const fixed = groups.size
  const none: BoardGroup = {name: `No ${f.name}`, noValue: true, items: []}
  const extra: Array<{group: BoardGroup; key: SortKey}> = []
  keys.forEach((k, i) => {
    const item = state.items![k]
    const name = cellText(state, item, f)
    if (!name) {
      none.items.push(shown[i])
      return
    }
    const known = groups.has(name)
    const g = add(name)
    if (!known) extra.push({group: g, key: sortKey(state, item, f)})
    g.items.push(shown[i])
  })
  // values outside the option list (an option deleted later, free text, numbers) after the fixed ones, in value order
  const rest = extra.sort((a, b) => compareKeys(a.key, b.key, 1)).map((e) => e.group)
  const out = [...groups.values()].slice(0, fixed).concat(rest)
  if (none.items.length) out.push(none)
  return out
}
