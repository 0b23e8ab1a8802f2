/**
 * The world's records: plain JSON, one table per GitHub type, every record keyed by its node id and pointing at
 * others by node id. The whole `Store` is what `World.toJSON()` writes and `World.fromJSON()` reads back.
 */
import {
  PROJECT_V2_CUSTOM_FIELD_TYPE,
  PROJECT_V2_SINGLE_SELECT_FIELD_OPTION_COLOR,
  type IssueFieldDataType as GitHubIssueFieldDataType,
  type IssueFieldVisibility,
  type IssueState,
  type IssueStateReason,
  type MilestoneState,
  type OrderDirection,
  type OrganizationMemberRole,
  type ProjectV2FieldType,
  type ProjectV2ItemType,
  type ProjectV2Role,
  type ProjectV2SingleSelectFieldOptionColor,
  type ProjectV2StatusUpdateStatus,
  type ProjectV2ViewLayout,
  type PullRequestState,
  type RepositoryVisibility,
} from '../../model/github-enums.js'
import {newCounters, type Counters} from './ids.js'

export const WORLD_STATE_VERSION = 1

/** ISO 8601 timestamp without milliseconds, as GitHub prints them: `2024-05-01T12:00:00Z`. */
export type Timestamp = string

interface Base {
  id: string
  databaseId: number
  createdAt: Timestamp
  updatedAt: Timestamp
}

export interface UserRec extends Base {
  login: string
  name: string | null
}

export type OrgRole = OrganizationMemberRole

export interface OrgRec extends Base {
  login: string
  name: string | null
  /** user id -> role */
  members: Record<string, OrgRole>
}

export interface TeamRec extends Base {
  orgId: string
  slug: string
  name: string
  description: string | null
  /** user ids */
  members: string[]
}

export type Visibility = RepositoryVisibility

export interface RepoRec extends Base {
  ownerId: string
  name: string
  description: string | null
  visibility: Visibility
  hasIssuesEnabled: boolean
  /** user ids with access besides the owner (and, for organisation repositories, the members) */
  collaborators: string[]
  /** next issue / pull request number (they share one sequence) */
  nextNumber: number
  nextMilestoneNumber: number
  /** number -> issue or pull request id */
  numbers: Record<string, string>
  /** label ids in creation order */
  labelIds: string[]
  /** milestone number -> milestone id */
  milestones: Record<string, string>
}

/** an issue's state, or a pull request's */
export type IssueStateRec = IssueState | PullRequestState
export type StateReason = IssueStateReason

/** An issue or a pull request (they share numbering, labels, assignees and milestones). */
export interface IssueRec extends Base {
  kind: 'Issue' | 'PullRequest'
  repoId: string
  number: number
  title: string
  body: string
  state: IssueStateRec
  stateReason: StateReason | null
  closedAt: Timestamp | null
  authorId: string | null
  labelIds: string[]
  assigneeIds: string[]
  milestoneId: string | null
  /** parent issue id (issues only) */
  parentId: string | null
  /** sub-issue ids, in order (issues only) */
  subIssueIds: string[]
  /** ids of the issues that block this one, in the order the dependencies were added */
  blockedByIds: string[]
  /** issues only: the organization's issue type set on the issue (absent or null: none) */
  issueTypeId?: string | null
  /** issues only: issue field id -> value (organization issue fields) */
  issueFieldValues?: Record<string, IssueFieldValueRec>
  /** pull requests only */
  isDraft: boolean
  mergedAt: Timestamp | null
  baseRefName: string
  headRefName: string
  /** pull requests only: user ids whose review is requested */
  reviewerIds: string[]
}

/** An organization's issue type (Bug, Feature, Task, ...). */
export interface IssueTypeRec extends Base {
  orgId: string
  name: string
  description: string | null
  color: OptionColor
  isEnabled: boolean
}

/** GitHub's issue field types but MULTI_SELECT, which the sandbox does not model (yet) */
export type IssueFieldDataType = Extract<GitHubIssueFieldDataType, 'TEXT' | 'NUMBER' | 'DATE' | 'SINGLE_SELECT'>

export interface IssueFieldOptionRec {
  id: string
  databaseId: number
  name: string
  description: string | null
  color: OptionColor
  priority: number
}

/** An organization's issue field (public preview): defined once, set on every issue of the organization. */
export interface IssueFieldRec extends Base {
  orgId: string
  name: string
  description: string | null
  dataType: IssueFieldDataType
  visibility: IssueFieldVisibility
  options?: IssueFieldOptionRec[]
}

/** One issue field's value on one issue: exactly one member set. */
export interface IssueFieldValueRec {
  text?: string
  number?: number
  date?: string
  optionId?: string
}

