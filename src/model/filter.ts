/**
 * GitHub's project filter syntax ("Filtering projects" in GitHub's docs), as `ProjectV2.items(query:)` takes it:
 * - terms separated by spaces are ANDed: `label:bug status:"In progress"`;
 * - comma-separated values of one qualifier are ORed: `label:bug,support` (no OR across qualifiers);
 * - `-qualifier:value` excludes, `no:field` keeps items without a value, `has:field` items with one;
 * - `is:issue|pr|draft`, `is:open|closed|merged`, `reason:completed|"not planned"`;
 * - `label:`, `assignee:` (`@me`), `repo:owner/name`, `milestone:`, `type:` (issue type), `title:`, `reviewers:`;
 * - any field by name: single select by option name, text, number, date, iteration (by title), all case-insensitive;
 * - numbers, dates and iterations compare: `>`, `>=`, `<`, `<=` and ranges `a..b` (`*` for an open end);
 * - dates: `@today`, `@today-7d` / `+2w` / `-1m` / `+1y`; iterations: `@current`, `@previous`, `@next`, `@current+2`;
 * - `created:`, `updated:`, `closed:` compare the item's (content's) dates; `last-updated:7days` is `updated:>=@today-7d`;
 * - `*` in a value is a wildcard; any other word matches item titles (case-insensitive substring).
 * A qualifier that names neither a known filter nor a field of the project matches no item: the web UI flags such a
 * filter as invalid and shows nothing for it, and the sandbox does the same rather than silently ignore it.
 * Pure: parse once, then test items described by `FilterItem`.
 */
import type {ProjectV2ItemType} from './github-enums.js'

export type Comparator = '=' | '>' | '>=' | '<' | '<='

export interface FilterValue {
  comparator: Comparator
  /** the value, unquoted; for a range its lower end */
  text: string
  /** upper end of a range `a..b` */
  upTo?: string
}

export type FilterTerm =
  | {kind: 'qualifier'; negated: boolean; key: string; values: FilterValue[]}
  | {kind: 'text'; negated: boolean; text: string}

/** Splits a query into terms, honouring double quotes (`status:"In progress"`, `"two words"`). */
export function parseFilter(query: string): FilterTerm[] {
  const terms: FilterTerm[] = []
  for (const raw of tokens(query)) {
    let token = raw
    let negated = false
    if (token.startsWith('-') && token.length > 1) {
      negated = true
      token = token.slice(1)
    }
    const colon = findColon(token)
    if (colon > 0) {
      const key = unquote(token.slice(0, colon)).toLowerCase()
      const rest = token.slice(colon + 1)
      terms.push({kind: 'qualifier', negated, key, values: splitValues(rest).map(parseValue)})
    } else {
      const text = unquote(token)
      if (text) terms.push({kind: 'text', negated, text})
    }
  }
  return terms
}

function tokens(query: string): string[] {
  const out: string[] = []
  let current = ''
  let quoted = false
  for (const ch of query) {
    if (ch === '"') quoted = !quoted
    if (!quoted && /\s/.test(ch)) {
      if (current) out.push(current)
      current = ''
      continue
    }
    current += ch
  }
  if (current) out.push(current)
  return out
}

/** The first colon outside quotes. */
function findColon(token: string): number {
  let quoted = false
  for (let i = 0; i < token.length; i++) {
    if (token[i] === '"') quoted = !quoted
    else if (token[i] === ':' && !quoted) return i
  }
  return -1
}

function splitValues(text: string): string[] {
  const out: string[] = []
  let current = ''
  let quoted = false
  for (const ch of text) {
    if (ch === '"') quoted = !quoted
    if (ch === ',' && !quoted) {
      out.push(current)
      current = ''
      continue
    }
    current += ch
  }
  out.push(current)
  return out.filter((v) => v.length > 0)
}

