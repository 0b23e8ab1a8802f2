/**
 * From the differ's operations to a Plan: operations in apply order, the summary a user reads, and the price
 * (estimateOperations, with the client's 1 s spacing of mutations unless told otherwise).
 */
import {CLIENT_MUTATION_INTERVAL_MS, estimateOperations} from './estimate.js'
import {CONTENT_CREATING, STAGE} from './plan.js'
import type {Conflict, DiffOptions, Operation, Plan} from './types.js'

/** The plan of these operations, sorted, summarized and priced. */
export function assemblePlan(ops: Operation[], warnings: string[], conflicts: Conflict[], options: DiffOptions): Plan {
  const operations = sortOperations(ops)
  const {latencyMs, batchSize, contentBatchSize} = options
  const mutationIntervalMs = options.mutationIntervalMs ?? CLIENT_MUTATION_INTERVAL_MS
  const estimate = estimateOperations(operations, {latencyMs, batchSize, contentBatchSize, mutationIntervalMs})
  return {operations, warnings, conflicts, summary: summarize(operations, conflicts.length, warnings.length), estimate}
}

/**
 * Operations in apply order: by stage, then non-content before content-creating (apply batches them apart), then the
 * plan's own order; dependencies always come first.
 */
function sortOperations(ops: Operation[]): Operation[] {
  const content = (op: Operation) => (CONTENT_CREATING.has(op.op) ? 1 : 0)
  const sorted = ops
    .map((op, i) => ({op, i}))
    .sort((a, b) => STAGE[a.op.op] - STAGE[b.op.op] || content(a.op) - content(b.op) || a.i - b.i)
  const seen = new Set<string>()
  for (const {op} of sorted) {
    for (const d of op.deps) if (!seen.has(d)) throw new Error(`plan operation ${op.id} depends on ${d}, which does not come first`)
    seen.add(op.id)
  }
  return sorted.map(({op}) => op)
}

function summarize(ops: Operation[], conflicts: number, warnings: number): Plan['summary'] {
  const fields = new Set<string>()
  const items = new Set<string>()
  const count = (...kinds: string[]) => ops.filter((o) => kinds.includes(o.op)).length
  for (const op of ops) {
    if ('field' in op && op.op !== 'setValue' && op.op !== 'clearValue') fields.add(op.field.name)
    if ('item' in op) items.add(op.item.key)
    if ('content' in op) items.add(op.content.url)
    if (op.op === 'addSubIssue' || op.op === 'removeSubIssue' || op.op === 'reorderSubIssue') items.add(op.child.url)
  }
  return {
    operations: ops.length,
    fields_to_restore: fields.size,
    issues_to_update: items.size,
    items_to_add: count('addItem', 'createDraft'),
    items_to_delete: count('deleteItem'),
    values_to_set: count('setValue'),
    values_to_clear: count('clearValue'),
    content_updates: count(
      'updateContent',
      'setIssueState',
      'addLabels',
      'removeLabels',
      'addAssignees',
      'removeAssignees',
      'setMilestone',
      'addSubIssue',
      'removeSubIssue',
      'addBlockedBy',
      'removeBlockedBy',
      'updateDraft',
      'setIssueType',
      'setIssueFields',
      'reorderSubIssue',
    ),
    views_to_create: count('createView'),
    conflicts,
    warnings,
  }
}
