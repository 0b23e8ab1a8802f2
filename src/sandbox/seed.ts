/**
 * The sandbox seed: one JSON document that describes a whole world (docs/sandbox-seed.md), and the loader that
 * builds it straight in the store (no API calls, no O(n²) steps: a 50,000-item project loads in seconds).
 *
 * References inside a seed are by name, the way a person writes them: owners by login, repositories as
 * `owner/name`, issues and pull requests as `owner/name#number` (or `#number` inside their own repository), fields
 * by name, single-select values by option name, iteration values by iteration title.
 */
import {SandboxError} from './errors.js'
import {UserError} from '../util/errors.js'
import type {Model, OptionInput, ValueInput} from './world/model.js'
import {Planning, type IssueFieldValueInput} from './world/planning.js'
import {BUILTIN_DATE_FIELD_TYPES} from './world/store.js'
import type {
  FieldDataType,
  IssueRec,
  OptionColor,
  OrgRole,
  ProjectRec,
  ProjectRole,
  ProjectStatus,
  RepoRec,
  StateReason,
  ViewLayout,
  Visibility,
} from './world/store.js'

export interface SeedUser {
  login: string
  name?: string
}

export interface SeedTeam {
  slug: string
  name?: string
  description?: string
  /** user logins */
  members?: string[]
}

export interface SeedOrg {
  login: string
  name?: string
  /** user login -> role */
  members?: Record<string, OrgRole>
  teams?: SeedTeam[]
  /** the organization's issue types, in creation order (user accounts have none) */
  issueTypes?: Array<{name: string; description?: string; color?: OptionColor; isEnabled?: boolean}>
  /** the organization's issue fields (public preview) */
  issueFields?: Array<{
    name: string
    type: 'TEXT' | 'NUMBER' | 'DATE' | 'SINGLE_SELECT'
    description?: string
    visibility?: 'ALL' | 'ORG_ONLY'
    options?: Array<{name: string; color?: OptionColor; description?: string}>
  }>
}

export interface SeedIssue {
  /**
   * defaults to the next number; issues and pull requests share one sequence per repository. Entries with a number
   * are created in number order, issues and pull requests together (see `numberingOrder`).
   */
  number?: number
  title: string
  body?: string
  state?: 'OPEN' | 'CLOSED'
  stateReason?: StateReason
  author?: string
  labels?: string[]
  assignees?: string[]
  /** milestone title */
  milestone?: string
  /** `#n` or `owner/repo#n`, in order */
  subIssues?: string[]
  /** `#n` or `owner/repo#n` */
  blockedBy?: string[]
  /** issue type name (an issue type of the repository's organization) */
  type?: string
  /** issue field name -> value: text, number, date (YYYY-MM-DD) or option name */
  fields?: Record<string, SeedValue>
}

export interface SeedPullRequest extends Omit<SeedIssue, 'state' | 'stateReason' | 'subIssues' | 'type' | 'fields'> {
  state?: 'OPEN' | 'CLOSED' | 'MERGED'
  isDraft?: boolean
  /** user logins whose review is requested */
  reviewers?: string[]
}

export interface SeedRepository {
  owner: string
  name: string
  visibility?: Visibility
  description?: string
  hasIssuesEnabled?: boolean
  /** create GitHub's nine default labels first (default false) */
  defaultLabels?: boolean
  /** user logins with access besides the owner and organisation members */
  collaborators?: string[]
  labels?: Array<{name: string; color?: string; description?: string}>
  milestones?: Array<{title: string; description?: string; state?: 'OPEN' | 'CLOSED'; dueOn?: string}>
  issues?: SeedIssue[]
  pullRequests?: SeedPullRequest[]
}

export interface SeedField {
  name: string
  /** a custom type, or a built-in read-only date field: CREATED, UPDATED, CLOSED (new projects do not have them) */
  type: FieldDataType
  /**
   * `id`: the option's id (unique within the field); without it an option keeps the id of the field's option of the
   * same name (the default Status options keep GitHub's fixed ids) or gets a new one
   */
  options?: Array<{id?: string; name: string; color?: OptionColor; description?: string}>
  iteration?: {startDate: string; duration: number; iterations?: Array<{title: string; startDate: string; duration?: number}>}
}

