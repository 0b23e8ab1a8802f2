/**
 * A captured ProjectState as a sandbox seed (docs/sandbox-seed.md): the world that seed builds holds the project as
 * the state describes it, so a restore can be rehearsed on a replica (src/app/rehearse.ts) instead of the real thing.
 *
 * - issues and pull requests keep their EXACT numbers (and the World's baseUrl is the state's), so content URLs in
 *   the replica are the live ones; issues only referenced as parent, sub-issue or blocker are created minimally;
 * - milestones are matched by title (their numbers may differ), labels by name;
 * - option ids are the live ones (GitHub keeps option identity, and a plan sends the ids of options that exist);
 *   field, iteration, item and draft ids differ from live: a restore plan matches them by name / URL;
 * - the state does not say whether a repository owner is a user or an organisation: logins seen as assignees or as
 *   the project's user owner are users, every other owner is an organisation. Repositories are public, and the
 *   sandbox's default viewer `octocat` gets write access everywhere (organisation admin, repository collaborator,
 *   project admin), so the replica can be read and changed as the real project would be by its owner;
 * - what cannot be expressed (redacted items, values of unknown fields, ...) is left out and named in `notes`.
 */
import {ISSUE_STATE_REASON} from '../model/github-enums.js'
import {CREATABLE_FIELD_TYPES, READ_ONLY_DATE_FIELD_TYPES, type FieldDef, type FieldValue, type IssueContent, type ItemState, type Milestone, type ProjectState} from '../model/state.js'
import {loadSeed, type Seed, type SeedField, type SeedIssue, type SeedItem, type SeedProject, type SeedPullRequest, type SeedRepository, type SeedValue, type SeedView} from './seed.js'
import {World} from './world.js'
import {DEFAULT_FIELDS} from '../github/defaults.js'
import type {StateReason} from './world/store.js'

/** The login every seeded world has, and the viewer a sandbox answers as when it knows no tokens. */
export const REPLICA_VIEWER = 'octocat'
const BUILT_IN_ORG = 'acme'
/** where a replica's id counter starts: far beyond any sandbox world's (ids are a bijection of a 32-bit counter) */
const REPLICA_ID_OFFSET = 0x60000000
const URL_RE = /^(https?:\/\/[^/]+)\/([^/]+)\/([^/]+)\/(issues|pull)\/(\d+)\/?$/i
const STATE_REASONS: readonly string[] = ISSUE_STATE_REASON

export interface StateToSeedOptions {
  /**
   * Another state (the backup a restore wants, mapped like the plan maps it) whose references must exist in the
   * world too: its repositories, teams, users, labels, milestones and the issues and pull requests of its items,
   * created OUTSIDE the project (what the state itself says about an issue wins).
   */
  references?: ProjectState
  /** content URLs known to be deleted on GitHub: never created */
  missingContent?: string[]
}

export interface SeedFromState {
  seed: Seed
  /** `owner/number` of the project in the world the seed builds (its key in `loadSeed`'s result) */
  projectKey: string
  /** web base URL of the state's URLs: give it to the World (`baseUrl`) so that content URLs match */
  baseUrl: string
  /** what the seed leaves out, and why */
  notes: string[]
}

interface IssueDraft {
  kind: 'Issue' | 'PullRequest'
  number: number
  title: string
  body: string
  state: string
  stateReason: string | null
  labels: string[]
  assignees: string[]
  milestone: string | null
  subIssues: string[]
  blockedBy: string[]
  /** from the state itself (its links are the truth), not from references or a bare link */
  primary: boolean
  /** created only because something links to it */
  minimal: boolean
}

interface RepoDraft {
  owner: string
  name: string
  /** lower-case name -> name */
  labels: Map<string, string>
  /** title -> milestone */
  milestones: Map<string, Milestone>
  issues: Map<number, IssueDraft>
}

interface IssueRef {
  url: string
  repo: string
  number: number
  kind: 'Issue' | 'PullRequest'
}

/** A seed that rebuilds the project `state` describes (see the module comment for what differs). */
export function stateToSeed(state: ProjectState, options: StateToSeedOptions = {}): SeedFromState {
  return new SeedBuilder(state, options).build()
}

