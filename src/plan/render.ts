/**
 * A plan as text for people (dry run, `--test-only`): what apply will do, grouped, then conflicts, warnings and the
 * estimate. Pure: returns a string, prints nothing.
 */
import type {ContentRef, Operation, Plan, PlannedValue, ProjectChanges} from './types.js'

export interface RenderOptions {
  /** lines shown per group before "… and N more" (default 25; 0 = all) */
  limit?: number
}

const GROUPS: Array<{title: string; kinds: Array<Operation['op']>}> = [
  {title: 'Project settings', kinds: ['updateProject', 'setTemplate']},
  {title: 'Fields', kinds: ['deleteField', 'createField', 'renameField', 'restoreOptions', 'restoreIterations']},
  {title: 'Views', kinds: ['createView']},
  {title: 'Items', kinds: ['createIssue', 'addItem', 'createDraft', 'unarchiveItem', 'archiveItem', 'deleteItem', 'moveItem']},
  {title: 'Field values', kinds: ['setValue', 'clearValue']},
  {
    title: 'Issue content',
    kinds: [
      'updateDraft',
      'updateContent',
      'setIssueState',
      'addLabels',
      'removeLabels',
      'addAssignees',
      'removeAssignees',
      'setMilestone',
      'setIssueType',
      'setIssueFields',
      'removeSubIssue',
      'addSubIssue',
      'reorderSubIssue',
      'removeBlockedBy',
      'addBlockedBy',
    ],
  },
  {title: 'Links and status updates', kinds: ['linkRepository', 'linkTeam', 'createStatusUpdate']},
]

export function renderPlan(plan: Plan, options: RenderOptions = {}): string {
  const limit = options.limit ?? 25
  const out: string[] = []
  const s = plan.summary
  if (!plan.operations.length) {
    out.push('No changes: the project already matches the backup.')
  } else {
    out.push(
      `Restore plan: ${count(s.operations, 'operation')} (${count(s.fields_to_restore, 'field')} to restore, ` +
        `${count(s.issues_to_update, 'item')} to update, ${count(s.values_to_set, 'value')} to set)`,
    )
    for (const group of GROUPS) {
      const ops = plan.operations.filter((op) => group.kinds.includes(op.op))
      if (!ops.length) continue
      out.push('', group.title)
      const shown = limit > 0 ? ops.slice(0, limit) : ops
      for (const op of shown) out.push('  ' + describe(op))
      if (shown.length < ops.length) out.push(`  … and ${ops.length - shown.length} more`)
    }
  }
  if (plan.conflicts.length) {
    out.push('', 'Conflicts (left alone)')
    for (const c of plan.conflicts) out.push(`  ! ${c.kind} ${quote(c.name)}: ${c.detail}`)
  }
  if (plan.warnings.length) {
    out.push('', 'Warnings (not done by the restore)')
    for (const w of plan.warnings) out.push(`  ! ${w}`)
  }
  if (plan.operations.length) {
    const e = plan.estimate
    out.push(
      '',
      `Estimate: ${count(e.requests, 'request')}, ${count(e.points, 'rate-limit point')}, about ${e.human}` +
        (e.bound === 'latency' ? '' : ` (bound by GitHub's ${boundName(e.bound)})`),
    )
  }
  return out.join('\n') + '\n'
}