export interface LabelRec extends Base {
  repoId: string
  name: string
  color: string
  description: string | null
  isDefault: boolean
}

export interface MilestoneRec extends Base {
  repoId: string
  number: number
  title: string
  description: string | null
  state: MilestoneState
  dueOn: Timestamp | null
  closedAt: Timestamp | null
  creatorId: string | null
}

export type ProjectRole = ProjectV2Role

export interface ProjectRec extends Base {
  ownerId: string
  number: number
  title: string
  shortDescription: string | null
  readme: string | null
  public: boolean
  closed: boolean
  closedAt: Timestamp | null
  template: boolean
  creatorId: string | null
  /** in position order */
  fieldIds: string[]
  /** in position order */
  viewIds: string[]
  workflowIds: string[]
  statusUpdateIds: string[]
  /** item ids in position order (the order of `items`) */
  itemIds: string[]
  /** linked repositories, in link order */
  repoIds: string[]
  /** linked teams, in link order */
  teamIds: string[]
  /** user or team id -> role */
  collaborators: Record<string, ProjectRole>
  nextViewNumber: number
  nextWorkflowNumber: number
  /**
   * insights charts (the web UI's "Insights"): no API reads or writes them. Set only by the seed, shown only by the
   * sandbox-only inspection route, copied by copyProjectV2 (GitHub docs, "Copying an existing project").
   */
  insights?: InsightRec[]
}

/** One insights chart as the web UI keeps it: opaque to the API. */
export interface InsightRec {
  name: string
  /** layout, x-axis, group by, filter, ...: whatever the UI holds (the sandbox does not interpret it) */
  config: Record<string, unknown>
}

export type FieldDataType = ProjectV2FieldType

export const CUSTOM_FIELD_TYPES: readonly FieldDataType[] = PROJECT_V2_CUSTOM_FIELD_TYPE

/** Built-in, read-only date fields (GitHub's ProjectV2FieldType); new projects do not get them, a seed may declare them. */
export const BUILTIN_DATE_FIELD_TYPES: readonly FieldDataType[] = ['CREATED', 'UPDATED', 'CLOSED']

export type OptionColor = ProjectV2SingleSelectFieldOptionColor
export const OPTION_COLORS: readonly OptionColor[] = PROJECT_V2_SINGLE_SELECT_FIELD_OPTION_COLOR

export interface OptionRec {
  id: string
  name: string
  description: string
  color: OptionColor
}

export interface IterationRec {
  id: string
  title: string
  /** YYYY-MM-DD */
  startDate: string
  /** days */
  duration: number
}

export interface IterationConfigRec {
  duration: number
  /** day of the week iterations start on, 0 = Sunday ... 6 = Saturday */
  startDay: number
  /** all iterations, by start date; completed ones are told apart when read (they ended before today) */
  iterations: IterationRec[]
}

export interface FieldRec extends Base {
  projectId: string
  name: string
  dataType: FieldDataType
  options?: OptionRec[]
  iteration?: IterationConfigRec
  /** a project field showing an organization issue field (createProjectV2IssueField): its values live on the issues */
  issueFieldId?: string
}

export type ViewLayout = ProjectV2ViewLayout

export interface ViewRec extends Base {
  projectId: string
  number: number
  name: string
  layout: ViewLayout
  filter: string | null
  visibleFieldIds: string[]
  sortBy: Array<{fieldId: string; direction: OrderDirection}>
  groupByFieldIds: string[]
  verticalGroupByFieldIds: string[]
  creatorId: string | null
  /**
   * what the web UI keeps of a view but no API reads or writes (column widths, slice-by field, field sums,
   * hidden or collapsed groups, ...): opaque, set only by the seed, copied by copyProjectV2
   */
  uiConfig?: Record<string, unknown>
}

export interface WorkflowRec extends Base {
  projectId: string
  number: number
  name: string
  enabled: boolean
  /**
   * the workflow's configuration as the web UI keeps it ("Item closed" -> set Status to Done; an auto-add workflow's
   * repository and filter): the API reads only name, number and enabled. Opaque, set only by the seed.
   */
  config?: Record<string, unknown>
}

/**
 * Auto-add workflows ("Auto-add to project", "Auto-add sub-issues to project"): copyProjectV2 copies every configured
 * workflow EXCEPT these (GitHub docs, "Copying an existing project"); the copy has them as a new project does.
 */
export function isAutoAddWorkflow(name: string): boolean {
  return /^auto-add\b/i.test(name.trim())
}

export type ProjectStatus = ProjectV2StatusUpdateStatus

export interface StatusUpdateRec extends Base {
  projectId: string
  body: string | null
  status: ProjectStatus | null
  startDate: string | null
  targetDate: string | null
  creatorId: string | null
}