export interface Replica {
  world: World
  /** node id of the project in the replica */
  projectId: string
  notes: string[]
}

/**
 * The world `stateToSeed(state)` describes, with what a seed cannot say done on the model: default fields and
 * workflows that the state does not have are deleted (a live project may have deleted or renamed its Status field).
 */
export function buildReplica(state: ProjectState, options: StateToSeedOptions & {now?: () => Date} = {}): Replica {
  const {seed, projectKey, baseUrl, notes} = stateToSeed(state, options)
  const world = new World({baseUrl, now: options.now})
  // ids of the replica must not be ids of the live project: a plan matches by id first. GitHub's never look like the
  // sandbox's, but a live project in another sandbox world (tests, the demo) numbers its ids from the same counter.
  world.model.store.counters.seq += REPLICA_ID_OFFSET
  const projectId = loadSeed(world, seed).projects[projectKey]
  const m = world.model
  const project = m.store.projects[projectId]
  const fieldNames = new Set(Object.values(state.fields).map((f) => f.name))
  for (const field of m.fields(project)) {
    if (fieldNames.has(field.name)) continue
    if ((CREATABLE_FIELD_TYPES as readonly string[]).includes(field.dataType)) m.deleteField(field)
    else notes.push(`the replica has the built-in field '${field.name}', which the project does not have`)
  }
  const replicaNames = new Set(m.fields(project).map((f) => f.name))
  for (const f of Object.values(state.fields)) {
    if (!replicaNames.has(f.name)) notes.push(`the sandbox has no built-in field '${f.name}' (${f.dataType}): the replica lacks it`)
  }
  if (state.workflows) {
    const wanted = new Set(Object.values(state.workflows).map((w) => w.name))
    for (const id of [...project.workflowIds]) {
      const workflow = m.store.workflows[id]
      if (!wanted.has(workflow.name)) m.deleteWorkflow(workflow)
    }
  }
  return {world, projectId, notes}
}

class SeedBuilder {
  private readonly notes: string[] = []
  private readonly users = new Set<string>()
  private readonly orgs = new Map<string, Set<string>>()
  private readonly repos = new Map<string, RepoDraft>()
  private readonly missing: Set<string>
  /** child URL -> parent URL */
  private readonly parents = new Map<string, string>()

  constructor(
    private readonly state: ProjectState,
    private readonly options: StateToSeedOptions,
  ) {
    this.missing = new Set(options.missingContent ?? [])
  }

  build(): SeedFromState {
    const {state} = this
    const refs = this.options.references
    const owner = state.project.owner
    if (owner.type === 'User') this.users.add(owner.login)
    else this.org(owner.login)
    for (const s of [state, refs]) {
      if (!s) continue
      for (const r of s.repositories ?? []) this.repo(r)
      for (const t of s.teams ?? []) this.team(t)
      for (const m of Object.values(s.milestones ?? {}).sort((a, b) => a.number - b.number)) {
        const repo = this.repo(m.repository)
        if (!repo.milestones.has(m.title)) repo.milestones.set(m.title, m)
      }
    }
    const own = contents(state)
    const allReferenced = refs ? contents(refs) : []
    const referenced = allReferenced.filter((c) => !this.missing.has(c.url))
    for (const c of own) this.content(c, true, state)
    for (const c of referenced) this.content(c, false, refs!)
    this.links(own, referenced)
    // issues a reference links to exist on GitHub (a restore may link to them again), even when the linking one is gone
    for (const c of allReferenced) {
      for (const url of [...(c.parent ? [c.parent] : []), ...c.subIssues, ...(c.blockedBy ?? [])]) this.linked(url, 'linked issue')
    }
    for (const s of [state, refs]) for (const item of Object.values(s?.items ?? {})) for (const a of item.draft?.assignees ?? []) this.users.add(a)

    const project = this.project()
    // repositories first: an owner not known as a user becomes an organisation there
    const repositories = [...this.repos.values()].map((r) => this.seedRepo(r))
    const seed: Seed = {
      version: 1,
      users: [...this.users]
        .filter((l) => l !== REPLICA_VIEWER && l !== BUILT_IN_ORG && !this.orgs.has(l))
        .sort()
        .map((login) => ({login})),
      orgs: [...this.orgs].sort(([a], [b]) => a.localeCompare(b)).map(([login, teams]) => ({
        login,
        members: {[REPLICA_VIEWER]: 'ADMIN' as const},
        teams: [...teams].sort().map((slug) => ({slug})),
      })),
      repositories,
      projects: [project],
    }
    return {seed, projectKey: `${owner.login}/1`, baseUrl: this.baseUrl(), notes: this.notes}
  }

