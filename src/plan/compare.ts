/**
 * How a desired field definition or value compares with the live one, and what the plan sends for it: options
 * (matched by id, then name), iterations (by title), values (as the user sees them), views (what no API can change).
 */
import type {FieldDef, FieldValue, ViewDef} from '../model/state.js'
import type {IterationSpec, OptionSpec, PlannedValue} from './types.js'

export function optionSpecs(f: FieldDef): OptionSpec[] {
  return Object.values(f.options ?? {})
    .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
    .map((o) => ({name: o.name, description: o.description ?? '', color: o.color}))
}

/** The live options as `restoreOptions` would send them unchanged: in order, each with its id. */
export function liveOptionSpecs(f: FieldDef): OptionSpec[] {
  return Object.values(f.options ?? {})
    .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
    .map((o) => ({id: o.id, name: o.name, description: o.description ?? '', color: o.color}))
}

/**
 * The desired options, each matched to a live option of the field (by id, then by exact name) whose id it carries;
 * `kept`: live id → desired name; `recreated`: names of desired options without a live match (new ids on GitHub).
 */
export function matchOptions(
  d: FieldDef,
  l: FieldDef,
  keepExtra: boolean,
): {options: OptionSpec[]; kept: Map<string, string>; recreated: string[]; extra: string[]} {
  const desired = Object.values(d.options ?? {}).sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
  const live = Object.values(l.options ?? {})
  const claimed = new Set<string>()
  const liveIdOf = new Map<string, string>()
  for (const o of desired) {
    if (l.options?.[o.id] && !claimed.has(o.id)) {
      liveIdOf.set(o.id, o.id)
      claimed.add(o.id)
    }
  }
  for (const o of desired) {
    if (liveIdOf.has(o.id)) continue
    const byName = live.find((x) => !claimed.has(x.id) && x.name === o.name)
    if (byName) {
      liveIdOf.set(o.id, byName.id)
      claimed.add(byName.id)
    }
  }
  const kept = new Map<string, string>()
  const recreated: string[] = []
  const options = desired.map((o) => {
    const id = liveIdOf.get(o.id)
    if (id) kept.set(id, o.name)
    else recreated.push(o.name)
    return {...(id ? {id} : {}), name: o.name, description: o.description ?? '', color: o.color}
  })
  // live options the backup lacks: kept after the backup's own (same id, so their values survive) unless destructive
  const extra: string[] = []
  if (keepExtra) {
    const names = new Set(options.map((o) => o.name))
    for (const o of live.sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))) {
      if (claimed.has(o.id) || names.has(o.name)) continue
      options.push({id: o.id, name: o.name, description: o.description ?? '', color: o.color})
      kept.set(o.id, o.name)
      extra.push(o.name)
    }
  }
  return {options, kept, recreated, extra}
}

export function allIterations(f: FieldDef): Array<{id: string; title: string; startDate: string; duration: number}> {
  const it = f.iteration
  if (!it) return []
  return [...Object.values(it.completedIterations), ...Object.values(it.iterations)]
    .map((i) => ({id: i.id, title: i.title, startDate: i.startDate, duration: i.duration}))
    .sort((a, b) => a.startDate.localeCompare(b.startDate) || a.title.localeCompare(b.title))
}

/** The iteration configuration input for a field; null when it has no iteration to start from. */
export function iterationSpec(f: FieldDef, fallback: FieldDef | undefined): IterationSpec | null {
  if (!f.iteration) return null
  const iterations = allIterations(f).map(({title, startDate, duration}) => ({title, startDate, duration}))
  const startDate = iterations[0]?.startDate ?? allIterations(fallback ?? f)[0]?.startDate
  if (!startDate) return null
  return {duration: f.iteration.duration, startDate, iterations}
}

export function liveNames(f: FieldDef): Set<string> {
  if (f.dataType === 'SINGLE_SELECT') return new Set(Object.values(f.options ?? {}).map((o) => o.name))
  if (f.dataType === 'ITERATION') return new Set(allIterations(f).map((i) => i.title))
  return new Set()
}

export function plannedValue(v: FieldValue, dataType: string): PlannedValue | null {
  switch (v.type) {
    case 'text':
      return dataType === 'TEXT' ? {type: 'text', text: v.text} : null
    case 'number':
      return dataType === 'NUMBER' ? {type: 'number', number: v.number} : null
    case 'date':
      return dataType === 'DATE' ? {type: 'date', date: v.date} : null
    case 'singleSelect':
      return dataType === 'SINGLE_SELECT' ? {type: 'singleSelect', name: v.name} : null
    case 'iteration':
      return dataType === 'ITERATION' ? {type: 'iteration', title: v.title} : null
  }
}

/** Equal as the user sees it: options by name, iterations by title, and the live id must still exist (not orphaned). */
export function valueEquals(d: FieldValue, l: FieldValue, liveField: FieldDef | undefined): boolean {
  if (d.type !== l.type) return false
  switch (d.type) {
    case 'text':
      return d.text === (l as typeof d).text
    case 'number':
      return d.number === (l as typeof d).number
    case 'date':
      return d.date.slice(0, 10) === (l as typeof d).date.slice(0, 10)
    case 'singleSelect': {
      const lv = l as typeof d
      return lv.name === d.name && !!liveField?.options?.[lv.optionId]
    }
    case 'iteration': {
      const lv = l as typeof d
      const it = liveField?.iteration
      return lv.title === d.title && !!(it?.iterations[lv.iterationId] ?? it?.completedIterations[lv.iterationId])
    }
  }
}

export function showValue(v: FieldValue): string {
  switch (v.type) {
    case 'text':
      return JSON.stringify(v.text)
    case 'number':
      return String(v.number)
    case 'date':
      return v.date
    case 'singleSelect':
      return JSON.stringify(v.name)
    case 'iteration':
      return JSON.stringify(v.title)
  }
}

export function viewDifferences(d: ViewDef, l: ViewDef): string[] {
  const out: string[] = []
  if (d.layout !== l.layout) out.push(`layout ${l.layout} live, ${d.layout} in the backup`)
  if ((d.filter ?? '') !== (l.filter ?? '')) out.push(`filter "${l.filter ?? ''}" live, "${d.filter ?? ''}" in the backup`)
  if (canonical(d.visibleFields) !== canonical(l.visibleFields)) out.push('visible fields')
  if (canonical(d.sortBy) !== canonical(l.sortBy)) out.push('sorting')
  if (canonical(d.groupBy) !== canonical(l.groupBy)) out.push('grouping')
  if (canonical(d.verticalGroupBy) !== canonical(l.verticalGroupBy)) out.push('columns')
  return out
}

export function canonical(value: unknown): string {
  return JSON.stringify(value)
}
