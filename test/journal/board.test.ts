import {expect} from 'chai'
import {buildBoard, type Board} from '../../src/journal/board.js'
import type {ProjectState} from '../../src/model/state.js'
import {UserError} from '../../src/util/errors.js'
import {buildState, captureAs} from '../helpers/states.js'

const names = (b: Board) => b.groups.map((g) => g.name)
const keysOf = (b: Board) => b.groups.flatMap((g) => g.items.map((i) => i.key))
const statusOf = (s: ProjectState, key: string) => (s.items![key].values.PVTSSF_status as {name: string} | undefined)?.name

/** A 30-item state where one live item has no Status. */
function state(): ProjectState {
  const s = buildState(7, {items: 30})
  const live = s.itemOrder!.filter((k) => !s.items![k].archived)
  delete s.items![live[3]].values.PVTSSF_status
  return s
}

function thrown(fn: () => unknown): UserError {
  try {
    fn()
  } catch (error) {
    expect(error).to.be.instanceOf(UserError)
    return error as UserError
  }
  throw new Error('did not throw')
}

describe('journal board (backup show)', () => {
  it('groups by Status in option order, "No Status" last, items in the project order, archived left out', () => {
    const s = state()
    const board = buildBoard(s)
    expect(board.groupBy).to.equal('Status')
    expect(names(board)).to.deep.equal(['Todo', 'In Progress', 'Done', 'No Status'])
    const live = s.itemOrder!.filter((k) => !s.items![k].archived)
    const archived = s.itemOrder!.length - live.length
    expect(archived).to.be.greaterThan(0)
    expect(board.archivedHidden).to.equal(archived)
    expect(board.total).to.equal(live.length)
    for (const g of board.groups) {
      // every item in the group of its value, in the project's order
      const expected = live.filter((k) => (statusOf(s, k) ?? 'No Status') === g.name)
      expect(g.items.map((i) => i.key)).to.deep.equal(expected)
    }
    expect(board.groups.at(-1)!.noValue).to.equal(true)
    expect(board.columns.slice(0, 3)).to.deep.equal(['Title', 'Number', 'Assignees'])
    expect(board.columns).to.not.include('Status')
    // the fields the views show first, in their order (Table: Priority, Estimate; Roadmap: Sprint), then by name
    expect(board.columns.slice(3)).to.deep.equal(['Priority', 'Estimate', 'Sprint', 'Due', 'Notes'])
  })

  it('follows the option order of the backup, shows empty options, and leaves out an empty "No" group', () => {
    const s = buildState(3, {items: 12})
    const opts = Object.values(s.fields.PVTSSF_status.options!)
    opts.find((o) => o.name === 'Done')!.position = 0
    opts.find((o) => o.name === 'Todo')!.position = 2
    for (const k of s.itemOrder!) s.items![k].values.PVTSSF_status = {type: 'singleSelect', optionId: opts.find((o) => o.name === 'Todo')!.id, name: 'Todo'}
    const board = buildBoard(s)
    expect(names(board)).to.deep.equal(['Done', 'In Progress', 'Todo'])
    expect(board.groups.map((g) => g.items.length).slice(0, 2)).to.deep.equal([0, 0])
  })

  it('without a field named Status groups by the first single select', () => {
    const s = buildState(3)
    s.fields.PVTSSF_status.name = 'Stage'
    expect(buildBoard(s).groupBy).to.equal('Stage')
  })

  it('--archived includes archived items, marked in an Archived column', () => {
    const s = state()
    const board = buildBoard(s, {archived: true})
    expect(board.archivedHidden).to.equal(0)
    expect(board.total).to.equal(s.itemOrder!.length)
    expect(board.columns.at(-1)).to.equal('Archived')
    const marked = board.groups.flatMap((g) => g.items).filter((i) => i.values.Archived === 'archived')
    expect(marked.map((i) => i.key).sort()).to.deep.equal(s.itemOrder!.filter((k) => s.items![k].archived).sort())
  })

  it('--group-by an iteration: iterations by start date, completed ones included', () => {
    const s = state()
    const board = buildBoard(s, {groupBy: 'sprint'})
    expect(board.groupBy).to.equal('Sprint')
    expect(names(board)).to.deep.equal(['Sprint 1', 'Sprint 2', 'Sprint 3', 'Sprint 4', 'No Sprint'])
    expect(board.columns).to.include('Status')
  })

  it("--view uses the view's sort and visible fields; an ungrouped table view is one group", () => {
    const s = state()
    const board = buildBoard(s, {view: 'table'})
    expect(board.view).to.equal('Table')
    expect(board.groupBy).to.equal(null)
    expect(names(board)).to.deep.equal(['All items'])
    expect(board.columns).to.deep.equal(['Title', 'Number', 'Assignees', 'Status', 'Priority', 'Estimate'])
    // sorted by Priority ascending (option order), items without one last, ties in the project's order
    const rank = (k: string) => {
      const v = s.items![k].values.PVTSSF_prio as {optionId: string} | undefined
      return v ? s.fields.PVTSSF_prio.options![v.optionId].position : 99
    }
    const live = s.itemOrder!.filter((k) => !s.items![k].archived)
    const expected = [...live].sort((a, b) => rank(a) - rank(b) || live.indexOf(a) - live.indexOf(b))
    expect(keysOf(board)).to.deep.equal(expected)
    expect(board.groups[0].items.at(-1)!.values.Priority).to.equal('')
  })

  it("--view of a board: its column field groups, its filter keeps what GitHub's would", () => {
    const s = state()
    const board = buildBoard(s, {view: '2'})
    expect(board.view).to.equal('Board')
    expect(board.groupBy).to.equal('Status')
    expect(board.filter).to.equal('is:open')
    expect(board.notes).to.deep.equal([])
    const expected = s.itemOrder!.filter((k) => !s.items![k].archived && s.items![k].content?.state === 'OPEN')
    expect(keysOf(board).sort()).to.deep.equal(expected.sort())
  })

  it('applies the filter terms a backup can evaluate and names each one it cannot, never dropping one silently', () => {
    const s = state()
    s.views!['2'].filter = 'status:Todo,Done reviewers:octocat -label:bug created:>2026-01-01 nosuch:x assignee:@me'
    const board = buildBoard(s, {view: 'Board'})
    expect(board.filter).to.equal('status:Todo,Done -label:bug')
    expect(board.notes).to.have.length(4)
    for (const term of ['reviewers:octocat', 'created:>2026-01-01', 'nosuch:x', 'assignee:@me']) {
      expect(board.notes.filter((n) => n.includes(term)), term).to.have.length(1)
    }
    const expected = s.itemOrder!.filter((k) => {
      const i = s.items![k]
      return !i.archived && ['Todo', 'Done'].includes(statusOf(s, k) ?? '') && !(i.content?.labels ?? []).includes('bug')
    })
    expect(expected.length).to.be.greaterThan(0)
    expect(keysOf(board).sort()).to.deep.equal(expected.sort())
  })

  it("resolves @today in a view's filter as the backup's day", () => {
    const s = state()
    s.views!['2'].filter = 'due:<@today'
    const live = s.itemOrder!.filter((k) => !s.items![k].archived)
    const due = (k: string) => (s.items![k].values.PVTF_due as {date: string} | undefined)?.date
    const on = '2026-12-15'
    const board = buildBoard(s, {view: 'Board'}, on)
    expect(keysOf(board).sort()).to.deep.equal(live.filter((k) => (due(k) ?? '9') < on).sort())
  })

  it('numbers items per repository when the board spans several, and names drafts', () => {
    const s = buildState(5)
    const items = buildBoard(s, {archived: true}).groups.flatMap((g) => g.items)
    const issue = items.find((i) => i.type === 'ISSUE')!
    expect(issue.values.Number).to.equal(`${issue.repository!.split('/')[1]}#${issue.number}`)
    expect(items.find((i) => i.type === 'DRAFT_ISSUE')!.values.Number).to.equal('draft')
    const one = buildBoard(buildState(5, {repos: ['acme/api']})).groups.flatMap((g) => g.items)
    expect(one.find((i) => i.type === 'ISSUE')!.values.Number).to.match(/^#\d+$/)
  })

  it('refuses an unknown view or field with the names there are, and a backup without items', () => {
    const s = state()
    const v = thrown(() => buildBoard(s, {view: 'Nope'}))
    expect(v.message).to.include('"Table"').and.include('"Board"')
    const f = thrown(() => buildBoard(s, {groupBy: 'Nope'}))
    expect(f.exitCode).to.equal(2)
    expect(f.message).to.include('Priority')
    expect(thrown(() => buildBoard(captureAs(s, 'config'))).message).to.include('config')
  })
})
