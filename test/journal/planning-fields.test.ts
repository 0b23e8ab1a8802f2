/** The state fields of today's GitHub (issue type, issue-field values, blocked-by) in export/import and compare. */
import {expect} from 'chai'
import {compareStates} from '../../src/journal/compare.js'
import {exportDocument, importDocument} from '../../src/journal/export.js'
import type {ProjectState} from '../../src/model/state.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {PROJECT_ID, buildState} from '../helpers/states.js'

const header = {name: 'b', timestamp: '2026-07-01T00:00:00.000Z', type: 'full' as const, version: '1.0.0', projectId: PROJECT_ID}

function issueKey(s: ProjectState): string {
  return Object.keys(s.items!).find((k) => s.items![k].content?.kind === 'Issue')!
}

describe('journal: issue types, issue fields and dependencies', () => {
  it('exports them per issue and imports them back unchanged', () => {
    const state = buildState(5, {repos: ['acme/api']})
    const key = issueKey(state)
    Object.assign(state.items![key].content!, {issueType: 'Bug', issueFields: {Priority: 'High', Effort: 3}})
    const doc = exportDocument(header, state)
    const issue = doc.project_data.issues.find((i) => i.url === key)!
    expect(issue).to.deep.include({issue_type: 'Bug', issue_fields: {Effort: 3, Priority: 'High'}})
    const back = importDocument(JSON.stringify(doc))
    expect(back.state.items![key].content).to.deep.include({issueType: 'Bug', issueFields: {Effort: 3, Priority: 'High'}})
    // an issue whose type and fields were not captured has no such keys (older documents stay valid)
    const other = doc.project_data.issues.find((i) => i.url !== key)!
    expect(other).to.not.have.property('issue_type')
  })

  it('refuses an imported document whose issue-field values are malformed', () => {
    const state = buildState(5, {repos: ['acme/api']})
    const doc = exportDocument(header, state)
    const bad = structuredClone(doc)
    ;(bad.project_state.items![issueKey(state)].content as any).issueFields = {Priority: {nested: true}}
    expect(() => importDocument(JSON.stringify(bad))).to.throw(/checksum|malformed|disagrees/)
    expect(canonicalJson(importDocument(JSON.stringify(doc)).state)).to.equal(canonicalJson(doc.project_state))
  })

  it('compare reports a changed issue type or issue field, but not what an older backup did not capture', () => {
    const a = buildState(7, {repos: ['acme/api']})
    const key = issueKey(a)
    const older = structuredClone(a)
    const newer = structuredClone(a)
    for (const item of Object.values(newer.items!)) {
      if (item.content?.kind === 'Issue') Object.assign(item.content, {issueType: null, issueFields: {}, blockedBy: item.content.blockedBy ?? []})
    }
    delete older.items![key].content!.blockedBy
    expect(compareStates(older, newer).differences.issues.modified).to.deep.equal([])
    const changed = structuredClone(newer)
    changed.items![key].content!.issueType = 'Bug'
    const {modified} = compareStates(newer, changed).differences.issues
    expect(modified).to.have.length(1)
  })
})