  private note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text)
  }

  private baseUrl(): string {
    const candidates = [this.state.project.url, ...contents(this.state).map((c) => c.url), ...(this.options.references ? contents(this.options.references).map((c) => c.url) : [])]
    for (const url of candidates) {
      try {
        if (url) return new URL(url).origin
      } catch {
        // not a URL (an empty project to be created has none): try the next
      }
    }
    return 'https://github.com'
  }

  private org(login: string): Set<string> {
    let teams = this.orgs.get(login)
    if (!teams) this.orgs.set(login, (teams = new Set()))
    return teams
  }

  private team(combined: string): void {
    const [org, slug] = combined.split('/')
    if (!org || !slug) return this.note(`linked team '${combined}' is not org/team-slug: left out`)
    this.org(org).add(slug)
  }

  private repo(fullName: string): RepoDraft {
    const key = fullName.toLowerCase()
    let repo = this.repos.get(key)
    if (!repo) {
      const [owner, name] = fullName.split('/')
      repo = {owner, name, labels: new Map(), milestones: new Map(), issues: new Map()}
      this.repos.set(key, repo)
    }
    return repo
  }

  /** Adds an issue or pull request with everything the state knows of it (a primary one replaces a lesser entry). */
  private content(c: IssueContent, primary: boolean, from: ProjectState): void {
    const repo = this.repo(c.repository)
    // labels and assignees a restore may set must exist, whoever describes the issue
    for (const l of c.labels) if (!repo.labels.has(l.toLowerCase())) repo.labels.set(l.toLowerCase(), l)
    for (const a of c.assignees) this.users.add(a)
    const existing = repo.issues.get(c.number)
    if (existing && (existing.primary || (!primary && !existing.minimal))) return
    let milestone: string | null = null
    if (c.milestone) {
      const m = from.milestones?.[c.milestone] ?? this.state.milestones?.[c.milestone]
      if (m && m.repository.toLowerCase() === c.repository.toLowerCase()) {
        milestone = m.title
        if (!repo.milestones.has(m.title)) repo.milestones.set(m.title, m)
      } else {
        this.note(`milestone ${c.milestone} of ${c.repository}#${c.number} is not in the state: left out`)
      }
    }
    repo.issues.set(c.number, {
      kind: c.kind,
      number: c.number,
      title: c.title.trim() ? c.title : `${c.kind === 'Issue' ? 'Issue' : 'Pull request'} #${c.number}`,
      body: c.body,
      state: c.state.toUpperCase(),
      stateReason: c.stateReason ? c.stateReason.toUpperCase() : null,
      labels: [...c.labels],
      assignees: [...c.assignees],
      milestone,
      subIssues: existing?.subIssues ?? [],
      blockedBy: existing?.blockedBy ?? [],
      primary,
      minimal: false,
    })
  }

  /** The issue a link points at, created minimally when nothing else describes it; undefined when it cannot exist. */
  private linked(url: string, role: string): IssueDraft | undefined {
    const ref = parseRef(url)
    if (!ref) return void this.note(`${role} ${url} is not an issue URL: link left out`)
    if (ref.kind !== 'Issue') return void this.note(`${role} ${url} is a pull request: link left out`)
    if (this.missing.has(url)) return undefined
    const repo = this.repo(ref.repo)
    let issue = repo.issues.get(ref.number)
    if (!issue) {
      issue = {
        kind: 'Issue',
        number: ref.number,
        title: `Issue #${ref.number}`,
        body: '',
        state: 'OPEN',
        stateReason: null,
        labels: [],
        assignees: [],
        milestone: null,
        subIssues: [],
        blockedBy: [],
        primary: false,
        minimal: true,
      }
      repo.issues.set(ref.number, issue)
    }
    return issue.kind === 'Issue' ? issue : undefined
  }

  /**
   * Sub-issue and blocked-by links. The state's own are the truth; a reference's links are added only for issues the
   * state does not describe. Sub-issue lists come first (they hold the order), then `parent` claims.
   */
  private links(own: IssueContent[], referenced: IssueContent[]): void {
    const described = new Set(own.map((c) => c.url))
    // a reference's link is used only between issues the state does not describe (the state knows the others' links)
    const groups: Array<{list: IssueContent[]; trusted: (url: string) => boolean}> = [
      {list: own, trusted: () => true},
      {list: referenced.filter((c) => !described.has(c.url)), trusted: (url) => !described.has(url)},
    ]
    for (const {list, trusted} of groups) {
      for (const c of list) if (c.kind === 'Issue') for (const child of c.subIssues) if (trusted(child)) this.setParent(child, c.url)
      for (const c of list) if (c.kind === 'Issue' && c.parent && trusted(c.parent)) this.setParent(c.url, c.parent)
      for (const c of list) {
        if (c.kind !== 'Issue' || !c.blockedBy?.length) continue
        const issue = this.linked(c.url, 'issue')
        if (!issue) continue
        for (const b of c.blockedBy) {
          const blocker = this.linked(b, 'blocker')
          const ref = parseRef(b)
          if (blocker && ref && !issue.blockedBy.includes(refText(ref))) issue.blockedBy.push(refText(ref))
        }
      }
    }
  }

  private setParent(childUrl: string, parentUrl: string): void {
    const known = this.parents.get(childUrl)
    if (known !== undefined) {
      if (known !== parentUrl) this.note(`${childUrl} has two parents (${known}, ${parentUrl}): kept the first`)
      return
    }
    const parent = this.linked(parentUrl, 'parent issue')
    const child = this.linked(childUrl, 'sub-issue')
    const ref = parseRef(childUrl)
    if (!parent || !child || !ref) return
    this.parents.set(childUrl, parentUrl)
    parent.subIssues.push(refText(ref))
  }

  private seedRepo(r: RepoDraft): SeedRepository {
    const ownerIsUser = this.users.has(r.owner) && !this.orgs.has(r.owner)
    if (!ownerIsUser && r.owner !== REPLICA_VIEWER) this.org(r.owner)
    const issues: SeedIssue[] = []
    const pullRequests: SeedPullRequest[] = []
    for (const i of [...r.issues.values()].sort((a, b) => a.number - b.number)) {
      const common = {
        number: i.number,
        title: i.title,
        ...(i.body ? {body: i.body} : {}),
        ...(i.labels.length ? {labels: i.labels} : {}),
        ...(i.assignees.length ? {assignees: i.assignees} : {}),
        ...(i.milestone ? {milestone: i.milestone} : {}),
        ...(i.blockedBy.length ? {blockedBy: i.blockedBy} : {}),
      }
      if (i.kind === 'PullRequest') {
        const state = i.state === 'MERGED' || i.state === 'CLOSED' ? i.state : 'OPEN'
        pullRequests.push({...common, state})
        continue
      }
      const state = i.state === 'CLOSED' ? 'CLOSED' : 'OPEN'
      const reason = i.stateReason && STATE_REASONS.includes(i.stateReason) ? (i.stateReason as StateReason) : undefined
      issues.push({...common, state, ...(reason ? {stateReason: reason} : {}), ...(i.subIssues.length ? {subIssues: i.subIssues} : {})})
    }
    return {
      owner: r.owner,
      name: r.name,
      visibility: 'PUBLIC',
      ...(ownerIsUser && r.owner !== REPLICA_VIEWER ? {collaborators: [REPLICA_VIEWER]} : {}),
      labels: [...r.labels.values()].sort().map((name) => ({name})),
      milestones: [...r.milestones.values()]
        .sort((a, b) => a.number - b.number || a.title.localeCompare(b.title))
        .map((m) => ({
          title: m.title,
          ...(m.description ? {description: m.description} : {}),
          state: m.state,
          ...(m.dueOn ? {dueOn: m.dueOn} : {}),
        })),
      issues,
      pullRequests,
    }
  }

  private project(): SeedProject {
    const {state} = this
    const p = state.project
    const isUser = p.owner.type === 'User'
    if (p.template && isUser) this.note('the project is a template, which only organization projects can be in the sandbox: the replica is not')
    const fields = this.fields()
    const project: SeedProject = {
      owner: p.owner.login,
      title: p.title,
      ...(p.shortDescription !== null ? {shortDescription: p.shortDescription} : {}),
      ...(p.readme !== null ? {readme: p.readme} : {}),
      public: p.public,
      closed: p.closed,
      template: p.template && !isUser,
      fields,
    }
    if (state.views) project.views = this.views(new Set([...DEFAULT_FIELDS.map((f) => f.name), ...fields.map((f) => f.name)]))
    if (state.workflows) {
      project.workflows = Object.values(state.workflows)
        .sort((a, b) => a.number - b.number)
        .map((w) => ({name: w.name, enabled: w.enabled}))
    }
    if (state.statusUpdates) {
      project.statusUpdates = Object.values(state.statusUpdates)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
        .map((u) => ({
          ...(u.body !== null ? {body: u.body} : {}),
          ...(u.status ? {status: u.status} : {}),
          ...(u.startDate ? {startDate: u.startDate} : {}),
          ...(u.targetDate ? {targetDate: u.targetDate} : {}),
        }))
    }
    if (state.repositories) project.repositories = [...state.repositories]
    if (state.teams) project.teams = state.teams.filter((t) => t.includes('/'))
    if (isUser && p.owner.login !== REPLICA_VIEWER) project.collaborators = [{user: REPLICA_VIEWER, role: 'ADMIN'}]
    if (state.items) project.items = this.items()
    return project
  }

  private fields(): SeedField[] {
    const out: SeedField[] = []
    const custom = Object.values(this.state.fields)
      .filter((f) => (CREATABLE_FIELD_TYPES as readonly string[]).includes(f.dataType))
      .sort((a, b) => (a.databaseId ?? 0) - (b.databaseId ?? 0) || a.name.localeCompare(b.name))
    for (const f of custom) {
      const field: SeedField = {name: f.name, type: f.dataType as SeedField['type']}
      if (f.dataType === 'SINGLE_SELECT') {
        field.options = Object.values(f.options ?? {})
          .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
          .map((o) => ({id: o.id, name: o.name, color: o.color, description: o.description}))
      }
      if (f.dataType === 'ITERATION' && f.iteration) {
        const iterations = allIterations(f)
        if (iterations.length) {
          field.iteration = {startDate: iterations[0].startDate, duration: f.iteration.duration, iterations}
        } else {
          this.note(`iteration field '${f.name}' has no iterations, which a seed cannot express: the replica's has generated ones`)
        }
      }
      out.push(field)
    }
    // the built-in read-only dates a project may show: the replica shows them too
    for (const f of Object.values(this.state.fields)) {
      if ((READ_ONLY_DATE_FIELD_TYPES as readonly string[]).includes(f.dataType)) out.push({name: f.name, type: f.dataType as SeedField['type']})
    }
    return out
  }

  private views(known: Set<string>): SeedView[] {
    const keep = (view: string) => (name: string) => {
      if (known.has(name)) return true
      this.note(`view '${view}' shows field '${name}', which the replica does not have: left out of the view`)
      return false
    }
    return Object.values(this.state.views ?? {})
      .sort((a, b) => a.number - b.number)
      .map((v) => ({
        name: v.name,
        layout: v.layout,
        ...(v.filter !== null ? {filter: v.filter} : {}),
        visibleFields: v.visibleFields.filter(keep(v.name)),
        sortBy: v.sortBy.filter((s) => keep(v.name)(s.field)).map((s) => ({field: s.field, direction: s.direction})),
        groupBy: v.groupBy.filter(keep(v.name)),
        verticalGroupBy: v.verticalGroupBy.filter(keep(v.name)),
      }))
  }

  private items(): SeedItem[] {
    const items = this.state.items ?? {}
    const order = [...new Set((this.state.itemOrder ?? []).filter((k) => items[k]))]
    const listed = new Set(order)
    order.push(...Object.keys(items).filter((k) => !listed.has(k)).sort())
    const out: SeedItem[] = []
    for (const key of order) {
      const it = items[key]
      const label = it.content ? `${it.content.repository}#${it.content.number}` : it.draft ? `draft "${it.draft.title}"` : key
      if (it.type === 'REDACTED' || (!it.content && !it.draft)) {
        this.note(`item ${key} is redacted (its content is not readable): the replica does not have it`)
        continue
      }
      if (it.draft && !it.draft.title.trim()) {
        this.note(`draft item ${key} has no title, which the sandbox refuses: the replica does not have it`)
        continue
      }
      const entry: SeedItem = it.content
        ? {issue: `${it.content.repository}#${it.content.number}`}
        : {draft: {title: it.draft!.title, body: it.draft!.body, assignees: [...it.draft!.assignees]}}
      if (it.archived) entry.archived = true
      const values = this.values(it, label)
      if (Object.keys(values).length) entry.values = values
      out.push(entry)
    }
    return out
  }

  private values(it: ItemState, label: string): Record<string, SeedValue> {
    const out: Record<string, SeedValue> = {}
    for (const [fieldId, v] of Object.entries(it.values)) {
      const field = this.state.fields[fieldId]
      if (!field || !(CREATABLE_FIELD_TYPES as readonly string[]).includes(field.dataType)) {
        this.note(`a value of ${label} belongs to a field the state does not define (${fieldId}): left out`)
        continue
      }
      const value = seedValue(v, field)
      if (value === undefined) this.note(`the value of '${field.name}' on ${label} does not fit the field (${field.dataType}): left out`)
      else out[field.name] = value
    }
    return out
  }
}

