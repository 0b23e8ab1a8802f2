/**
 * The restore plan: typed operations that turn the live project into the desired one (a backup), Terraform style.
 * `diff` builds it, `renderPlan` shows it, `estimate` prices it against GitHub's limits and `applyPlan` performs
 * exactly these operations, nothing else.
 *
 * Values name an option by NAME and an iteration by TITLE, fields and items are referenced by a handle that holds the
 * live id when one exists (`liveId`) and otherwise the id of the plan operation that creates them. Apply resolves both
 * at run time, after the operations they depend on have run. The one id an operation carries is the LIVE id of an
 * option `restoreOptions` keeps: GitHub keeps an option's identity, and every value pointing at it, when it is sent.
 */
import type {OperationKind, Plan} from './types.js'

export type * from './types.js'

/** The view GitHub makes in every new project ("View 1"); no API deletes a view. */
export const GITHUB_DEFAULT_VIEW = 'View 1'

/** Operations that create content on GitHub (limited to 80/minute and 500/hour), batched smaller. */
export const CONTENT_CREATING: ReadonlySet<OperationKind> = new Set<OperationKind>([
  'createIssue',
  'addItem',
  'createDraft',
  'createStatusUpdate',
  'addBlockedBy',
])

/** Operations performed through REST rather than GraphQL. */
export const REST_OPERATIONS: ReadonlySet<OperationKind> = new Set<OperationKind>(['createView'])

/**
 * Apply order: a stage is a group of operations apply may batch together; stages run in this order.
 * settings → fields → views → items → values/archive → positions → content → status updates and links.
 */
export const STAGE: Record<OperationKind, number> = {
  updateProject: 0,
  setTemplate: 0,
  deleteField: 1,
  createField: 1,
  renameField: 1,
  restoreOptions: 1,
  restoreIterations: 1,
  createView: 2,
  createIssue: 3,
  addItem: 4,
  createDraft: 4,
  setValue: 5,
  clearValue: 5,
  updateDraft: 5,
  deleteItem: 5,
  archiveItem: 6,
  unarchiveItem: 4,
  moveItem: 7,
  updateContent: 8,
  setIssueState: 8,
  addLabels: 8,
  removeLabels: 8,
  addAssignees: 8,
  removeAssignees: 8,
  setMilestone: 8,
  setIssueType: 8,
  setIssueFields: 8,
  removeSubIssue: 8,
  addSubIssue: 9,
  reorderSubIssue: 9.5,
  removeBlockedBy: 10,
  addBlockedBy: 10,
  createStatusUpdate: 11,
  linkRepository: 11,
  linkTeam: 11,
}

/** Operations that need GitHub's `updateProjectV2Field` mutation (absent from GitHub Enterprise Server 3.16). */
export const FIELD_UPDATE_OPERATIONS: ReadonlySet<OperationKind> = new Set<OperationKind>(['renameField', 'restoreOptions', 'restoreIterations'])

/**
 * One line saying what a plan cannot do on a GitHub without `updateProjectV2Field` and what the user can do, or
 * undefined when the plan does not need it.
 */
export function fieldUpdateBlocker(plan: Pick<Plan, 'operations'>): string | undefined {
  const what: string[] = []
  for (const op of plan.operations) {
    if (op.op === 'restoreOptions') what.push(`the options of '${op.field.name}'`)
    if (op.op === 'restoreIterations') what.push(`the iterations of '${op.field.name}'`)
    if (op.op === 'renameField') what.push(`the name of '${op.field.name}'`)
  }
  if (!what.length) return undefined
  return (
    `this GitHub has no updateProjectV2Field mutation (GitHub Enterprise Server 3.16 and older), so ${what.join(', ')} cannot be restored here; ` +
    'restore everything else with --partial=config,issues (or --fields naming the other fields) and those by hand, ' +
    'or upgrade GitHub Enterprise Server'
  )
}
