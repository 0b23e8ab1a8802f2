import {sortKeys} from '../util/canonical.js'
import type {FieldValue, ItemState, ProjectState} from './state.js'

/**
 * A state with every GitHub-assigned id replaced by what a person sees: fields and values by field name, options by
 * name, iterations by title, views and workflows by name, drafts by title. Two projects that look the same to a user
 * normalise to the same value, even when GitHub re-id'd options, a field was recreated or a draft was re-added. This is
 * how a restore proves that the project equals the backup again, and how a migration is checked against its source.
 */
export function normalizeState(state: ProjectState): unknown {
  const fieldName = (id: string) => state.fields[id]?.name ?? id
  const draftKeys = new Map<string, string>()
  const seen = new Map<string, number>()
  for (const key of state.itemOrder ?? Object.keys(state.items ?? {})) {
    const item = state.items?.[key]
    if (!item?.draft) continue
    const n = seen.get(item.draft.title) ?? 0
    seen.set(item.draft.title, n + 1)
    draftKeys.set(key, `draft:${item.draft.title}${n ? `#${n + 1}` : ''}`)
  }
  const keyOf = (key: string) => draftKeys.get(key) ?? key
  const {id: _id, number: _number, url: _url, ...project} = state.project
  const out: Record<string, unknown> = {
    type: state.type,
    project: {...project, owner: {login: project.owner.login, type: project.owner.type}},
    fields: Object.fromEntries(
      Object.values(state.fields).map((f) => [
        f.name,
        {
          dataType: f.dataType,
          options: f.options && Object.fromEntries(Object.values(f.options).map((o) => [o.name, {description: o.description, color: o.color, position: o.position}])),
          iteration: f.iteration && {
            duration: f.iteration.duration,
            startDay: f.iteration.startDay,
            iterations: Object.fromEntries(Object.values(f.iteration.iterations).map((i) => [i.title, {startDate: i.startDate, duration: i.duration}])),
            completedIterations: Object.fromEntries(
              Object.values(f.iteration.completedIterations).map((i) => [i.title, {startDate: i.startDate, duration: i.duration}]),
            ),
          },
        },
      ]),
    ),
  }
  if (state.views) out.views = Object.fromEntries(Object.values(state.views).map(({id: _v, number: _n, ...v}) => [v.name, v]))
  if (state.workflows) out.workflows = Object.fromEntries(Object.values(state.workflows).map((w) => [w.name, w.enabled]))
  if (state.repositories) out.repositories = state.repositories
  if (state.teams) out.teams = state.teams
  if (state.statusUpdates) {
    out.statusUpdates = Object.values(state.statusUpdates)
      .map(({id: _s, createdAt: _c, ...u}) => u)
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
  }
  if (state.items) {
    out.items = Object.fromEntries(Object.entries(state.items).map(([key, item]) => [keyOf(key), normalizeItem(item, fieldName)]))
  }
  if (state.itemOrder) out.itemOrder = state.itemOrder.map(keyOf)
  if (state.milestones) out.milestones = state.milestones
  return sortKeys(out)
}

function normalizeItem(item: ItemState, fieldName: (id: string) => string): unknown {
  const {id: _id, values, draft, ...rest} = item
  return {
    ...rest,
    ...(draft ? {draft: {title: draft.title, body: draft.body, assignees: draft.assignees}} : {}),
    values: Object.fromEntries(Object.entries(values).map(([fieldId, v]) => [fieldName(fieldId), shownValue(v)])),
  }
}

function shownValue(v: FieldValue): unknown {
  switch (v.type) {
    case 'singleSelect':
      return {option: v.name}
    case 'iteration':
      return {iteration: v.title, startDate: v.startDate}
    default:
      return v
  }
}