export interface SeedView {
  name: string
  layout?: ViewLayout
  filter?: string
  /** field names */
  visibleFields?: string[]
  sortBy?: Array<{field: string; direction?: 'ASC' | 'DESC'}>
  groupBy?: string[]
  verticalGroupBy?: string[]
}

export type SeedValue = string | number

export interface SeedItem {
  /** an issue or pull request: `owner/repo#number` */
  issue?: string
  /** a draft issue (exists only in this project) */
  draft?: {title: string; body?: string; assignees?: string[]}
  archived?: boolean
  /** shown as REDACTED to every viewer */
  redacted?: boolean
  /** field name -> value: text, number, date (YYYY-MM-DD), option name, iteration title */
  values?: Record<string, SeedValue>
}

export interface SeedProject {
  owner: string
  title: string
  shortDescription?: string
  readme?: string
  public?: boolean
  closed?: boolean
  template?: boolean
  creator?: string
  /**
   * custom fields; a SINGLE_SELECT named like an existing field (Status) replaces that field's options; type
   * ISSUE_TYPE adds the built-in field that shows each issue's type
   */
  fields?: SeedField[]
  /** names of the owning organization's issue fields to show as project fields (their values live on the issues) */
  issueFields?: string[]
  /** when given, these replace the default view "View 1" */
  views?: SeedView[]
  /** built-in workflows by name: sets `enabled`; other names are added */
  workflows?: Array<{name: string; enabled: boolean}>
  statusUpdates?: Array<{body?: string; status?: ProjectStatus; startDate?: string; targetDate?: string; creator?: string}>
  /** `owner/name` */
  repositories?: string[]
  /** `org/team-slug` */
  teams?: string[]
  collaborators?: Array<{user?: string; team?: string; role: ProjectRole}>
  /** in position order */
  items?: SeedItem[]
}

export interface Seed {
  version?: 1
  users?: SeedUser[]
  orgs?: SeedOrg[]
  repositories?: SeedRepository[]
  projects?: SeedProject[]
}

/** What a loaded seed produced, for callers that want ids (tests, demos). */
export interface SeedResult {
  /** `owner/number` -> project node id, in seed order */
  projects: Record<string, string>
}

class SeedProblem extends Error {}

function fail(message: string): never {
  throw new SeedProblem(message)
}

function list<T>(value: T[] | undefined, where: string): T[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) fail(`${where} must be a list`)
  return value
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || !value.trim()) fail(`${where} must be a non-empty string`)
  return value
}

/**
 * Builds everything the seed describes in `world` (a World, src/sandbox/world.ts), after what is already there. Typed
 * by the one part it uses, its model, so that this module does not import world.ts (which imports it).
 */
export function loadSeed(world: {readonly model: Model}, seed: Seed): SeedResult {
  if (!seed || typeof seed !== 'object' || Array.isArray(seed)) throw new UserError('The sandbox seed must be a JSON object (see docs/sandbox-seed.md).')
  if (seed.version !== undefined && seed.version !== 1) throw new UserError(`Sandbox seed version ${String(seed.version)} is not supported: use version 1.`)
  const loader = new Loader(world.model)
  let where = 'seed'
  try {
    return loader.load(seed, (w) => (where = w))
  } catch (error) {
    if (error instanceof SeedProblem || error instanceof SandboxError) {
      throw new UserError(`Sandbox seed, ${where}: ${error.message} Fix the seed (docs/sandbox-seed.md).`)
    }
    throw error
  }
}

class Loader {
  private readonly pendingLinks: Array<{issue: IssueRec; spec: {subIssues?: string[]; blockedBy?: string[]}; where: string}> = []

  constructor(private readonly m: Model) {}

  load(seed: Seed, at: (where: string) => void): SeedResult {
    list(seed.users, 'users').forEach((u, i) => {
      at(`users[${i}]`)
      const login = text(u.login, 'login')
      const existing = this.m.userOfLogin(login)
      if (existing) existing.name = u.name ?? existing.name
      else this.m.addUser({login, name: u.name ?? null})
    })
    list(seed.orgs, 'orgs').forEach((o, i) => {
      at(`orgs[${i}]`)
      this.org(o)
    })
    const repos = list(seed.repositories, 'repositories')
    repos.forEach((r, i) => {
      at(`repositories[${i}] (${r.owner}/${r.name})`)
      this.repo(r)
    })
    for (const link of this.pendingLinks) {
      at(link.where)
      this.links(link.issue, link.spec)
    }
    const result: SeedResult = {projects: {}}
    list(seed.projects, 'projects').forEach((p, i) => {
      at(`projects[${i}] (${p.title})`)
      const project = this.project(p, (w) => at(`projects[${i}] (${p.title}) ${w}`))
      result.projects[`${this.m.ownerLogin(project.ownerId)}/${project.number}`] = project.id
    })
    return result
  }

