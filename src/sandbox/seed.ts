/**
 * The sandbox seed: one JSON document that describes a whole world (docs/sandbox-seed.md), and the loader that
 * builds it straight in the store (no API calls, no O(n²) steps: a 50,000-item project loads in seconds).
 *
 * References inside a seed are by name, the way a person writes them: owners by login, repositories as
 * `owner/name`, issues and pull requests as `owner/name#number` (or `#number` inside their own repository), fields
 * by name, single-select values by option name, iteration values by iteration title.
 */
import type {z} from 'zod'
import {SandboxError} from './errors.js'
import {
  type seedFieldSchema,
  type seedIssueSchema,
  type seedItemSchema,
  type seedOrgSchema,
  type seedProjectSchema,
  type seedPullRequestSchema,
  type seedRepositorySchema,
  type seedSchema,
  type seedTeamSchema,
  type seedUserSchema,
  type seedViewSchema,
  seedShapeProblem,
} from './seed-schema.js'
import {UserError} from '../util/errors.js'
import {AppService} from './world/apps.js'
import type {Model, OptionInput, ValueInput} from './world/model.js'
import {Planning, type IssueFieldValueInput} from './world/planning.js'
import {BUILTIN_DATE_FIELD_TYPES} from './world/store.js'
import type {IssueRec, ProjectRec, RepoRec} from './world/store.js'

// The seed's types are derived from its schema (src/sandbox/seed-schema.ts): what the loader reads is what is checked.
export type SeedUser = z.infer<typeof seedUserSchema>
export type SeedTeam = z.infer<typeof seedTeamSchema>
export type SeedOrg = z.infer<typeof seedOrgSchema>
export type SeedIssue = z.infer<typeof seedIssueSchema>
export type SeedPullRequest = z.infer<typeof seedPullRequestSchema>
export type SeedRepository = z.infer<typeof seedRepositorySchema>
export type SeedField = z.infer<typeof seedFieldSchema>
export type SeedView = z.infer<typeof seedViewSchema>
export type SeedValue = string | number
export type SeedItem = z.infer<typeof seedItemSchema>
export type SeedProject = z.infer<typeof seedProjectSchema>
export type Seed = z.infer<typeof seedSchema>

/** What a loaded seed produced, for callers that want ids (tests, demos). */
export interface SeedResult {
  /** `owner/number` -> project node id, in seed order */
  projects: Record<string, string>
}

class SeedProblem extends Error {}

/** An optional list of the seed (its shape is already checked): absent is empty. */
function all<T>(value: T[] | undefined): T[] {
  return value ?? []
}

function fail(message: string): never {
  throw new SeedProblem(message)
}

/**
 * Builds everything the seed describes in `world` (a World, src/sandbox/world.ts), after what is already there. Typed
 * by the one part it uses, its model, so that this module does not import world.ts (which imports it).
 */
