/**
 * ProjectState: everything a backup keeps of one GitHub Project (v2), keyed by stable identity so that two captures
 * of an unchanged project are byte-identical in canonical form and a jsondiffpatch delta between two states says
 * exactly what changed.
 *
 * - maps, never arrays of API nodes, wherever identity exists: fields by field node id, options by option id,
 *   iterations by iteration id, views by view number, items by ITEM KEY (see `itemKey`), workflows by number,
 *   status updates by node id, milestones by `owner/repo#number`;
 * - order that matters is kept as data: `itemOrder` (item keys in project position order), `position` on options;
 * - names are kept beside ids, because ids die with deletion and a restore matches by name second.
 *
 * Backup types are sections of the same state: `minimal` has `project` and `fields` (names and types only);
 * `config` adds full field definitions, views, workflows, repositories, teams; `full` adds items, their values, issue
 * content, milestones and status updates.
 */
import {
  PROJECT_V2_CUSTOM_FIELD_TYPE,
  type MilestoneState,
  type OrderDirection,
  type ProjectV2FieldType,
  type ProjectV2ItemType,
  type ProjectV2SingleSelectFieldOptionColor,
  type ProjectV2StatusUpdateStatus,
  type ProjectV2ViewLayout,
} from './github-enums.js'

export type BackupType = 'full' | 'config' | 'minimal'

export const STATE_SCHEMA_VERSION = 1

export interface ProjectState {
  schemaVersion: typeof STATE_SCHEMA_VERSION
  type: BackupType
  project: ProjectSettings
  fields: Record<string, FieldDef>
  views?: Record<string, ViewDef>
  workflows?: Record<string, WorkflowDef>
  /** `owner/name` of linked repositories, sorted */
  repositories?: string[]
  /** `org/team-slug` of linked teams, sorted */
  teams?: string[]
  statusUpdates?: Record<string, StatusUpdate>
  items?: Record<string, ItemState>
  /** item keys in project position order */
  itemOrder?: string[]
  /** milestones of linked repositories and of repositories that items live in, keyed `owner/repo#number` */
  milestones?: Record<string, Milestone>
}

export interface ProjectSettings {
  id: string
  number: number
  url: string
  /** databaseId is what REST routes such as view creation need (`/users/{user_id}/projectsV2/...`) */
  owner: {login: string; type: 'User' | 'Organization'; databaseId?: number}
  title: string
  shortDescription: string | null
  readme: string | null
  public: boolean
  closed: boolean
  template: boolean
}

/**
 * GraphQL `ProjectV2FieldType` (upper case). Only DATE, ITERATION, NUMBER, SINGLE_SELECT, TEXT can be created;
 * CREATED, UPDATED and CLOSED are built-in read-only dates of the content (a restore never creates them, never
 * warns about them, and a capture keeps no values of them).
 */
export type FieldDataType = ProjectV2FieldType

/** GraphQL `ProjectV2CustomFieldType`: the types createProjectV2Field takes */
export const CREATABLE_FIELD_TYPES: readonly FieldDataType[] = PROJECT_V2_CUSTOM_FIELD_TYPE

/** Built-in read-only date fields: a project may or may not show them; nothing about them is restored. */
export const READ_ONLY_DATE_FIELD_TYPES: readonly FieldDataType[] = ['CREATED', 'UPDATED', 'CLOSED']

export interface FieldDef {
  id: string
  /** REST view creation names fields by database id */
  databaseId?: number
  name: string
  dataType: FieldDataType
  /** single select: options by option id */
  options?: Record<string, SelectOption>
  /** iteration: configuration */
  iteration?: IterationConfig
}

export type OptionColor = ProjectV2SingleSelectFieldOptionColor

export interface SelectOption {
  id: string
  name: string
  description: string
  color: OptionColor
  /** 0-based place in the option list */
  position: number
}