  private user(login: string) {
    const user = this.m.userOfLogin(login)
    if (!user) fail(`user "${login}" is not in the seed's users (nor octocat).`)
    return user
  }

  private owner(login: string) {
    const owner = this.m.ownerOfLogin(login)
    if (!owner) fail(`owner "${login}" is neither a user nor an organization of the seed.`)
    return owner
  }

  private org(o: SeedOrg): void {
    const login = text(o.login, 'login')
    const org = this.m.orgOfLogin(login) ?? this.m.addOrg({login, name: o.name ?? null})
    if (o.name !== undefined) org.name = o.name
    for (const [member, role] of Object.entries(o.members ?? {})) {
      if (role !== 'ADMIN' && role !== 'MEMBER') fail(`member role of "${member}" must be ADMIN or MEMBER.`)
      this.m.setMember(org, this.user(member).id, role)
    }
    const planning = new Planning(this.m)
    for (const t of list(o.issueTypes, 'issueTypes')) planning.addIssueType(org, {...t, name: text(t.name, 'issue type name')})
    for (const f of list(o.issueFields, 'issueFields')) {
      planning.addIssueField(org, {
        name: text(f.name, 'issue field name'),
        dataType: f.type,
        description: f.description ?? null,
        visibility: f.visibility ?? null,
        options: f.options?.map((x, i) => ({...x, priority: i + 1})) ?? null,
      })
    }
    for (const t of list(o.teams, 'teams')) {
      this.m.addTeam(org, {
        slug: text(t.slug, 'team slug'),
        name: t.name ?? t.slug,
        description: t.description ?? null,
        memberIds: (t.members ?? []).map((l) => this.user(l).id),
      })
    }
  }

  private repo(r: SeedRepository): void {
    const owner = this.owner(text(r.owner, 'owner'))
    const repo = this.m.addRepo(owner.rec.id, {
      name: text(r.name, 'name'),
      visibility: r.visibility,
      description: r.description ?? null,
      hasIssuesEnabled: r.hasIssuesEnabled,
      defaultLabels: r.defaultLabels ?? false,
    })
    repo.collaborators = (r.collaborators ?? []).map((l) => this.user(l).id)
    for (const l of list(r.labels, 'labels')) {
      if (r.defaultLabels && this.m.labelOf(repo, l.name)) continue
      this.m.addLabel(repo, {name: text(l.name, 'label name'), color: l.color, description: l.description ?? null})
    }
    for (const ms of list(r.milestones, 'milestones')) {
      this.m.addMilestone(repo, {
        title: text(ms.title, 'milestone title'),
        description: ms.description ?? null,
        state: ms.state,
        dueOn: ms.dueOn ?? null,
      })
    }
    const add = (spec: SeedIssue | SeedPullRequest, kind: 'Issue' | 'PullRequest', where: string) => {
      if (spec.number !== undefined) {
        if (!Number.isInteger(spec.number) || spec.number < repo.nextNumber) {
          fail(`${where}: number ${spec.number} is taken or not after the previous one (${repo.nextNumber - 1}).`)
        }
        repo.nextNumber = spec.number
      }
      const milestone = spec.milestone === undefined ? undefined : this.m.milestones(repo).find((x) => x.title === spec.milestone)
      if (spec.milestone !== undefined && !milestone) fail(`${where}: milestone "${spec.milestone}" is not in ${r.owner}/${r.name}.`)
      const pr = kind === 'PullRequest' ? (spec as SeedPullRequest) : undefined
      const issue = this.m.addIssue(repo, {
        kind,
        title: text(spec.title, `${where} title`),
        body: spec.body ?? '',
        state: spec.state,
        stateReason: kind === 'Issue' ? ((spec as SeedIssue).stateReason ?? null) : null,
        authorId: spec.author ? this.user(spec.author).id : null,
        labelIds: (spec.labels ?? []).map((name) => {
          const label = this.m.labelOf(repo, name)
          if (!label) fail(`${where}: label "${name}" is not in ${r.owner}/${r.name}.`)
          return label.id
        }),
        assigneeIds: (spec.assignees ?? []).map((l) => this.user(l).id),
        milestoneId: milestone?.id ?? null,
        isDraft: pr?.isDraft,
        reviewerIds: (pr?.reviewers ?? []).map((l) => this.user(l).id),
      })
      if (kind === 'Issue') this.planningOf(issue, spec as SeedIssue, where)
      const links = {subIssues: kind === 'Issue' ? (spec as SeedIssue).subIssues : undefined, blockedBy: spec.blockedBy}
      if (links.subIssues?.length || links.blockedBy?.length) this.pendingLinks.push({issue, spec: links, where: `repositories ${r.owner}/${r.name} ${where}`})
    }
    for (const entry of numberingOrder(r)) add(entry.spec, entry.kind, entry.where)
  }

