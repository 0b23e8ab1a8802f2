/**
 * The read model: presents store records as GitHub's GraphQL types, as seen by one viewer.
 * Objects are built on demand (one per resolved field) and hold their record, so a payload that names a record the
 * mutation just deleted still resolves. Visibility follows GitHub: private repositories and projects are invisible
 * to outsiders (NOT_FOUND), and project items whose content the viewer cannot see are REDACTED.
 */
import type {GraphQLResolveInfo} from 'graphql'
import type {Viewer} from '../backend.js'
import {SandboxError} from '../errors.js'
import {isCustomField, fieldTypeName, nodeNotFound, type Model} from './model.js'
import {PlanningReader} from './planning-read.js'
import {compileFilter, type FilterField, type FilterFieldValue, type FilterItem} from '../../model/filter.js'
import {connection, ordered, present, type ConnectionArgs, type OrderArg} from './present.js'
import type {
  DraftRec,
  FieldRec,
  IssueRec,
  IterationRec,
  ItemRec,
  LabelRec,
  MilestoneRec,
  OptionRec,
  OrgRec,
  ProjectRec,
  RepoRec,
  StatusUpdateRec,
  TeamRec,
  UserRec,
  ValueRec,
  ViewRec,
  WorkflowRec,
} from './store.js'

type Args = Record<string, any>
type Obj = Record<string, unknown>

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function bodyHtml(text: string): string {
  return text ? `<p dir="auto">${escapeHtml(text)}</p>` : ''
}

function notFound(message: string): SandboxError {
  return new SandboxError('NOT_FOUND', message)
}

/** Sort key for the common order fields. */
function orderKey(rec: {createdAt: string; updatedAt: string; name?: string; number?: number; title?: string}, field: string): string | number {
  switch (field) {
    case 'NAME':
      return (rec.name ?? '').toLowerCase()
    case 'TITLE':
      return (rec.title ?? '').toLowerCase()
    case 'NUMBER':
      return rec.number ?? 0
    case 'UPDATED_AT':
      return rec.updatedAt
    default:
      return rec.createdAt
  }
}

export class Reader {
  readonly me: UserRec | undefined
  /** issue types, issue fields, dependencies (src/sandbox/world/planning-read.ts) */
  private planningReader?: PlanningReader

  constructor(
    readonly model: Model,
    readonly viewer: Viewer,
  ) {
    this.me = model.userOfLogin(viewer.login)
  }

  private get s() {
    return this.model.store
  }

  private get planning(): PlanningReader {
    return (this.planningReader ??= new PlanningReader(this))
  }

  // ---------------------------------------------------------------- access

  private memberRole(orgId: string): string | undefined {
    return this.me ? this.s.orgs[orgId]?.members[this.me.id] : undefined
  }

  canReadRepo(repo: RepoRec): boolean {
    if (repo.visibility === 'PUBLIC') return true
    const installation = this.viewer.installation
    if (installation) return repo.ownerId === installation.accountId
    return this.canWriteRepo(repo)
  }

  canWriteRepo(repo: RepoRec): boolean {
    // an App installation reaches every repository of its account, and writes issues with Issues: write
    const installation = this.viewer.installation
    if (installation) return repo.ownerId === installation.accountId && installation.permissions.issues === 'write'
    if (!this.me) return false
    return repo.ownerId === this.me.id || this.memberRole(repo.ownerId) !== undefined || repo.collaborators.includes(this.me.id)
  }

  private projectRole(p: ProjectRec): 'ADMIN' | 'WRITER' | 'READER' | undefined {
    const installation = this.viewer.installation
    if (installation) {
      // the Projects organization permission; Apps have no permission for projects owned by a user
      if (!installation.organization || p.ownerId !== installation.accountId) return undefined
      const level = installation.permissions.organization_projects
      return level === 'admin' ? 'ADMIN' : level === 'write' ? 'WRITER' : level === 'read' ? 'READER' : undefined
    }
    if (!this.me) return undefined
    if (p.ownerId === this.me.id) return 'ADMIN'
    const member = this.memberRole(p.ownerId)
    if (member === 'ADMIN') return 'ADMIN'
    let role: 'ADMIN' | 'WRITER' | 'READER' | undefined = member ? 'WRITER' : undefined
    const rank = {READER: 1, WRITER: 2, ADMIN: 3}
    const consider = (r: string | undefined) => {
      if (r === 'ADMIN' || r === 'WRITER' || r === 'READER') if (!role || rank[r] > rank[role]) role = r
    }
    consider(p.collaborators[this.me.id])
    for (const [actorId, r] of Object.entries(p.collaborators)) {
      if (this.s.teams[actorId]?.members.includes(this.me.id)) consider(r)
    }
    return role
  }

  canReadProject(p: ProjectRec): boolean {
    return p.public || this.projectRole(p) !== undefined
  }

  canWriteProject(p: ProjectRec): boolean {
    const role = this.projectRole(p)
    return role === 'ADMIN' || role === 'WRITER'
  }

  canAdminProject(p: ProjectRec): boolean {
    return this.projectRole(p) === 'ADMIN'
  }

  /** False when the item shows as REDACTED to this viewer. */
  itemVisible(item: ItemRec): boolean {
    if (item.redacted) return false
    if (item.type === 'DRAFT_ISSUE') return true
    const issue = this.s.issues[item.contentId]
    return Boolean(issue && this.canReadRepo(this.s.repos[issue.repoId]))
  }

  /** The project behind `owner.projectV2(number)`, NOT_FOUND as GitHub says it. */
  projectOf(ownerId: string, number: number): ProjectRec {
    const p = this.model.projectOf(ownerId, number)
    if (!p || !this.canReadProject(p)) throw notFound(`Could not resolve to a ProjectV2 with the number ${number}.`)
    return p
  }

  // ---------------------------------------------------------------- accounts