export interface IterationConfig {
  duration: number
  startDay: number
  /** active and upcoming iterations by id */
  iterations: Record<string, Iteration>
  /** completed iterations by id */
  completedIterations: Record<string, Iteration>
}

export interface Iteration {
  id: string
  title: string
  startDate: string
  duration: number
}

export interface ViewDef {
  id: string
  number: number
  name: string
  layout: ProjectV2ViewLayout
  filter: string | null
  /** field NAMES (ids die with deletion; views are matched and recreated by name) */
  visibleFields: string[]
  sortBy: Array<{field: string; direction: OrderDirection}>
  groupBy: string[]
  verticalGroupBy: string[]
}

export interface WorkflowDef {
  id: string
  number: number
  name: string
  enabled: boolean
}

export interface StatusUpdate {
  id: string
  body: string | null
  status: ProjectV2StatusUpdateStatus | null
  startDate: string | null
  targetDate: string | null
  createdAt: string
}

export type ItemType = ProjectV2ItemType

/**
 * One project item. Its key in `ProjectState.items` is `itemKey(item)`: the content URL for issues and pull
 * requests (stable across delete and re-add), `draft:<draft issue node id>` for drafts, `redacted:<item id>` otherwise.
 */
export interface ItemState {
  id: string
  type: ItemType
  archived: boolean
  /** issue / pull request content (absent for drafts and redacted items) */
  content?: IssueContent
  /** draft content */
  draft?: DraftContent
  /** custom field values by FIELD ID (only fields with a value) */
  values: Record<string, FieldValue>
}

export interface IssueContent {
  kind: 'Issue' | 'PullRequest'
  url: string
  /** `owner/name` */
  repository: string
  number: number
  title: string
  body: string
  state: string
  stateReason: string | null
  labels: string[]
  assignees: string[]
  /** `owner/repo#number` key into `ProjectState.milestones`, or null */
  milestone: string | null
  /** URL of the parent issue, or null */
  parent: string | null
  /** URLs of sub-issues, in the parent's order (GitHub's sub-issue priority, `reprioritizeSubIssue`) */
  subIssues: string[]
  /** URLs of the issues this one is blocked by, sorted; absent when the capture did not read dependencies */
  blockedBy?: string[]
  /**
   * issues only: the name of the issue's type (an issue type of the repository's organization), null for none;
   * absent when the capture did not read issue types (older backups, GitHub Enterprise Server)
   */
  issueType?: string | null
  /**
   * issues only: the organization's issue fields (public preview) set on the issue, by field name: text, number,
   * date (YYYY-MM-DD) or the single-select option's name; absent when not read (older backups, repositories owned by
   * a user, GitHub Enterprise Server)
   */
  issueFields?: Record<string, string | number>
}

export interface DraftContent {
  id: string
  title: string
  body: string
  assignees: string[]
}

export type FieldValue =
  | {type: 'text'; text: string}
  | {type: 'number'; number: number}
  | {type: 'date'; date: string}
  | {type: 'singleSelect'; optionId: string; name: string}
  | {type: 'iteration'; iterationId: string; title: string; startDate: string}

export interface Milestone {
  repository: string
  number: number
  title: string
  description: string | null
  state: MilestoneState
  dueOn: string | null
}

/** The key of an item in `ProjectState.items`. */
export function itemKey(item: Pick<ItemState, 'id' | 'type' | 'content' | 'draft'>): string {
  if (item.content) return item.content.url
  if (item.draft) return `draft:${item.draft.id}`
  return `redacted:${item.id}`
}

/** Sections present per backup type. */
export const SECTIONS: Record<BackupType, ReadonlyArray<keyof ProjectState>> = {
  minimal: ['project', 'fields'],
  config: ['project', 'fields', 'views', 'workflows', 'repositories', 'teams'],
  full: ['project', 'fields', 'views', 'workflows', 'repositories', 'teams', 'statusUpdates', 'items', 'itemOrder', 'milestones'],
}
