/**
 * The project's configuration in the plan: settings (title, description, readme, visibility, closed, template),
 * views (created when missing; no API edits or deletes one), workflows (warnings only: no API), linked repositories
 * and teams, and status updates. Each function adds its operations, warnings and conflicts to the differ's sink.
 */
import type {ProjectState, ViewDef} from '../model/state.js'
import {viewDifferences} from './compare.js'
import {GITHUB_DEFAULT_VIEW} from './plan.js'
import type {Conflict, DiffOptions, Operation, ProjectChanges} from './types.js'

/** What the differ lends to each part of the plan: the two states, the options, and where operations go. */
export interface DiffSink {
  readonly desired: ProjectState
  readonly live: ProjectState
  readonly options: DiffOptions
  readonly conflicts: Conflict[]
  add<T extends Operation>(op: T): T
  warn(message: string): void
}

export function planProjectSettings(c: DiffSink): void {
  const d = c.desired.project
  const l = c.live.project
  const changes: ProjectChanges = {}
  const before: ProjectChanges = {}
  for (const key of ['title', 'shortDescription', 'readme', 'public', 'closed'] as const) {
    if ((d[key] ?? null) !== (l[key] ?? null)) {
      ;(changes as Record<string, unknown>)[key] = d[key]
      ;(before as Record<string, unknown>)[key] = l[key]
    }
  }
  if (Object.keys(changes).length) c.add({op: 'updateProject', id: 'project', deps: [], changes, before})
  if (Boolean(d.template) !== Boolean(l.template)) {
    if (d.template && l.owner.type !== 'Organization') {
      c.warn("the backup's project is a template, but only organizations' projects can be templates: not restored")
    } else {
      c.add({op: 'setTemplate', id: 'project.template', deps: [], template: Boolean(d.template)})
    }
  }
}

/**
 * Views: matched by number and name, then by name; a missing one is created (without the fields that will not exist:
 * `plannedField(name)` gives the deps of a field the plan makes usable, undefined when it does not).
 */
export function planViews(c: DiffSink, plannedField: (name: string) => string[] | undefined): void {
  const desired = Object.values(c.desired.views ?? {}).sort((a, b) => a.number - b.number)
  const live = Object.values(c.live.views ?? {})
  const claimed = new Set<string>()
  const shadow = c.options.shadowUrl
  for (const d of desired) {
    const l =
      live.find((v) => !claimed.has(v.id) && v.number === d.number && v.name === d.name) ??
      live.find((v) => !claimed.has(v.id) && v.name === d.name)
    if (l) {
      claimed.add(l.id)
      const differs = viewDifferences(d, l)
      if (!differs.length) continue
      // a view recreated by an earlier --recreate-views run stands beside it: matched by its name, created once
      const name = restoredViewName(d.name)
      const again = live.find((v) => !claimed.has(v.id) && v.name === name)
      if (again) claimed.add(again.id)
      const original = shadow ? `; the view as it was, hidden configuration included, is in the shadow project: open ${shadow} to copy it by hand` : ''
      if (c.options.recreateViews && !again) {
        createView(c, {...d, name}, plannedField)
        c.warn(
          `view '${d.name}' differs from the backup (${differs.join(', ')}): view '${name}' is created with the backup's settings; ` +
            `no API edits or deletes a view: delete or keep '${d.name}' by hand${original}`,
        )
      } else if (!again) {
        c.warn(
          `view '${d.name}' differs from the backup (${differs.join(', ')}); no API edits a view: change it by hand, ` +
            `or restore again with --recreate-views to add a view '${name}' with the backup's settings${original}`,
        )
      } else if (viewDifferences(d, again).length) {
        c.warn(`view '${d.name}' differs from the backup (${differs.join(', ')}), and so does '${name}', made by an earlier restore: change it by hand${original}`)
      }
      continue
    }
    createView(c, d, plannedField)
  }
  for (const l of live) {
    if (claimed.has(l.id)) continue
    if (c.options.createdByRestore && l.name === GITHUB_DEFAULT_VIEW) {
      // GitHub made it with the project; it is not the user's, but no API deletes it: one manual step
      c.conflicts.push({kind: 'view', name: l.name, detail: 'GitHub made it with the new project and no API deletes a view: delete it by hand in the project'})
    } else {
      c.conflicts.push({kind: 'view', name: l.name, detail: 'exists live but not in the backup; left alone (no API deletes a view)'})
    }
  }
}

/** The name of the view `--recreate-views` adds beside a view that differs from the backup. */
export function restoredViewName(name: string): string {
  return `${name} (restored)`
}