/** A custom field's value on one item; exactly one of text/number/date/optionId/iterationId is set. */
export interface ValueRec extends Base {
  text?: string
  number?: number
  date?: string
  optionId?: string
  iterationId?: string
  creatorId: string | null
}

export interface ItemRec extends Base {
  projectId: string
  /** never REDACTED: redaction is how an item is shown (see `redacted`), not what it is */
  type: Exclude<ProjectV2ItemType, 'REDACTED'>
  /** issue, pull request or draft issue id */
  contentId: string
  archived: boolean
  /** shown as REDACTED to everybody (the seed can mark items so) */
  redacted: boolean
  creatorId: string | null
  /** field id -> value (custom fields only; built-in values are read from the content) */
  values: Record<string, ValueRec>
}

export interface DraftRec extends Base {
  projectId: string
  itemId: string
  title: string
  body: string
  assigneeIds: string[]
  creatorId: string | null
}

export interface Store {
  version: typeof WORLD_STATE_VERSION
  counters: Counters
  users: Record<string, UserRec>
  orgs: Record<string, OrgRec>
  teams: Record<string, TeamRec>
  repos: Record<string, RepoRec>
  issues: Record<string, IssueRec>
  labels: Record<string, LabelRec>
  milestones: Record<string, MilestoneRec>
  projects: Record<string, ProjectRec>
  fields: Record<string, FieldRec>
  views: Record<string, ViewRec>
  workflows: Record<string, WorkflowRec>
  statusUpdates: Record<string, StatusUpdateRec>
  items: Record<string, ItemRec>
  drafts: Record<string, DraftRec>
  /** owner id -> the next project number */
  projectNumbers: Record<string, number>
  /** organizations' issue types (absent in worlds saved before they existed) */
  issueTypes?: Record<string, IssueTypeRec>
  /** organizations' issue fields (absent in worlds saved before they existed) */
  issueFields?: Record<string, IssueFieldRec>
  /** GitHub Apps, by app id (absent in worlds without any; src/sandbox/world/apps.ts) */
  apps?: Record<string, AppRec>
  /** installations of those apps on accounts, by installation id */
  installations?: Record<string, InstallationRec>
}

/** A GitHub App: its id (the JWT's `iss`), slug, the public half of its key, and what it may do. */
export interface AppRec {
  id: number
  nodeId: string
  slug: string
  name: string
  /** the account that owns the app (a user or organization id) */
  ownerId: string
  /** PEM (SPKI) of the key the app signs its JWTs with; GitHub keeps only the public half */
  publicKey: string
  /** GitHub's permission names: organization_projects, issues, metadata, pull_requests, ... -> read | write | admin */
  permissions: Record<string, string>
  /** the user id of the app's bot account ("slug[bot]"), the author of what an installation creates */
  botUserId: string
  createdAt: Timestamp
  updatedAt: Timestamp
}

/** An app installed on a user or organization (every repository of the account: repository_selection "all"). */
export interface InstallationRec {
  id: number
  appId: number
  accountId: string
  /** stand-ins for the rate-limit formula when the seed does not hold every repository or member */
  repositoryCount?: number
  userCount?: number
  createdAt: Timestamp
  updatedAt: Timestamp
}

export function emptyStore(): Store {
  return {
    version: WORLD_STATE_VERSION,
    counters: newCounters(),
    users: {},
    orgs: {},
    teams: {},
    repos: {},
    issues: {},
    labels: {},
    milestones: {},
    projects: {},
    fields: {},
    views: {},
    workflows: {},
    statusUpdates: {},
    items: {},
    drafts: {},
    projectNumbers: {},
    issueTypes: {},
    issueFields: {},
  }
}

const TABLES: ReadonlyArray<keyof Store> = [
  'users', 'orgs', 'teams', 'repos', 'issues', 'labels', 'milestones', 'projects', 'fields', 'views', 'workflows',
  'statusUpdates', 'items', 'drafts', 'projectNumbers',
]

/** Checks the outline of a serialised store; throws a one-line Error naming what is wrong. */
export function assertStore(value: unknown): asserts value is Store {
  if (!value || typeof value !== 'object') throw new Error('world state is not a JSON object')
  const v = value as Record<string, unknown>
  if (v.version !== WORLD_STATE_VERSION) throw new Error(`world state version ${String(v.version)} is not ${WORLD_STATE_VERSION}`)
  const counters = v.counters as Record<string, unknown> | undefined
  if (!counters || typeof counters.seq !== 'number' || typeof counters.databaseId !== 'number') {
    throw new Error('world state has no id counters')
  }
  for (const table of TABLES) {
    if (!v[table] || typeof v[table] !== 'object') throw new Error(`world state has no "${table}" table`)
  }
}