export function loadSeed(world: {readonly model: Model}, seed: Seed): SeedResult {
  if (!seed || typeof seed !== 'object' || Array.isArray(seed)) throw new UserError('The sandbox seed must be a JSON object (see docs/sandbox-seed.md).')
  if (seed.version !== undefined && seed.version !== 1) throw new UserError(`Sandbox seed version ${String(seed.version)} is not supported: use version 1.`)
  // the whole shape first: a seed of the wrong shape is refused before anything is built
  const problem = seedShapeProblem(seed)
  if (problem) throw new UserError(`Sandbox seed, ${problem.path}: ${problem.message}. Fix the seed (docs/sandbox-seed.md).`)
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
    all(seed.users).forEach((u, i) => {
      at(`users[${i}]`)
      const login = u.login
      const existing = this.m.userOfLogin(login)
      if (existing) existing.name = u.name ?? existing.name
      else this.m.addUser({login, name: u.name ?? null})
    })
    all(seed.orgs).forEach((o, i) => {
      at(`orgs[${i}]`)
      this.org(o)
    })
    const repos = all(seed.repositories)
    repos.forEach((r, i) => {
      at(`repositories[${i}] (${r.owner}/${r.name})`)
      this.repo(r)
    })
    for (const link of this.pendingLinks) {
      at(link.where)
      this.links(link.issue, link.spec)
    }
    const result: SeedResult = {projects: {}}
    all(seed.projects).forEach((p, i) => {
      at(`projects[${i}] (${p.title})`)
      const project = this.project(p, (w) => at(`projects[${i}] (${p.title}) ${w}`))
      result.projects[`${this.m.ownerLogin(project.ownerId)}/${project.number}`] = project.id
    })
    const apps = new AppService(this.m)
    all(seed.apps).forEach((a, i) => {
      at(`apps[${i}] (${a.slug})`)
      const owner = this.m.ownerOfLogin(a.owner) ?? fail(`The owner '${a.owner}' is not a user or organization of the seed.`)
      const app = apps.register({id: a.id, slug: a.slug, name: a.name, ownerId: owner.rec.id, publicKey: a.publicKey, permissions: a.permissions})
      all(a.installations).forEach((inst, j) => {
        at(`apps[${i}] (${a.slug}) installations[${j}]`)
        const account = this.m.ownerOfLogin(inst.account) ?? fail(`The account '${inst.account}' is not a user or organization of the seed.`)
        apps.install(app, account.rec.id, {id: inst.id, repositoryCount: inst.repositories, userCount: inst.users})
      })
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
    const login = o.login
    const org = this.m.orgOfLogin(login) ?? this.m.addOrg({login, name: o.name ?? null})
    if (o.name !== undefined) org.name = o.name
    for (const [member, role] of Object.entries(o.members ?? {})) {
      this.m.setMember(org, this.user(member).id, role)
    }
    const planning = new Planning(this.m)
    for (const t of all(o.issueTypes)) planning.addIssueType(org, t)
    for (const f of all(o.issueFields)) {
      planning.addIssueField(org, {
        name: f.name,
        dataType: f.type,
        description: f.description ?? null,
        visibility: f.visibility ?? null,
        options: f.options?.map((x, i) => ({...x, priority: i + 1})) ?? null,
      })
    }
    for (const t of all(o.teams)) {
      this.m.addTeam(org, {
        slug: t.slug,
        name: t.name ?? t.slug,
        description: t.description ?? null,
        memberIds: (t.members ?? []).map((l) => this.user(l).id),
      })
    }
  }

  private repo(r: SeedRepository): void {
    const owner = this.owner(r.owner)
    const repo = this.m.addRepo(owner.rec.id, {
      name: r.name,
      visibility: r.visibility,
      description: r.description ?? null,
      hasIssuesEnabled: r.hasIssuesEnabled,
      defaultLabels: r.defaultLabels ?? false,
    })
    repo.collaborators = all(r.collaborators).map((l) => this.user(l).id)
    for (const l of all(r.labels)) {
      if (r.defaultLabels && this.m.labelOf(repo, l.name)) continue
      this.m.addLabel(repo, {name: l.name, color: l.color, description: l.description ?? null})
    }
    for (const ms of all(r.milestones)) {
      this.m.addMilestone(repo, {
        title: ms.title,
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
        title: spec.title,
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
    const owner = this.owner(p.owner)
    const creator = p.creator ? this.user(p.creator).id : null
    const project = m.addProject(owner.rec.id, {title: p.title, creatorId: creator})
    project.shortDescription = p.shortDescription ?? null
    project.readme = p.readme ?? null
    project.public = p.public ?? false
    project.closed = p.closed ?? false
    project.closedAt = project.closed ? project.createdAt : null
    if (p.template) {
      if (owner.type !== 'Organization') fail('only organization projects can be templates.')
      project.template = true
    }
    all(p.fields).forEach((f, i) => {
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
        new Planning(m).addIssueTypeField(project, f.name)
        return
      }
      if (existing && existing.dataType === 'SINGLE_SELECT' && f.type === 'SINGLE_SELECT' && options) m.replaceOptions(existing, options, true)
      else if (BUILTIN_DATE_FIELD_TYPES.includes(f.type)) m.addBuiltinDateField(project, {name: f.name, dataType: f.type})
      else m.addField(project, {name: f.name, dataType: f.type, options: options ?? null, iteration: iteration ?? null, keepOptionIds: true})
    })
    all(p.issueFields).forEach((name, i) => {
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
      all(p.views).forEach((v, i) => {
        at(`views[${i}] (${v.name})`)
        m.addView(project, {
          name: v.name,
          layout: v.layout,
          filter: v.filter ?? null,
          visibleFieldIds: (v.visibleFields ?? []).map(fieldId),
          sortBy: (v.sortBy ?? []).map((s) => ({fieldId: fieldId(s.field), direction: s.direction ?? 'ASC'})),
          groupByFieldIds: (v.groupBy ?? []).map(fieldId),
          verticalGroupByFieldIds: (v.verticalGroupBy ?? []).map(fieldId),
          creatorId: creator,
          uiConfig: v.uiConfig,
        })
      })
      for (const id of defaults) m.deleteView(m.store.views[id])
    }
    all(p.workflows).forEach((w, i) => {
      at(`workflows[${i}] (${w.name})`)
      const existing = project.workflowIds.map((id) => m.store.workflows[id]).find((x) => x.name === w.name)
      if (existing) {
        existing.enabled = w.enabled
        if (w.config) existing.config = structuredClone(w.config)
      } else m.addWorkflow(project, {name: w.name, enabled: w.enabled, config: w.config})
    })
    if (p.insights?.length) project.insights = p.insights.map((i) => ({name: i.name, config: structuredClone(i.config ?? {})}))
    all(p.statusUpdates).forEach((u, i) => {
      at(`statusUpdates[${i}]`)
      m.addStatusUpdate(project, {...u, creatorId: u.creator ? this.user(u.creator).id : creator})
    })
    all(p.repositories).forEach((full, i) => {
      at(`repositories[${i}] (${full})`)
      const [o, n] = String(full).split('/')
      const repo = m.repoOf(o ?? '', n ?? '')
      if (!repo) fail(`repository "${full}" is not in the seed.`)
      if (!project.repoIds.includes(repo.id)) project.repoIds.push(repo.id)
    })
    all(p.teams).forEach((full, i) => {
      at(`teams[${i}] (${full})`)
      const [o, slug] = String(full).split('/')
      const org = m.orgOfLogin(o ?? '')
      const team = org && m.teamOf(org, slug ?? '')
      if (!team) fail(`team "${full}" is not in the seed (write org/team-slug).`)
      if (!project.teamIds.includes(team.id)) project.teamIds.push(team.id)
    })
    all(p.collaborators).forEach((c, i) => {
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
    all(p.items).forEach((spec, i) => {
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
          title: spec.draft!.title,
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
    ...all(r.issues).map((spec, i) => ({spec, kind: 'Issue' as const, where: `issues[${i}]`})),
    ...all(r.pullRequests).map((spec, i) => ({spec, kind: 'PullRequest' as const, where: `pullRequests[${i}]`})),
  ]
  const numbered = entries.filter((e) => e.spec.number !== undefined)
  const sorted = [...numbered].sort((a, b) => Number(a.spec.number) - Number(b.spec.number))
  let next = 0
  return entries.map((e) => (e.spec.number !== undefined ? sorted[next++] : e))
}
