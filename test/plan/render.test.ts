import {expect} from 'chai'
import {diff} from '../../src/plan/diff.js'
import {describe as describeOp, renderPlan} from '../../src/plan/render.js'
import {FIELD, baseState, clone, item, url} from './fixtures.js'
import {EVERY_OPERATION} from './operations.js'

describe('plan/render', () => {
  it('says plainly when there is nothing to do', () => {
    const s = baseState()
    expect(renderPlan(diff(s, clone(s)))).to.equal('No changes: the project already matches the backup.\n')
  })

  it('lists what apply will do, grouped, then conflicts, warnings and the estimate', () => {
    const desired = baseState()
    const live = clone(desired)
    live.project.title = 'oops'
    delete live.fields[FIELD.priority]
    for (const it of Object.values(live.items!)) delete it.values[FIELD.priority]
    item(live, 1).values[FIELD.status] = {type: 'singleSelect', optionId: 'opt_done', name: 'Done'}
    live.workflows!['1'].enabled = false
    live.fields.PVTF_x = {id: 'PVTF_x', name: 'Scratch', dataType: 'TEXT'}
    const text = renderPlan(diff(desired, live))
    expect(text).to.equal(
      [
        'Restore plan: 4 operations (1 field to restore, 2 items to update, 2 values to set)',
        '',
        'Project settings',
        '  ~ update project: title "oops" → "Roadmap"',
        '',
        'Fields',
        '  + create field "Priority" (SINGLE_SELECT: P0, P1)',
        '',
        'Field values',
        '  ~ acme/api#1: Status "Done" → "Todo"',
        '  ~ acme/api#2: Priority (empty) → "P0"',
        '',
        'Conflicts (left alone)',
        '  ! field "Scratch": exists live but not in the backup; left alone (--confirm-destructive deletes it)',
        '',
        'Warnings (not done by the restore)',
        "  ! enable workflow 'Item closed' by hand in the project's Workflows settings",
        '',
        'Estimate: 3 requests, 15 rate-limit points, about 4 seconds',
        '',
      ].join('\n'),
    )
  })

  it('shortens long groups', () => {
    const desired = baseState()
    const live = clone(desired)
    for (const it of Object.values(live.items!)) delete it.values[FIELD.status]
    const text = renderPlan(diff(desired, live), {limit: 2})
    expect(text).to.contain('  … and 3 more')
    expect(text.split('\n').filter((l) => l.startsWith('  ~ ')).length).to.equal(2)
    expect(renderPlan(diff(desired, live), {limit: 0})).to.not.contain('more')
  })

  it('describes every kind of operation in one line', () => {
    for (const op of EVERY_OPERATION) {
      const line = describeOp(op)
      expect(line, op.op).to.match(/^[+~-] \S/)
      expect(line).to.not.contain('\n')
      expect(line).to.not.contain('undefined')
    }
    expect(describeOp(EVERY_OPERATION.find((o) => o.op === 'restoreOptions')!)).to.contain('values are set again by name')
    expect(url(1)).to.contain('/issues/1')
  })
})