function unquote(text: string): string {
  return text.replace(/"/g, '')
}

function parseValue(raw: string): FilterValue {
  const m = /^(>=|<=|>|<)(.*)$/.exec(raw)
  if (m) return {comparator: m[1] as Comparator, text: unquote(m[2])}
  const range = splitRange(raw)
  if (range) return {comparator: '=', text: unquote(range[0]), upTo: unquote(range[1])}
  return {comparator: '=', text: unquote(raw)}
}

/** `a..b` outside quotes, or undefined. */
function splitRange(raw: string): [string, string] | undefined {
  let quoted = false
  for (let i = 0; i < raw.length - 1; i++) {
    if (raw[i] === '"') quoted = !quoted
    else if (!quoted && raw[i] === '.' && raw[i + 1] === '.') return [raw.slice(0, i), raw.slice(i + 2)]
  }
  return undefined
}

/** The qualifiers the filter knows besides the project's field names (`no:`/`has:` take these or a field name). */
export const BUILT_IN_QUALIFIERS: readonly string[] = [
  'is', 'reason', 'no', 'has', 'label', 'labels', 'assignee', 'assignees', 'reviewers', 'reviewer', 'repo', 'repository',
  'milestone', 'type', 'title', 'created', 'updated', 'closed', 'last-updated',
]

/** A term written back in the filter syntax (for messages): `-status:"In progress",Done`, `"two words"`. */
export function formatTerm(term: FilterTerm): string {
  const quote = (t: string) => (/[\s,:]/.test(t) ? `"${t}"` : t)
  const sign = term.negated ? '-' : ''
  if (term.kind === 'text') return `${sign}${quote(term.text)}`
  const values = term.values.map((v) =>
    v.upTo !== undefined ? `${quote(v.text)}..${quote(v.upTo)}` : `${v.comparator === '=' ? '' : v.comparator}${quote(v.text)}`,
  )
  return `${sign}${quote(term.key)}:${values.join(',')}`
}

// ---------------------------------------------------------------- evaluation

/** A field's value on an item as the filter sees it. */
export type FilterFieldValue =
  | {type: 'text'; text: string}
  | {type: 'number'; number: number}
  | {type: 'date'; date: string}
  | {type: 'option'; name: string}
  | {type: 'iteration'; title: string}
  | {type: 'list'; names: string[]}

export interface FilterField {
  name: string
  dataType: string
  /** iteration fields: every iteration, by start date */
  iterations?: Array<{title: string; startDate: string; duration: number}>
}

/** One item, as the filter sees it. */
export interface FilterItem {
  type: ProjectV2ItemType
  /** OPEN, CLOSED, MERGED; null for drafts */
  state: string | null
  stateReason: string | null
  title: string
  labels: string[]
  assignees: string[]
  reviewers: string[]
  /** `owner/name` */
  repository: string | null
  milestone: string | null
  issueType: string | null
  /** ISO timestamps */
  createdAt: string
  updatedAt: string
  closedAt: string | null
  /** the value of a field (by the field's record), undefined when the item has none */
  value(field: FilterField): FilterFieldValue | undefined
}

export interface FilterContext {
  /** YYYY-MM-DD */
  today: string
  viewerLogin: string | null
  /** the project's fields */
  fields: FilterField[]
}

/** A predicate for the items a query keeps; the empty query keeps everything. */
export function compileFilter(query: string, ctx: FilterContext): (item: FilterItem) => boolean {
  return compileFilterTerms(parseFilter(query), ctx)
}

/** A predicate for the items every one of the parsed terms keeps (no terms: everything). */
export function compileFilterTerms(terms: FilterTerm[], ctx: FilterContext): (item: FilterItem) => boolean {
  if (!terms.length) return () => true
  const fields = new Map<string, FilterField>()
  for (const f of ctx.fields) if (!fields.has(f.name.toLowerCase())) fields.set(f.name.toLowerCase(), f)
  const tests = terms.map((t) => compileTerm(t, ctx, fields))
  return (item) => tests.every((test) => test(item))
}

type Test = (item: FilterItem) => boolean

const NEVER: Test = () => false

function compileTerm(term: FilterTerm, ctx: FilterContext, fields: Map<string, FilterField>): Test {
  if (term.kind === 'text') {
    const needle = term.text.toLowerCase()
    const test: Test = (item) => wildcard(needle, true).test(item.title.toLowerCase())
    return term.negated ? (item) => !test(item) : test
  }
  const positive = compileQualifier(term, ctx, fields)
  if (!positive) return NEVER
  return term.negated ? (item) => !positive(item) : positive
}

/** Anything-goes test of one qualifier (before negation); undefined when the qualifier is unknown. */
function compileQualifier(term: Extract<FilterTerm, {kind: 'qualifier'}>, ctx: FilterContext, fields: Map<string, FilterField>): Test | undefined {
  const values = term.values
  const any = (pred: (v: FilterValue) => boolean) => values.some(pred)
  switch (term.key) {
    case 'is':
      return (item) => any((v) => isTest(v.text.toLowerCase(), item))
    case 'reason':
      return (item) => any((v) => (item.stateReason ?? '').toLowerCase().replace(/_/g, ' ') === v.text.toLowerCase().replace(/_/g, ' '))
    case 'no':
    case 'has': {
      const tests = values.map((v) => presence(v.text.toLowerCase(), fields))
      if (tests.some((t) => !t)) return undefined
      return term.key === 'has' ? (item) => tests.some((t) => t!(item)) : (item) => tests.some((t) => !t!(item))
    }
    case 'label':
    case 'labels':
      return (item) => any((v) => item.labels.some((l) => eq(v.text, l)))
    case 'assignee':
    case 'assignees':
      return (item) => any((v) => item.assignees.some((a) => eq(v.text === '@me' ? (ctx.viewerLogin ?? '') : v.text, a)))
    case 'reviewers':
    case 'reviewer':
      return (item) => any((v) => item.reviewers.some((a) => eq(v.text === '@me' ? (ctx.viewerLogin ?? '') : v.text, a)))
    case 'repo':
    case 'repository':
      return (item) => any((v) => item.repository !== null && (eq(v.text, item.repository) || eq(v.text, item.repository.split('/')[1])))
    case 'milestone':
      return (item) => any((v) => item.milestone !== null && eq(v.text, item.milestone))
    case 'type':
      return (item) => any((v) => item.issueType !== null && eq(v.text, item.issueType))
    case 'title':
      return (item) => any((v) => wildcard(v.text.toLowerCase(), true).test(item.title.toLowerCase()))
    case 'created':
      return (item) => any((v) => compareDate(v, item.createdAt.slice(0, 10), ctx.today))
    case 'updated':
      return (item) => any((v) => compareDate(v, item.updatedAt.slice(0, 10), ctx.today))
    case 'closed':
      return (item) => any((v) => item.closedAt !== null && compareDate(v, item.closedAt.slice(0, 10), ctx.today))
    case 'last-updated': {
      const days = values.map((v) => /^(\d+)\s*days?$/i.exec(v.text)?.[1]).map((d) => (d === undefined ? undefined : Number(d)))
      if (days.some((d) => d === undefined)) return undefined
      return (item) => days.some((d) => item.updatedAt.slice(0, 10) >= addDays(ctx.today, -d!))
    }
    default: {
      const field = fields.get(term.key)
      if (!field) return undefined
      return fieldTest(field, values, ctx)
    }
  }
}

function isTest(what: string, item: FilterItem): boolean {
  switch (what) {
    case 'issue':
      return item.type === 'ISSUE'
    case 'pr':
    case 'pull-request':
      return item.type === 'PULL_REQUEST'
    case 'draft':
      return item.type === 'DRAFT_ISSUE'
    case 'open':
      return item.state === 'OPEN'
    case 'closed':
      return item.state === 'CLOSED' || item.state === 'MERGED'
    case 'merged':
      return item.state === 'MERGED'
    default:
      return false
  }
}

/** `no:` / `has:` target: a built-in list (labels, assignees, ...) or a field; undefined when unknown. */
function presence(name: string, fields: Map<string, FilterField>): Test | undefined {
  switch (name) {
    case 'label':
    case 'labels':
      return (item) => item.labels.length > 0
    case 'assignee':
    case 'assignees':
      return (item) => item.assignees.length > 0
    case 'reviewers':
    case 'reviewer':
      return (item) => item.reviewers.length > 0
    case 'milestone':
      return (item) => item.milestone !== null
    case 'repo':
    case 'repository':
      return (item) => item.repository !== null
    case 'type':
      return (item) => item.issueType !== null
    default: {
      const field = fields.get(name)
      if (!field) return undefined
      return (item) => {
        const v = item.value(field)
        return v !== undefined && !(v.type === 'list' && v.names.length === 0)
      }
    }
  }
}

function fieldTest(field: FilterField, values: FilterValue[], ctx: FilterContext): Test {
  return (item) => {
    const v = item.value(field)
    if (v === undefined) return false
    return values.some((fv) => {
      switch (v.type) {
        case 'text':
          return fv.comparator === '=' && fv.upTo === undefined && wildcard(fv.text.toLowerCase(), false).test(v.text.toLowerCase())
        case 'option':
          return fv.comparator === '=' && fv.upTo === undefined && wildcard(fv.text.toLowerCase(), false).test(v.name.toLowerCase())
        case 'list':
          return v.names.some((n) => eq(fv.text, n))
        case 'number':
          return compareNumber(fv, v.number)
        case 'date':
          return compareDate(fv, v.date.slice(0, 10), ctx.today)
        case 'iteration':
          return compareIteration(fv, v.title, field, ctx.today)
      }
    })
  }
}

function eq(pattern: string, value: string): boolean {
  return wildcard(pattern.toLowerCase(), false).test(value.toLowerCase())
}

/** A pattern where `*` matches anything; `contains` matches anywhere in the text. */
function wildcard(pattern: string, contains: boolean): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(contains ? body : `^${body}$`, 's')
}

