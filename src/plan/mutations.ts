/**
 * GraphQL documents and REST calls for plan operations. Pure: given an operation and a `Resolver` that turns
 * references (field by name, option by name, item by key, issue by URL, ...) into GitHub ids, it returns the call.
 * Many calls are aliased into ONE mutation document (`m0: updateProjectV2ItemFieldValue(input: $i0) {...}`).
 */
import type {ContentRef, FieldRef, ItemRef, Operation, PlannedValue} from './types.js'

/** Thrown by a resolver when a reference cannot be turned into an id; the operation fails with this message. */
export class ResolveError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ResolveError'
  }
}

export interface Resolver {
  projectId: string
  fieldId(field: FieldRef): string
  itemId(item: ItemRef): string
  optionId(field: FieldRef, name: string): string
  iterationId(field: FieldRef, title: string): string
  contentId(content: ContentRef): string
  contentDatabaseId(content: ContentRef): number
  /** the issue number on GitHub now: the new number of an issue the plan recreated */
  contentNumber(content: ContentRef): number
  labelIds(repository: string, names: string[]): string[]
  userIds(logins: string[]): string[]
  milestoneId(repository: string, title: string): string
  repositoryId(repository: string): string
  teamId(team: string): string
  /** the id of an issue type of the repository's organization, by name */
  issueTypeId(repository: string, name: string): string
  /** `IssueFieldCreateOrUpdateInput` setting (value) or deleting (null) the repository organization's issue field `name` */
  issueFieldInput(repository: string, name: string, value: string | number | null): Record<string, unknown>
  /** REST view creation: field database ids by field name */
  fieldDatabaseId(name: string): number
  /** REST view creation: the route owner part: `orgs/{org}` or `users/{user_id}` with its params */
  viewRoute(): {route: string; params: Record<string, unknown>}
}

export interface GraphqlCall {
  /** the mutation field, e.g. `updateProjectV2ItemFieldValue` */
  field: string
  /** its input type, e.g. `UpdateProjectV2ItemFieldValueInput` */
  inputType: string
  input: Record<string, unknown>
  selection: string
}

export interface RestCall {
  route: string
  params: Record<string, unknown>
}

const FIELD_SELECTION =
  'projectV2Field { ... on ProjectV2FieldCommon { id name } ' +
  '... on ProjectV2SingleSelectField { options { id name } } ' +
  '... on ProjectV2IterationField { configuration { iterations { id title } completedIterations { id title } } } }'

const CLOSED_REASONS = new Set(['COMPLETED', 'NOT_PLANNED', 'DUPLICATE'])

function call(field: string, input: Record<string, unknown>, selection = 'clientMutationId'): GraphqlCall {
  return {field, inputType: field.charAt(0).toUpperCase() + field.slice(1) + 'Input', input, selection}
}

function valueInput(r: Resolver, field: FieldRef, value: PlannedValue): Record<string, unknown> {
  switch (value.type) {
    case 'text':
      return {text: value.text}
    case 'number':
      return {number: value.number}
    case 'date':
      return {date: value.date.length > 10 ? value.date.slice(0, 10) : value.date}
    case 'singleSelect':
      return {singleSelectOptionId: r.optionId(field, value.name)}
    case 'iteration':
      return {iterationId: r.iterationId(field, value.title)}
  }
}

/** True when `applyPlan` sends the operation through REST (`restCall`) rather than GraphQL (`graphqlCall`). */
export function isRest(op: Operation): boolean {
  return op.op === 'createView'
}

