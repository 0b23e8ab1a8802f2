/**
 * The world's model: the store plus the operations that change it, with GitHub's rules and hazards.
 * GraphQL mutations, REST routes and the seed loader all go through these operations; they check invariants
 * (names taken, options that do not exist, one item per content per project, ...) but not permissions, which are
 * the API layer's business. Every operation is O(1) or O(size of what it touches), so a seed of 50,000 items loads fast.
 */
import {SandboxError} from '../errors.js'
import {DEFAULT_FIELDS, DEFAULT_LABELS, DEFAULT_STATUS_OPTIONS, DEFAULT_VIEW_FIELDS, DEFAULT_WORKFLOWS, LIMITS} from './defaults.js'
import {IdGenerator, typeOfId, type NodeTypeName} from './ids.js'
import {
  BUILTIN_DATE_FIELD_TYPES,
  CUSTOM_FIELD_TYPES,
  OPTION_COLORS,
  emptyStore,
  type DraftRec,
  type FieldDataType,
  type FieldRec,
  type IssueRec,
  type IterationConfigRec,
  type IterationRec,
  type ItemRec,
  type LabelRec,
  type MilestoneRec,
  type OptionColor,
  type OptionRec,
  type OrgRec,
  type OrgRole,
  type ProjectRec,
  type ProjectStatus,
  type RepoRec,
  type StateReason,
  type StatusUpdateRec,
  type Store,
  type TeamRec,
  type Timestamp,
  type UserRec,
  type ValueRec,
  type ViewLayout,
  type ViewRec,
  type Visibility,
  type WorkflowRec,
} from './store.js'

export interface OptionInput {
  /** updateProjectV2Field: the id of an existing option of the field, to keep its identity (and its values) */
  id?: string | null
  name: string
  description?: string | null
  color?: OptionColor | null
}

export interface IterationConfigInput {
  duration: number
  startDate: string
  iterations?: Array<{title: string; startDate: string; duration: number}>
}

/** GraphQL `ProjectV2FieldValue`: exactly one member set. */
export interface ValueInput {
  text?: string | null
  number?: number | null
  date?: string | null
  singleSelectOptionId?: string | null
  iterationId?: string | null
}

export interface ViewInput {
  name: string
  layout?: ViewLayout
  filter?: string | null
  visibleFieldIds?: string[]
  sortBy?: Array<{fieldId: string; direction: 'ASC' | 'DESC'}>
  groupByFieldIds?: string[]
  verticalGroupByFieldIds?: string[]
  creatorId?: string | null
}

/** A record found by node id, tagged with the GitHub type it presents as. */
export type NodeRef =
  | {type: 'User'; rec: UserRec}
  | {type: 'Organization'; rec: OrgRec}
  | {type: 'Team'; rec: TeamRec}
  | {type: 'Repository'; rec: RepoRec}
  | {type: 'Issue'; rec: IssueRec}
  | {type: 'PullRequest'; rec: IssueRec}
  | {type: 'Label'; rec: LabelRec}
  | {type: 'Milestone'; rec: MilestoneRec}
  | {type: 'ProjectV2'; rec: ProjectRec}
  | {type: 'ProjectV2Field'; rec: FieldRec}
  | {type: 'ProjectV2SingleSelectField'; rec: FieldRec}
  | {type: 'ProjectV2IterationField'; rec: FieldRec}
  | {type: 'ProjectV2Item'; rec: ItemRec}
  | {type: 'DraftIssue'; rec: DraftRec}
  | {type: 'ProjectV2View'; rec: ViewRec}
  | {type: 'ProjectV2Workflow'; rec: WorkflowRec}
  | {type: 'ProjectV2StatusUpdate'; rec: StatusUpdateRec}
  | {type: 'ProjectV2ItemFieldValue'; rec: ValueRec; item: ItemRec; field: FieldRec}

export type Owner = {type: 'User'; rec: UserRec} | {type: 'Organization'; rec: OrgRec}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/

/** GitHub's answer to a change of an archived item (its values, its draft). */
export const ARCHIVED_ITEM_MESSAGE = 'The item is archived and cannot be updated'

export function unprocessable(message: string): SandboxError {
  return new SandboxError('UNPROCESSABLE', message)
}

export function nodeNotFound(id: string): SandboxError {
  return new SandboxError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'.`)
}

/** The type prefix a field's node id gets. */
function fieldNodeType(dataType: FieldDataType): NodeTypeName {
  if (dataType === 'SINGLE_SELECT') return 'ProjectV2SingleSelectField'
  if (dataType === 'ITERATION') return 'ProjectV2IterationField'
  return 'ProjectV2Field'
}

export function fieldTypeName(field: FieldRec): 'ProjectV2Field' | 'ProjectV2SingleSelectField' | 'ProjectV2IterationField' {
  // a project field showing an organization issue field has no options of its own: the options are the issue field's
  if (field.issueFieldId) return 'ProjectV2Field'
  return fieldNodeType(field.dataType) as 'ProjectV2Field' | 'ProjectV2SingleSelectField' | 'ProjectV2IterationField'
}