function compare<T>(fv: FilterValue, value: T, parse: (text: string) => T | undefined, less: (a: T, b: T) => boolean): boolean {
  const eqT = (a: T, b: T) => !less(a, b) && !less(b, a)
  if (fv.upTo !== undefined) {
    const lo = fv.text === '*' || fv.text === '' ? undefined : parse(fv.text)
    const hi = fv.upTo === '*' || fv.upTo === '' ? undefined : parse(fv.upTo)
    if ((fv.text && fv.text !== '*' && lo === undefined) || (fv.upTo && fv.upTo !== '*' && hi === undefined)) return false
    return (lo === undefined || !less(value, lo)) && (hi === undefined || !less(hi, value))
  }
  const target = parse(fv.text)
  if (target === undefined) return false
  switch (fv.comparator) {
    case '=':
      return eqT(value, target)
    case '>':
      return less(target, value)
    case '>=':
      return !less(value, target)
    case '<':
      return less(value, target)
    case '<=':
      return !less(target, value)
  }
}

function compareNumber(fv: FilterValue, value: number): boolean {
  const parse = (t: string) => (t.trim() !== '' && Number.isFinite(Number(t)) ? Number(t) : undefined)
  return compare(fv, value, parse, (a, b) => a < b)
}

function compareDate(fv: FilterValue, value: string, today: string): boolean {
  return compare(fv, value, (t) => resolveDate(t, today), (a, b) => a < b)
}