/** The GraphQL mutation for an operation; throws ResolveError when an id cannot be resolved. */
export function graphqlCall(op: Operation, r: Resolver): GraphqlCall {
  const projectId = r.projectId
  switch (op.op) {
    case 'updateProject':
      return call('updateProjectV2', {projectId, ...op.changes}, 'projectV2 { id }')
    case 'createField':
      return call(
        'createProjectV2Field',
        {
          projectId,
          name: op.field.name,
          dataType: op.field.dataType,
          ...(op.options ? {singleSelectOptions: op.options} : {}),
          ...(op.iteration ? {iterationConfiguration: op.iteration} : {}),
        },
        FIELD_SELECTION,
      )
    case 'renameField':
      return call('updateProjectV2Field', {fieldId: r.fieldId(op.field), name: op.field.name}, FIELD_SELECTION)
    case 'restoreOptions':
      return call('updateProjectV2Field', {fieldId: r.fieldId(op.field), singleSelectOptions: op.options}, FIELD_SELECTION)
    case 'restoreIterations':
      return call('updateProjectV2Field', {fieldId: r.fieldId(op.field), iterationConfiguration: op.iteration}, FIELD_SELECTION)
    case 'deleteField':
      return call('deleteProjectV2Field', {fieldId: r.fieldId(op.field)})
    case 'createIssue':
      return call(
        'createIssue',
        {
          repositoryId: r.repositoryId(op.content.repository),
          title: op.title,
          body: op.body,
          ...(op.labels.length ? {labelIds: r.labelIds(op.content.repository, op.labels)} : {}),
          ...(op.assignees.length ? {assigneeIds: r.userIds(op.assignees)} : {}),
        },
        'issue { id url number databaseId }',
      )
    case 'addItem':
      return call('addProjectV2ItemById', {projectId, contentId: r.contentId(op.content)}, 'item { id }')
    case 'createDraft':
      return call(
        'addProjectV2DraftIssue',
        {projectId, title: op.title, body: op.body, ...(op.assignees.length ? {assigneeIds: r.userIds(op.assignees)} : {})},
        'projectItem { id content { ... on DraftIssue { id } } }',
      )
    case 'updateDraft':
      return call(
        'updateProjectV2DraftIssue',
        {
          draftIssueId: op.draftId,
          ...(op.title !== undefined ? {title: op.title} : {}),
          ...(op.body !== undefined ? {body: op.body} : {}),
          ...(op.assignees !== undefined ? {assigneeIds: r.userIds(op.assignees)} : {}),
        },
        'draftIssue { id }',
      )
    case 'archiveItem':
      return call('archiveProjectV2Item', {projectId, itemId: r.itemId(op.item)}, 'item { id }')
    case 'unarchiveItem':
      return call('unarchiveProjectV2Item', {projectId, itemId: r.itemId(op.item)}, 'item { id }')
    case 'deleteItem':
      return call('deleteProjectV2Item', {projectId, itemId: r.itemId(op.item)}, 'deletedItemId')
    case 'setValue':
      return call(
        'updateProjectV2ItemFieldValue',
        {projectId, itemId: r.itemId(op.item), fieldId: r.fieldId(op.field), value: valueInput(r, op.field, op.value)},
        'projectV2Item { id }',
      )
    case 'clearValue':
      return call('clearProjectV2ItemFieldValue', {projectId, itemId: r.itemId(op.item), fieldId: r.fieldId(op.field)})
    case 'moveItem':
      return call('updateProjectV2ItemPosition', {
        projectId,
        itemId: r.itemId(op.item),
        afterId: op.after ? r.itemId(op.after) : null,
      })
    case 'updateContent': {
      const text = {...(op.title !== undefined ? {title: op.title} : {}), ...(op.body !== undefined ? {body: op.body} : {})}
      return op.content.kind === 'PullRequest'
        ? call('updatePullRequest', {pullRequestId: r.contentId(op.content), ...text}, 'pullRequest { id }')
        : call('updateIssue', {id: r.contentId(op.content), ...text}, 'issue { id }')
    }
    case 'setIssueState': {
      if (op.content.kind === 'PullRequest') {
        return call('updatePullRequest', {pullRequestId: r.contentId(op.content), state: op.state}, 'pullRequest { id }')
      }
      if (op.state === 'OPEN') return call('reopenIssue', {issueId: r.contentId(op.content)}, 'issue { id }')
      const reason = op.stateReason?.toUpperCase()
      return call(
        'closeIssue',
        {issueId: r.contentId(op.content), ...(reason && CLOSED_REASONS.has(reason) ? {stateReason: reason} : {})},
        'issue { id }',
      )
    }
    case 'addLabels':
      return call('addLabelsToLabelable', {
        labelableId: r.contentId(op.content),
        labelIds: r.labelIds(op.content.repository, op.labels),
      })
    case 'removeLabels':
      return call('removeLabelsFromLabelable', {
        labelableId: r.contentId(op.content),
        labelIds: r.labelIds(op.content.repository, op.labels),
      })
    case 'addAssignees':
      return call('addAssigneesToAssignable', {assignableId: r.contentId(op.content), assigneeIds: r.userIds(op.assignees)})
    case 'removeAssignees':
      return call('removeAssigneesFromAssignable', {assignableId: r.contentId(op.content), assigneeIds: r.userIds(op.assignees)})
    case 'setMilestone': {
      const milestoneId = op.milestone ? r.milestoneId(op.milestone.repository, op.milestone.title) : null
      return op.content.kind === 'PullRequest'
        ? call('updatePullRequest', {pullRequestId: r.contentId(op.content), milestoneId}, 'pullRequest { id }')
        : call('updateIssue', {id: r.contentId(op.content), milestoneId}, 'issue { id }')
    }
    case 'addSubIssue':
      return call('addSubIssue', {issueId: r.contentId(op.parent), subIssueId: r.contentId(op.child)}, 'issue { id }')
    case 'removeSubIssue':
      return call('removeSubIssue', {issueId: r.contentId(op.parent), subIssueId: r.contentId(op.child)}, 'issue { id }')
    case 'createStatusUpdate':
      return call(
        'createProjectV2StatusUpdate',
        {
          projectId,
          ...(op.body !== null ? {body: op.body} : {}),
          ...(op.status !== null ? {status: op.status} : {}),
          ...(op.startDate !== null ? {startDate: op.startDate} : {}),
          ...(op.targetDate !== null ? {targetDate: op.targetDate} : {}),
        },
        'statusUpdate { id }',
      )
    case 'linkRepository':
      return call('linkProjectV2ToRepository', {projectId, repositoryId: r.repositoryId(op.repository)}, 'repository { id }')
    case 'linkTeam':
      return call('linkProjectV2ToTeam', {projectId, teamId: r.teamId(op.team)}, 'team { id }')
    case 'addBlockedBy':
    case 'removeBlockedBy':
      return call(op.op, {issueId: r.contentId(op.content), blockingIssueId: r.contentId(op.blocker)}, 'issue { id }')
    case 'setTemplate':
      return call(op.template ? 'markProjectV2AsTemplate' : 'unmarkProjectV2AsTemplate', {projectId}, 'projectV2 { id }')
    case 'setIssueType':
      return call(
        'updateIssueIssueType',
        {issueId: r.contentId(op.content), issueTypeId: op.issueType === null ? null : r.issueTypeId(op.content.repository, op.issueType)},
        'issue { id }',
      )
    case 'setIssueFields':
      return call(
        'setIssueFieldValue',
        {
          issueId: r.contentId(op.content),
          issueFields: [
            ...Object.entries(op.set).map(([name, value]) => r.issueFieldInput(op.content.repository, name, value)),
            ...op.remove.map((name) => r.issueFieldInput(op.content.repository, name, null)),
          ],
        },
        'issue { id }',
      )
    case 'reorderSubIssue':
      return call(
        'reprioritizeSubIssue',
        {
          issueId: r.contentId(op.parent),
          subIssueId: r.contentId(op.child),
          ...(op.after ? {afterId: r.contentId(op.after)} : {beforeId: r.contentId(op.before as ContentRef)}),
        },
        'issue { id }',
      )
    case 'createView':
      throw new Error(`${op.op} is a REST operation`)
  }
}