function contents(state: ProjectState): IssueContent[] {
  const out: IssueContent[] = []
  for (const it of Object.values(state.items ?? {})) if (it.content) out.push(it.content)
  return out.sort((a, b) => a.url.localeCompare(b.url))
}

function parseRef(url: string): IssueRef | undefined {
  const m = URL_RE.exec(url)
  if (!m) return undefined
  return {url, repo: `${m[2]}/${m[3]}`, number: Number(m[5]), kind: m[4].toLowerCase() === 'pull' ? 'PullRequest' : 'Issue'}
}

function refText(ref: IssueRef): string {
  return `${ref.repo}#${ref.number}`
}

function allIterations(f: FieldDef): Array<{title: string; startDate: string; duration: number}> {
  const it = f.iteration!
  return [...Object.values(it.completedIterations), ...Object.values(it.iterations)]
    .map((i) => ({title: i.title, startDate: i.startDate, duration: i.duration}))
    .sort((a, b) => a.startDate.localeCompare(b.startDate) || a.title.localeCompare(b.title))
}

/** A value as a seed writes it (option NAME, iteration TITLE); undefined when it does not fit the field. */
function seedValue(v: FieldValue, field: FieldDef): SeedValue | undefined {
  switch (v.type) {
    case 'text':
      return field.dataType === 'TEXT' ? v.text : undefined
    case 'number':
      return field.dataType === 'NUMBER' ? v.number : undefined
    case 'date':
      return field.dataType === 'DATE' ? v.date.slice(0, 10) : undefined
    case 'singleSelect':
      return field.dataType === 'SINGLE_SELECT' && Object.values(field.options ?? {}).some((o) => o.name === v.name) ? v.name : undefined
    case 'iteration':
      return field.dataType === 'ITERATION' && field.iteration && allIterations(field).some((i) => i.title === v.title) ? v.title : undefined
  }
}
