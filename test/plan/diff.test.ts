import {expect} from 'chai'
import {diff} from '../../src/plan/diff.js'
import {longestIncreasing} from '../../src/plan/longest-increasing.js'
import {mapDesired} from '../../src/plan/remap.js'
import type {Operation, OperationOf} from '../../src/plan/plan.js'
import {UserError} from '../../src/util/errors.js'
import {buildState} from '../helpers/states.js'
import {FIELD, REPO, baseState, clone, draft, item, issue, keyOf, sel, url} from './fixtures.js'

const ofKind = <K extends Operation['op']>(ops: Operation[], kind: K) => ops.filter((o): o is OperationOf<K> => o.op === kind)
const kinds = (ops: Operation[]) => ops.map((o) => o.op)

describe('plan/diff', () => {
  it('equal states give an empty plan', () => {
    const s = baseState()
    const plan = diff(s, clone(s))
    expect(plan.operations).to.deep.equal([])
    expect(plan.warnings).to.deep.equal([])
    expect(plan.conflicts).to.deep.equal([])
    expect(plan.summary.operations).to.equal(0)
  })

  it('equal realistic states give an empty plan (several seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const s = buildState(seed, {items: 30})
      expect(diff(s, clone(s)).operations, `seed ${seed}`).to.deep.equal([])
    }
  })

  it('options replaced live: restores the options, then sets every Status value again by name', () => {
    const desired = baseState()
    const live = clone(desired)
    const status = live.fields[FIELD.status]
    // GitHub re-ids every option; values pointing at old ids are orphaned (captured as no value)
    status.options = {
      n1: {id: 'n1', name: 'Todo', description: '', color: 'GRAY', position: 0},
      n2: {id: 'n2', name: 'Doing', description: '', color: 'BLUE', position: 1},
    }
    for (const it of Object.values(live.items!)) delete it.values[FIELD.status]
    const plan = diff(desired, live, {destructive: true})
    const restore = ofKind(plan.operations, 'restoreOptions')
    expect(restore).to.have.length(1)
    expect(restore[0].options.map((o) => o.name)).to.deep.equal(['Todo', 'In Progress', 'Done'])
    const sets = ofKind(plan.operations, 'setValue')
    const withStatus = Object.values(desired.items!).filter((it) => it.values[FIELD.status])
    expect(sets).to.have.length(withStatus.length)
    for (const op of sets) {
      expect(op.field.name).to.equal('Status')
      expect(op.value.type).to.equal('singleSelect')
      expect(op.deps).to.include(restore[0].id)
    }
    expect(sets.map((o) => (o.value as {name: string}).name).sort()).to.deep.equal(['Done', 'In Progress', 'Todo', 'Todo', 'Todo'])
    expect(plan.operations).to.have.length(1 + withStatus.length)
  })

  it('a recoloured option is restored with its id: its values survive, none is set again', () => {
    const desired = baseState()
    const live = clone(desired)
    live.fields[FIELD.status].options!.opt_prog.color = 'PURPLE'
    const plan = diff(desired, live)
    const restore = ofKind(plan.operations, 'restoreOptions')
    expect(restore).to.have.length(1)
    expect(restore[0].options.map((o) => o.id)).to.deep.equal(['opt_todo', 'opt_prog', 'opt_done'])
    expect(restore[0].recreated).to.equal(undefined)
    expect(ofKind(plan.operations, 'setValue')).to.have.length(0)
    expect(plan.estimate.mutations).to.equal(1)
  })

  it('options vandalised (one renamed, one deleted, one added): ids sent for what exists, only the deleted option\'s values set again', () => {
    const desired = baseState()
    const live = clone(desired)
    const status = live.fields[FIELD.status]
    status.options!.opt_todo.name = 'Backlog'
    delete status.options!.opt_done
    status.options!.opt_new = {id: 'opt_new', name: 'Blocked', description: '', color: 'RED', position: 3}
    for (const it of Object.values(live.items!)) {
      const v = it.values[FIELD.status]
      if (v?.type === 'singleSelect' && v.optionId === 'opt_done') delete it.values[FIELD.status]
      else if (v?.type === 'singleSelect' && v.optionId === 'opt_todo') v.name = 'Backlog'
    }
    item(live, 1).values[FIELD.status] = sel('opt_new', 'Blocked')
    const plan = diff(desired, live, {destructive: true})
    const restore = ofKind(plan.operations, 'restoreOptions')[0]
    expect(restore.options.map((o) => [o.id ?? null, o.name])).to.deep.equal([
      ['opt_todo', 'Todo'],
      ['opt_prog', 'In Progress'],
      [null, 'Done'],
    ])
    expect(restore.recreated).to.deep.equal(['Done'])
    const sets = ofKind(plan.operations, 'setValue')
    // #3 had Done (recreated); #1 was moved to Blocked, which the restore removes: both set again, nothing else
    expect(sets.map((o) => [o.item.key, (o.value as {name: string}).name]).sort()).to.deep.equal([
      [url(1), 'Todo'],
      [url(3), 'Done'],
    ])
    for (const op of sets) expect(op.deps).to.include(restore.id)
    expect(plan.summary.values_to_set).to.equal(2)
  })

  it('an orphaned value (option id gone) is set again though its name matches', () => {
    const desired = baseState()
    const live = clone(desired)
    item(live, 1).values[FIELD.status] = sel('opt_gone', 'Todo')
    const plan = diff(desired, live)
    expect(kinds(plan.operations)).to.deep.equal(['setValue'])
    expect(ofKind(plan.operations, 'setValue')[0].item.key).to.equal(url(1))
  })

  it('field deleted live: creates it with its options, then sets its values', () => {
    const desired = baseState()
    const live = clone(desired)
    delete live.fields[FIELD.priority]
    for (const it of Object.values(live.items!)) delete it.values[FIELD.priority]
    const plan = diff(desired, live)
    expect(kinds(plan.operations)).to.deep.equal(['createField', 'setValue'])
    const [create, set] = plan.operations as [OperationOf<'createField'>, OperationOf<'setValue'>]
    expect(create.field).to.include({name: 'Priority', dataType: 'SINGLE_SELECT', liveId: null})
    expect(create.options).to.deep.equal([
      {name: 'P0', description: 'now', color: 'RED'},
      {name: 'P1', description: 'next', color: 'ORANGE'},
    ])
    expect(set.field.createdBy).to.equal(create.id)
    expect(set.value).to.deep.equal({type: 'singleSelect', name: 'P0'})
    expect(set.deps).to.include(create.id)
    expect(plan.summary.fields_to_restore).to.equal(1)
  })

  it('iteration field deleted live: recreated with every iteration, values set by title', () => {
    const desired = baseState()
    const live = clone(desired)
    delete live.fields[FIELD.sprint]
    delete item(live, 4).values[FIELD.sprint]
    const plan = diff(desired, live)
    const [create] = ofKind(plan.operations, 'createField')
    expect(create.iteration).to.deep.equal({
      duration: 14,
      startDate: '2026-11-02',
      iterations: [
        {title: 'Sprint 1', startDate: '2026-11-02', duration: 14},
        {title: 'Sprint 2', startDate: '2026-11-16', duration: 14},
      ],
    })
    expect(ofKind(plan.operations, 'setValue').map((o) => o.value)).to.deep.equal([{type: 'iteration', title: 'Sprint 2'}])
  })

  it('item deleted live: adds it back, sets its values, puts it back in place', () => {
    const desired = baseState()
    const live = clone(desired)
    delete live.items![url(3)]
    live.itemOrder = live.itemOrder!.filter((k) => k !== url(3))
    const plan = diff(desired, live)
    expect(kinds(plan.operations)).to.deep.equal(['addItem', 'setValue', 'setValue', 'moveItem'])
    const add = ofKind(plan.operations, 'addItem')[0]
    expect(add.content.url).to.equal(url(3))
    for (const set of ofKind(plan.operations, 'setValue')) {
      expect(set.item.createdBy).to.equal(add.id)
      expect(set.deps).to.include(add.id)
    }
    const move = ofKind(plan.operations, 'moveItem')[0]
    expect(move.after?.key).to.equal(url(2))
    expect(plan.summary.items_to_add).to.equal(1)
  })

  it('draft deleted live: recreates it as a new draft with its values', () => {
    const desired = baseState()
    const live = clone(desired)
    delete live.items!['draft:DI_1']
    live.itemOrder = live.itemOrder!.filter((k) => k !== 'draft:DI_1')
    const plan = diff(desired, live)
    expect(kinds(plan.operations)).to.deep.equal(['createDraft', 'setValue', 'setValue', 'moveItem'])
    const create = ofKind(plan.operations, 'createDraft')[0]
    expect(create).to.include({title: 'Write the plan', body: 'About Write the plan'})
    expect(ofKind(plan.operations, 'setValue').map((o) => o.field.name).sort()).to.deep.equal(['Due', 'Status'])
  })

  it('a recreated draft (new id, same title) matches by title: no duplicate on the next run', () => {
    const desired = baseState()
    const live = clone(desired)
    const old = live.items!['draft:DI_1']
    delete live.items!['draft:DI_1']
    const recreated = {...old, id: 'PVTI_new', draft: {...old.draft!, id: 'DI_new'}}
    live.items!['draft:DI_new'] = recreated
    live.itemOrder = live.itemOrder!.map((k) => (k === 'draft:DI_1' ? 'draft:DI_new' : k))
    expect(diff(desired, live).operations).to.deep.equal([])
  })

  it('archived live and in the backup, with a value to restore: unarchives, sets the value, archives again', () => {
    const desired = baseState()
    item(desired, 2).archived = true
    const live = clone(desired)
    item(live, 2).values[FIELD.status] = sel('opt_done', 'Done')
    const plan = diff(desired, live)
    expect(plan.operations.map((o) => [o.op, 'item' in o ? o.item.key : ''])).to.deep.equal([
      ['unarchiveItem', url(2)],
      ['setValue', url(2)],
      ['archiveItem', url(2)],
    ])
    const [unarchive, set, archive] = plan.operations
    expect(unarchive).to.deep.include({temporary: true})
    expect(set.deps).to.include(unarchive.id)
    expect(archive.deps).to.include(set.id)
    // a fields-only restore does the same: it must not leave the item unarchived
    const fieldsOnly = diff(desired, live, {sections: ['fields']})
    expect(fieldsOnly.operations.map((o) => o.op)).to.deep.equal(['unarchiveItem', 'setValue', 'archiveItem'])
    // an archived item with nothing to change is left alone
    expect(diff(desired, clone(desired)).operations).to.deep.equal([])
  })

  it('archived live: unarchives it, and archives what the backup has archived', () => {
    const desired = baseState()
    item(desired, 2).archived = true
    const live = clone(desired)
    item(live, 1).archived = true
    item(live, 2).archived = false
    const plan = diff(desired, live)
    expect(plan.operations.map((o) => [o.op, 'item' in o ? o.item.key : ''])).to.deep.equal([
      ['unarchiveItem', url(1)],
      ['archiveItem', url(2)],
    ])
  })

  it('settings changed: one settings operation with exactly the changed settings', () => {
    const desired = baseState()
    const live = clone(desired)
    live.project.title = 'Vandalised'
    live.project.public = true
    const plan = diff(desired, live)
    expect(plan.operations).to.have.length(1)
    const op = plan.operations[0] as OperationOf<'updateProject'>
    expect(op.op).to.equal('updateProject')
    expect(op.changes).to.deep.equal({title: 'Roadmap', public: false})
    expect(op.before).to.deep.equal({title: 'Vandalised', public: true})
  })

  it('issue title and body vandalised: one updateContent with both', () => {
    const desired = baseState()
    const live = clone(desired)
    item(live, 2).content!.title = 'lol'
    item(live, 2).content!.body = ''
    const plan = diff(desired, live)
    expect(plan.operations).to.have.length(1)
    expect(plan.operations[0]).to.deep.include({op: 'updateContent', title: 'Issue 2', body: 'Body of issue 2'})
  })

  it('issue state, labels, assignees and milestone are restored with their own operations', () => {
    const desired = baseState()
    item(desired, 1).content!.milestone = `${REPO}#1`
    const live = clone(desired)
    const c = live.items![url(1)].content!
    c.state = 'CLOSED'
    c.stateReason = 'NOT_PLANNED'
    c.labels = ['wontfix']
    c.assignees = []
    c.milestone = null
    const plan = diff(desired, live)
    expect(kinds(plan.operations).sort()).to.deep.equal(['addAssignees', 'addLabels', 'removeLabels', 'setIssueState', 'setMilestone'])
    expect(ofKind(plan.operations, 'setIssueState')[0]).to.include({state: 'OPEN'})
    expect(ofKind(plan.operations, 'addLabels')[0].labels).to.deep.equal(['bug'])
    expect(ofKind(plan.operations, 'removeLabels')[0].labels).to.deep.equal(['wontfix'])
    expect(ofKind(plan.operations, 'setMilestone')[0].milestone).to.deep.equal({title: 'v1.0', repository: REPO})
  })

  it('sub-issue links and blocked-by dependencies are diffed both ways', () => {
    const desired = baseState()
    item(desired, 1).content!.subIssues = [url(2)]
    item(desired, 2).content!.parent = url(1)
    item(desired, 3).content!.blockedBy = [url(1)]
    const live = clone(desired)
    item(live, 1).content!.subIssues = []
    item(live, 2).content!.parent = null
    item(live, 3).content!.blockedBy = [url(2)]
    const plan = diff(desired, live)
    expect(kinds(plan.operations)).to.deep.equal(['addSubIssue', 'removeBlockedBy', 'addBlockedBy'])
    const sub = ofKind(plan.operations, 'addSubIssue')[0]
    expect([sub.parent.url, sub.child.url]).to.deep.equal([url(1), url(2)])
    expect(ofKind(plan.operations, 'addBlockedBy')[0].blocker.url).to.equal(url(1))
    expect(ofKind(plan.operations, 'removeBlockedBy')[0].blocker.url).to.equal(url(2))
  })

  it('a value the backup lacks is cleared', () => {
    const desired = baseState()
    const live = clone(desired)
    item(live, 1).values[FIELD.notes] = {type: 'text', text: 'graffiti'}
    const plan = diff(desired, live)
    expect(kinds(plan.operations)).to.deep.equal(['clearValue'])
    expect(ofKind(plan.operations, 'clearValue')[0]).to.include({before: '"graffiti"'})
  })

  describe('selective restore', () => {
    function vandalised() {
      const desired = baseState()
      const live = clone(desired)
      live.project.title = 'x'
      item(live, 1).values[FIELD.status] = sel('opt_done', 'Done')
      item(live, 2).values[FIELD.priority] = sel('opt_p1', 'P1')
      item(live, 3).content!.title = 'x'
      delete live.fields[FIELD.points]
      for (const it of Object.values(live.items!)) delete it.values[FIELD.points]
      return {desired, live}
    }

    it('--partial=config touches only project settings, views and links', () => {
      const {desired, live} = vandalised()
      expect(kinds(diff(desired, live, {sections: ['config']}).operations)).to.deep.equal(['updateProject'])
    })

    it('--partial=fields restores field definitions and their values only', () => {
      const {desired, live} = vandalised()
      const plan = diff(desired, live, {sections: ['fields']})
      expect(kinds(plan.operations)).to.deep.equal(['createField', 'setValue', 'setValue', 'setValue'])
      expect(ofKind(plan.operations, 'setValue').map((o) => `${o.item.key} ${o.field.name}`)).to.deep.equal([
        `${url(1)} Points`,
        `${url(1)} Status`,
        `${url(2)} Priority`,
      ])
    })

    it('--partial=issues restores items, values and content but creates no field', () => {
      const {desired, live} = vandalised()
      const plan = diff(desired, live, {sections: ['issues']})
      expect(kinds(plan.operations).sort()).to.deep.equal(['setValue', 'setValue', 'updateContent'])
      expect(plan.warnings.join('\n')).to.match(/Points.*--partial=fields/)
    })

    it('--fields restricts to the named fields (case-insensitive) and their values', () => {
      const {desired, live} = vandalised()
      const plan = diff(desired, live, {fields: ['STATUS']})
      expect(plan.operations.map((o) => (o.op === 'setValue' ? `${o.item.key} ${o.field.name}` : o.op))).to.deep.equal([`${url(1)} Status`])
    })

    it('--issues restricts to the named issues, by number or owner/repo#n', () => {
      const {desired, live} = vandalised()
      for (const sel of [[2], ['2'], [`${REPO}#2`], [url(2)]]) {
        const plan = diff(desired, live, {issues: sel})
        expect(plan.operations.map((o) => ('item' in o ? o.item.key : o.op)), String(sel)).to.deep.equal([url(2)])
      }
      expect(diff(desired, live, {issues: ['other/repo#2']}).operations).to.deep.equal([])
    })

    it('--exclude-issues leaves the named issues alone', () => {
      const {desired, live} = vandalised()
      const plan = diff(desired, live, {excludeIssues: [1, 3]})
      const touched = new Set(plan.operations.flatMap((o) => ('item' in o ? [o.item.key] : 'content' in o ? [o.content.url] : [])))
      expect([...touched]).to.deep.equal([url(2)])
      expect(kinds(plan.operations)).to.include.members(['updateProject', 'createField'])
    })

    it('rejects a selector that is not an issue', () => {
      expect(() => diff(baseState(), baseState(), {issues: ['nope']})).to.throw(UserError, /--issues "nope"/)
      expect(() => diff(baseState(), baseState(), {sections: ['all' as never]})).to.throw(UserError, /config, fields or issues/)
    })
  })

  describe('conflicts and destructive changes', () => {
    function extra() {
      const desired = baseState()
      const live = clone(desired)
      live.fields.PVTF_extra = {id: 'PVTF_extra', name: 'Scratch', dataType: 'TEXT'}
      const stray = issue(99)
      live.items![keyOf(stray)] = stray
      live.itemOrder!.push(keyOf(stray))
      return {desired, live}
    }

    it('without --confirm-destructive, live fields and items missing from the backup are conflicts, left alone', () => {
      const {desired, live} = extra()
      const plan = diff(desired, live)
      expect(plan.operations).to.deep.equal([])
      expect(plan.conflicts.map((c) => [c.kind, c.name])).to.deep.equal([
        ['field', 'Scratch'],
        ['item', `${REPO}#99`],
      ])
    })

    it('with --confirm-destructive they are deleted', () => {
      const {desired, live} = extra()
      const plan = diff(desired, live, {destructive: true})
      expect(plan.operations.map((o) => o.id)).to.deep.equal(['field.delete:PVTF_extra', `item.delete:${url(99)}`])
      expect(plan.conflicts).to.deep.equal([])
    })

    it('a field of another type is a conflict, replaced only when destructive', () => {
      const desired = baseState()
      const live = clone(desired)
      live.fields[FIELD.points].dataType = 'TEXT'
      for (const it of Object.values(live.items!)) delete it.values[FIELD.points]
      const safe = diff(desired, live)
      expect(safe.operations).to.deep.equal([])
      expect(safe.conflicts[0]).to.include({kind: 'field', name: 'Points'})
      const forced = diff(desired, live, {destructive: true})
      expect(kinds(forced.operations)).to.deep.equal(['deleteField', 'createField', 'setValue'])
      expect(forced.operations[1].deps).to.deep.equal([forced.operations[0].id])
    })
  })

  describe('order', () => {
    it('one item moved: exactly one position operation', () => {
      const desired = baseState()
      const live = clone(desired)
      const order = live.itemOrder!
      order.push(order.shift()!)
      const plan = diff(desired, live)
      expect(kinds(plan.operations)).to.deep.equal(['moveItem'])
      const move = plan.operations[0] as OperationOf<'moveItem'>
      expect(move.item.key).to.equal(url(1))
      expect(move.after).to.equal(null)
    })

    it('reversed order: n-1 moves, each after its desired predecessor', () => {
      const desired = baseState()
      const live = clone(desired)
      live.itemOrder = [...live.itemOrder!].reverse()
      const moves = ofKind(diff(desired, live).operations, 'moveItem')
      expect(moves).to.have.length(desired.itemOrder!.length - 1)
      for (const m of moves) {
        const i = desired.itemOrder!.indexOf(m.item.key)
        expect(m.after?.key ?? null).to.equal(i > 0 ? desired.itemOrder![i - 1] : null)
      }
    })

    it('longestIncreasing finds a longest increasing subsequence', () => {
      expect(longestIncreasing([3, 1, 2, 5, 4, 6], (x) => x)).to.deep.equal([1, 2, 4, 6])
      expect(longestIncreasing([], (x: number) => x)).to.deep.equal([])
    })
  })

  describe('what no API can do becomes a warning', () => {
    it('workflows that differ', () => {
      const desired = baseState()
      const live = clone(desired)
      live.workflows!['1'].enabled = false
      const plan = diff(desired, live)
      expect(plan.operations).to.deep.equal([])
      expect(plan.warnings).to.deep.equal(["enable workflow 'Item closed' by hand in the project's Workflows settings"])
    })

    it('a view that differs is a warning; a missing view is recreated', () => {
      const desired = baseState()
      const live = clone(desired)
      live.views!['1'].filter = 'is:closed'
      const differs = diff(desired, live)
      expect(differs.operations).to.deep.equal([])
      expect(differs.warnings[0]).to.match(/view 'Board' differs.*filter "is:closed" live/)
      delete live.views!['1']
      const missing = diff(desired, live)
      expect(kinds(missing.operations)).to.deep.equal(['createView'])
      expect(ofKind(missing.operations, 'createView')[0].view).to.include({name: 'Board', layout: 'BOARD_LAYOUT'})
    })

    it('a deleted issue is a warning, or a NEW issue with recreateMissingIssues', () => {
      const desired = baseState()
      const live = clone(desired)
      delete live.items![url(3)]
      live.itemOrder = live.itemOrder!.filter((k) => k !== url(3))
      const warned = diff(desired, live, {missingContent: [url(3)]})
      expect(warned.operations).to.deep.equal([])
      expect(warned.warnings[0]).to.match(/acme\/api#3 no longer exists/)
      const recreated = diff(desired, live, {missingContent: [url(3)], recreateMissingIssues: true})
      expect(kinds(recreated.operations)).to.deep.equal(['createIssue', 'addItem', 'setValue', 'setValue', 'moveItem'])
      expect(ofKind(recreated.operations, 'addItem')[0].content.createdBy).to.equal(recreated.operations[0].id)
    })

    it('built-in fields cannot be created', () => {
      const desired = baseState()
      desired.fields.PVTF_labels = {id: 'PVTF_labels', name: 'Labels', dataType: 'LABELS'}
      const plan = diff(desired, baseState())
      expect(plan.operations).to.deep.equal([])
      expect(plan.warnings[0]).to.match(/'Labels' \(LABELS\) is built in/)
    })

    it('a redacted item cannot be restored', () => {
      const desired = baseState()
      desired.items!['redacted:PVTI_r'] = {id: 'PVTI_r', type: 'REDACTED', archived: false, values: {}}
      const plan = diff(desired, baseState())
      expect(plan.operations).to.deep.equal([])
      expect(plan.warnings[0]).to.match(/redacted/)
    })
  })

  it('--map-repo restores a backup into another repository', () => {
    const desired = baseState()
    const mapped = mapDesired(desired, {repoMap: {[REPO]: 'acme/api-v2'}})
    expect(Object.keys(mapped.items!)[0]).to.equal('https://github.com/acme/api-v2/issues/1')
    expect(mapped.itemOrder![0]).to.equal('https://github.com/acme/api-v2/issues/1')
    expect(diff(desired, mapped, {repoMap: {[REPO]: 'acme/api-v2'}}).operations).to.deep.equal([])
    expect(diff(desired, mapped).operations.length).to.be.greaterThan(0)
  })

  it('links and status updates missing live are recreated', () => {
    const desired = baseState()
    desired.repositories = [REPO, 'acme/web']
    desired.teams = ['acme/core']
    desired.statusUpdates = {
      SU1: {id: 'SU1', body: 'going well', status: 'ON_TRACK', startDate: null, targetDate: null, createdAt: '2026-01-01T00:00:00Z'},
    }
    const plan = diff(desired, baseState())
    expect(kinds(plan.operations).sort()).to.deep.equal(['createStatusUpdate', 'linkRepository', 'linkTeam'])
  })

  it('the summary and estimate describe the plan', () => {
    const desired = baseState()
    const live = clone(desired)
    delete live.fields[FIELD.status]
    for (const it of Object.values(live.items!)) delete it.values[FIELD.status]
    live.items!['draft:DI_2'] = draft('DI_2', 'stray')
    const plan = diff(desired, live)
    expect(plan.summary).to.include({fields_to_restore: 1, values_to_set: 5, issues_to_update: 5, conflicts: 1})
    expect(plan.estimate.mutations).to.equal(6)
    expect(plan.estimate.requests).to.equal(2)
  })
})
