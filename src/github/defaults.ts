/**
 * What GitHub puts into a new project and a new repository, and the limits GitHub enforces: facts about GitHub, not
 * sandbox internals. The restore (src/app/restore.ts) uses them to recognise what GitHub made on its own; the sandbox
 * (src/sandbox/world/) builds new projects and repositories from them. Pure data: imports nothing but model types.
 */
import type {FieldDataType, OptionColor} from '../model/state.js'

/** The fields every new project has, in GitHub's order. */
export const DEFAULT_FIELDS: ReadonlyArray<{name: string; dataType: FieldDataType}> = [
  {name: 'Title', dataType: 'TITLE'},
  {name: 'Assignees', dataType: 'ASSIGNEES'},
  {name: 'Status', dataType: 'SINGLE_SELECT'},
  {name: 'Labels', dataType: 'LABELS'},
  {name: 'Linked pull requests', dataType: 'LINKED_PULL_REQUESTS'},
  {name: 'Milestone', dataType: 'MILESTONE'},
  {name: 'Repository', dataType: 'REPOSITORY'},
  {name: 'Reviewers', dataType: 'REVIEWERS'},
  {name: 'Parent issue', dataType: 'PARENT_ISSUE'},
  {name: 'Sub-issues progress', dataType: 'SUB_ISSUES_PROGRESS'},
]

/**
 * The options of the default Status field. GitHub gives them the same ids in EVERY project, so an option id is
 * unique within its field only, never across projects.
 */
export const DEFAULT_STATUS_OPTIONS: ReadonlyArray<{id: string; name: string; description: string; color: OptionColor}> = [
  {id: 'f75ad846', name: 'Todo', description: "This item hasn't been started", color: 'GREEN'},
  {id: '47fc9ee4', name: 'In Progress', description: 'This is actively being worked on', color: 'YELLOW'},
  {id: '98236657', name: 'Done', description: 'This has been completed', color: 'PURPLE'},
]

/** The fields the default view "View 1" shows. */
export const DEFAULT_VIEW_FIELDS: readonly string[] = ['Title', 'Assignees', 'Status']

/** The built-in workflows of a new project, by name, and whether GitHub enables them. */
export const DEFAULT_WORKFLOWS: ReadonlyArray<{name: string; enabled: boolean}> = [
  {name: 'Item added to project', enabled: false},
  {name: 'Item reopened', enabled: false},
  {name: 'Item closed', enabled: true},
  {name: 'Code changes requested', enabled: false},
  {name: 'Code review approved', enabled: false},
  {name: 'Pull request merged', enabled: true},
  {name: 'Auto-archive items', enabled: false},
  {name: 'Auto-add to project', enabled: false},
  {name: 'Auto-close issue', enabled: true},
  {name: 'Pull request linked to issue', enabled: false},
  {name: 'Auto-add sub-issues to project', enabled: false},
]

/** The labels GitHub creates in a new repository. */
export const DEFAULT_LABELS: ReadonlyArray<{name: string; color: string; description: string}> = [
  {name: 'bug', color: 'd73a4a', description: "Something isn't working"},
  {name: 'documentation', color: '0075ca', description: 'Improvements or additions to documentation'},
  {name: 'duplicate', color: 'cfd3d7', description: 'This issue or pull request already exists'},
  {name: 'enhancement', color: 'a2eeef', description: 'New feature or request'},
  {name: 'good first issue', color: '7057ff', description: 'Good for newcomers'},
  {name: 'help wanted', color: '008672', description: 'Extra attention is needed'},
  {name: 'invalid', color: 'e4e669', description: "This doesn't seem right"},
  {name: 'question', color: 'd876e3', description: 'Further information is requested'},
  {name: 'wontfix', color: 'ffffff', description: 'This will not be worked on'},
]

/** GitHub's limits that the world enforces. */
export const LIMITS = {
  itemsPerProject: 50_000,
  subIssuesPerParent: 100,
  /** levels of sub-issues below a top-level issue ("up to eight levels of nested sub-issues") */
  subIssueDepth: 8,
  /** issues an issue can be blocked by, and issues it can block */
  dependenciesPerIssue: 50,
  issueTypesPerOrg: 25,
  issueFieldsPerOrg: 25,
  fieldsPerProject: 50,
  optionsPerField: 50,
} as const