  /** An issue's type and issue-field values, by name. */
  private planningOf(issue: IssueRec, spec: SeedIssue, where: string): void {
    if (spec.type === undefined && spec.fields === undefined) return
    const planning = new Planning(this.m)
    const org = planning.orgOfIssue(issue)
    if (!org) fail(`${where}: issue types and issue fields exist only in organizations' repositories.`)
    if (spec.type !== undefined) {
      const type = planning.typeOfName(org.id, String(spec.type))
      if (!type) fail(`${where}: "${String(spec.type)}" is not an issue type of ${org.login}.`)
      planning.setIssueType(issue, type.id)
    }
    const inputs: IssueFieldValueInput[] = Object.entries(spec.fields ?? {}).map(([name, raw]) => {
      const field = planning.fieldsOf(org.id).find((f) => f.name.toLowerCase() === name.toLowerCase())
      if (!field) fail(`${where}: "${name}" is not an issue field of ${org.login}.`)
      switch (field.dataType) {
        case 'TEXT':
          return {fieldId: field.id, textValue: String(raw)}
        case 'NUMBER':
          if (typeof raw !== 'number') fail(`${where}: value of issue field "${name}" must be a number.`)
          return {fieldId: field.id, numberValue: raw}
        case 'DATE':
          return {fieldId: field.id, dateValue: String(raw)}
        case 'SINGLE_SELECT': {
          const option = field.options?.find((o) => o.name === raw)
          if (!option) fail(`${where}: "${String(raw)}" is not an option of issue field "${name}".`)
          return {fieldId: field.id, singleSelectOptionId: option.id}
        }
      }
    })
    if (inputs.length) planning.setIssueFieldValues(issue, inputs)
  }

