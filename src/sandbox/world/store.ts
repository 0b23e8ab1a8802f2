/**
 * The world's records: plain JSON, one table per GitHub type, every record keyed by its node id and pointing at
 * others by node id. The whole `Store` is what `World.toJSON()` writes and `World.fromJSON()` reads back.
 */
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

export type OrgRole = 'ADMIN' | 'MEMBER'

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

export type Visibility = 'PUBLIC' | 'PRIVATE' | 'INTERNAL'

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

export type IssueStateRec = 'OPEN' | 'CLOSED' | 'MERGED'
export type StateReason = 'COMPLETED' | 'NOT_PLANNED' | 'DUPLICATE' | 'REOPENED'

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

export type IssueFieldDataType = 'TEXT' | 'NUMBER' | 'DATE' | 'SINGLE_SELECT'

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
  visibility: 'ALL' | 'ORG_ONLY'
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
  state: 'OPEN' | 'CLOSED'
  dueOn: Timestamp | null
  closedAt: Timestamp | null
  creatorId: string | null
}

export type ProjectRole = 'ADMIN' | 'WRITER' | 'READER' | 'NONE'

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
}

export type FieldDataType =
  | 'ASSIGNEES'
  | 'CLOSED'
  | 'CREATED'
  | 'DATE'
  | 'ISSUE_TYPE'
  | 'ITERATION'
  | 'LABELS'
  | 'LINKED_PULL_REQUESTS'
  | 'MILESTONE'
  | 'NUMBER'
  | 'PARENT_ISSUE'
  | 'REPOSITORY'
  | 'REVIEWERS'
  | 'SINGLE_SELECT'
  | 'SUB_ISSUES_PROGRESS'
  | 'TEXT'
  | 'TITLE'
  | 'TRACKED_BY'
  | 'TRACKS'
  | 'UPDATED'

export const CUSTOM_FIELD_TYPES: readonly FieldDataType[] = ['DATE', 'ITERATION', 'NUMBER', 'SINGLE_SELECT', 'TEXT']

/** Built-in, read-only date fields (GitHub's ProjectV2FieldType); new projects do not get them, a seed may declare them. */
export const BUILTIN_DATE_FIELD_TYPES: readonly FieldDataType[] = ['CREATED', 'UPDATED', 'CLOSED']

export type OptionColor = 'BLUE' | 'GRAY' | 'GREEN' | 'ORANGE' | 'PINK' | 'PURPLE' | 'RED' | 'YELLOW'
export const OPTION_COLORS: readonly OptionColor[] = ['BLUE', 'GRAY', 'GREEN', 'ORANGE', 'PINK', 'PURPLE', 'RED', 'YELLOW']

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

export type ViewLayout = 'TABLE_LAYOUT' | 'BOARD_LAYOUT' | 'ROADMAP_LAYOUT'

export interface ViewRec extends Base {
  projectId: string
  number: number
  name: string
  layout: ViewLayout
  filter: string | null
  visibleFieldIds: string[]
  sortBy: Array<{fieldId: string; direction: 'ASC' | 'DESC'}>
  groupByFieldIds: string[]
  verticalGroupByFieldIds: string[]
  creatorId: string | null
}

export interface WorkflowRec extends Base {
  projectId: string
  number: number
  name: string
  enabled: boolean
}

export type ProjectStatus = 'ON_TRACK' | 'AT_RISK' | 'OFF_TRACK' | 'COMPLETE' | 'INACTIVE'

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
  type: 'ISSUE' | 'PULL_REQUEST' | 'DRAFT_ISSUE'
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
