/** The time line of incremental capture (src/github/capture-incremental.ts), without a server. */
import {expect} from 'chai'
import {MarkerWatch, ReuseJudge, lightOf} from '../../src/github/capture-incremental.js'
import type {ItemState, ProjectState} from '../../src/model/state.js'

function watch(markers: string[], elapsedMs: number): MarkerWatch {
  const w = new MarkerWatch()
  w.start(1_000_000)
  for (const m of markers) w.see({id: 'i', type: 'DRAFT_ISSUE', archived: false, updatedAt: m, key: 'k'})
  w.end(1_000_000 + elapsedMs)
  return w
}

describe('incremental capture: since', () => {
  it("takes GitHub's Date header before the items were read, less a minute", () => {
    expect(watch(['2026-01-01T10:00:00Z'], 5000).since('Thu, 01 Jan 2026 10:30:07 GMT')).to.equal('2026-01-01T10:29:07Z')
  })

  it('without a Date header: the greatest marker, less the pass and a minute', () => {
    expect(watch(['2026-01-01T09:00:00Z', '2026-01-01T10:00:00Z'], 5500).since()).to.equal('2026-01-01T09:58:54Z')
    expect(watch([], 10).since()).to.equal(null)
  })

  it('trusts the markers when GitHub stamps later than its Date header allows', () => {
    expect(watch(['2026-01-01T12:00:00Z'], 1000).since('Thu, 01 Jan 2026 10:00:00 GMT')).to.equal('2026-01-01T11:58:59Z')
  })
})

describe('incremental capture: what is taken over', () => {
  const item: ItemState = {id: 'PVTI_1', type: 'DRAFT_ISSUE', archived: false, values: {}, draft: {id: 'DI_1', title: 't', body: '', assignees: []}}
  const state = {fields: {}, items: {'draft:DI_1': item}, itemOrder: ['draft:DI_1']} as unknown as ProjectState
  const raw = (updatedAt: string) => ({id: 'PVTI_1', type: 'DRAFT_ISSUE', isArchived: false, updatedAt, content: {__typename: 'DraftIssue', id: 'DI_1', updatedAt}})
  const judge = (since: string | null) => new ReuseJudge({state, since}, new Set(), {dependencies: true, planning: true})

  it('an item whose markers are before since, and nothing else', () => {
    expect(judge('2026-01-01T10:00:00Z').reusable(lightOf(raw('2026-01-01T09:59:59Z')))).to.equal(item)
    expect(judge('2026-01-01T10:00:00Z').reusable(lightOf(raw('2026-01-01T10:00:00Z')))).to.equal(undefined)
    expect(judge(null).reusable(lightOf(raw('2020-01-01T00:00:00Z')))).to.equal(undefined)
    expect(judge('2026-01-01T10:00:00Z').reusable(lightOf({...raw('2026-01-01T09:00:00Z'), isArchived: true}))).to.equal(undefined)
  })
})
