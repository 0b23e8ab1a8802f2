/**
 * The plan's types, and nothing else: operations, their references, the plan and its estimate. Every module of
 * src/plan imports its types from here; this module imports nothing of src/plan (so no cycle can run through it).
 * The meaning of the operations is documented in plan.ts.
 */
import type {FieldDataType, OptionColor, ViewDef} from '../model/state.js'

export type Section = 'config' | 'fields' | 'issues'

export interface DiffOptions {
  /** `--partial`: only these sections (config = settings, views, links; fields = definitions and their values; issues = items) */
  sections?: Section[]
  /** `--issues`: only these items, by number (`39`) or reference (`owner/repo#39`) */
  issues?: Array<number | string>
  /** `--exclude-issues`: never these items */
  excludeIssues?: Array<number | string>
  /** `--fields`: only these fields (by name, case-insensitive) and their values */
  fields?: string[]
  /**
   * `--confirm-destructive`: also remove or clear what the backup does not hold or does not cover (live fields,
   * options, iterations, items, and values the backup does not hold). Without it such removals are conflicts, left alone
   */
  destructive?: boolean
  /**
   * false when the backup holds no items or values (a config or minimal backup, completed from the live project):
   * nothing of an item is removed or cleared by it. Default true
   */
  itemsHeld?: boolean
  /** the target is a project this restore created: what GitHub put there by itself is not the user's (no warnings) */
  createdByRestore?: boolean
  /** the target is not the backed-up project (`--to`): its values are its own; none is cleared without `destructive` */
  otherProject?: boolean
  /** `--map-repo OLD=NEW`: `owner/name` of a repository in the backup → `owner/name` to restore into */
  repoMap?: Record<string, string>
  /** content URL in the backup → URL of the issue that replaced it (from a previous apply's `idMap.urls`) */
  urlMap?: Record<string, string>
  /** content URLs (after mapping) the caller found no longer resolve (deleted issues); see `findMissingContent` */
  missingContent?: string[]
  /** recreate a missing issue as a NEW issue (it gets a new number) instead of only warning */
  recreateMissingIssues?: boolean
  /**
   * `--recreate-views`: a view that exists live but differs from the backup gets a NEW view beside it, named
   * `NAME (restored)`, with the backup's settings (no API edits or deletes a view; the old one is left for a person)
   */
  recreateViews?: boolean
  /** URL of the backup's shadow project, which holds each view as it was (hidden UI configuration included) */
  shadowUrl?: string
  /** estimate settings (mutationIntervalMs: the client's spacing of mutative requests, default 1 s as on GitHub) */
  latencyMs?: number
  mutationIntervalMs?: number
  batchSize?: number
  contentBatchSize?: number
}

/** A field as operations see it: the live id when the field exists, else the id of the operation creating it. */
export interface FieldRef {
  /** name in the backup (the name it has after the restore) */
  name: string
  dataType: FieldDataType
  liveId: string | null
  createdBy?: string
}

/** An item as operations see it: its key in the (mapped) desired state, live id or the operation adding it. */
export interface ItemRef {
  key: string
  /** human label: `owner/repo#12`, `draft "Title"` */
  label: string
  liveId: string | null
  createdBy?: string
}

export interface OptionSpec {
  /** restoreOptions only: the live id of the option this one keeps (identity and values survive); absent = new option */
  id?: string
  name: string
  description: string
  color: OptionColor
}

export interface IterationSpec {
  duration: number
  startDate: string
  iterations: Array<{title: string; startDate: string; duration: number}>
}

/** A field value as planned: single select by option NAME, iteration by TITLE (ids are resolved at apply time). */
export type PlannedValue =
  | {type: 'text'; text: string}
  | {type: 'number'; number: number}
  | {type: 'date'; date: string}
  | {type: 'singleSelect'; name: string}
  | {type: 'iteration'; title: string}

export interface ProjectChanges {
  title?: string
  shortDescription?: string | null
  readme?: string | null
  public?: boolean
  closed?: boolean
}

interface Base {
  /** stable: the same change in the same project always gets the same id (used to resume) */
  id: string
  /** ids of operations that must run first */
  deps: string[]
}

/** An issue or pull request, named by URL; its node id is looked up at apply time (or taken from `createdBy`). */
export interface ContentRef {
  url: string
  kind: 'Issue' | 'PullRequest'
  /** `owner/name` */
  repository: string
  number: number
  createdBy?: string
}