export function isCustomField(field: FieldRec): boolean {
  return CUSTOM_FIELD_TYPES.includes(field.dataType)
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

function checkDate(date: string, what: string): string {
  if (!DATE_RE.test(date) || Number.isNaN(new Date(`${date}T00:00:00Z`).getTime())) {
    throw unprocessable(`${what} '${date}' is not a valid date (use YYYY-MM-DD).`)
  }
  return date
}

export class Model {
  readonly ids: IdGenerator
  private readonly ownerByLogin = new Map<string, string>()
  private readonly repoByName = new Map<string, string>()
  private readonly projectByNumber = new Map<string, string>()
  private readonly itemsByContent = new Map<string, string[]>()
  private readonly itemOfValue = new Map<string, string>()
  private stampCache = {ms: Number.NaN, text: ''}

  constructor(
    readonly store: Store,
    readonly now: () => Date,
    readonly baseUrl: string,
  ) {
    this.ids = new IdGenerator(store.counters)
    this.reindex()
  }

  /** A new world: the user `octocat` and the organisation `acme` (octocat its admin). */
  static create(now: () => Date, baseUrl: string): Model {
    const model = new Model(emptyStore(), now, baseUrl)
    const octocat = model.addUser({login: 'octocat', name: 'The Octocat'})
    const acme = model.addOrg({login: 'acme', name: 'Acme'})
    model.setMember(acme, octocat.id, 'ADMIN')
    return model
  }

  private reindex(): void {
    const s = this.store
    for (const u of Object.values(s.users)) this.ownerByLogin.set(u.login.toLowerCase(), u.id)
    for (const o of Object.values(s.orgs)) this.ownerByLogin.set(o.login.toLowerCase(), o.id)
    for (const r of Object.values(s.repos)) this.repoByName.set(this.repoKey(r.ownerId, r.name), r.id)
    for (const p of Object.values(s.projects)) this.projectByNumber.set(`${p.ownerId}#${p.number}`, p.id)
    for (const item of Object.values(s.items)) {
      this.indexItem(item)
      for (const v of Object.values(item.values)) this.itemOfValue.set(v.id, item.id)
    }
  }

  private indexItem(item: ItemRec): void {
    const list = this.itemsByContent.get(item.contentId)
    if (list) list.push(item.id)
    else this.itemsByContent.set(item.contentId, [item.id])
  }

  private repoKey(ownerId: string, name: string): string {
    return `${ownerId}/${name.toLowerCase()}`
  }

  /** Current time as GitHub prints it. */
  timestamp(): Timestamp {
    const ms = this.now().getTime()
    if (ms !== this.stampCache.ms) this.stampCache = {ms, text: new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')}
    return this.stampCache.text
  }

  /** Today's date (UTC) as YYYY-MM-DD. */
  today(): string {
    return this.now().toISOString().slice(0, 10)
  }

  private base(type: NodeTypeName): {id: string; databaseId: number; createdAt: Timestamp; updatedAt: Timestamp} {
    const t = this.timestamp()
    return {id: this.ids.node(type), databaseId: this.ids.databaseId(), createdAt: t, updatedAt: t}
  }

  touch(rec: {updatedAt: Timestamp}): void {
    rec.updatedAt = this.timestamp()
  }

  // ---------------------------------------------------------------- lookups

  /** The record behind a node id, or undefined. */
  node(id: string): NodeRef | undefined {
    const type = typeOfId(id)
    const s = this.store
    switch (type) {
      case 'User':
        return s.users[id] ? {type, rec: s.users[id]} : undefined
      case 'Organization':
        return s.orgs[id] ? {type, rec: s.orgs[id]} : undefined
      case 'Team':
        return s.teams[id] ? {type, rec: s.teams[id]} : undefined
      case 'Repository':
        return s.repos[id] ? {type, rec: s.repos[id]} : undefined
      case 'Issue':
      case 'PullRequest':
        return s.issues[id] ? {type: s.issues[id].kind, rec: s.issues[id]} : undefined
      case 'Label':
        return s.labels[id] ? {type, rec: s.labels[id]} : undefined
      case 'Milestone':
        return s.milestones[id] ? {type, rec: s.milestones[id]} : undefined
      case 'ProjectV2':
        return s.projects[id] ? {type, rec: s.projects[id]} : undefined
      case 'ProjectV2Field':
      case 'ProjectV2SingleSelectField':
      case 'ProjectV2IterationField':
        return s.fields[id] ? {type: fieldTypeName(s.fields[id]), rec: s.fields[id]} : undefined
      case 'ProjectV2Item':
        return s.items[id] ? {type, rec: s.items[id]} : undefined
      case 'DraftIssue':
        return s.drafts[id] ? {type, rec: s.drafts[id]} : undefined
      case 'ProjectV2View':
        return s.views[id] ? {type, rec: s.views[id]} : undefined
      case 'ProjectV2Workflow':
        return s.workflows[id] ? {type, rec: s.workflows[id]} : undefined
      case 'ProjectV2StatusUpdate':
        return s.statusUpdates[id] ? {type, rec: s.statusUpdates[id]} : undefined
      case 'ProjectV2ItemFieldTextValue':
      case 'ProjectV2ItemFieldNumberValue':
      case 'ProjectV2ItemFieldDateValue':
      case 'ProjectV2ItemFieldSingleSelectValue':
      case 'ProjectV2ItemFieldIterationValue': {
        const item = s.items[this.itemOfValue.get(id) ?? '']
        if (!item) return undefined
        for (const [fieldId, rec] of Object.entries(item.values)) {
          if (rec.id === id && s.fields[fieldId]) return {type: 'ProjectV2ItemFieldValue', rec, item, field: s.fields[fieldId]}
        }
        return undefined
      }
      default:
        return undefined
    }
  }

  /** The record behind a node id that must be one of `types`; NOT_FOUND otherwise. */
  expect<T extends NodeRef['type']>(id: string, ...types: T[]): Extract<NodeRef, {type: T}> {
    const ref = this.node(id)
    if (!ref || !types.includes(ref.type as T)) throw nodeNotFound(id)
    return ref as Extract<NodeRef, {type: T}>
  }

  owner(id: string): Owner | undefined {
    if (this.store.users[id]) return {type: 'User', rec: this.store.users[id]}
    if (this.store.orgs[id]) return {type: 'Organization', rec: this.store.orgs[id]}
    return undefined
  }

  ownerOfLogin(login: string): Owner | undefined {
    const id = this.ownerByLogin.get(login.toLowerCase())
    return id === undefined ? undefined : this.owner(id)
  }

  userOfLogin(login: string): UserRec | undefined {
    const owner = this.ownerOfLogin(login)
    return owner?.type === 'User' ? owner.rec : undefined
  }

  orgOfLogin(login: string): OrgRec | undefined {
    const owner = this.ownerOfLogin(login)
    return owner?.type === 'Organization' ? owner.rec : undefined
  }

  ownerLogin(ownerId: string): string {
    return this.owner(ownerId)?.rec.login ?? 'ghost'
  }

  repoOf(ownerLogin: string, name: string): RepoRec | undefined {
    const owner = this.ownerOfLogin(ownerLogin)
    if (!owner) return undefined
    return this.store.repos[this.repoByName.get(this.repoKey(owner.rec.id, name)) ?? '']
  }

  repoFullName(repo: RepoRec): string {
    return `${this.ownerLogin(repo.ownerId)}/${repo.name}`
  }

  issueOf(repo: RepoRec, number: number): IssueRec | undefined {
    return this.store.issues[repo.numbers[String(number)] ?? '']
  }

  projectOf(ownerId: string, number: number): ProjectRec | undefined {
    return this.store.projects[this.projectByNumber.get(`${ownerId}#${number}`) ?? '']
  }

  projectsOfOwner(ownerId: string): ProjectRec[] {
    return Object.values(this.store.projects).filter((p) => p.ownerId === ownerId)
  }

  fields(project: ProjectRec): FieldRec[] {
    return project.fieldIds.map((id) => this.store.fields[id])
  }

  fieldOfName(project: ProjectRec, name: string): FieldRec | undefined {
    const fields = this.fields(project)
    return fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase())
  }

  items(project: ProjectRec): ItemRec[] {
    return project.itemIds.map((id) => this.store.items[id])
  }

  /** Items (in any project) whose content is the issue, pull request or draft with this id. */
  itemsOfContent(contentId: string): ItemRec[] {
    return (this.itemsByContent.get(contentId) ?? []).map((id) => this.store.items[id])
  }

  itemOfContent(project: ProjectRec, contentId: string): ItemRec | undefined {
    return this.itemsOfContent(contentId).find((i) => i.projectId === project.id)
  }

  /** Iterations of a field split by today's date, as GitHub reports them. */
  iterationsOf(field: FieldRec): {iterations: IterationRec[]; completedIterations: IterationRec[]} {
    const today = this.today()
    const iterations: IterationRec[] = []
    const completedIterations: IterationRec[] = []
    for (const it of field.iteration?.iterations ?? []) {
      if (addDays(it.startDate, it.duration) <= today) completedIterations.push(it)
      else iterations.push(it)
    }
    completedIterations.reverse()
    return {iterations, completedIterations}
  }

  projectUrl(project: ProjectRec): string {
    const owner = this.owner(project.ownerId)
    const kind = owner?.type === 'Organization' ? 'orgs' : 'users'
    return `${this.baseUrl}/${kind}/${owner?.rec.login ?? 'ghost'}/projects/${project.number}`
  }

  issueUrl(issue: IssueRec): string {
    const repo = this.store.repos[issue.repoId]
    return `${this.baseUrl}/${this.repoFullName(repo)}/${issue.kind === 'Issue' ? 'issues' : 'pull'}/${issue.number}`
  }

  // ---------------------------------------------------------------- accounts

  addUser(input: {login: string; name?: string | null}): UserRec {
    this.assertLoginFree(input.login)
    const user: UserRec = {...this.base('User'), login: input.login, name: input.name ?? null}
    this.store.users[user.id] = user
    this.ownerByLogin.set(user.login.toLowerCase(), user.id)
    return user
  }

  addOrg(input: {login: string; name?: string | null}): OrgRec {
    this.assertLoginFree(input.login)
    const org: OrgRec = {...this.base('Organization'), login: input.login, name: input.name ?? null, members: {}}
    this.store.orgs[org.id] = org
    this.ownerByLogin.set(org.login.toLowerCase(), org.id)
    return org
  }

  private assertLoginFree(login: string): void {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(login)) throw unprocessable(`Login '${login}' is not a valid GitHub login.`)
    if (this.ownerByLogin.has(login.toLowerCase())) throw unprocessable(`Login '${login}' is already taken.`)
  }

  setMember(org: OrgRec, userId: string, role: OrgRole): void {
    org.members[userId] = role
  }

  addTeam(org: OrgRec, input: {name: string; slug?: string; description?: string | null; memberIds?: string[]}): TeamRec {
    const slug = input.slug ?? input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
    if (Object.values(this.store.teams).some((t) => t.orgId === org.id && t.slug === slug)) {
      throw unprocessable(`Team '${slug}' already exists in ${org.login}.`)
    }
    const team: TeamRec = {
      ...this.base('Team'),
      orgId: org.id,
      slug,
      name: input.name,
      description: input.description ?? null,
      members: [...(input.memberIds ?? [])],
    }
    this.store.teams[team.id] = team
    return team
  }

  teamOf(org: OrgRec, slug: string): TeamRec | undefined {
    return Object.values(this.store.teams).find((t) => t.orgId === org.id && t.slug === slug)
  }

  // ---------------------------------------------------------------- repositories, labels, milestones, issues

  addRepo(
    ownerId: string,
    input: {name: string; visibility?: Visibility; description?: string | null; hasIssuesEnabled?: boolean; defaultLabels?: boolean},
  ): RepoRec {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(input.name)) throw unprocessable(`Repository name '${input.name}' is not valid.`)
    if (this.repoByName.has(this.repoKey(ownerId, input.name))) throw unprocessable('Name already exists on this account')
    const repo: RepoRec = {
      ...this.base('Repository'),
      ownerId,
      name: input.name,
      description: input.description ?? null,
      visibility: input.visibility ?? 'PUBLIC',
      hasIssuesEnabled: input.hasIssuesEnabled ?? true,
      collaborators: [],
      nextNumber: 1,
      nextMilestoneNumber: 1,
      numbers: {},
      labelIds: [],
      milestones: {},
    }
    this.store.repos[repo.id] = repo
    this.repoByName.set(this.repoKey(ownerId, repo.name), repo.id)
    if (input.defaultLabels) for (const l of DEFAULT_LABELS) this.addLabel(repo, {...l, isDefault: true})
    return repo
  }

  labelOf(repo: RepoRec, name: string): LabelRec | undefined {
    const lower = name.toLowerCase()
    return repo.labelIds.map((id) => this.store.labels[id]).find((l) => l.name.toLowerCase() === lower)
  }

  addLabel(repo: RepoRec, input: {name: string; color?: string; description?: string | null; isDefault?: boolean}): LabelRec {
    if (!input.name.trim()) throw unprocessable("Name can't be blank")
    if (this.labelOf(repo, input.name)) throw unprocessable('Name has already been taken')
    const color = (input.color ?? 'ededed').replace(/^#/, '').toLowerCase()
    if (!/^[0-9a-f]{6}$/.test(color)) throw unprocessable('Color is invalid')
    const label: LabelRec = {
      ...this.base('Label'),
      repoId: repo.id,
      name: input.name,
      color,
      description: input.description ?? null,
      isDefault: input.isDefault ?? false,
    }
    this.store.labels[label.id] = label
    repo.labelIds.push(label.id)
    return label
  }

  milestoneOf(repo: RepoRec, number: number): MilestoneRec | undefined {
    return this.store.milestones[repo.milestones[String(number)] ?? '']
  }

  milestones(repo: RepoRec): MilestoneRec[] {
    return Object.values(repo.milestones).map((id) => this.store.milestones[id])
  }

  addMilestone(
    repo: RepoRec,
    input: {title: string; description?: string | null; state?: 'OPEN' | 'CLOSED'; dueOn?: string | null; creatorId?: string | null},
  ): MilestoneRec {
    if (!input.title.trim()) throw unprocessable("Title can't be blank")
    if (this.milestones(repo).some((m) => m.title === input.title)) throw unprocessable('Title has already been taken')
    const state = input.state ?? 'OPEN'
    const base = this.base('Milestone')
    const milestone: MilestoneRec = {
      ...base,
      repoId: repo.id,
      number: repo.nextMilestoneNumber++,
      title: input.title,
      description: input.description ?? null,
      state,
      dueOn: input.dueOn ?? null,
      closedAt: state === 'CLOSED' ? base.createdAt : null,
      creatorId: input.creatorId ?? null,
    }
    this.store.milestones[milestone.id] = milestone
    repo.milestones[String(milestone.number)] = milestone.id
    return milestone
  }

  deleteMilestone(milestone: MilestoneRec): void {
    const repo = this.store.repos[milestone.repoId]
    delete repo.milestones[String(milestone.number)]
    delete this.store.milestones[milestone.id]
    for (const issue of Object.values(this.store.issues)) {
      if (issue.milestoneId === milestone.id) issue.milestoneId = null
    }
  }

  addIssue(
    repo: RepoRec,
    input: {
      kind?: 'Issue' | 'PullRequest'
      title: string
      body?: string | null
      authorId?: string | null
      state?: 'OPEN' | 'CLOSED' | 'MERGED'
      stateReason?: StateReason | null
      labelIds?: string[]
      assigneeIds?: string[]
      milestoneId?: string | null
      isDraft?: boolean
      reviewerIds?: string[]
      baseRefName?: string
      headRefName?: string
    },
  ): IssueRec {
    const kind = input.kind ?? 'Issue'
    if (!input.title.trim()) throw unprocessable("Title can't be blank")
    if (kind === 'Issue' && !repo.hasIssuesEnabled) throw unprocessable(`Repository ${this.repoFullName(repo)} has disabled issues.`)
    const state = input.state ?? 'OPEN'
    if (kind === 'Issue' && state === 'MERGED') throw unprocessable('An issue cannot be merged.')
    const base = this.base(kind)
    const closed = state !== 'OPEN'
    const issue: IssueRec = {
      ...base,
      kind,
      repoId: repo.id,
      number: repo.nextNumber++,
      title: input.title,
      body: input.body ?? '',
      state,
      stateReason: kind === 'Issue' && closed ? (input.stateReason ?? 'COMPLETED') : (input.stateReason ?? null),
      closedAt: closed ? base.createdAt : null,
      authorId: input.authorId ?? null,
      labelIds: [...new Set(input.labelIds ?? [])],
      assigneeIds: [...new Set(input.assigneeIds ?? [])],
      milestoneId: input.milestoneId ?? null,
      parentId: null,
      subIssueIds: [],
      blockedByIds: [],
      isDraft: input.isDraft ?? false,
      mergedAt: state === 'MERGED' ? base.createdAt : null,
      baseRefName: input.baseRefName ?? (kind === 'PullRequest' ? 'main' : ''),
      headRefName: input.headRefName ?? (kind === 'PullRequest' ? `branch-${repo.nextNumber - 1}` : ''),
      reviewerIds: [...new Set(input.reviewerIds ?? [])],
    }
    this.store.issues[issue.id] = issue
    repo.numbers[String(issue.number)] = issue.id
    return issue
  }

  closeIssue(issue: IssueRec, reason: StateReason | null): void {
    if (issue.state === 'MERGED') throw unprocessable('A merged pull request cannot be closed.')
    issue.state = 'CLOSED'
    issue.stateReason = issue.kind === 'Issue' ? (reason ?? 'COMPLETED') : null
    issue.closedAt = this.timestamp()
    this.touch(issue)
  }

  reopenIssue(issue: IssueRec): void {
    if (issue.state === 'MERGED') throw unprocessable('A merged pull request cannot be reopened.')
    if (issue.state === 'OPEN') return
    issue.state = 'OPEN'
    issue.stateReason = issue.kind === 'Issue' ? 'REOPENED' : null
    issue.closedAt = null
    this.touch(issue)
  }

  /** Makes `sub` a sub-issue of `parent` (appended last). */
  addSubIssue(parent: IssueRec, sub: IssueRec, replaceParent = false): void {
    if (parent.kind !== 'Issue' || sub.kind !== 'Issue') throw unprocessable('Only issues can have sub-issues.')
    if (parent.id === sub.id) throw unprocessable('An issue cannot be its own sub-issue.')
    if (sub.parentId === parent.id) throw unprocessable('Issue is already a sub-issue of this issue.')
    if (sub.parentId && !replaceParent) throw unprocessable('Issue may not contain duplicate sub-issues and may only have one parent.')
    for (let up: IssueRec | undefined = parent; up; up = up.parentId ? this.store.issues[up.parentId] : undefined) {
      if (up.id === sub.id) throw unprocessable('An issue cannot be a sub-issue of its own sub-issue.')
    }
    const levels = (issue: IssueRec, seen: Set<string>): number =>
      seen.has(issue.id) ? 0 : (seen.add(issue.id), Math.max(0, ...issue.subIssueIds.map((id) => (this.store.issues[id] ? 1 + levels(this.store.issues[id], seen) : 0))))
    let depth = 1
    for (let up = parent.parentId ? this.store.issues[parent.parentId] : undefined; up; up = up.parentId ? this.store.issues[up.parentId] : undefined) depth++
    if (depth + levels(sub, new Set()) > LIMITS.subIssueDepth) {
      throw unprocessable(`Sub-issues can only be nested ${LIMITS.subIssueDepth} levels deep.`)
    }
    if (parent.subIssueIds.length >= LIMITS.subIssuesPerParent) {
      throw unprocessable(`Parent cannot have more than ${LIMITS.subIssuesPerParent} sub-issues.`)
    }
    if (sub.parentId) this.removeSubIssue(this.store.issues[sub.parentId], sub)
    parent.subIssueIds.push(sub.id)
    sub.parentId = parent.id
    this.touch(parent)
    this.touch(sub)
  }

  removeSubIssue(parent: IssueRec, sub: IssueRec): void {
    if (sub.parentId !== parent.id) throw unprocessable('Issue is not a sub-issue of this issue.')
    parent.subIssueIds = parent.subIssueIds.filter((id) => id !== sub.id)
    sub.parentId = null
    this.touch(parent)
    this.touch(sub)
  }

  addBlockedBy(issue: IssueRec, blocker: IssueRec): void {
    if (issue.id === blocker.id) throw unprocessable('An issue cannot be blocked by itself.')
    if (issue.blockedByIds.includes(blocker.id)) throw unprocessable('Issue is already blocked by this issue.')
    if (blocker.blockedByIds.includes(issue.id)) throw unprocessable('Issues cannot block each other.')
    issue.blockedByIds.push(blocker.id)
    this.touch(issue)
  }

  removeBlockedBy(issue: IssueRec, blocker: IssueRec): void {
    if (!issue.blockedByIds.includes(blocker.id)) throw unprocessable('Issue is not blocked by this issue.')
    issue.blockedByIds = issue.blockedByIds.filter((id) => id !== blocker.id)
    this.touch(issue)
  }

  /** Issues this one blocks (the inverse of blocked-by). */
  blocking(issue: IssueRec): IssueRec[] {
    return Object.values(this.store.issues).filter((i) => i.blockedByIds.includes(issue.id))
  }

  // ---------------------------------------------------------------- projects

  /** A new project with GitHub's default fields, the default view "View 1" and the built-in workflows. */
  addProject(ownerId: string, input: {title: string; creatorId?: string | null}): ProjectRec {
    if (!this.owner(ownerId)) throw nodeNotFound(ownerId)
    if (!input.title.trim()) throw unprocessable("Title can't be blank")
    const number = this.store.projectNumbers[ownerId] ?? 1
    this.store.projectNumbers[ownerId] = number + 1
    const project: ProjectRec = {
      ...this.base('ProjectV2'),
      ownerId,
      number,
      title: input.title,
      shortDescription: null,
      readme: null,
      public: false,
      closed: false,
      closedAt: null,
      template: false,
      creatorId: input.creatorId ?? null,
      fieldIds: [],
      viewIds: [],
      workflowIds: [],
      statusUpdateIds: [],
      itemIds: [],
      repoIds: [],
      teamIds: [],
      collaborators: {},
      nextViewNumber: 1,
      nextWorkflowNumber: 1,
    }
    this.store.projects[project.id] = project
    this.projectByNumber.set(`${ownerId}#${number}`, project.id)
    for (const f of DEFAULT_FIELDS) {
      const field = this.insertField(project, f.name, f.dataType, undefined, undefined)
      if (f.dataType === 'SINGLE_SELECT') field.options = DEFAULT_STATUS_OPTIONS.map((o) => ({...o}))
    }
    const visible = DEFAULT_VIEW_FIELDS.map((name) => this.fieldOfName(project, name)!.id)
    this.addView(project, {name: 'View 1', layout: 'TABLE_LAYOUT', visibleFieldIds: visible, creatorId: input.creatorId})
    for (const w of DEFAULT_WORKFLOWS) this.addWorkflow(project, w)
    return project
  }

  deleteProject(project: ProjectRec): void {
    const s = this.store
    for (const item of this.items(project)) this.forgetItem(item)
    for (const id of project.fieldIds) delete s.fields[id]
    for (const id of project.viewIds) delete s.views[id]
    for (const id of project.workflowIds) delete s.workflows[id]
    for (const id of project.statusUpdateIds) delete s.statusUpdates[id]
    this.projectByNumber.delete(`${project.ownerId}#${project.number}`)
    delete s.projects[project.id]
  }

  /** copyProjectV2: settings, fields (new ids), views, workflows and, when asked, draft issues with their values. */
  copyProject(source: ProjectRec, ownerId: string, input: {title: string; includeDraftIssues: boolean; creatorId: string | null}): ProjectRec {
    const copy = this.addProject(ownerId, {title: input.title, creatorId: input.creatorId})
    copy.shortDescription = source.shortDescription
    copy.readme = source.readme
    const fieldMap = new Map<string, FieldRec>()
    // option and iteration ids are unique within their field only (the default Status options have the same ids in
    // every project): map them per field
    const optionMap = new Map<string, string>()
    const key = (fieldId: string, id: string) => `${fieldId}/${id}`
    for (const field of this.fields(source)) {
      let target = this.fieldOfName(copy, field.name)
      if (target && target.dataType !== field.dataType) continue
      if (!target) {
        target = this.insertField(copy, field.name, field.dataType, undefined, undefined)
      }
      if (field.options) {
        target.options = field.options.map((o) => {
          const id = this.ids.hex()
          optionMap.set(key(field.id, o.id), id)
          return {...o, id}
        })
      }
      if (field.iteration) {
        target.iteration = {
          ...field.iteration,
          iterations: field.iteration.iterations.map((it) => {
            const id = this.ids.hex()
            optionMap.set(key(field.id, it.id), id)
            return {...it, id}
          }),
        }
      }
      fieldMap.set(field.id, target)
    }
    const mapIds = (ids: string[]) => ids.flatMap((id) => (fieldMap.has(id) ? [fieldMap.get(id)!.id] : []))
    for (const id of copy.viewIds) this.deleteView(this.store.views[id])
    for (const view of source.viewIds.map((id) => this.store.views[id])) {
      this.addView(copy, {
        name: view.name,
        layout: view.layout,
        filter: view.filter,
        visibleFieldIds: mapIds(view.visibleFieldIds),
        sortBy: view.sortBy.flatMap((s) => (fieldMap.has(s.fieldId) ? [{fieldId: fieldMap.get(s.fieldId)!.id, direction: s.direction}] : [])),
        groupByFieldIds: mapIds(view.groupByFieldIds),
        verticalGroupByFieldIds: mapIds(view.verticalGroupByFieldIds),
        creatorId: input.creatorId,
      })
    }
    const enabled = new Map(source.workflowIds.map((id) => [this.store.workflows[id].name, this.store.workflows[id].enabled]))
    for (const id of copy.workflowIds) {
      const w = this.store.workflows[id]
      if (enabled.has(w.name)) w.enabled = enabled.get(w.name)!
    }
    if (input.includeDraftIssues) {
      for (const item of this.items(source)) {
        if (item.type !== 'DRAFT_ISSUE') continue
        const draft = this.store.drafts[item.contentId]
        const added = this.addDraftItem(copy, {title: draft.title, body: draft.body, assigneeIds: draft.assigneeIds, creatorId: input.creatorId})
        added.archived = item.archived
        for (const [fieldId, value] of Object.entries(item.values)) {
          const target = fieldMap.get(fieldId)
          if (!target) continue
          const mapped = {...value}
          if (mapped.optionId) mapped.optionId = optionMap.get(key(fieldId, mapped.optionId))
          if (mapped.iterationId) mapped.iterationId = optionMap.get(key(fieldId, mapped.iterationId))
          if (mapped.optionId === undefined && value.optionId) continue
          if (mapped.iterationId === undefined && value.iterationId) continue
          this.putValue(added, target, mapped)
        }
      }
    }
    return copy
  }

  // ---------------------------------------------------------------- fields

  private insertField(
    project: ProjectRec,
    name: string,
    dataType: FieldDataType,
    options: ReadonlyArray<OptionInput> | undefined,
    iteration: IterationConfigInput | undefined,
    keepOptionIds = false,
  ): FieldRec {
    const field: FieldRec = {...this.base(fieldNodeType(dataType)), projectId: project.id, name, dataType}
    if (dataType === 'SINGLE_SELECT') field.options = this.buildOptions(options ?? [], keepOptionIds)
    if (dataType === 'ITERATION') field.iteration = this.buildIterations(iteration ?? {duration: 14, startDate: this.today()})
    this.store.fields[field.id] = field
    project.fieldIds.push(field.id)
    return field
  }

  /** createProjectV2Field: only DATE, ITERATION, NUMBER, SINGLE_SELECT and TEXT; names unique per project. */
  addField(
    project: ProjectRec,
    input: {
      name: string
      dataType: FieldDataType
      options?: ReadonlyArray<OptionInput> | null
      iteration?: IterationConfigInput | null
      /** seeds only: keep the option ids given (createProjectV2Field ignores them: a new field's options are new) */
      keepOptionIds?: boolean
    },
  ): FieldRec {
    if (!CUSTOM_FIELD_TYPES.includes(input.dataType)) {
      throw unprocessable(`Fields of type ${input.dataType} cannot be created; only ${CUSTOM_FIELD_TYPES.join(', ')} can.`)
    }
    this.assertFieldName(project, input.name)
    if (project.fieldIds.length >= LIMITS.fieldsPerProject) throw unprocessable(`Projects can have at most ${LIMITS.fieldsPerProject} fields.`)
    if (input.dataType === 'SINGLE_SELECT' && !input.options?.length) {
      throw unprocessable('Single select fields must have at least one option (singleSelectOptions).')
    }
    if (input.options && input.dataType !== 'SINGLE_SELECT') throw unprocessable('singleSelectOptions can only be given for SINGLE_SELECT fields.')
    if (input.iteration && input.dataType !== 'ITERATION') throw unprocessable('iterationConfiguration can only be given for ITERATION fields.')
    return this.insertField(project, input.name, input.dataType, input.options ?? undefined, input.iteration ?? undefined, input.keepOptionIds ?? false)
  }

  /** A built-in, read-only CREATED / UPDATED / CLOSED field (no API creates them; seeds declare them). */
  addBuiltinDateField(project: ProjectRec, input: {name: string; dataType: FieldDataType}): FieldRec {
    if (!BUILTIN_DATE_FIELD_TYPES.includes(input.dataType)) {
      throw unprocessable(`Only ${BUILTIN_DATE_FIELD_TYPES.join(', ')} are built-in date fields.`)
    }
    if (this.fields(project).some((f) => f.dataType === input.dataType)) throw unprocessable(`The project already has a ${input.dataType} field.`)
    this.assertFieldName(project, input.name)
    return this.insertField(project, input.name, input.dataType, undefined, undefined)
  }

  private assertFieldName(project: ProjectRec, name: string, except?: FieldRec): void {
    if (!name.trim()) throw unprocessable("Name can't be blank")
    const clash = this.fields(project).find((f) => f !== except && f.name.toLowerCase() === name.toLowerCase())
    if (clash) throw unprocessable('Name has already been taken')
  }

  renameField(field: FieldRec, name: string): void {
    if (!isCustomField(field)) throw unprocessable(`The built-in field ${field.name} cannot be renamed.`)
    this.assertFieldName(this.store.projects[field.projectId], name, field)
    field.name = name
    this.touch(field)
  }

  /** Options as given; `keepIds`: an input's id is kept (checked by the caller), else every option gets a new id. */
  private buildOptions(inputs: ReadonlyArray<OptionInput>, keepIds = false): OptionRec[] {
    if (inputs.length > LIMITS.optionsPerField) throw unprocessable(`A field can have at most ${LIMITS.optionsPerField} options.`)
    const seen = new Set<string>()
    const ids = new Set<string>()
    return inputs.map((o) => {
      if (keepIds && o.id) {
        if (ids.has(o.id)) throw unprocessable(`Option id '${o.id}' appears twice.`)
        ids.add(o.id)
      }
      if (!o.name.trim()) throw unprocessable("Option name can't be blank")
      if (seen.has(o.name)) throw unprocessable(`Option names must be unique: '${o.name}' appears twice.`)
      seen.add(o.name)
      const color = o.color ?? 'GRAY'
      if (!OPTION_COLORS.includes(color)) throw unprocessable(`Option color ${color} is not one of ${OPTION_COLORS.join(', ')}.`)
      return {id: keepIds && o.id ? o.id : this.ids.hex(), name: o.name, description: o.description ?? '', color}
    })
  }

  buildIterations(input: IterationConfigInput): IterationConfigRec {
    checkDate(input.startDate, 'startDate')
    if (!Number.isInteger(input.duration) || input.duration < 1) throw unprocessable('Iteration duration must be a positive number of days.')
    const given = input.iterations ?? []
    const iterations: IterationRec[] = given.length
      ? given.map((it) => {
          checkDate(it.startDate, 'Iteration startDate')
          if (!it.title.trim()) throw unprocessable("Iteration title can't be blank")
          return {id: this.ids.hex(), title: it.title, startDate: it.startDate, duration: it.duration}
        })
      : [0, 1, 2].map((i) => ({
          id: this.ids.hex(),
          title: `Iteration ${i + 1}`,
          startDate: addDays(input.startDate, i * input.duration),
          duration: input.duration,
        }))
    iterations.sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : 0))
    return {duration: input.duration, startDay: new Date(`${input.startDate}T00:00:00Z`).getUTCDay(), iterations}
  }

  /**
   * updateProjectV2Field with singleSelectOptions (GitHub since 2026-04-22): the list given becomes the field's list.
   * - an option sent WITH the id of one of the field's options keeps that id, and every value pointing at it stays
   *   (its name, colour and description are updated);
   * - HAZARD (GitHub's): an option sent WITHOUT id is a new option with a new id, even with an unchanged name, and
   *   every option not in the list is removed: item values that pointed at a removed option are orphaned;
   * - an empty list is ignored ("Empty input is ignored");
   * - an id that is not an option of this field is refused (nothing changes): identity cannot move between fields.
   * `anyIds` (seeds only) accepts ids the field does not have yet.
   */
  replaceOptions(field: FieldRec, inputs: ReadonlyArray<OptionInput>, anyIds = false): void {
    if (field.dataType !== 'SINGLE_SELECT') throw unprocessable(`Field ${field.name} is not a single select field.`)
    if (!inputs.length) return
    const existing = new Set((field.options ?? []).map((o) => o.id))
    for (const o of inputs) {
      if (o.id === undefined || o.id === null || anyIds) continue
      if (!existing.has(o.id)) throw unprocessable(`Option id '${o.id}' is not an option of field ${field.name}.`)
    }
    field.options = this.buildOptions(inputs, true)
    this.pruneValues(field)
    this.touch(field)
  }

  /** HAZARD (GitHub's): a replaced iteration configuration re-ids every iteration; values pointing at old ones are orphaned. */
  replaceIterations(field: FieldRec, input: IterationConfigInput): void {
    if (field.dataType !== 'ITERATION') throw unprocessable(`Field ${field.name} is not an iteration field.`)
    // "Empty input is ignored": no iterations given leaves the configuration as it is (iterations carry no ids)
    if (input.iterations && !input.iterations.length) return
    field.iteration = this.buildIterations(input)
    this.pruneValues(field)
    this.touch(field)
  }

  /** Drops values of `field` that no longer point at an existing option / iteration. */
  private pruneValues(field: FieldRec): void {
    const live = new Set([...(field.options ?? []).map((o) => o.id), ...(field.iteration?.iterations ?? []).map((i) => i.id)])
    for (const item of this.items(this.store.projects[field.projectId])) {
      const value = item.values[field.id]
      if (!value) continue
      const ref = value.optionId ?? value.iterationId
      if (ref !== undefined && !live.has(ref)) this.dropValue(item, field.id)
    }
  }

  /** HAZARD (GitHub's): the field goes, and with it every item's value of it. */
  deleteField(field: FieldRec): void {
    if (!isCustomField(field)) throw unprocessable(`The built-in field ${field.name} cannot be deleted.`)
    const project = this.store.projects[field.projectId]
    for (const item of this.items(project)) if (item.values[field.id]) this.dropValue(item, field.id)
    project.fieldIds = project.fieldIds.filter((id) => id !== field.id)
    for (const id of project.viewIds) {
      const v = this.store.views[id]
      v.visibleFieldIds = v.visibleFieldIds.filter((f) => f !== field.id)
      v.groupByFieldIds = v.groupByFieldIds.filter((f) => f !== field.id)
      v.verticalGroupByFieldIds = v.verticalGroupByFieldIds.filter((f) => f !== field.id)
      v.sortBy = v.sortBy.filter((s) => s.fieldId !== field.id)
    }
    delete this.store.fields[field.id]
    this.touch(project)
  }

  // ---------------------------------------------------------------- views, workflows, status updates

  addView(project: ProjectRec, input: ViewInput): ViewRec {
    if (!input.name.trim()) throw unprocessable("Name can't be blank")
    const known = new Set(project.fieldIds)
    const check = (ids: string[] | undefined) => {
      for (const id of ids ?? []) if (!known.has(id)) throw unprocessable(`Field ${id} is not a field of this project.`)
      return [...(ids ?? [])]
    }
    const view: ViewRec = {
      ...this.base('ProjectV2View'),
      projectId: project.id,
      number: project.nextViewNumber++,
      name: input.name,
      layout: input.layout ?? 'TABLE_LAYOUT',
      filter: input.filter ?? null,
      visibleFieldIds: check(input.visibleFieldIds),
      sortBy: (input.sortBy ?? []).map((s) => ({fieldId: check([s.fieldId])[0], direction: s.direction})),
      groupByFieldIds: check(input.groupByFieldIds),
      verticalGroupByFieldIds: check(input.verticalGroupByFieldIds),
      creatorId: input.creatorId ?? null,
    }
    this.store.views[view.id] = view
    project.viewIds.push(view.id)
    return view
  }

  deleteView(view: ViewRec): void {
    const project = this.store.projects[view.projectId]
    project.viewIds = project.viewIds.filter((id) => id !== view.id)
    delete this.store.views[view.id]
  }

  addWorkflow(project: ProjectRec, input: {name: string; enabled: boolean}): WorkflowRec {
    const workflow: WorkflowRec = {
      ...this.base('ProjectV2Workflow'),
      projectId: project.id,
      number: project.nextWorkflowNumber++,
      name: input.name,
      enabled: input.enabled,
    }
    this.store.workflows[workflow.id] = workflow
    project.workflowIds.push(workflow.id)
    return workflow
  }

  deleteWorkflow(workflow: WorkflowRec): void {
    const project = this.store.projects[workflow.projectId]
    project.workflowIds = project.workflowIds.filter((id) => id !== workflow.id)
    delete this.store.workflows[workflow.id]
  }

  addStatusUpdate(
    project: ProjectRec,
    input: {body?: string | null; status?: ProjectStatus | null; startDate?: string | null; targetDate?: string | null; creatorId?: string | null},
  ): StatusUpdateRec {
    if (input.startDate) checkDate(input.startDate, 'startDate')
    if (input.targetDate) checkDate(input.targetDate, 'targetDate')
    const update: StatusUpdateRec = {
      ...this.base('ProjectV2StatusUpdate'),
      projectId: project.id,
      body: input.body ?? null,
      status: input.status ?? null,
      startDate: input.startDate ?? null,
      targetDate: input.targetDate ?? null,
      creatorId: input.creatorId ?? null,
    }
    this.store.statusUpdates[update.id] = update
    project.statusUpdateIds.push(update.id)
    return update
  }

  // ---------------------------------------------------------------- items

  private assertRoom(project: ProjectRec): void {
    if (project.itemIds.length >= LIMITS.itemsPerProject) {
      throw unprocessable(`Projects can have at most ${LIMITS.itemsPerProject} items.`)
    }
  }

  /** Adds an issue or pull request as the last item. The content must not already be in the project. */
  addItem(project: ProjectRec, content: IssueRec, creatorId: string | null = null): ItemRec {
    if (this.itemOfContent(project, content.id)) throw unprocessable('Content already exists in this project.')
    this.assertRoom(project)
    const item: ItemRec = {
      ...this.base('ProjectV2Item'),
      projectId: project.id,
      type: content.kind === 'Issue' ? 'ISSUE' : 'PULL_REQUEST',
      contentId: content.id,
      archived: false,
      redacted: false,
      creatorId,
      values: {},
    }
    this.store.items[item.id] = item
    project.itemIds.push(item.id)
    this.indexItem(item)
    return item
  }

  /** A draft issue exists only inside its project, as the content of one item (added last). */
  addDraftItem(project: ProjectRec, input: {title: string; body?: string | null; assigneeIds?: string[]; creatorId?: string | null}): ItemRec {
    if (!input.title.trim()) throw unprocessable("Title can't be blank")
    this.assertRoom(project)
    const draftBase = this.base('DraftIssue')
    const item: ItemRec = {
      ...this.base('ProjectV2Item'),
      projectId: project.id,
      type: 'DRAFT_ISSUE',
      contentId: draftBase.id,
      archived: false,
      redacted: false,
      creatorId: input.creatorId ?? null,
      values: {},
    }
    const draft: DraftRec = {
      ...draftBase,
      projectId: project.id,
      itemId: item.id,
      title: input.title,
      body: input.body ?? '',
      assigneeIds: [...new Set(input.assigneeIds ?? [])],
      creatorId: input.creatorId ?? null,
    }
    this.store.drafts[draft.id] = draft
    this.store.items[item.id] = item
    project.itemIds.push(item.id)
    this.indexItem(item)
    return item
  }

  /** HAZARD (GitHub's): the item and all its values go; a draft's content goes with it, forever. */
  deleteItem(item: ItemRec): void {
    const project = this.store.projects[item.projectId]
    const at = project.itemIds.lastIndexOf(item.id)
    if (at >= 0) project.itemIds.splice(at, 1)
    this.forgetItem(item)
    this.touch(project)
  }

  private forgetItem(item: ItemRec): void {
    for (const v of Object.values(item.values)) this.itemOfValue.delete(v.id)
    const list = (this.itemsByContent.get(item.contentId) ?? []).filter((id) => id !== item.id)
    if (list.length) this.itemsByContent.set(item.contentId, list)
    else this.itemsByContent.delete(item.contentId)
    if (item.type === 'DRAFT_ISSUE') delete this.store.drafts[item.contentId]
    delete this.store.items[item.id]
  }

  /** Moves an item right after `afterId`, or to the top when `afterId` is null. */
  moveItem(project: ProjectRec, item: ItemRec, afterId: string | null): void {
    if (afterId === item.id) throw unprocessable('An item cannot be positioned after itself.')
    const after = afterId ? this.store.items[afterId] : undefined
    if (afterId && (!after || after.projectId !== project.id)) throw nodeNotFound(afterId)
    const list = project.itemIds
    list.splice(list.indexOf(item.id), 1)
    list.splice(after ? list.indexOf(after.id) + 1 : 0, 0, item.id)
    this.touch(item)
  }

  /** updateProjectV2ItemFieldValue: checks the value against the field's type, options and iterations. */
  setValue(item: ItemRec, field: FieldRec, input: ValueInput, creatorId: string | null = null): void {
    if (field.projectId !== item.projectId) throw unprocessable('The field does not belong to the project of the item.')
    if (field.issueFieldId) throw unprocessable(`Field ${field.name} is an issue field: set its value on the issue (setIssueFieldValue).`)
    const given = (Object.keys(input) as Array<keyof ValueInput>).filter((k) => input[k] !== undefined && input[k] !== null)
    if (given.length !== 1) {
      throw unprocessable('Exactly one of text, number, date, singleSelectOptionId or iterationId must be given as the value.')
    }
    const key = given[0]
    const value: Partial<ValueRec> = {creatorId}
    switch (field.dataType) {
      case 'TEXT':
        if (key !== 'text') throw unprocessable(`Field ${field.name} is a text field; give the value as text.`)
        value.text = input.text!
        break
      case 'NUMBER':
        if (key !== 'number' || !Number.isFinite(input.number)) throw unprocessable(`Field ${field.name} is a number field; give the value as number.`)
        value.number = input.number!
        break
      case 'DATE':
        if (key !== 'date') throw unprocessable(`Field ${field.name} is a date field; give the value as date.`)
        value.date = checkDate(String(input.date).slice(0, 10), 'date')
        break
      case 'SINGLE_SELECT':
        if (key !== 'singleSelectOptionId') throw unprocessable(`Field ${field.name} is a single select field; give the value as singleSelectOptionId.`)
        if (!field.options?.some((o) => o.id === input.singleSelectOptionId)) {
          throw unprocessable('The single select option Id does not belong to the field')
        }
        value.optionId = input.singleSelectOptionId!
        break
      case 'ITERATION':
        if (key !== 'iterationId') throw unprocessable(`Field ${field.name} is an iteration field; give the value as iterationId.`)
        if (!field.iteration?.iterations.some((i) => i.id === input.iterationId)) {
          throw unprocessable('The iteration Id does not belong to the field')
        }
        value.iterationId = input.iterationId!
        break
      default:
        throw unprocessable(
          `Field ${field.name} is of type ${field.dataType}: only single-select, text, number, date, and iteration fields can be updated this way.`,
        )
    }
    this.putValue(item, field, value)
  }

  /** Stores a value as given (the seed loader and copyProject use this after their own checks). */
  putValue(item: ItemRec, field: FieldRec, value: Partial<ValueRec>): void {
    const existing = item.values[field.id]
    const t = this.timestamp()
    const rec: ValueRec = {
      id: existing?.id ?? this.ids.node(this.valueNodeType(field)),
      databaseId: existing?.databaseId ?? this.ids.databaseId(),
      createdAt: existing?.createdAt ?? t,
      updatedAt: t,
      creatorId: value.creatorId ?? existing?.creatorId ?? null,
    }
    if (value.text !== undefined) rec.text = value.text
    if (value.number !== undefined) rec.number = value.number
    if (value.date !== undefined) rec.date = value.date
    if (value.optionId !== undefined) rec.optionId = value.optionId
    if (value.iterationId !== undefined) rec.iterationId = value.iterationId
    item.values[field.id] = rec
    this.itemOfValue.set(rec.id, item.id)
    item.updatedAt = t
  }

  private valueNodeType(field: FieldRec): NodeTypeName {
    switch (field.dataType) {
      case 'NUMBER':
        return 'ProjectV2ItemFieldNumberValue'
      case 'DATE':
        return 'ProjectV2ItemFieldDateValue'
      case 'SINGLE_SELECT':
        return 'ProjectV2ItemFieldSingleSelectValue'
      case 'ITERATION':
        return 'ProjectV2ItemFieldIterationValue'
      default:
        return 'ProjectV2ItemFieldTextValue'
    }
  }

  clearValue(item: ItemRec, field: FieldRec): void {
    if (field.projectId !== item.projectId) throw unprocessable('The field does not belong to the project of the item.')
    if (field.issueFieldId) throw unprocessable(`Field ${field.name} is an issue field: clear its value on the issue (setIssueFieldValue with delete).`)
    if (!isCustomField(field)) throw unprocessable(`Field ${field.name} is of type ${field.dataType} and cannot be cleared.`)
    if (item.values[field.id]) this.dropValue(item, field.id)
    this.touch(item)
  }

  private dropValue(item: ItemRec, fieldId: string): void {
    this.itemOfValue.delete(item.values[fieldId].id)
    delete item.values[fieldId]
  }
}
