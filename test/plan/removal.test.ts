/**
 * Removal is always explicit: what a restore would remove or clear that the backup does not hold or does not cover is
 * a conflict, left alone, unless --confirm-destructive.
 */
import {expect} from 'chai'
import fc from 'fast-check'
import {completeDesired} from '../../src/app/restore.js'
import type {BackupType, ProjectState} from '../../src/model/state.js'
import {diff} from '../../src/plan/diff.js'
import type {DiffOptions, Operation, OperationOf} from '../../src/plan/plan.js'
import {applyEdits, buildState, captureAs, editArb} from '../helpers/states.js'
import {FIELD, baseState, clone, item, sel, url} from './fixtures.js'

const ofKind = <K extends Operation['op']>(ops: Operation[], kind: K) => ops.filter((o): o is OperationOf<K> => o.op === kind)

/** A restore plan as the restore makes it: the backup completed from live, what it covers in the options. */
function restorePlan(backup: ProjectState, live: ProjectState, options: DiffOptions = {}) {
  const desired = completeDesired(backup, live)
  return diff(desired, live, {itemsHeld: backup.type === 'full', otherProject: false, ...options})
}

describe('plan/diff: removal is always explicit', () => {
  it('restore --fields=priority keeps option P3 added since and the value that uses it', () => {
    const backup = baseState()
    const live = clone(backup)
    live.fields[FIELD.priority].options!.opt_p3 = {id: 'opt_p3', name: 'P3', description: 'later', color: 'GRAY', position: 2}
    item(live, 1).values[FIELD.priority] = sel('opt_p3', 'P3')
    const plan = restorePlan(backup, live, {fields: ['priority']})
    for (const op of ofKind(plan.operations, 'restoreOptions')) expect(op.options.map((o) => o.id)).to.include('opt_p3')
    expect(ofKind(plan.operations, 'clearValue')).to.deep.equal([])
    expect(plan.conflicts.map((c) => `${c.kind} ${c.name}`)).to.include('option Priority: P3')
    expect(plan.conflicts.map((c) => `${c.kind} ${c.name}`)).to.include('value Priority')

    // asked for: the option goes, and the value with it
    const destructive = restorePlan(backup, live, {fields: ['priority'], destructive: true})
    expect(ofKind(destructive.operations, 'restoreOptions')[0].options.map((o) => o.name)).to.deep.equal(['P0', 'P1'])
  })

  it('a config backup clears no value of a field re-created since (new id, same name)', () => {
    const truth = baseState()
    const backup = captureAs(truth, 'config')
    const live = clone(truth)
    // Notes deleted and created again: a new id, values set since
    const notes = live.fields[FIELD.notes]
    delete live.fields[FIELD.notes]
    live.fields.PVTF_notes2 = {...notes, id: 'PVTF_notes2'}
    for (const it of Object.values(live.items!)) {
      delete it.values[FIELD.notes]
    }
    item(live, 1).values.PVTF_notes2 = {type: 'text', text: 'written after the re-creation'}
    for (const partial of [undefined, ['issues'], ['config', 'fields']] as const) {
      const plan = restorePlan(backup, live, {sections: partial ? [...partial] : undefined})
      expect(ofKind(plan.operations, 'clearValue'), String(partial)).to.deep.equal([])
    }
  })

  it('a backup of another project (--to) clears none of the target\'s values', () => {
    const backup = baseState()
    const live = clone(backup)
    item(live, 4).values[FIELD.notes] = {type: 'text', text: 'the target project\'s own note'}
    expect(ofKind(restorePlan(backup, live).operations, 'clearValue')).to.have.length(1)
    const plan = restorePlan(backup, live, {otherProject: true})
    expect(ofKind(plan.operations, 'clearValue')).to.deep.equal([])
    expect(plan.conflicts.some((c) => c.kind === 'value' && c.name === 'Notes')).to.equal(true)
  })

  it('an iteration added live is kept when the iterations are restored, and values on it are set again', () => {
    const backup = baseState()
    const live = clone(backup)
    const it = live.fields[FIELD.sprint].iteration!
    it.iterations.it_2.title = 'Sprint Two'
    it.iterations.it_3 = {id: 'it_3', title: 'Sprint 3', startDate: '2026-11-30', duration: 14}
    item(live, 4).values[FIELD.sprint] = {type: 'iteration', iterationId: 'it_2', title: 'Sprint Two', startDate: '2026-11-16'}
    item(live, 2).values[FIELD.sprint] = {type: 'iteration', iterationId: 'it_3', title: 'Sprint 3', startDate: '2026-11-30'}
    const plan = restorePlan(backup, live, {itemsHeld: false})
    const op = ofKind(plan.operations, 'restoreIterations')[0]
    // the renamed one is the backup's Sprint 2 (same id): restored under its name; Sprint 3 is kept
    expect(op.iteration.iterations.map((i) => i.title)).to.deep.equal(['Sprint 1', 'Sprint 2', 'Sprint 3'])
    const sets = ofKind(plan.operations, 'setValue').filter((o) => o.field.name === 'Sprint')
    expect(sets.map((o) => [o.item.key, (o.value as {title: string}).title])).to.deep.include([url(2), 'Sprint 3'])
    // an item the backup does not have keeps its value too
    const extra = clone(item(live, 2))
    extra.id = 'PVTI_new'
    extra.content = {...extra.content!, url: url(99), number: 99}
    live.items![url(99)] = extra
    const again = restorePlan(backup, live)
    const kept = ofKind(again.operations, 'setValue').filter((o) => o.item.key === url(99))
    expect(kept.map((o) => (o.value as {title: string}).title)).to.deep.equal(['Sprint 3'])
  })

  it('property: without --confirm-destructive no operation removes or clears what the backup does not hold (seed 20261124)', () => {
    const types = fc.constantFrom<BackupType>('full', 'full', 'config', 'minimal')
    const scope = fc.constantFrom<DiffOptions>({}, {fields: ['Priority']}, {fields: ['Status', 'Estimate']}, {sections: ['issues']}, {sections: ['config', 'fields']}, {sections: ['fields']})
    fc.assert(
      fc.property(
        fc.integer({min: 1, max: 500}),
        fc.array(editArb, {maxLength: 6}),
        fc.array(editArb, {minLength: 1, maxLength: 8}),
        types,
        fc.boolean(),
        scope,
        (seed, before, since, type, otherProject, options) => {
          const truth = applyEdits(buildState(seed, {items: 6}), before)
          const backup = captureAs(truth, type)
          const live = applyEdits(truth, since)
          const plan = restorePlan(backup, live, {...options, otherProject})
          const covered = type === 'full' && !otherProject
          for (const op of plan.operations) {
            expect(op.op, op.id).not.to.be.oneOf(['deleteField', 'deleteItem'])
            if (op.op === 'restoreOptions') {
              const liveField = Object.values(live.fields).find((f) => f.id === op.field.liveId)!
              const sent = new Set(op.options.map((o) => o.id))
              for (const o of Object.values(liveField.options ?? {})) expect(sent.has(o.id) || op.options.some((x) => x.name === o.name), `${op.id} drops ${o.name}`).to.equal(true)
            }
            if (op.op === 'restoreIterations') {
              const liveField = Object.values(live.fields).find((f) => f.id === op.field.liveId)!
              const titles = new Set(op.iteration.iterations.map((i) => i.title))
              const it = liveField.iteration
              const backupIt = Object.values(backup.fields).find((f) => f.name === op.field.name)?.iteration
              const heldIds = new Set([...Object.keys(backupIt?.iterations ?? {}), ...Object.keys(backupIt?.completedIterations ?? {})])
              for (const i of [...Object.values(it?.iterations ?? {}), ...Object.values(it?.completedIterations ?? {})]) {
                expect(titles.has(i.title) || heldIds.has(i.id), `${op.id} drops ${i.title}`).to.equal(true)
              }
            }
            if (op.op === 'clearValue') {
              expect(covered, `${op.id}: the backup holds no values of this project`).to.equal(true)
              // the backup positively holds the item, and holds it without a value for that field
              const held = backup.items?.[op.item.key]
              expect(held, `${op.id}: item not in the backup`).to.not.equal(undefined)
              const field = Object.values(backup.fields).find((f) => f.name === op.field.name)
              expect(field && held!.values[field.id], `${op.id}: the backup has a value`).to.equal(undefined)
            }
            if (!covered) {
              expect(op.op, op.id).not.to.be.oneOf(['removeLabels', 'removeAssignees', 'removeSubIssue', 'removeBlockedBy', 'clearValue'].filter(() => type !== 'full'))
            }
          }
        },
      ),
      {seed: 20261124, numRuns: 200},
    )
  })
})