/** A createView operation with the backup's settings (without the fields that will not exist: warned). */
function createView(c: DiffSink, d: Omit<ViewDef, 'id'>, plannedField: (name: string) => string[] | undefined): void {
  const deps: string[] = []
  const known = (name: string): boolean => {
    const fieldDeps = plannedField(name)
    if (fieldDeps) {
      deps.push(...fieldDeps)
      return true
    }
    return Object.values(c.live.fields).some((f) => f.name === name)
  }
  const dropped = new Set<string>()
  const keep = (name: string) => {
    if (known(name)) return true
    dropped.add(name)
    return false
  }
  const view: Omit<ViewDef, 'id'> = {
    number: d.number,
    name: d.name,
    layout: d.layout,
    filter: d.filter,
    visibleFields: d.visibleFields.filter(keep),
    sortBy: d.sortBy.filter((s) => keep(s.field)),
    groupBy: d.groupBy.filter(keep),
    verticalGroupBy: d.verticalGroupBy.filter(keep),
  }
  if (dropped.size) {
    c.warn(`view '${d.name}' is recreated without field(s) ${[...dropped].map((n) => `'${n}'`).join(', ')}, which will not exist in the project`)
  }
  if (view.layout === 'ROADMAP_LAYOUT' && view.visibleFields.length) {
    // GitHub's REST API: `visible_fields` is not applicable to roadmap layout views
    c.warn(`view '${d.name}' is a roadmap: its visible fields (${view.visibleFields.join(', ')}) cannot be set through the API; set them by hand`)
  }
  c.add({op: 'createView', id: `view.create:${d.name}`, deps, view})
}

export function planWorkflows(c: DiffSink): void {
  const live = Object.values(c.live.workflows ?? {})
  for (const d of Object.values(c.desired.workflows ?? {}).sort((a, b) => a.number - b.number)) {
    const l = live.find((w) => w.number === d.number && w.name === d.name) ?? live.find((w) => w.name === d.name)
    if (!l) {
      c.warn(`workflow '${d.name}' does not exist in the project: create it by hand in the project's Workflows settings${d.enabled ? ' and enable it' : ''}`)
    } else if (l.enabled !== d.enabled) {
      c.warn(`${d.enabled ? 'enable' : 'disable'} workflow '${d.name}' by hand in the project's Workflows settings`)
    }
  }
}

export function planLinks(c: DiffSink): void {
  if (c.desired.repositories) {
    const live = new Set((c.live.repositories ?? []).map((r) => r.toLowerCase()))
    const want = new Set(c.desired.repositories.map((r) => r.toLowerCase()))
    const owner = c.live.project.owner.login.toLowerCase()
    for (const r of c.desired.repositories) {
      if (live.has(r.toLowerCase())) continue
      // GitHub links a project only to repositories of its own owner: a migrated project cannot keep such a link
      if (r.split('/')[0].toLowerCase() !== owner) {
        c.warn(`repository ${r} cannot be linked: GitHub links only repositories owned by ${c.live.project.owner.login} (map it with --map-repo)`)
      } else c.add({op: 'linkRepository', id: `link.repository:${r}`, deps: [], repository: r})
    }
    for (const r of c.live.repositories ?? []) {
      if (!want.has(r.toLowerCase())) c.conflicts.push({kind: 'repository', name: r, detail: 'linked live but not in the backup; left linked'})
    }
  }
  if (c.desired.teams) {
    const live = new Set((c.live.teams ?? []).map((t) => t.toLowerCase()))
    const want = new Set(c.desired.teams.map((t) => t.toLowerCase()))
    const org = c.live.project.owner.login.toLowerCase()
    for (const t of c.desired.teams) {
      if (live.has(t.toLowerCase())) continue
      if (t.split('/')[0].toLowerCase() !== org) {
        c.warn(`team ${t} cannot be linked: GitHub links only teams of the organization that owns the project (${c.live.project.owner.login})`)
      } else c.add({op: 'linkTeam', id: `link.team:${t}`, deps: [], team: t})
    }
    for (const t of c.live.teams ?? []) {
      if (!want.has(t.toLowerCase())) c.conflicts.push({kind: 'team', name: t, detail: 'linked live but not in the backup; left linked'})
    }
  }
}

export function planStatusUpdates(c: DiffSink): void {
  if (!c.desired.statusUpdates) return
  const live = Object.values(c.live.statusUpdates ?? {})
  const same = (a: {body: unknown; status: unknown; startDate: unknown; targetDate: unknown}, b: typeof a) =>
    a.body === b.body && a.status === b.status && a.startDate === b.startDate && a.targetDate === b.targetDate
  const claimed = new Set<string>()
  const desired = Object.values(c.desired.statusUpdates).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
  for (const d of desired) {
    const l = live.find((s) => !claimed.has(s.id) && s.id === d.id) ?? live.find((s) => !claimed.has(s.id) && same(s, d))
    if (l) {
      claimed.add(l.id)
      continue
    }
    c.add({
      op: 'createStatusUpdate',
      id: `status.create:${d.id}`,
      deps: [],
      body: d.body,
      status: d.status,
      startDate: d.startDate,
      targetDate: d.targetDate,
    })
  }
}
