/**
 * The REST subset GitHub offers only over REST: milestones, issue dependencies (blocked by / blocking), creating a
 * project view, and reading one issue. Shapes follow `@octokit/openapi-types` (components["schemas"]["milestone"],
 * ["issue"], ["projects-v2-view"]). A path with no route, or naming something the viewer cannot see, answers
 * `undefined` (the engine turns that into GitHub's 404). Views cannot be edited through any API, so there is no route.
 */
import type {components} from '@octokit/openapi-types'
import type {RestRequest, RestResponse} from '../backend.js'
import {SandboxError} from '../errors.js'
import type {Model} from './model.js'
import {Planning} from './planning.js'
import type {Reader} from './read.js'
import {simpleUserJson, type SimpleUserJson} from './rest-shapes.js'
import type {IssueRec, LabelRec, MilestoneRec, ProjectRec, RepoRec, UserRec, ViewLayout, ViewRec} from './store.js'

type MilestoneJson = components['schemas']['milestone']
type IssueJson = components['schemas']['issue']
type ViewJson = components['schemas']['projects-v2-view']

const DOCS = 'https://docs.github.com/rest'
const LAYOUTS: Record<string, ViewLayout> = {table: 'TABLE_LAYOUT', board: 'BOARD_LAYOUT', roadmap: 'ROADMAP_LAYOUT'}

function lower<T extends string | null>(value: T): T {
  return (value === null ? null : value.toLowerCase()) as T
}

function invalid(resource: string, message: string, field?: string): RestResponse {
  return {
    status: 422,
    body: {message: 'Validation Failed', errors: [{resource, code: 'custom', ...(field ? {field} : {}), message}], documentation_url: DOCS},
  }
}

function forbidden(message: string): RestResponse {
  return {status: 403, body: {message, documentation_url: DOCS}}
}

export class RestApi {
  private readonly api: string

  constructor(
    private readonly model: Model,
    private readonly reader: Reader,
  ) {
    this.api = model.baseUrl === 'https://github.com' ? 'https://api.github.com' : `${model.baseUrl}/api/v3`
  }

  handle(req: RestRequest): RestResponse | undefined {
    const parts = req.path.replace(/^\/+|\/+$/g, '').split('/').map(decodeURIComponent)
    const method = req.method.toUpperCase()
    try {
      if (parts[0] === '_sandbox') return this.sandboxRoute(method, parts)
      if (parts[0] === 'repos' && parts.length >= 4) return this.repoRoute(method, parts, req)
      if ((parts[0] === 'orgs' || parts[0] === 'users') && parts[2] === 'projectsV2' && parts[4] === 'views' && parts.length === 5) {
        return method === 'POST' ? this.createView(parts[0], parts[1], Number(parts[3]), req.body) : undefined
      }
      return undefined
    } catch (error) {
      if (error instanceof SandboxError && error.type === 'UNPROCESSABLE') return invalid('Issue', error.message)
      throw error
    }
  }

  /**
   * NOT GITHUB: sandbox-only inspection, for tests and the demo. `GET /_sandbox/projects/{node id}/ui` shows what only
   * GitHub's web UI holds of a project (views' uiConfig, workflows' configuration, insights), which no API reads, so
   * a test can prove what copyProjectV2 carried. The product never calls it.
   */
  private sandboxRoute(method: string, parts: string[]): RestResponse | undefined {
    if (method !== 'GET' || parts[1] !== 'projects' || parts[3] !== 'ui' || parts.length !== 4) return undefined
    const project = this.model.store.projects[parts[2]]
    if (!project || !this.reader.canReadProject(project)) return undefined
    return {
      status: 200,
      body: {
        sandboxOnly: 'not part of GitHub\'s API: what the web UI holds of this project, for tests and the demo',
        project: {id: project.id, number: project.number, title: project.title},
        ...this.model.uiOf(project),
      },
    }
  }