  /** `#n` (same repository) or `owner/repo#n`. */
  private ref(refText: string, home: RepoRec | undefined): IssueRec {
    const match = /^(?:([^/#\s]+)\/([^/#\s]+))?#(\d+)$/.exec(String(refText))
    if (!match) fail(`"${refText}" is not an issue reference: write owner/repo#number (or #number inside the same repository).`)
    const repo = match[1] ? this.m.repoOf(match[1], match[2]) : home
    if (!repo) fail(`repository of "${refText}" is not in the seed.`)
    const issue = this.m.issueOf(repo, Number(match[3]))
    if (!issue) fail(`"${refText}" is not an issue or pull request of the seed.`)
    return issue
  }

  private links(issue: IssueRec, spec: {subIssues?: string[]; blockedBy?: string[]}): void {
    const home = this.m.store.repos[issue.repoId]
    for (const r of spec.subIssues ?? []) this.m.addSubIssue(issue, this.ref(r, home))
    for (const r of spec.blockedBy ?? []) this.m.addBlockedBy(issue, this.ref(r, home))
  }

  private project(p: SeedProject, at: (where: string) => void): ProjectRec {
    const m = this.m
    const owner = this.owner(text(p.owner, 'owner'))
    const creator = p.creator ? this.user(p.creator).id : null
    const project = m.addProject(owner.rec.id, {title: text(p.title, 'title'), creatorId: creator})
    project.shortDescription = p.shortDescription ?? null
    project.readme = p.readme ?? null
    project.public = p.public ?? false
    project.closed = p.closed ?? false
    project.closedAt = project.closed ? project.createdAt : null
    if (p.template) {
      if (owner.type !== 'Organization') fail('only organization projects can be templates.')
      project.template = true
    }
    list(p.fields, 'fields').forEach((f, i) => {
      at(`fields[${i}] (${f.name})`)
      const existing = m.fieldOfName(project, f.name)
      const sameName = (name: string) => existing?.options?.find((o) => o.name === name)?.id
      const options: OptionInput[] | undefined = f.options?.map((o) => ({
        id: o.id ?? sameName(o.name) ?? null,
        name: o.name,
        color: o.color ?? 'GRAY',
        description: o.description ?? '',
      }))
      const iteration = f.iteration && {
        startDate: f.iteration.startDate,
        duration: f.iteration.duration,
        iterations: f.iteration.iterations?.map((it) => ({title: it.title, startDate: it.startDate, duration: it.duration ?? f.iteration!.duration})),
      }
      if (f.type === 'ISSUE_TYPE') {
        if (owner.type !== 'Organization') fail('only organization projects have an issue type field.')
        new Planning(m).addIssueTypeField(project, text(f.name, 'name'))
        return
      }
      if (existing && existing.dataType === 'SINGLE_SELECT' && f.type === 'SINGLE_SELECT' && options) m.replaceOptions(existing, options, true)
      else if (BUILTIN_DATE_FIELD_TYPES.includes(f.type)) m.addBuiltinDateField(project, {name: f.name, dataType: f.type})
      else m.addField(project, {name: f.name, dataType: f.type, options: options ?? null, iteration: iteration ?? null, keepOptionIds: true})
    })
    list(p.issueFields, 'issueFields').forEach((name, i) => {
      at(`issueFields[${i}] (${name})`)
      const planning = new Planning(m)
      const issueField = planning.fieldsOf(project.ownerId).find((f) => f.name.toLowerCase() === String(name).toLowerCase())
      if (!issueField) fail(`"${name}" is not an issue field of ${m.ownerLogin(project.ownerId)}.`)
      planning.addProjectIssueField(project, issueField)
    })
    const fieldId = (name: string) => {
      const field = m.fieldOfName(project, name)
      if (!field) fail(`field "${name}" is not a field of the project.`)
      return field.id
    }
    if (p.views) {
      const defaults = [...project.viewIds]
      list(p.views, 'views').forEach((v, i) => {
        at(`views[${i}] (${v.name})`)
        m.addView(project, {
          name: text(v.name, 'view name'),
          layout: v.layout,
          filter: v.filter ?? null,
          visibleFieldIds: (v.visibleFields ?? []).map(fieldId),
          sortBy: (v.sortBy ?? []).map((s) => ({fieldId: fieldId(s.field), direction: s.direction ?? 'ASC'})),
          groupByFieldIds: (v.groupBy ?? []).map(fieldId),
          verticalGroupByFieldIds: (v.verticalGroupBy ?? []).map(fieldId),
          creatorId: creator,
        })
      })
      for (const id of defaults) m.deleteView(m.store.views[id])
    }
    list(p.workflows, 'workflows').forEach((w, i) => {
      at(`workflows[${i}] (${w.name})`)
      const existing = project.workflowIds.map((id) => m.store.workflows[id]).find((x) => x.name === w.name)
      if (existing) existing.enabled = Boolean(w.enabled)
      else m.addWorkflow(project, {name: text(w.name, 'workflow name'), enabled: Boolean(w.enabled)})
    })
    list(p.statusUpdates, 'statusUpdates').forEach((u, i) => {
      at(`statusUpdates[${i}]`)
      m.addStatusUpdate(project, {...u, creatorId: u.creator ? this.user(u.creator).id : creator})
    })
    list(p.repositories, 'repositories').forEach((full, i) => {
      at(`repositories[${i}] (${full})`)
      const [o, n] = String(full).split('/')
      const repo = m.repoOf(o ?? '', n ?? '')
      if (!repo) fail(`repository "${full}" is not in the seed.`)
      if (!project.repoIds.includes(repo.id)) project.repoIds.push(repo.id)
    })
    list(p.teams, 'teams').forEach((full, i) => {
      at(`teams[${i}] (${full})`)
      const [o, slug] = String(full).split('/')
      const org = m.orgOfLogin(o ?? '')
      const team = org && m.teamOf(org, slug ?? '')
      if (!team) fail(`team "${full}" is not in the seed (write org/team-slug).`)
      if (!project.teamIds.includes(team.id)) project.teamIds.push(team.id)
    })
    list(p.collaborators, 'collaborators').forEach((c, i) => {
      at(`collaborators[${i}]`)
      let id: string
      if (c.user) id = this.user(c.user).id
      else {
        const [o, slug] = String(c.team ?? '').split('/')
        const org = m.orgOfLogin(o ?? '')
        const team = org && m.teamOf(org, slug ?? '')
        if (!team) fail(`collaborator needs "user" (a login) or "team" (org/team-slug).`)
        id = team.id
      }
      if (c.role !== 'NONE') project.collaborators[id] = c.role
    })
    const fieldsByName = new Map(m.fields(project).map((f) => [f.name, f]))
    list(p.items, 'items').forEach((spec, i) => {
      at(`items[${i}]`)
      this.item(project, spec, fieldsByName, creator)
    })
    return project
  }

  private item(project: ProjectRec, spec: SeedItem, fieldsByName: Map<string, ReturnType<Model['fields']>[number]>, creator: string | null): void {
    const m = this.m
    if (Boolean(spec.issue) === Boolean(spec.draft)) fail('an item needs exactly one of "issue" (owner/repo#number) or "draft".')
    const item = spec.issue
      ? m.addItem(project, this.ref(spec.issue, undefined), creator)
      : m.addDraftItem(project, {
          title: text(spec.draft!.title, 'draft title'),
          body: spec.draft!.body ?? '',
          assigneeIds: (spec.draft!.assignees ?? []).map((l) => this.user(l).id),
          creatorId: creator,
        })
    item.archived = spec.archived ?? false
    item.redacted = spec.redacted ?? false
    for (const [name, raw] of Object.entries(spec.values ?? {})) {
      const field = fieldsByName.get(name) ?? m.fieldOfName(project, name)
      if (!field) fail(`field "${name}" is not a field of the project.`)
      const value: ValueInput = {}
      switch (field.dataType) {
        case 'TEXT':
          value.text = String(raw)
          break
        case 'NUMBER':
          if (typeof raw !== 'number') fail(`value of "${name}" must be a number.`)
          value.number = raw
          break
        case 'DATE':
          value.date = String(raw)
          break
        case 'SINGLE_SELECT': {
          const option = field.options?.find((o) => o.name === raw)
          if (!option) fail(`"${String(raw)}" is not an option of "${name}" (options: ${(field.options ?? []).map((o) => o.name).join(', ')}).`)
          value.singleSelectOptionId = option.id
          break
        }
        case 'ITERATION': {
          const it = field.iteration?.iterations.find((x) => x.title === raw)
          if (!it) fail(`"${String(raw)}" is not an iteration of "${name}".`)
          value.iterationId = it.id
          break
        }
        default:
          fail(`"${name}" is a built-in ${field.dataType} field: set it on the issue, not as a project value.`)
      }
      m.setValue(item, field, value, creator)
    }
  }
}

interface NumberingEntry {
  spec: SeedIssue | SeedPullRequest
  kind: 'Issue' | 'PullRequest'
  where: string
}

/**
 * The order a repository's issues and pull requests are created in: issues first, then pull requests, except that
 * the entries with an explicit `number` are put in number order among themselves, issues and pull requests together
 * (each keeps the slot of one numbered entry). A PR #5 and an issue #7 can so be written in either list; a seed whose
 * numbered entries are already increasing is created exactly as listed.
 */
function numberingOrder(r: SeedRepository): NumberingEntry[] {
  const entries: NumberingEntry[] = [
    ...list(r.issues, 'issues').map((spec, i) => ({spec, kind: 'Issue' as const, where: `issues[${i}]`})),
    ...list(r.pullRequests, 'pullRequests').map((spec, i) => ({spec, kind: 'PullRequest' as const, where: `pullRequests[${i}]`})),
  ]
  const numbered = entries.filter((e) => e.spec.number !== undefined)
  const sorted = [...numbered].sort((a, b) => Number(a.spec.number) - Number(b.spec.number))
  let next = 0
  return entries.map((e) => (e.spec.number !== undefined ? sorted[next++] : e))
}
