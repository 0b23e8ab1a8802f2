import {expect} from 'chai'
import {compareStates, incrementalSummary} from '../../src/journal/compare.js'
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