  private repoRoute(method: string, parts: string[], req: RestRequest): RestResponse | undefined {
    const repo = this.model.repoOf(parts[1], parts[2])
    if (!repo || !this.reader.canReadRepo(repo)) return undefined
    const rest = parts.slice(3)
    const write = method !== 'GET'
    if (write && !this.reader.canWriteRepo(repo)) return forbidden('Must have push access to repository.')
    if (rest[0] === 'milestones') {
      if (rest.length === 1) {
        if (method === 'GET') return this.listMilestones(repo, req.query)
        if (method === 'POST') return this.createMilestone(repo, req.body)
        return undefined
      }
      const milestone = rest.length === 2 ? this.model.milestoneOf(repo, Number(rest[1])) : undefined
      if (!milestone) return undefined
      if (method === 'GET') return {status: 200, body: this.milestoneJson(milestone)}
      if (method === 'PATCH') return this.updateMilestone(milestone, req.body)
      if (method === 'DELETE') {
        this.model.deleteMilestone(milestone)
        return {status: 204, body: null}
      }
      return undefined
    }
    if (rest[0] !== 'issues' || rest.length < 2) return undefined
    const issue = this.model.issueOf(repo, Number(rest[1]))
    if (!issue) return undefined
    if (rest.length === 2) return method === 'GET' ? {status: 200, body: this.issueJson(issue)} : undefined
    if (rest[2] !== 'dependencies') return undefined
    if (rest[3] === 'blocking' && rest.length === 4 && method === 'GET') {
      return this.page(this.model.blocking(issue), req.query, (i) => this.issueJson(i))
    }
    if (rest[3] !== 'blocked_by') return undefined
    if (rest.length === 4 && method === 'GET') {
      return this.page(
        issue.blockedByIds.map((id) => this.model.store.issues[id]).filter(Boolean),
        req.query,
        (i) => this.issueJson(i),
      )
    }
    if (rest.length === 4 && method === 'POST') {
      const blocker = this.issueByDatabaseId((req.body as {issue_id?: unknown} | null)?.issue_id)
      if (!blocker) return invalid('IssueDependency', 'issue_id does not name an issue you can see.', 'issue_id')
      new Planning(this.model).addBlockedBy(issue, blocker)
      return {status: 201, body: this.issueJson(blocker), headers: {location: `${this.issueApiUrl(issue)}/dependencies/blocked_by`}}
    }
    if (rest.length === 5 && method === 'DELETE') {
      const blocker = this.issueByDatabaseId(Number(rest[4]))
      if (!blocker || !issue.blockedByIds.includes(blocker.id)) return undefined
      this.model.removeBlockedBy(issue, blocker)
      return {status: 200, body: this.issueJson(blocker)}
    }
    return undefined
  }

  private issueByDatabaseId(value: unknown): IssueRec | undefined {
    const id = Number(value)
    if (!Number.isInteger(id)) return undefined
    const issue = Object.values(this.model.store.issues).find((i) => i.databaseId === id)
    return issue && this.reader.canReadRepo(this.model.store.repos[issue.repoId]) ? issue : undefined
  }

  /** GitHub's page/per_page pagination with a `link` header. */
  private page<T>(list: T[], query: Record<string, string>, toJson: (t: T) => unknown): RestResponse {
    const perPage = Math.min(Math.max(Number(query.per_page ?? 30) || 30, 1), 100)
    const page = Math.max(Number(query.page ?? 1) || 1, 1)
    const body = list.slice((page - 1) * perPage, page * perPage).map(toJson)
    const last = Math.max(Math.ceil(list.length / perPage), 1)
    const headers: Record<string, string> = {}
    if (page < last) headers.link = `<?page=${page + 1}&per_page=${perPage}>; rel="next", <?page=${last}&per_page=${perPage}>; rel="last"`
    return {status: 200, body, headers}
  }

  // ---------------------------------------------------------------- milestones