  actor(id: string | null | undefined): Obj | null {
    if (!id) return null
    const owner = this.model.owner(id)
    if (!owner) return null
    return owner.type === 'User' ? this.user(owner.rec) : this.org(owner.rec)
  }

  ownerView(id: string): Obj {
    const owner = this.model.owner(id)
    if (!owner) throw nodeNotFound(id)
    return owner.type === 'User' ? this.user(owner.rec) : this.org(owner.rec)
  }

  private ownerCommon(rec: UserRec | OrgRec, kind: 'users' | 'orgs'): Obj {
    return {
      id: rec.id,
      databaseId: rec.databaseId,
      login: rec.login,
      name: rec.name,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      url: `${this.model.baseUrl}/${rec.login}`,
      resourcePath: `/${rec.login}`,
      avatarUrl: () => `https://avatars.githubusercontent.com/u/${rec.databaseId}?v=4`,
      projectsResourcePath: `/${kind}/${rec.login}/projects`,
      projectsUrl: `${this.model.baseUrl}/${kind}/${rec.login}/projects`,
      projectV2: (a: Args) => this.project(this.projectOf(rec.id, a.number)),
      projectsV2: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const query = String(a.query ?? '').toLowerCase()
        const minimum = a.minPermissionLevel ?? 'READ'
        const list = this.model.projectsOfOwner(rec.id).filter((p) => {
          if (!this.canReadProject(p)) return false
          if (minimum === 'WRITE' && !this.canWriteProject(p)) return false
          if (minimum === 'ADMIN' && !this.canAdminProject(p)) return false
          return !query || p.title.toLowerCase().includes(query)
        })
        return connection(ordered(list, a.orderBy ?? {field: 'NUMBER', direction: 'DESC'}, orderKey), a, info, (p) => this.project(p))
      },
      repositories: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const list = Object.values(this.s.repos).filter(
          (r) =>
            r.ownerId === rec.id &&
            this.canReadRepo(r) &&
            (!a.privacy || (a.privacy === 'PUBLIC') === (r.visibility === 'PUBLIC')) &&
            (!a.visibility || a.visibility === r.visibility),
        )
        return connection(ordered(list, a.orderBy, orderKey), a, info, (r) => this.repo(r))
      },
      repository: (a: Args) => {
        const repo = this.model.repoOf(rec.login, a.name)
        return repo && this.canReadRepo(repo) ? this.repo(repo) : null
      },
      viewerCanCreateProjects: this.me !== undefined && (this.me.id === rec.id || this.memberRole(rec.id) !== undefined),
    }
  }

  user(rec: UserRec): Obj {
    return present('User', {
      ...this.ownerCommon(rec, 'users'),
      isViewer: this.me?.id === rec.id,
      email: '',
      bio: null,
      company: null,
      location: null,
      websiteUrl: null,
      twitterUsername: null,
      isSiteAdmin: false,
      organizations: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
        connection(
          Object.values(this.s.orgs).filter((o) => o.members[rec.id]),
          a,
          info,
          (o) => this.org(o),
        ),
    })
  }

  org(rec: OrgRec): Obj {
    return present('Organization', {
      ...this.ownerCommon(rec, 'orgs'),
      ...this.planning.orgExtras(rec),
      description: null,
      email: null,
      isVerified: false,
      viewerIsAMember: this.memberRole(rec.id) !== undefined,
      viewerCanAdminister: this.memberRole(rec.id) === 'ADMIN',
      viewerCanCreateRepositories: this.memberRole(rec.id) !== undefined,
      viewerCanCreateTeams: this.memberRole(rec.id) === 'ADMIN',
      teamsResourcePath: `/orgs/${rec.login}/teams`,
      teamsUrl: `${this.model.baseUrl}/orgs/${rec.login}/teams`,
      team: (a: Args) => {
        const team = this.model.teamOf(rec, a.slug)
        return team ? this.team(team) : null
      },
      teams: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const query = String(a.query ?? '').toLowerCase()
        const list = Object.values(this.s.teams).filter(
          (t) => t.orgId === rec.id && (!query || t.name.toLowerCase().includes(query) || t.slug.includes(query)),
        )
        return connection(ordered(list, a.orderBy ?? {field: 'NAME', direction: 'ASC'}, orderKey), a, info, (t) => this.team(t))
      },
    })
  }

  team(rec: TeamRec): Obj {
    const org = this.s.orgs[rec.orgId]
    return present('Team', {
      id: rec.id,
      databaseId: rec.databaseId,
      name: rec.name,
      slug: rec.slug,
      combinedSlug: `${org.login}/${rec.slug}`,
      description: rec.description,
      privacy: 'VISIBLE',
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      organization: () => this.org(org),
      url: `${this.model.baseUrl}/orgs/${org.login}/teams/${rec.slug}`,
      resourcePath: `/orgs/${org.login}/teams/${rec.slug}`,
      parentTeam: null,
      viewerCanAdminister: this.memberRole(org.id) === 'ADMIN',
    })
  }

  // ---------------------------------------------------------------- repositories

  repo(rec: RepoRec): Obj {
    const m = this.model
    const full = m.repoFullName(rec)
    const issuesOf = (kind: 'Issue' | 'PullRequest', a: Args) => {
      const labels: string[] | undefined = a.labels
      const list = Object.values(rec.numbers)
        .map((id) => this.s.issues[id])
        .filter(
          (i) =>
            i.kind === kind &&
            (!a.states || a.states.includes(i.state)) &&
            (!labels || i.labelIds.some((l) => labels.includes(this.s.labels[l]?.name))),
        )
      list.sort((x, y) => x.number - y.number)
      return ordered(list, a.orderBy, orderKey)
    }
    return present('Repository', {
      ...this.planning.repoExtras(rec),
      id: rec.id,
      databaseId: rec.databaseId,
      name: rec.name,
      nameWithOwner: full,
      description: rec.description,
      descriptionHTML: `<div>${escapeHtml(rec.description ?? '')}</div>`,
      visibility: rec.visibility,
      isPrivate: rec.visibility !== 'PUBLIC',
      isArchived: false,
      isDisabled: false,
      isFork: false,
      isTemplate: false,
      isEmpty: true,
      isLocked: false,
      isInOrganization: Boolean(this.s.orgs[rec.ownerId]),
      hasIssuesEnabled: rec.hasIssuesEnabled,
      hasProjectsEnabled: true,
      hasWikiEnabled: false,
      hasDiscussionsEnabled: false,
      archivedAt: null,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      pushedAt: null,
      url: `${m.baseUrl}/${full}`,
      resourcePath: `/${full}`,
      owner: () => this.ownerView(rec.ownerId),
      viewerCanAdminister: this.canWriteRepo(rec),
      viewerPermission: this.canWriteRepo(rec) ? 'WRITE' : 'READ',
      issue: (a: Args) => {
        const i = m.issueOf(rec, a.number)
        if (!i || i.kind !== 'Issue') throw notFound(`Could not resolve to an Issue with the number of ${a.number}.`)
        return this.issue(i)
      },
      pullRequest: (a: Args) => {
        const i = m.issueOf(rec, a.number)
        if (!i || i.kind !== 'PullRequest') throw notFound(`Could not resolve to a PullRequest with the number of ${a.number}.`)
        return this.issue(i)
      },
      issueOrPullRequest: (a: Args) => {
        const i = m.issueOf(rec, a.number)
        if (!i) throw notFound(`Could not resolve to an issue or pull request with the number of ${a.number}.`)
        return this.issue(i)
      },
      issues: (a: Args, _c: unknown, info: GraphQLResolveInfo) => connection(issuesOf('Issue', a), a, info, (i) => this.issue(i)),
      pullRequests: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
        connection(issuesOf('PullRequest', a), a, info, (i) => this.issue(i)),
      label: (a: Args) => {
        const l = m.labelOf(rec, a.name)
        return l ? this.label(l) : null
      },
      labels: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const query = String(a.query ?? '').toLowerCase()
        const list = rec.labelIds.map((id) => this.s.labels[id]).filter((l) => !query || l.name.toLowerCase().includes(query))
        return connection(ordered(list, a.orderBy ?? {field: 'CREATED_AT', direction: 'ASC'}, orderKey), a, info, (l) => this.label(l))
      },
      milestone: (a: Args) => {
        const ms = m.milestoneOf(rec, a.number)
        return ms ? this.milestone(ms) : null
      },
      milestones: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const query = String(a.query ?? '').toLowerCase()
        const list = m
          .milestones(rec)
          .filter((ms) => (!a.states || a.states.includes(ms.state)) && (!query || ms.title.toLowerCase().includes(query)))
        list.sort((x, y) => x.number - y.number)
        const order: OrderArg | undefined = a.orderBy
        const key = (ms: MilestoneRec, f: string) => (f === 'DUE_DATE' ? (ms.dueOn ?? '9999') : f === 'NUMBER' ? ms.number : orderKey(ms, f))
        return connection(ordered(list, order, key), a, info, (ms) => this.milestone(ms))
      },
      projectsV2: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const query = String(a.query ?? '').toLowerCase()
        const list = Object.values(this.s.projects).filter(
          (p) => p.repoIds.includes(rec.id) && this.canReadProject(p) && (!query || p.title.toLowerCase().includes(query)),
        )
        return connection(ordered(list, a.orderBy ?? {field: 'NUMBER', direction: 'DESC'}, orderKey), a, info, (p) => this.project(p))
      },
    })
  }

  label(rec: LabelRec): Obj {
    const repo = this.s.repos[rec.repoId]
    const full = this.model.repoFullName(repo)
    const path = `/${full}/labels/${encodeURIComponent(rec.name)}`
    return present('Label', {
      id: rec.id,
      name: rec.name,
      color: rec.color,
      description: rec.description,
      isDefault: rec.isDefault,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      url: `${this.model.baseUrl}${path}`,
      resourcePath: path,
      repository: () => this.repo(repo),
    })
  }

  milestone(rec: MilestoneRec): Obj {
    const repo = this.s.repos[rec.repoId]
    const path = `/${this.model.repoFullName(repo)}/milestone/${rec.number}`
    // computed only when asked for: it scans the repository's issues, which a 50,000-item page must not do per item
    const progressPercentage = () => {
      const issues = Object.values(repo.numbers)
        .map((id) => this.s.issues[id])
        .filter((i) => i.milestoneId === rec.id)
      const closed = issues.filter((i) => i.state !== 'OPEN').length
      return issues.length ? (closed / issues.length) * 100 : 0
    }
    return present('Milestone', {
      id: rec.id,
      number: rec.number,
      title: rec.title,
      description: rec.description,
      state: rec.state,
      closed: rec.state === 'CLOSED',
      closedAt: rec.closedAt,
      dueOn: rec.dueOn,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      creator: () => this.actor(rec.creatorId),
      progressPercentage,
      url: `${this.model.baseUrl}${path}`,
      resourcePath: path,
      repository: () => this.repo(repo),
      viewerCanClose: this.canWriteRepo(repo),
      viewerCanReopen: this.canWriteRepo(repo),
    })
  }

  // ---------------------------------------------------------------- issues and pull requests

  issue(rec: IssueRec): Obj {
    const m = this.model
    const repo = this.s.repos[rec.repoId]
    const url = m.issueUrl(rec)
    const canWrite = this.canWriteRepo(repo)
    const common: Obj = {
      id: rec.id,
      databaseId: rec.databaseId,
      fullDatabaseId: String(rec.databaseId),
      number: rec.number,
      title: rec.title,
      titleHTML: escapeHtml(rec.title),
      body: rec.body,
      bodyText: rec.body,
      bodyHTML: bodyHtml(rec.body),
      state: rec.state,
      closed: rec.state !== 'OPEN',
      closedAt: rec.closedAt,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      publishedAt: rec.createdAt,
      lastEditedAt: null,
      locked: false,
      activeLockReason: null,
      createdViaEmail: false,
      includesCreatedEdit: false,
      authorAssociation: 'MEMBER',
      url,
      resourcePath: url.slice(m.baseUrl.length),
      author: () => this.actor(rec.authorId),
      editor: null,
      repository: () => this.repo(repo),
      milestone: () => (rec.milestoneId && this.s.milestones[rec.milestoneId] ? this.milestone(this.s.milestones[rec.milestoneId]) : null),
      labels: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const list = rec.labelIds.map((id) => this.s.labels[id]).filter(Boolean)
        return connection(ordered(list, a.orderBy ?? {field: 'CREATED_AT', direction: 'ASC'}, orderKey), a, info, (l) => this.label(l))
      },
      assignees: (a: Args, _c: unknown, info: GraphQLResolveInfo) => this.usersConnection(rec.assigneeIds, a, info),
      projectItems: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const list = m
          .itemsOfContent(rec.id)
          .filter((i) => this.canReadProject(this.s.projects[i.projectId]) && (a.includeArchived !== false || !i.archived))
        return connection(list, a, info, (i) => this.item(i))
      },
      projectsV2: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const list = m
          .itemsOfContent(rec.id)
          .map((i) => this.s.projects[i.projectId])
          .filter((p) => this.canReadProject(p))
        return connection(ordered(list, a.orderBy ?? {field: 'NUMBER', direction: 'DESC'}, orderKey), a, info, (p) => this.project(p))
      },
      viewerCanUpdate: canWrite,
      viewerCanClose: canWrite,
      viewerCanReopen: canWrite,
      viewerCanLabel: canWrite,
      viewerCanReact: this.me !== undefined,
      viewerCanSubscribe: this.me !== undefined,
      viewerDidAuthor: this.me !== undefined && this.me.id === rec.authorId,
      viewerCannotUpdateReasons: canWrite ? [] : ['INSUFFICIENT_ACCESS'],
    }
    if (rec.kind === 'PullRequest') {
      return present('PullRequest', {
        ...common,
        isDraft: rec.isDraft,
        merged: rec.state === 'MERGED',
        mergedAt: rec.mergedAt,
        baseRefName: rec.baseRefName,
        headRefName: rec.headRefName,
        isCrossRepository: false,
        permalink: url,
        totalCommentsCount: 0,
      })
    }
    const subs = () => rec.subIssueIds.map((id) => this.s.issues[id]).filter(Boolean)
    return present('Issue', {
      ...common,
      ...this.planning.issueExtras(rec),
      stateReason: (a: Args) => (rec.stateReason === 'DUPLICATE' && !a.enableDuplicate ? 'NOT_PLANNED' : rec.stateReason),
      parent: () => (rec.parentId && this.s.issues[rec.parentId] ? this.issue(this.s.issues[rec.parentId]) : null),
      subIssues: (a: Args, _c: unknown, info: GraphQLResolveInfo) => connection(subs(), a, info, (i) => this.issue(i)),
      subIssuesSummary: () => {
        const list = subs()
        const completed = list.filter((i) => i.state !== 'OPEN').length
        return present('SubIssuesSummary', {
          total: list.length,
          completed,
          percentCompleted: list.length ? Math.floor((completed * 100) / list.length) : 0,
        })
      },
      viewerCanDelete: canWrite,
      isPinned: false,
    })
  }

  usersConnection(ids: readonly string[], a: ConnectionArgs, info: GraphQLResolveInfo): Obj {
    return connection(
      ids.map((id) => this.s.users[id]).filter(Boolean),
      a,
      info,
      (u) => this.user(u),
    )
  }

  // ---------------------------------------------------------------- projects

  project(rec: ProjectRec): Obj {
    const m = this.model
    const url = m.projectUrl(rec)
    const fieldKey = (f: FieldRec, field: string) => (field === 'POSITION' ? rec.fieldIds.indexOf(f.id) : orderKey(f, field))
    return present('ProjectV2', {
      id: rec.id,
      databaseId: rec.databaseId,
      fullDatabaseId: String(rec.databaseId),
      number: rec.number,
      title: rec.title,
      shortDescription: rec.shortDescription,
      readme: rec.readme,
      public: rec.public,
      closed: rec.closed,
      closedAt: rec.closedAt,
      template: rec.template,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      url,
      resourcePath: url.slice(m.baseUrl.length),
      owner: () => this.ownerView(rec.ownerId),
      creator: () => this.actor(rec.creatorId),
      viewerCanUpdate: this.canWriteProject(rec),
      viewerCanClose: this.canAdminProject(rec),
      viewerCanReopen: this.canAdminProject(rec),
      field: (a: Args) => {
        const f = m.fieldOfName(rec, a.name)
        return f ? this.field(f) : null
      },
      fields: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
        connection(ordered(m.fields(rec), a.orderBy ?? {field: 'POSITION', direction: 'ASC'}, fieldKey), a, info, (f) => this.field(f)),
      items: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        // GitHub (since 2026-06-04): archived items only when `archivedStates` asks for them; `query` is the
        // project filter syntax of the web UI (src/model/filter.ts)
        const states: string[] = a.archivedStates ?? ['NOT_ARCHIVED']
        const wantArchived = states.includes('ARCHIVED')
        const wantLive = states.includes('NOT_ARCHIVED')
        const keep = String(a.query ?? '').trim() ? this.itemFilter(rec, String(a.query)) : undefined
        const ids = rec.itemIds.filter((id) => {
          const item = this.s.items[id]
          if (item.archived ? !wantArchived : !wantLive) return false
          return !keep || keep(item)
        })
        const list = a.orderBy?.direction === 'DESC' ? ids.reverse() : ids
        return connection(list, a, info, (id) => this.item(this.s.items[id]))
      },
      view: (a: Args) => {
        const v = rec.viewIds.map((id) => this.s.views[id]).find((x) => x.number === a.number)
        return v ? this.view(v) : null
      },
      views: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const list = rec.viewIds.map((id) => this.s.views[id])
        const key = (v: ViewRec, f: string) => (f === 'POSITION' ? rec.viewIds.indexOf(v.id) : orderKey(v, f))
        return connection(ordered(list, a.orderBy ?? {field: 'POSITION', direction: 'ASC'}, key), a, info, (v) => this.view(v))
      },
      workflow: (a: Args) => {
        const w = rec.workflowIds.map((id) => this.s.workflows[id]).find((x) => x.number === a.number)
        return w ? this.workflow(w) : null
      },
      workflows: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const list = rec.workflowIds.map((id) => this.s.workflows[id])
        return connection(ordered(list, a.orderBy ?? {field: 'NAME', direction: 'ASC'}, orderKey), a, info, (w) => this.workflow(w))
      },
      statusUpdates: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const list = rec.statusUpdateIds.map((id) => this.s.statusUpdates[id])
        const key = (u: StatusUpdateRec, f: string) => (f === 'CREATED_AT' ? rec.statusUpdateIds.indexOf(u.id) : orderKey(u, f))
        return connection(ordered(list, a.orderBy ?? {field: 'CREATED_AT', direction: 'DESC'}, key), a, info, (u) => this.statusUpdate(u))
      },
      repositories: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const list = rec.repoIds.map((id) => this.s.repos[id]).filter((r) => r && this.canReadRepo(r))
        const key = (r: RepoRec, f: string) => (f === 'CREATED_AT' ? rec.repoIds.indexOf(r.id) : orderKey(r, f))
        return connection(ordered(list, a.orderBy ?? {field: 'CREATED_AT', direction: 'DESC'}, key), a, info, (r) => this.repo(r))
      },
      teams: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const list = rec.teamIds.map((id) => this.s.teams[id]).filter(Boolean)
        return connection(ordered(list, a.orderBy ?? {field: 'NAME', direction: 'ASC'}, orderKey), a, info, (t) => this.team(t))
      },
    })
  }

  /** The predicate `items(query:)` applies: GitHub's project filter syntax over what this viewer can see. */
  private itemFilter(project: ProjectRec, query: string): (item: ItemRec) => boolean {
    const fields = this.model.fields(project)
    const asFilterField = (f: FieldRec): FilterField => ({
      name: f.name,
      dataType: f.dataType,
      ...(f.iteration ? {iterations: f.iteration.iterations} : {}),
    })
    const byFilterField = new Map<FilterField, FieldRec>()
    const filterFields = fields.map((f) => {
      const ff = asFilterField(f)
      byFilterField.set(ff, f)
      return ff
    })
    const test = compileFilter(query, {today: this.model.today(), viewerLogin: this.me?.login ?? null, fields: filterFields})
    return (item) => test(this.filterItem(item, (ff) => byFilterField.get(ff)))
  }

  private filterItem(item: ItemRec, fieldOf: (ff: FilterField) => FieldRec | undefined): FilterItem {
    const visible = this.itemVisible(item)
    const draft = visible && item.type === 'DRAFT_ISSUE' ? this.s.drafts[item.contentId] : undefined
    const issue = visible && item.type !== 'DRAFT_ISSUE' ? this.s.issues[item.contentId] : undefined
    const logins = (ids: string[]) => ids.map((id) => this.s.users[id]?.login).filter((l): l is string => Boolean(l))
    const labels = issue ? issue.labelIds.map((id) => this.s.labels[id]?.name).filter((n): n is string => Boolean(n)) : []
    const assignees = logins((issue ?? draft)?.assigneeIds ?? [])
    const milestone = issue?.milestoneId ? (this.s.milestones[issue.milestoneId]?.title ?? null) : null
    const repository = issue ? this.model.repoFullName(this.s.repos[issue.repoId]) : null
    const title = (issue ?? draft)?.title ?? ''
    return {
      type: visible ? item.type : 'REDACTED',
      state: issue ? issue.state : null,
      stateReason: issue?.stateReason ?? null,
      title,
      labels,
      assignees,
      reviewers: logins(issue?.reviewerIds ?? []),
      repository,
      milestone,
      issueType: null,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      closedAt: issue?.closedAt ?? null,
      value: (ff: FilterField): FilterFieldValue | undefined => {
        const field = fieldOf(ff)
        if (!field || !visible) return undefined
        switch (field.dataType) {
          case 'TITLE':
            return {type: 'text', text: title}
          case 'LABELS':
            return labels.length ? {type: 'list', names: labels} : undefined
          case 'ASSIGNEES':
            return assignees.length ? {type: 'list', names: assignees} : undefined
          case 'REVIEWERS':
            return issue?.reviewerIds.length ? {type: 'list', names: logins(issue.reviewerIds)} : undefined
          case 'MILESTONE':
            return milestone === null ? undefined : {type: 'option', name: milestone}
          case 'REPOSITORY':
            return repository === null ? undefined : {type: 'list', names: [repository, repository.split('/')[1]]}
          case 'CREATED':
            return {type: 'date', date: ((issue ?? draft)?.createdAt ?? item.createdAt)}
          case 'UPDATED':
            return {type: 'date', date: ((issue ?? draft)?.updatedAt ?? item.updatedAt)}
          case 'CLOSED':
            return issue?.closedAt ? {type: 'date', date: issue.closedAt} : undefined
          default:
            break
        }
        const rec = item.values[field.id]
        if (!rec) return undefined
        if (rec.text !== undefined) return {type: 'text', text: rec.text}
        if (rec.number !== undefined) return {type: 'number', number: rec.number}
        if (rec.date !== undefined) return {type: 'date', date: rec.date}
        if (rec.optionId !== undefined) {
          const option = field.options?.find((o) => o.id === rec.optionId)
          return option ? {type: 'option', name: option.name} : undefined
        }
        if (rec.iterationId !== undefined) {
          const it = field.iteration?.iterations.find((i) => i.id === rec.iterationId)
          return it ? {type: 'iteration', title: it.title} : undefined
        }
        return undefined
      },
    }
  }

  field(rec: FieldRec): Obj {
    const common = {
      id: rec.id,
      databaseId: rec.databaseId,
      name: rec.name,
      dataType: rec.dataType,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      project: () => this.project(this.s.projects[rec.projectId]),
    }
    const type = fieldTypeName(rec)
    if (type === 'ProjectV2SingleSelectField') {
      return present(type, {
        ...common,
        options: (a: Args) => (rec.options ?? []).filter((o) => !a.names || a.names.includes(o.name)).map((o) => this.option(o)),
      })
    }
    if (type === 'ProjectV2IterationField') {
      return present(type, {
        ...common,
        configuration: () => {
          const split = this.model.iterationsOf(rec)
          return present('ProjectV2IterationFieldConfiguration', {
            duration: rec.iteration?.duration ?? 0,
            startDay: rec.iteration?.startDay ?? 1,
            iterations: split.iterations.map((it) => this.iteration(it)),
            completedIterations: split.completedIterations.map((it) => this.iteration(it)),
          })
        },
      })
    }
    return present(type, common)
  }

  option(o: OptionRec): Obj {
    return present('ProjectV2SingleSelectFieldOption', {
      id: o.id,
      name: o.name,
      nameHTML: escapeHtml(o.name),
      description: o.description,
      descriptionHTML: escapeHtml(o.description),
      color: o.color,
    })
  }

  iteration(it: IterationRec): Obj {
    return present('ProjectV2IterationFieldIteration', {...it, titleHTML: escapeHtml(it.title)})
  }

  view(rec: ViewRec): Obj {
    const fieldsOf = (ids: string[]) => ids.map((id) => this.s.fields[id]).filter(Boolean)
    const fieldConn = (ids: string[]) => (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
      const list = fieldsOf(ids)
      const order: OrderArg | undefined = a.orderBy?.field === 'POSITION' ? (a.orderBy.direction === 'DESC' ? a.orderBy : undefined) : a.orderBy
      const key = (f: FieldRec, field: string) => (field === 'POSITION' ? ids.indexOf(f.id) : orderKey(f, field))
      return connection(ordered(list, order, key), a, info, (f) => this.field(f))
    }
    const sorts = () => rec.sortBy.filter((x) => this.s.fields[x.fieldId])
    return present('ProjectV2View', {
      id: rec.id,
      databaseId: rec.databaseId,
      fullDatabaseId: String(rec.databaseId),
      number: rec.number,
      name: rec.name,
      layout: rec.layout,
      filter: rec.filter,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      project: () => this.project(this.s.projects[rec.projectId]),
      fields: fieldConn(rec.visibleFieldIds),
      visibleFields: fieldConn(rec.visibleFieldIds),
      groupByFields: fieldConn(rec.groupByFieldIds),
      groupBy: fieldConn(rec.groupByFieldIds),
      verticalGroupByFields: fieldConn(rec.verticalGroupByFieldIds),
      verticalGroupBy: fieldConn(rec.verticalGroupByFieldIds),
      sortByFields: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
        connection(sorts(), a, info, (x) => present('ProjectV2SortByField', {direction: x.direction, field: this.field(this.s.fields[x.fieldId])})),
      sortBy: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
        connection(sorts(), a, info, (x) => present('ProjectV2SortBy', {direction: x.direction, field: this.field(this.s.fields[x.fieldId])})),
    })
  }

  workflow(rec: WorkflowRec): Obj {
    return present('ProjectV2Workflow', {
      id: rec.id,
      databaseId: rec.databaseId,
      fullDatabaseId: String(rec.databaseId),
      number: rec.number,
      name: rec.name,
      enabled: rec.enabled,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      project: () => this.project(this.s.projects[rec.projectId]),
    })
  }

  statusUpdate(rec: StatusUpdateRec): Obj {
    return present('ProjectV2StatusUpdate', {
      id: rec.id,
      databaseId: rec.databaseId,
      fullDatabaseId: String(rec.databaseId),
      body: rec.body,
      bodyHTML: bodyHtml(rec.body ?? ''),
      status: rec.status,
      startDate: rec.startDate,
      targetDate: rec.targetDate,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      creator: () => this.actor(rec.creatorId),
      project: () => this.project(this.s.projects[rec.projectId]),
    })
  }

  // ---------------------------------------------------------------- items and values

  item(rec: ItemRec): Obj {
    const visible = this.itemVisible(rec)
    return present('ProjectV2Item', {
      id: rec.id,
      databaseId: rec.databaseId,
      fullDatabaseId: String(rec.databaseId),
      type: visible ? rec.type : 'REDACTED',
      isArchived: rec.archived,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      creator: () => this.actor(rec.creatorId),
      project: () => this.project(this.s.projects[rec.projectId]),
      content: () => {
        if (!visible) return null
        if (rec.type === 'DRAFT_ISSUE') return this.s.drafts[rec.contentId] ? this.draft(this.s.drafts[rec.contentId]) : null
        return this.s.issues[rec.contentId] ? this.issue(this.s.issues[rec.contentId]) : null
      },
      fieldValues: (a: Args, _c: unknown, info: GraphQLResolveInfo) => {
        const list = visible ? this.fieldValues(rec) : []
        return connection(a.orderBy?.direction === 'DESC' ? list.reverse() : list, a, info, (v) => v)
      },
      fieldValueByName: (a: Args) => {
        const field = this.model.fieldOfName(this.s.projects[rec.projectId], a.name)
        return field && visible ? this.value(rec, field) : null
      },
    })
  }

  draft(rec: DraftRec): Obj {
    return present('DraftIssue', {
      id: rec.id,
      title: rec.title,
      body: rec.body,
      bodyText: rec.body,
      bodyHTML: bodyHtml(rec.body),
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      creator: () => this.actor(rec.creatorId),
      assignees: (a: Args, _c: unknown, info: GraphQLResolveInfo) => this.usersConnection(rec.assigneeIds, a, info),
      projectV2Items: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
        connection(this.s.items[rec.itemId] ? [this.s.items[rec.itemId]] : [], a, info, (i) => this.item(i)),
      projectsV2: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
        connection(this.s.projects[rec.projectId] ? [this.s.projects[rec.projectId]] : [], a, info, (p) => this.project(p)),
    })
  }

  /** Every value the item shows, in field position order: built-in ones read from the content, custom ones stored. */
  fieldValues(item: ItemRec): Obj[] {
    const project = this.s.projects[item.projectId]
    const out: Obj[] = []
    for (const field of this.model.fields(project)) {
      const v = this.value(item, field)
      if (v) out.push(v)
    }
    return out
  }

  /** The value of one field on one item, or null when the item shows none (including orphaned values). */
  value(item: ItemRec, field: FieldRec): Obj | null {
    if (field.issueFieldId) return this.planning.itemIssueFieldValue(item, field)
    if (isCustomField(field)) {
      const rec = item.values[field.id]
      return rec ? this.customValue(item, field, rec) : null
    }
    return this.builtinValue(item, field)
  }

  private valueCommon(item: ItemRec, field: FieldRec, rec: ValueRec): Obj {
    return {
      id: rec.id,
      databaseId: rec.databaseId,
      createdAt: rec.createdAt,
      updatedAt: rec.updatedAt,
      creator: () => this.actor(rec.creatorId),
      field: () => this.field(field),
      item: () => this.item(item),
    }
  }

  private customValue(item: ItemRec, field: FieldRec, rec: ValueRec): Obj | null {
    const common = this.valueCommon(item, field, rec)
    switch (field.dataType) {
      case 'TEXT':
        return present('ProjectV2ItemFieldTextValue', {...common, text: rec.text ?? null})
      case 'NUMBER':
        return present('ProjectV2ItemFieldNumberValue', {...common, number: rec.number ?? null})
      case 'DATE':
        return present('ProjectV2ItemFieldDateValue', {...common, date: rec.date ?? null})
      case 'SINGLE_SELECT': {
        const option = field.options?.find((o) => o.id === rec.optionId)
        if (!option) return null
        return present('ProjectV2ItemFieldSingleSelectValue', {
          ...common,
          optionId: option.id,
          name: option.name,
          nameHTML: escapeHtml(option.name),
          description: option.description,
          descriptionHTML: escapeHtml(option.description),
          color: option.color,
        })
      }
      case 'ITERATION': {
        const it = field.iteration?.iterations.find((i) => i.id === rec.iterationId)
        if (!it) return null
        return present('ProjectV2ItemFieldIterationValue', {
          ...common,
          iterationId: it.id,
          title: it.title,
          titleHTML: escapeHtml(it.title),
          startDate: it.startDate,
          duration: it.duration,
        })
      }
      default:
        return null
    }
  }

  private builtinValue(item: ItemRec, field: FieldRec): Obj | null {
    const draft = item.type === 'DRAFT_ISSUE' ? this.s.drafts[item.contentId] : undefined
    const issue = item.type === 'DRAFT_ISSUE' ? undefined : this.s.issues[item.contentId]
    if (!draft && !issue) return null
    const fieldView = () => this.field(field)
    switch (field.dataType) {
      case 'TITLE': {
        const rec: ValueRec = {
          id: `PVTFTV_${Buffer.from(`${item.databaseId}:${field.databaseId}`).toString('base64url')}`,
          databaseId: field.databaseId,
          createdAt: item.createdAt,
          updatedAt: (draft ?? issue)!.updatedAt,
          creatorId: item.creatorId,
        }
        return present('ProjectV2ItemFieldTextValue', {...this.valueCommon(item, field, rec), text: (draft ?? issue)!.title})
      }
      case 'ASSIGNEES': {
        const ids = (draft ?? issue)!.assigneeIds
        if (!ids.length) return null
        return present('ProjectV2ItemFieldUserValue', {
          field: fieldView,
          users: (a: Args, _c: unknown, info: GraphQLResolveInfo) => this.usersConnection(ids, a, info),
        })
      }
      case 'LABELS': {
        if (!issue?.labelIds.length) return null
        return present('ProjectV2ItemFieldLabelValue', {
          field: fieldView,
          labels: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
            connection(issue.labelIds.map((id) => this.s.labels[id]).filter(Boolean), a, info, (l) => this.label(l)),
        })
      }
      case 'MILESTONE': {
        const ms = issue?.milestoneId ? this.s.milestones[issue.milestoneId] : undefined
        if (!ms) return null
        return present('ProjectV2ItemFieldMilestoneValue', {field: fieldView, milestone: () => this.milestone(ms)})
      }
      case 'REPOSITORY': {
        if (!issue) return null
        return present('ProjectV2ItemFieldRepositoryValue', {field: fieldView, repository: () => this.repo(this.s.repos[issue.repoId])})
      }
      case 'CREATED':
      case 'UPDATED':
      case 'CLOSED': {
        // built-in, read-only dates of the content, presented as a date value (the union's only member for a date)
        const content = (draft ?? issue)!
        const at = field.dataType === 'CREATED' ? content.createdAt : field.dataType === 'UPDATED' ? content.updatedAt : issue?.closedAt
        if (!at) return null
        const rec: ValueRec = {
          id: `PVTFDV_${Buffer.from(`${item.databaseId}:${field.databaseId}`).toString('base64url')}`,
          databaseId: field.databaseId,
          createdAt: item.createdAt,
          updatedAt: content.updatedAt,
          creatorId: item.creatorId,
        }
        return present('ProjectV2ItemFieldDateValue', {...this.valueCommon(item, field, rec), date: at.slice(0, 10)})
      }
      case 'REVIEWERS': {
        if (!issue?.reviewerIds.length) return null
        return present('ProjectV2ItemFieldReviewerValue', {
          field: fieldView,
          reviewers: (a: Args, _c: unknown, info: GraphQLResolveInfo) =>
            connection(issue.reviewerIds.map((id) => this.s.users[id]).filter(Boolean), a, info, (u) => this.user(u)),
        })
      }
      default:
        return null
    }
  }

  // ---------------------------------------------------------------- nodes and the query root

  /** `node(id)`: any record the viewer may see, NOT_FOUND otherwise. */
  node(id: string): Obj {
    const ref = this.model.node(id)
    if (!ref) throw nodeNotFound(id)
    const projectOk = (projectId: string) => {
      const p = this.s.projects[projectId]
      if (!p || !this.canReadProject(p)) throw nodeNotFound(id)
    }
    switch (ref.type) {
      case 'User':
        return this.user(ref.rec)
      case 'Organization':
        return this.org(ref.rec)
      case 'Team':
        return this.team(ref.rec)
      case 'Repository':
        if (!this.canReadRepo(ref.rec)) throw nodeNotFound(id)
        return this.repo(ref.rec)
      case 'Issue':
      case 'PullRequest':
        if (!this.canReadRepo(this.s.repos[ref.rec.repoId])) throw nodeNotFound(id)
        return this.issue(ref.rec)
      case 'Label':
      case 'Milestone':
        if (!this.canReadRepo(this.s.repos[ref.rec.repoId])) throw nodeNotFound(id)
        return ref.type === 'Label' ? this.label(ref.rec) : this.milestone(ref.rec)
      case 'ProjectV2':
        projectOk(ref.rec.id)
        return this.project(ref.rec)
      case 'ProjectV2Field':
      case 'ProjectV2SingleSelectField':
      case 'ProjectV2IterationField':
        projectOk(ref.rec.projectId)
        return this.field(ref.rec)
      case 'ProjectV2Item':
        projectOk(ref.rec.projectId)
        return this.item(ref.rec)
      case 'DraftIssue':
        projectOk(ref.rec.projectId)
        return this.draft(ref.rec)
      case 'ProjectV2View':
        projectOk(ref.rec.projectId)
        return this.view(ref.rec)
      case 'ProjectV2Workflow':
        projectOk(ref.rec.projectId)
        return this.workflow(ref.rec)
      case 'ProjectV2StatusUpdate':
        projectOk(ref.rec.projectId)
        return this.statusUpdate(ref.rec)
      case 'ProjectV2ItemFieldValue': {
        projectOk(ref.item.projectId)
        const v = this.itemVisible(ref.item) ? this.value(ref.item, ref.field) : null
        if (!v) throw nodeNotFound(id)
        return v
      }
    }
  }

  viewerUser(): UserRec {
    if (!this.me) throw notFound(`Could not resolve to a User with the login of '${this.viewer.login}'.`)
    return this.me
  }

  /** Query.resource(url): issues, pull requests, repositories, users and organizations by their web URL; else null. */
  resource(url: string): Obj | null {
    const m = this.model
    if (!url.startsWith(m.baseUrl + '/')) return null
    const parts = url.slice(m.baseUrl.length + 1).split(/[?#]/)[0].split('/').filter(Boolean)
    if (parts.length === 1) {
      const owner = m.ownerOfLogin(parts[0])
      return owner ? this.ownerView(owner.rec.id) : null
    }
    const repo = m.repoOf(parts[0], parts[1])
    if (!repo || !this.canReadRepo(repo)) return null
    if (parts.length === 2) return this.repo(repo)
    if (parts.length === 4 && (parts[2] === 'issues' || parts[2] === 'pull') && /^\d+$/.test(parts[3])) {
      const issue = m.issueOf(repo, Number(parts[3]))
      if (!issue || issue.kind !== (parts[2] === 'pull' ? 'PullRequest' : 'Issue')) return null
      return this.issue(issue)
    }
    return null
  }

  queryRoot(): Obj {
    const m = this.model
    return present('Query', {
      viewer: () => this.user(this.viewerUser()),
      user: (a: Args) => {
        const u = m.userOfLogin(a.login)
        if (!u) throw notFound(`Could not resolve to a User with the login of '${a.login}'.`)
        return this.user(u)
      },
      organization: (a: Args) => {
        const o = m.orgOfLogin(a.login)
        if (!o) throw notFound(`Could not resolve to an Organization with the login of '${a.login}'.`)
        return this.org(o)
      },
      repositoryOwner: (a: Args) => {
        const owner = m.ownerOfLogin(a.login)
        return owner ? this.ownerView(owner.rec.id) : null
      },
      repository: (a: Args) => {
        const repo = m.repoOf(a.owner, a.name)
        if (!repo || !this.canReadRepo(repo)) throw notFound(`Could not resolve to a Repository with the name '${a.owner}/${a.name}'.`)
        return this.repo(repo)
      },
      node: (a: Args) => this.node(a.id),
      resource: (a: Args) => this.resource(String(a.url)),
      nodes: (a: Args) =>
        (a.ids as string[]).map((id) => {
          try {
            return this.node(id)
          } catch (error) {
            return Promise.reject(error)
          }
        }),
      id: 'MDU6UXVlcnk=',
      relay: () => this.queryRoot(),
    })
  }
}
