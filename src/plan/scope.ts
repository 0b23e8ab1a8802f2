/**
 * What a restore touches (`--partial`, `--fields`, `--issues`, `--exclude-issues`): the sections in scope, the item
 * filter, and the selectors that select nothing (told to the user before anything runs).
 */
import type {ItemState, ProjectState} from '../model/state.js'
import {UserError} from '../util/errors.js'
import {mapDesired, mapRepoName, URL_RE} from './remap.js'
import type {DiffOptions, Section} from './types.js'

const ALL_SECTIONS: Section[] = ['config', 'fields', 'issues']

export function effectiveSections(options: DiffOptions): Section[] {
  if (options.sections?.length) {
    for (const s of options.sections) {
      if (!ALL_SECTIONS.includes(s)) throw new UserError(`--partial "${s}" is not a section: use config, fields or issues`)
    }
    return options.sections
  }
  const narrowed: Section[] = []
  if (options.fields?.length) narrowed.push('fields')
  if (options.issues?.length) narrowed.push('issues')
  return narrowed.length ? narrowed : ALL_SECTIONS
}

interface IssueSelector {
  repository?: string
  number: number
}

function parseSelector(value: number | string, flag: string): IssueSelector {
  const text = String(value).trim().replace(/^#/, '')
  if (/^\d+$/.test(text)) return {number: Number(text)}
  const m = /^([^/\s#]+\/[^/\s#]+)#(\d+)$/.exec(text) ?? URL_RE.exec(text)
  if (m && m.length === 3) return {repository: m[1].toLowerCase(), number: Number(m[2])}
  if (m) return {repository: m[2].toLowerCase(), number: Number(m[4])}
  throw new UserError(`${flag} "${value}" is not an issue: use a number (39), owner/repo#39 or the issue URL`)
}

export function itemFilter(options: DiffOptions): (item: ItemState) => boolean {
  const mapSel = (s: IssueSelector): IssueSelector =>
    s.repository ? {...s, repository: (mapRepoName(s.repository, options.repoMap) ?? s.repository).toLowerCase()} : s
  const only = options.issues?.length ? options.issues.map((v) => mapSel(parseSelector(v, '--issues'))) : null
  const except = (options.excludeIssues ?? []).map((v) => mapSel(parseSelector(v, '--exclude-issues')))
  const hit = (sels: IssueSelector[], item: ItemState) =>
    !!item.content &&
    sels.some((s) => s.number === item.content?.number && (!s.repository || s.repository === item.content.repository.toLowerCase()))
  return (item) => (!only || hit(only, item)) && !hit(except, item)
}

/**
 * The `--fields` and `--issues` selectors that select nothing: no field of the backup (or, with `destructive`, of the
 * live project) has the name; no item of the backup (or, with `destructive`, of the live project) is the issue.
 */
export function unmatchedSelections(
  desiredState: ProjectState,
  live: ProjectState,
  options: DiffOptions,
): {fields: string[]; issues: Array<number | string>} {
  const desired = mapDesired(desiredState, options)
  const fieldNames = new Set(Object.values(desired.fields).map((f) => f.name.toLowerCase()))
  if (options.destructive) for (const f of Object.values(live.fields)) fieldNames.add(f.name.toLowerCase())
  const fields = (options.fields ?? []).filter((f) => !fieldNames.has(f.trim().toLowerCase()))
  const items = [...Object.values(desired.items ?? {}), ...(options.destructive ? Object.values(live.items ?? {}) : [])]
  const issues = (options.issues ?? []).filter((sel) => {
    const only = itemFilter({issues: [sel], repoMap: options.repoMap})
    return !items.some((it) => only(it))
  })
  return {fields, issues}
}