const LAYOUTS = {TABLE_LAYOUT: 'table', BOARD_LAYOUT: 'board', ROADMAP_LAYOUT: 'roadmap'} as const

/** The REST call for `createView` (blocked-by dependencies go through GraphQL `addBlockedBy` / `removeBlockedBy`). */
export function restCall(op: Operation, r: Resolver): RestCall {
  switch (op.op) {
    case 'createView': {
      const v = op.view
      const {route, params} = r.viewRoute()
      const layout = LAYOUTS[v.layout]
      const body: Record<string, unknown> = {name: v.name, layout}
      if (v.filter) body.filter = v.filter
      if (layout !== 'roadmap' && v.visibleFields.length) body.visible_fields = v.visibleFields.map((f) => r.fieldDatabaseId(f))
      if (v.sortBy.length) body.sort_by = v.sortBy.map((s) => [r.fieldDatabaseId(s.field), s.direction.toLowerCase()])
      if (v.groupBy.length) body.group_by = v.groupBy.map((f) => r.fieldDatabaseId(f))
      if (v.verticalGroupBy.length) body.vertical_group_by = v.verticalGroupBy.map((f) => r.fieldDatabaseId(f))
      return {route: `POST /${route}/projectsV2/{project_number}/views`, params: {...params, ...body}}
    }
    default:
      throw new Error(`${op.op} is a GraphQL operation`)
  }
}

/** One mutation document holding `calls` as aliases m0, m1, ... with one input variable each. */
export function buildMutationDocument(calls: readonly GraphqlCall[]): {query: string; variables: Record<string, unknown>; aliases: string[]} {
  const aliases = calls.map((_, i) => `m${i}`)
  const declarations = calls.map((c, i) => `$i${i}: ${c.inputType}!`).join(', ')
  const body = calls.map((c, i) => `  ${aliases[i]}: ${c.field}(input: $i${i}) { ${c.selection} }`).join('\n')
  const variables: Record<string, unknown> = {}
  calls.forEach((c, i) => (variables[`i${i}`] = c.input))
  return {query: `mutation Restore(${declarations}) {\n${body}\n}`, variables, aliases}
}