export type Operation =
  | (Base & {op: 'updateProject'; changes: ProjectChanges; before: ProjectChanges})
  | (Base & {op: 'createField'; field: FieldRef; options?: OptionSpec[]; iteration?: IterationSpec})
  | (Base & {op: 'renameField'; field: FieldRef; from: string})
  | (Base & {
      op: 'restoreOptions'
      field: FieldRef
      options: OptionSpec[]
      before: string[]
      /** names of the options that no longer exist live and are created again: only their values are set again */
      recreated?: string[]
    })
  | (Base & {op: 'restoreIterations'; field: FieldRef; iteration: IterationSpec})
  | (Base & {op: 'deleteField'; field: FieldRef})
  | (Base & {op: 'createView'; view: Omit<ViewDef, 'id'>})
  | (Base & {op: 'createIssue'; item: ItemRef; content: ContentRef; title: string; body: string; labels: string[]; assignees: string[]})
  | (Base & {op: 'addItem'; item: ItemRef; content: ContentRef})
  | (Base & {op: 'createDraft'; item: ItemRef; title: string; body: string; assignees: string[]})
  | (Base & {op: 'updateDraft'; item: ItemRef; draftId: string; title?: string; body?: string; assignees?: string[]})
  | (Base & {op: 'archiveItem'; item: ItemRef})
  | (Base & {op: 'unarchiveItem'; item: ItemRef; /** archived again after its values / draft are restored */ temporary?: boolean})
  | (Base & {op: 'deleteItem'; item: ItemRef})
  | (Base & {op: 'setValue'; item: ItemRef; field: FieldRef; value: PlannedValue; before: string | null})
  | (Base & {op: 'clearValue'; item: ItemRef; field: FieldRef; before: string})
  | (Base & {op: 'moveItem'; item: ItemRef; after: ItemRef | null})
  | (Base & {op: 'updateContent'; content: ContentRef; title?: string; body?: string})
  | (Base & {op: 'setIssueState'; content: ContentRef; state: 'OPEN' | 'CLOSED'; stateReason: string | null})
  | (Base & {op: 'addLabels' | 'removeLabels'; content: ContentRef; labels: string[]})
  | (Base & {op: 'addAssignees' | 'removeAssignees'; content: ContentRef; assignees: string[]})
  | (Base & {op: 'setMilestone'; content: ContentRef; milestone: {title: string; repository: string} | null})
  | (Base & {op: 'addSubIssue' | 'removeSubIssue'; parent: ContentRef; child: ContentRef})
  | (Base & {op: 'addBlockedBy' | 'removeBlockedBy'; content: ContentRef; blocker: ContentRef})
  | (Base & {op: 'setTemplate'; template: boolean})
  | (Base & {op: 'setIssueType'; content: ContentRef; issueType: string | null; before: string | null})
  | (Base & {op: 'setIssueFields'; content: ContentRef; set: Record<string, string | number>; remove: string[]})
  /** reprioritizeSubIssue: exactly one of `after` / `before` (sub-issues of the same parent) */
  | (Base & {op: 'reorderSubIssue'; parent: ContentRef; child: ContentRef; after: ContentRef | null; before: ContentRef | null})
  | (Base & {
      op: 'createStatusUpdate'
      body: string | null
      status: string | null
      startDate: string | null
      targetDate: string | null
    })
  | (Base & {op: 'linkRepository'; repository: string})
  | (Base & {op: 'linkTeam'; team: string})

export type OperationKind = Operation['op']
/** The operation type of one kind (also for kinds that share a member, such as addLabels / removeLabels). */
export type OperationOf<K extends OperationKind> = Operation extends infer O
  ? O extends {op: infer P}
    ? K extends P
      ? O & {op: K}
      : never
    : never
  : never

export interface Conflict {
  kind: 'field' | 'option' | 'iteration' | 'value' | 'item' | 'view' | 'repository' | 'team'
  name: string
  detail: string
}

export interface PlanSummary {
  operations: number
  fields_to_restore: number
  issues_to_update: number
  items_to_add: number
  items_to_delete: number
  values_to_set: number
  values_to_clear: number
  content_updates: number
  views_to_create: number
  conflicts: number
  warnings: number
}

export interface Plan {
  operations: Operation[]
  warnings: string[]
  conflicts: Conflict[]
  summary: PlanSummary
  estimate: Estimate
}

/** What a restore costs and how long it takes (see estimate.ts). */
export interface Estimate {
  requests: number
  mutations: number
  content_creations: number
  rest_calls: number
  lookups: number
  /** GraphQL secondary-limit points */
  points: number
  seconds: number
  human: string
  /** which limit sets the time */
  bound: 'latency' | 'points' | 'rest_points' | 'content'
}
