/**
 * The world's store of nodes: the records (world/store.ts) and the indexes that find them (by login, by repository
 * name, by project number, items by content, item by value), the clock of createdAt / updatedAt, and every look-up by
 * node id or by name. The operations that change the world build on it: repos.ts, items.ts, fields.ts and model.ts.
 */
import {IdGenerator, typeOfId, type NodeTypeName} from './ids.js'
import {addDays, fieldTypeName, nodeNotFound} from './checks.js'
import type {
  DraftRec,
  FieldRec,
  IssueRec,
  IterationRec,
  ItemRec,
  LabelRec,
  MilestoneRec,
  OrgRec,
  ProjectRec,
  RepoRec,
  StatusUpdateRec,
  Store,
  TeamRec,
  Timestamp,
  UserRec,
  ValueRec,
  ViewRec,
  WorkflowRec,
} from './store.js'

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

export class ModelCore {
  readonly ids: IdGenerator
  protected readonly ownerByLogin = new Map<string, string>()
  protected readonly repoByName = new Map<string, string>()
  protected readonly projectByNumber = new Map<string, string>()
  protected readonly itemsByContent = new Map<string, string[]>()
  protected readonly itemOfValue = new Map<string, string>()
  private stampCache = {ms: Number.NaN, text: ''}

  constructor(
    readonly store: Store,
    readonly now: () => Date,
    readonly baseUrl: string,
  ) {
    this.ids = new IdGenerator(store.counters)
    this.reindex()
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

  protected indexItem(item: ItemRec): void {
    const list = this.itemsByContent.get(item.contentId)
    if (list) list.push(item.id)
    else this.itemsByContent.set(item.contentId, [item.id])
  }

  protected repoKey(ownerId: string, name: string): string {
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

  protected base(type: NodeTypeName): {id: string; databaseId: number; createdAt: Timestamp; updatedAt: Timestamp} {
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

  // ---------------------------------------------------------------- index upkeep

  /** Forgets an item: its values, its index entries, its draft, the item itself. */
  protected forgetItem(item: ItemRec): void {
    for (const v of Object.values(item.values)) this.itemOfValue.delete(v.id)
    const list = (this.itemsByContent.get(item.contentId) ?? []).filter((id) => id !== item.id)
    if (list.length) this.itemsByContent.set(item.contentId, list)
    else this.itemsByContent.delete(item.contentId)
    if (item.type === 'DRAFT_ISSUE') delete this.store.drafts[item.contentId]
    delete this.store.items[item.id]
  }

  /** Drops one value of an item (and its index entry). */
  protected dropValue(item: ItemRec, fieldId: string): void {
    this.itemOfValue.delete(item.values[fieldId].id)
    delete item.values[fieldId]
  }
}
