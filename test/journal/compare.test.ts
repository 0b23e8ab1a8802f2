import {expect} from 'chai'
import {compareRefs, compareStates, incrementalSummary} from '../../src/journal/compare.js'
import type {ProjectState} from '../../src/model/state.js'
import {applyEdit, buildState, captureAs} from '../helpers/states.js'

function issueKeys(s: ProjectState): string[] {
  return Object.keys(s.items!).filter((k) => s.items![k].content?.kind === 'Issue').sort()
}

describe('journal compare', () => {
  it('reports added, modified and removed issues, fields, views and settings by name', () => {
    const a = buildState(31)
    const [edited, removed] = issueKeys(a)
    const b = structuredClone(a)
    b.items![edited].content!.title = 'A new title'
    delete b.items![removed]
    b.itemOrder = b.itemOrder!.filter((k) => k !== removed)
    const withNew = applyEdit(b, {kind: 'addItem', type: 'issue', title: 'Brand new', body: 'text'})
    const newKey = Object.keys(withNew.items!).find((k) => !(k in a.items!))!
    const prio = Object.values(withNew.fields).find((f) => f.name === 'Priority')!
    prio.name = 'Importance'
    const status = withNew.fields.PVTSSF_status
    status.options!.blocked = {id: 'blocked', name: 'Blocked', description: '', color: 'RED', position: 3}
    withNew.views!['2'].filter = 'is:closed'
    withNew.project.title = 'Roadmap 2027'
    withNew.workflows!['1'].enabled = false

    const ref = (s: ProjectState, k: string) => `${s.items![k].content!.repository}#${s.items![k].content!.number}`
    const {differences, notes} = compareStates(a, withNew)
    expect(notes).to.deep.equal([])
    expect(differences.issues).to.deep.equal({added: [ref(withNew, newKey)], modified: [ref(a, edited)], removed: [ref(a, removed)]})
    expect(differences.fields).to.deep.equal({added: ['Importance'], modified: ['Status'], removed: ['Priority']})
    expect(differences.views).to.deep.equal({added: [], modified: ['Board'], removed: []})
    expect(differences.settings.modified).to.deep.equal(['itemOrder', 'title', 'workflows'])
    expect(compareStates(a, structuredClone(a)).differences).to.deep.equal({
      issues: {added: [], modified: [], removed: []},
      fields: {added: [], modified: [], removed: []},
      views: {added: [], modified: [], removed: []},
      settings: {modified: []},
    })
  })

  it('names issues by number when they all live in one repository, and drafts by title', () => {
    const a = buildState(32, {repos: ['acme/api']})
    const draftKey = Object.keys(a.items!).find((k) => k.startsWith('draft:'))!
    const issue = issueKeys(a)[0]
    const b = structuredClone(a)
    b.items![draftKey].archived = true
    b.items![issue].values = {}
    const {differences} = compareStates(a, b)
    expect(differences.issues.modified).to.deep.equal([a.items![issue].content!.number, `draft:${a.items![draftKey].draft!.title}`])
  })

  it('says what changed in each item and setting, value by value, with a unified diff for multi-line text', () => {
    const a = buildState(35, {repos: ['acme/api']})
    const [first, second] = issueKeys(a)
    const b = structuredClone(a)
    const status = Object.values(a.fields).find((f) => f.name === 'Status')!
    const [todo, done] = Object.values(status.options!).sort((x, y) => x.position - y.position)
    a.items![first].values[status.id] = {type: 'singleSelect', optionId: todo.id, name: todo.name}
    b.items![first].values[status.id] = {type: 'singleSelect', optionId: done.id, name: done.name}
    b.items![first].content!.title = 'Renamed'
    a.items![second].content!.body = 'line one\nline two\nline three'
    b.items![second].content!.body = 'line one\nline 2\nline three'
    b.items![second].content!.labels = ['bug']
    a.items![second].content!.labels = []
    b.project.title = 'Roadmap 2027'
    const {items, settings} = compareStates(a, b)
    const n = (k: string) => a.items![k].content!.number
    const firstChanges = items.find((i) => i.item === n(first))!
    expect(firstChanges.title).to.equal('Renamed')
    expect(firstChanges.changes).to.deep.include({what: 'Status', from: todo.name, to: done.name})
    expect(firstChanges.changes).to.deep.include({what: 'title', from: a.items![first].content!.title, to: 'Renamed'})
    const secondChanges = items.find((i) => i.item === n(second))!.changes
    expect(secondChanges).to.deep.include({what: 'labels', from: [], to: ['bug']})
    const body = secondChanges.find((c) => c.what === 'body')!
    expect(body.diff).to.contain('-line two').and.to.contain('+line 2')
    expect(settings).to.deep.equal([{what: 'title', from: a.project.title, to: 'Roadmap 2027'}])
    expect(items.map((i) => i.item), 'sorted by number').to.deep.equal([...items.map((i) => i.item)].sort((x, y) => Number(x) - Number(y)))
  })

  it('sorts issue references of several repositories by repository and number, not as text', () => {
    expect(['acme/b#1', 'acme/a#10', 'draft:x', 'acme/a#2'].sort(compareRefs)).to.deep.equal(['acme/a#2', 'acme/a#10', 'acme/b#1', 'draft:x'])
    expect([10, 2, 'acme/a#1', 1].sort(compareRefs)).to.deep.equal([1, 2, 10, 'acme/a#1'])
  })

  it('does not report every issue as removed when one side is a config backup', () => {
    const full = buildState(33)
    const {differences, notes} = compareStates(full, captureAs(full, 'config'))
    expect(differences.issues).to.deep.equal({added: [], modified: [], removed: []})
    expect(differences.fields.modified).to.deep.equal([])
    expect(notes).to.have.length(1)
  })

  it('summarises an incremental backup in the spec shape', () => {
    const a = buildState(34, {repos: ['acme/api']})
    const [first] = issueKeys(a)
    let b = structuredClone(a)
    b.items![first].content!.body += ' edited'
    b = applyEdit(b, {kind: 'addItem', type: 'issue', title: 'New one', body: ''})
    const newNumber = Object.values(b.items!).find((i) => i.content?.title === 'New one')!.content!.number
    b.fields.PVTSSF_status.options!.blocked = {id: 'blocked', name: 'Blocked', description: '', color: 'RED', position: 3}
    expect(incrementalSummary({name: 'full-2024-12-01'}, a, b)).to.deep.equal({
      backup_type: 'incremental',
      base_backup: 'full-2024-12-01',
      changes: {
        modified_issues: [a.items![first].content!.number],
        new_issues: [newNumber],
        removed_issues: [],
        field_changes: ['Status', 'Status/Blocked'],
      },
    })
    const firstEver = incrementalSummary(undefined, undefined, a)
    expect(firstEver.base_backup).to.equal(null)
    expect(firstEver.changes.new_issues).to.have.length(Object.keys(a.items!).length)
  })
})