/** One line for one operation: `+` creates, `~` changes, `-` removes. */
export function describe(op: Operation): string {
  switch (op.op) {
    case 'updateProject':
      return `~ update project: ${changes(op.before, op.changes)}`
    case 'createField': {
      const detail = op.options
        ? `: ${op.options.map((o) => o.name).join(', ')}`
        : op.iteration
          ? `: ${count(op.iteration.iterations.length, 'iteration')} of ${op.iteration.duration} days`
          : ''
      return `+ create field ${quote(op.field.name)} (${op.field.dataType}${detail})`
    }
    case 'renameField':
      return `~ rename field ${quote(op.from)} → ${quote(op.field.name)}`
    case 'restoreOptions': {
      const recreated = op.recreated ?? op.options.filter((o) => !o.id).map((o) => o.name)
      const kept = op.options.length - recreated.length
      const detail = recreated.length
        ? `${kept ? `${count(kept, 'option')} kept with their values; ` : ''}${recreated.map(quote).join(', ')} created again, their values are set again by name`
        : 'every option kept with its values'
      return `~ restore options of ${quote(op.field.name)}: ${op.options.map((o) => o.name).join(', ')} (was: ${op.before.join(', ') || 'none'}; ${detail})`
    }
    case 'unarchiveItem':
      return `~ unarchive ${op.item.label}${op.temporary ? ' (to restore it; archived again after)' : ''}`
    case 'restoreIterations':
      return (
        `~ restore iterations of ${quote(op.field.name)}: ${op.iteration.iterations.map((i) => i.title).join(', ')}` +
        ` (${op.iteration.duration} days each; values are set again by title)`
      )
    case 'deleteField':
      return `- delete field ${quote(op.field.name)} and all its values`
    case 'createView':
      return `+ create view ${quote(op.view.name)} (${op.view.layout.replace('_LAYOUT', '').toLowerCase()})`
    case 'createIssue':
      return `+ recreate ${op.item.label} as a NEW issue in ${op.content.repository}: ${quote(op.title)}`
    case 'addItem':
      return `+ add ${op.item.label}`
    case 'createDraft':
      return `+ create draft ${quote(op.title)}`
    case 'archiveItem':
      return `~ archive ${op.item.label}`
    case 'deleteItem':
      return `- remove ${op.item.label} from the project`
    case 'moveItem':
      return `~ move ${op.item.label} ${op.after ? `after ${op.after.label}` : 'to the top'}`
    case 'setValue':
      return `~ ${op.item.label}: ${op.field.name} ${op.before ?? '(empty)'} → ${value(op.value)}`
    case 'clearValue':
      return `- ${op.item.label}: clear ${op.field.name} (was ${op.before})`
    case 'updateDraft':
      return `~ ${op.item.label}: update ${[op.title !== undefined && 'title', op.body !== undefined && 'body', op.assignees && 'assignees'].filter(Boolean).join(', ')}`
    case 'updateContent':
      return `~ ${ref(op.content)}: restore ${[op.title !== undefined && 'title', op.body !== undefined && 'body'].filter(Boolean).join(' and ')}`
    case 'setIssueState':
      return `~ ${ref(op.content)}: ${op.state === 'OPEN' ? 'reopen' : `close${op.stateReason ? ` (${op.stateReason.toLowerCase()})` : ''}`}`
    case 'addLabels':
      return `~ ${ref(op.content)}: add label${op.labels.length === 1 ? '' : 's'} ${op.labels.map(quote).join(', ')}`
    case 'removeLabels':
      return `~ ${ref(op.content)}: remove label${op.labels.length === 1 ? '' : 's'} ${op.labels.map(quote).join(', ')}`
    case 'addAssignees':
      return `~ ${ref(op.content)}: assign ${op.assignees.map((a) => '@' + a).join(', ')}`
    case 'removeAssignees':
      return `~ ${ref(op.content)}: unassign ${op.assignees.map((a) => '@' + a).join(', ')}`
    case 'setMilestone':
      return `~ ${ref(op.content)}: ${op.milestone ? `milestone ${quote(op.milestone.title)}` : 'remove milestone'}`
    case 'setTemplate':
      return `~ project: ${op.template ? 'mark as a template' : 'no longer a template'}`
    case 'setIssueType':
      return `~ ${ref(op.content)}: ${op.issueType === null ? `remove type ${quote(op.before ?? '')}` : `type ${op.before === null ? '(none)' : quote(op.before)} → ${quote(op.issueType)}`}`
    case 'setIssueFields':
      return `~ ${ref(op.content)}: issue fields ${[
        ...Object.entries(op.set).map(([k, v]) => `${quote(k)} = ${JSON.stringify(v)}`),
        ...op.remove.map((k) => `clear ${quote(k)}`),
      ].join(', ')}`
    case 'reorderSubIssue':
      return `~ ${ref(op.parent)}: sub-issue ${ref(op.child)} ${op.after ? `after ${ref(op.after)}` : `before ${ref(op.before as ContentRef)}`}`
    case 'addSubIssue':
      return `+ ${ref(op.parent)}: sub-issue ${ref(op.child)}`
    case 'removeSubIssue':
      return `- ${ref(op.parent)}: sub-issue ${ref(op.child)}`
    case 'addBlockedBy':
      return `+ ${ref(op.content)}: blocked by ${ref(op.blocker)}`
    case 'removeBlockedBy':
      return `- ${ref(op.content)}: no longer blocked by ${ref(op.blocker)}`
    case 'createStatusUpdate':
      return `+ status update ${op.status ?? ''}${op.body ? ` ${quote(truncate(op.body, 50))}` : ''}`.replace('  ', ' ')
    case 'linkRepository':
      return `+ link repository ${op.repository}`
    case 'linkTeam':
      return `+ link team ${op.team}`
  }
}

function changes(before: ProjectChanges, after: ProjectChanges): string {
  return Object.keys(after)
    .map((k) => {
      const key = k as keyof ProjectChanges
      const show = (v: unknown) => (typeof v === 'string' ? quote(truncate(v, 40)) : v === undefined || v === null ? '(none)' : String(v))
      return `${k} ${show(before[key])} → ${show(after[key])}`
    })
    .join(', ')
}

function value(v: PlannedValue): string {
  switch (v.type) {
    case 'text':
      return quote(truncate(v.text, 40))
    case 'number':
      return String(v.number)
    case 'date':
      return v.date
    case 'singleSelect':
      return quote(v.name)
    case 'iteration':
      return quote(v.title)
  }
}

function ref(c: {repository: string; number: number; url: string}): string {
  return c.repository ? `${c.repository}#${c.number}` : c.url
}

function quote(s: string): string {
  return JSON.stringify(s)
}

function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > n ? one.slice(0, n - 1) + '…' : one
}

function count(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`
}

function boundName(bound: Plan['estimate']['bound']): string {
  switch (bound) {
    case 'points':
      return 'GraphQL limit of 2,000 points per minute'
    case 'rest_points':
      return 'REST limit of 900 points per minute'
    case 'content':
      return 'content-creation limit (80 per minute, 500 per hour)'
    default:
      return 'request latency'
  }
}