/** `YYYY-MM-DD`, `@today`, `@today-7d`, `@today+2w`, `@today-1m`, `@today+1y`. */
export function resolveDate(text: string, today: string): string | undefined {
  const t = text.trim().toLowerCase()
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return Number.isNaN(Date.parse(`${t}T00:00:00Z`)) ? undefined : t
  const m = /^@today(?:([+-])(\d+)([dwmy]))?$/.exec(t)
  if (!m) return undefined
  if (!m[1]) return today
  const n = Number(m[2]) * (m[1] === '-' ? -1 : 1)
  const d = new Date(`${today}T00:00:00Z`)
  if (m[3] === 'd') d.setUTCDate(d.getUTCDate() + n)
  if (m[3] === 'w') d.setUTCDate(d.getUTCDate() + 7 * n)
  if (m[3] === 'm') d.setUTCMonth(d.getUTCMonth() + n)
  if (m[3] === 'y') d.setUTCFullYear(d.getUTCFullYear() + n)
  return d.toISOString().slice(0, 10)
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** Iterations compare by their place in time; `@current`, `@previous`, `@next`, `@current±n` name them relatively. */
function compareIteration(fv: FilterValue, title: string, field: FilterField, today: string): boolean {
  const list = [...(field.iterations ?? [])].sort((a, b) => a.startDate.localeCompare(b.startDate))
  const index = list.findIndex((i) => i.title === title)
  if (index < 0) return false
  const current = list.findIndex((i) => i.startDate <= today && today < addDays(i.startDate, i.duration))
  const resolve = (text: string): number | undefined => {
    const m = /^@(current|previous|next)(?:([+-])(\d+))?$/i.exec(text.trim())
    if (m) {
      let at: number
      if (current >= 0) at = current
      else {
        // between or outside iterations: @current is none, @next the first to come, @previous the last one ended
        const next = list.findIndex((i) => i.startDate > today)
        if (m[1].toLowerCase() === 'current') return undefined
        at = m[1].toLowerCase() === 'next' ? (next < 0 ? list.length : next) - 1 : next < 0 ? list.length : next
      }
      const base = m[1].toLowerCase() === 'previous' ? at - 1 : m[1].toLowerCase() === 'next' ? at + 1 : at
      const offset = m[2] ? Number(m[3]) * (m[2] === '-' ? -1 : 1) : 0
      const target = base + offset
      return target >= 0 && target < list.length ? target : undefined
    }
    const byTitle = list.findIndex((i) => i.title.toLowerCase() === text.trim().toLowerCase())
    return byTitle < 0 ? undefined : byTitle
  }
  if (fv.comparator === '=' && fv.upTo === undefined && !fv.text.startsWith('@')) return wildcard(fv.text.toLowerCase(), false).test(title.toLowerCase())
  return compare(fv, index, resolve, (a, b) => a < b)
}