  private listMilestones(repo: RepoRec, query: Record<string, string>): RestResponse {
    const state = query.state ?? 'open'
    let list = this.model.milestones(repo).filter((m) => state === 'all' || m.state === state.toUpperCase())
    list.sort((a, b) => a.number - b.number)
    if (query.sort === 'due_on') list.sort((a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'))
    if (query.direction === 'desc') list = list.reverse()
    return this.page(list, query, (m) => this.milestoneJson(m))
  }

  private milestoneInput(body: unknown): {title?: string; state?: 'OPEN' | 'CLOSED'; description?: string | null; dueOn?: string | null} | string {
    const b = (body ?? {}) as Record<string, unknown>
    if (b.title !== undefined && typeof b.title !== 'string') return 'title must be a string'
    if (b.state !== undefined && b.state !== 'open' && b.state !== 'closed') return 'state must be open or closed'
    if (b.description !== undefined && b.description !== null && typeof b.description !== 'string') return 'description must be a string'
    let dueOn: string | null | undefined
    if (b.due_on !== undefined && b.due_on !== null) {
      const d = new Date(String(b.due_on))
      if (Number.isNaN(d.getTime())) return 'due_on must be an ISO 8601 timestamp'
      dueOn = d.toISOString().replace(/\.\d{3}Z$/, 'Z')
    } else if (b.due_on === null) dueOn = null
    return {
      title: b.title as string | undefined,
      state: b.state === undefined ? undefined : (String(b.state).toUpperCase() as 'OPEN' | 'CLOSED'),
      description: b.description as string | null | undefined,
      dueOn,
    }
  }

  private createMilestone(repo: RepoRec, body: unknown): RestResponse {
    const input = this.milestoneInput(body)
    if (typeof input === 'string') return invalid('Milestone', input)
    if (!input.title) return invalid('Milestone', 'title is missing', 'title')
    if (this.model.milestones(repo).some((m) => m.title === input.title)) {
      return {
        status: 422,
        body: {message: 'Validation Failed', errors: [{resource: 'Milestone', code: 'already_exists', field: 'title'}], documentation_url: DOCS},
      }
    }
    const milestone = this.model.addMilestone(repo, {...input, title: input.title, creatorId: this.reader.me?.id ?? null})
    return {status: 201, body: this.milestoneJson(milestone), headers: {location: this.milestoneJson(milestone).url}}
  }

  private updateMilestone(milestone: MilestoneRec, body: unknown): RestResponse {
    const input = this.milestoneInput(body)
    if (typeof input === 'string') return invalid('Milestone', input)
    const repo = this.model.store.repos[milestone.repoId]
    if (input.title !== undefined) {
      if (!input.title.trim()) return invalid('Milestone', "title can't be blank", 'title')
      if (this.model.milestones(repo).some((m) => m !== milestone && m.title === input.title)) {
        return {
          status: 422,
          body: {message: 'Validation Failed', errors: [{resource: 'Milestone', code: 'already_exists', field: 'title'}], documentation_url: DOCS},
        }
      }
      milestone.title = input.title
    }
    if (input.description !== undefined) milestone.description = input.description
    if (input.dueOn !== undefined) milestone.dueOn = input.dueOn
    if (input.state !== undefined && input.state !== milestone.state) {
      milestone.state = input.state
      milestone.closedAt = input.state === 'CLOSED' ? this.model.timestamp() : null
    }
    this.model.touch(milestone)
    return {status: 200, body: this.milestoneJson(milestone)}
  }

  // ---------------------------------------------------------------- views

  private createView(kind: string, ownerKey: string, number: number, body: unknown): RestResponse | undefined {
    const owner =
      kind === 'orgs'
        ? this.model.orgOfLogin(ownerKey)
        : (this.model.userOfLogin(ownerKey) ?? Object.values(this.model.store.users).find((u) => String(u.databaseId) === ownerKey))
    if (!owner) return undefined
    let project: ProjectRec
    try {
      project = this.reader.projectOf(owner.id, number)
    } catch {
      return undefined
    }
    if (!this.reader.canWriteProject(project)) return forbidden('Resource not accessible by personal access token')
    const b = (body ?? {}) as Record<string, unknown>
    if (typeof b.name !== 'string' || !b.name.trim()) return invalid('ProjectV2View', 'name is missing', 'name')
    const layout = LAYOUTS[String(b.layout)]
    if (!layout) return invalid('ProjectV2View', 'layout must be one of table, board, roadmap', 'layout')
    const byDbId = new Map(this.model.fields(project).map((f) => [f.databaseId, f.id]))
    const fieldIds = (key: string): string[] | string => {
      const value = b[key] ?? []
      if (!Array.isArray(value)) return `${key} must be an array of field ids`
      const out: string[] = []
      for (const v of value) {
        const id = byDbId.get(Number(v))
        if (!id) return `${key}: ${String(v)} is not a field of this project`
        out.push(id)
      }
      return out
    }
    const visible = fieldIds('visible_fields')
    const groupBy = fieldIds('group_by')
    const verticalGroupBy = fieldIds('vertical_group_by')
    for (const [key, v] of [['visible_fields', visible], ['group_by', groupBy], ['vertical_group_by', verticalGroupBy]] as const) {
      if (typeof v === 'string') return invalid('ProjectV2View', v, key)
    }
    const sortBy: Array<{fieldId: string; direction: 'ASC' | 'DESC'}> = []
    const rawSort = b.sort_by ?? []
    if (!Array.isArray(rawSort)) return invalid('ProjectV2View', 'sort_by must be an array of [field id, direction] pairs', 'sort_by')
    for (const pair of rawSort) {
      const id = Array.isArray(pair) ? byDbId.get(Number(pair[0])) : undefined
      const direction = Array.isArray(pair) ? String(pair[1] ?? 'asc').toUpperCase() : ''
      if (!id || (direction !== 'ASC' && direction !== 'DESC')) {
        return invalid('ProjectV2View', `sort_by: ${JSON.stringify(pair)} is not a [field id, "asc"|"desc"] pair of this project`, 'sort_by')
      }
      sortBy.push({fieldId: id, direction})
    }
    if (b.filter !== undefined && b.filter !== null && typeof b.filter !== 'string') return invalid('ProjectV2View', 'filter must be a string', 'filter')
    const view = this.model.addView(project, {
      name: b.name,
      layout,
      filter: (b.filter as string | undefined) ?? null,
      visibleFieldIds: visible as string[],
      sortBy,
      groupByFieldIds: groupBy as string[],
      verticalGroupByFieldIds: verticalGroupBy as string[],
      creatorId: this.reader.me?.id ?? null,
    })
    this.model.touch(project)
    return {status: 201, body: this.viewJson(project, view)}
  }

  // ---------------------------------------------------------------- JSON shapes

  private userJson(user: UserRec): SimpleUserJson {
    return simpleUserJson(user, 'User', this.api, this.model.baseUrl)
  }

  private userById(id: string | null): SimpleUserJson | null {
    const user = id ? this.model.store.users[id] : undefined
    return user ? this.userJson(user) : null
  }

  private repoApiUrl(repo: RepoRec): string {
    return `${this.api}/repos/${this.model.repoFullName(repo)}`
  }

  private issueApiUrl(issue: IssueRec): string {
    return `${this.repoApiUrl(this.model.store.repos[issue.repoId])}/issues/${issue.number}`
  }

  milestoneJson(m: MilestoneRec): MilestoneJson {
    const repo = this.model.store.repos[m.repoId]
    const issues = Object.values(repo.numbers)
      .map((id) => this.model.store.issues[id])
      .filter((i) => i.milestoneId === m.id)
    const url = `${this.repoApiUrl(repo)}/milestones/${m.number}`
    return {
      url,
      html_url: `${this.model.baseUrl}/${this.model.repoFullName(repo)}/milestone/${m.number}`,
      labels_url: `${url}/labels`,
      id: m.databaseId,
      node_id: m.id,
      number: m.number,
      state: lower(m.state) as 'open' | 'closed',
      title: m.title,
      description: m.description,
      creator: this.userById(m.creatorId),
      open_issues: issues.filter((i) => i.state === 'OPEN').length,
      closed_issues: issues.filter((i) => i.state !== 'OPEN').length,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
      closed_at: m.closedAt,
      due_on: m.dueOn,
    }
  }

  private labelJson(l: LabelRec): {id: number; node_id: string; url: string; name: string; description: string | null; color: string; default: boolean} {
    return {
      id: l.databaseId,
      node_id: l.id,
      url: `${this.repoApiUrl(this.model.store.repos[l.repoId])}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      description: l.description,
      color: l.color,
      default: l.isDefault,
    }
  }

  issueJson(issue: IssueRec): IssueJson {
    const s = this.model.store
    const url = this.issueApiUrl(issue)
    const assignees = issue.assigneeIds.flatMap((id) => (s.users[id] ? [this.userJson(s.users[id])] : []))
    const subs = issue.subIssueIds.map((id) => s.issues[id]).filter(Boolean)
    const completed = subs.filter((i) => i.state !== 'OPEN').length
    const blocking = this.model.blocking(issue)
    const blockers = issue.blockedByIds.map((id) => s.issues[id]).filter(Boolean)
    const json: IssueJson = {
      id: issue.databaseId,
      node_id: issue.id,
      url,
      repository_url: this.repoApiUrl(s.repos[issue.repoId]),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: this.model.issueUrl(issue),
      number: issue.number,
      state: issue.state === 'OPEN' ? 'open' : 'closed',
      state_reason: lower(issue.stateReason) as IssueJson['state_reason'],
      title: issue.title,
      body: issue.body || null,
      user: this.userById(issue.authorId),
      labels: issue.labelIds.flatMap((id) => (s.labels[id] ? [this.labelJson(s.labels[id])] : [])),
      assignee: assignees[0] ?? null,
      assignees,
      milestone: issue.milestoneId && s.milestones[issue.milestoneId] ? this.milestoneJson(s.milestones[issue.milestoneId]) : null,
      locked: false,
      active_lock_reason: null,
      comments: 0,
      closed_at: issue.closedAt,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      author_association: 'MEMBER',
      sub_issues_summary: {total: subs.length, completed, percent_completed: subs.length ? Math.floor((completed * 100) / subs.length) : 0},
      parent_issue_url: issue.parentId && s.issues[issue.parentId] ? this.issueApiUrl(s.issues[issue.parentId]) : null,
      issue_dependencies_summary: {
        blocked_by: blockers.filter((i) => i.state === 'OPEN').length,
        total_blocked_by: blockers.length,
        blocking: blocking.filter((i) => i.state === 'OPEN').length,
        total_blocking: blocking.length,
      },
    }
    if (issue.kind === 'PullRequest') {
      const pr = `${this.repoApiUrl(s.repos[issue.repoId])}/pulls/${issue.number}`
      json.draft = issue.isDraft
      json.pull_request = {url: pr, html_url: this.model.issueUrl(issue), diff_url: `${this.model.issueUrl(issue)}.diff`, patch_url: `${this.model.issueUrl(issue)}.patch`, merged_at: issue.mergedAt}
    }
    return json
  }

  viewJson(project: ProjectRec, view: ViewRec): ViewJson {
    const owner = this.model.owner(project.ownerId)!
    const dbId = (id: string) => this.model.store.fields[id]?.databaseId
    const ids = (list: string[]) => list.map(dbId).filter((x): x is number => x !== undefined)
    const kind = owner.type === 'Organization' ? 'orgs' : 'users'
    const users = this.model.store.users
    const creator = users[view.creatorId ?? ''] ?? users[project.creatorId ?? ''] ?? Object.values(users)[0]
    return {
      id: view.databaseId,
      number: view.number,
      name: view.name,
      layout: view.layout.replace('_LAYOUT', '').toLowerCase() as ViewJson['layout'],
      node_id: view.id,
      project_url: `${this.api}/${kind}/${owner.rec.login}/projectsV2/${project.number}`,
      html_url: `${this.model.projectUrl(project)}/views/${view.number}`,
      creator: this.userJson(creator),
      created_at: view.createdAt,
      updated_at: view.updatedAt,
      filter: view.filter,
      visible_fields: ids(view.visibleFieldIds),
      sort_by: view.sortBy.flatMap((x) => (dbId(x.fieldId) === undefined ? [] : [[dbId(x.fieldId)!, x.direction.toLowerCase()]])),
      group_by: ids(view.groupByFieldIds),
      vertical_group_by: ids(view.verticalGroupByFieldIds),
    }
  }
}
