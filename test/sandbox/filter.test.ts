import {expect} from 'chai'
import {compileFilter, parseFilter, resolveDate, type FilterField, type FilterFieldValue, type FilterItem} from '../../src/model/filter.js'

const STATUS: FilterField = {name: 'Status', dataType: 'SINGLE_SELECT'}
const POINTS: FilterField = {name: 'Points', dataType: 'NUMBER'}
const DUE: FilterField = {name: 'Due date', dataType: 'DATE'}
const SPRINT: FilterField = {
  name: 'Sprint',
  dataType: 'ITERATION',
  iterations: [
    {title: 'S1', startDate: '2025-03-01', duration: 7},
    {title: 'S2', startDate: '2025-03-08', duration: 7},
    {title: 'S3', startDate: '2025-03-15', duration: 7},
  ],
}
const CTX = {today: '2025-03-10', viewerLogin: 'octocat', fields: [STATUS, POINTS, DUE, SPRINT]}

function item(over: Partial<FilterItem> & {values?: Map<FilterField, FilterFieldValue>} = {}): FilterItem {
  const values = over.values ?? new Map()
  return {
    type: 'ISSUE',
    state: 'OPEN',
    stateReason: null,
    title: 'An item',
    labels: [],
    assignees: [],
    reviewers: [],
    repository: 'acme/app',
    milestone: null,
    issueType: null,
    createdAt: '2025-03-01T10:00:00Z',
    updatedAt: '2025-03-09T10:00:00Z',
    closedAt: null,
    ...over,
    value: (f) => values.get(f),
  }
}

const keeps = (query: string, it: FilterItem) => compileFilter(query, CTX)(it)

describe('sandbox: project filter syntax', () => {
  it('parses qualifiers, negation, quoted values, comma lists, comparisons and ranges', () => {
    expect(parseFilter('-status:"In progress",done points:>=3 due:2025-01-01..* "two words" plain')).to.deep.equal([
      {kind: 'qualifier', negated: true, key: 'status', values: [{comparator: '=', text: 'In progress'}, {comparator: '=', text: 'done'}]},
      {kind: 'qualifier', negated: false, key: 'points', values: [{comparator: '>=', text: '3'}]},
      {kind: 'qualifier', negated: false, key: 'due', values: [{comparator: '=', text: '2025-01-01', upTo: '*'}]},
      {kind: 'text', negated: false, text: 'two words'},
      {kind: 'text', negated: false, text: 'plain'},
    ])
    expect(parseFilter('"due date":@today')).to.deep.equal([{kind: 'qualifier', negated: false, key: 'due date', values: [{comparator: '=', text: '@today'}]}])
    expect(parseFilter('   ')).to.deep.equal([])
  })

  it('resolves @today with day, week, month and year offsets', () => {
    expect(resolveDate('@today', '2025-03-10')).to.equal('2025-03-10')
    expect(resolveDate('@today-7d', '2025-03-10')).to.equal('2025-03-03')
    expect(resolveDate('@today+2w', '2025-03-10')).to.equal('2025-03-24')
    expect(resolveDate('@today-1m', '2025-03-10')).to.equal('2025-02-10')
    expect(resolveDate('@today+1y', '2025-03-10')).to.equal('2026-03-10')
    expect(resolveDate('yesterday', '2025-03-10')).to.equal(undefined)
  })

  it('ANDs qualifiers, ORs values of one qualifier, and negates', () => {
    const bug = item({labels: ['bug'], assignees: ['octocat']})
    expect(keeps('label:bug assignee:@me', bug)).to.equal(true)
    expect(keeps('label:bug assignee:someone', bug)).to.equal(false)
    expect(keeps('label:docs,BUG', bug)).to.equal(true)
    expect(keeps('-label:bug', bug)).to.equal(false)
    expect(keeps('no:label', bug)).to.equal(false)
    expect(keeps('has:label', bug)).to.equal(true)
    expect(keeps('label:b*', bug)).to.equal(true)
  })

  it('compares numbers, dates and iterations; a missing value never matches a comparison', () => {
    const values = new Map<FilterField, FilterFieldValue>([
      [POINTS, {type: 'number', number: 5}],
      [DUE, {type: 'date', date: '2025-03-12'}],
      [SPRINT, {type: 'iteration', title: 'S2'}],
      [STATUS, {type: 'option', name: 'In Progress'}],
    ])
    const it = item({values})
    expect(keeps('points:5 points:>4 points:<=5 points:3..5 points:5..*', it)).to.equal(true)
    expect(keeps('points:>5', it)).to.equal(false)
    expect(keeps('"due date":>@today "due date":<=@today+2d', it)).to.equal(true)
    expect(keeps('"due date":<@today', it)).to.equal(false)
    expect(keeps('sprint:@current sprint:>S1 sprint:S1..S3', it)).to.equal(true)
    expect(keeps('sprint:@next', it)).to.equal(false)
    expect(keeps('status:"in progress"', it)).to.equal(true)
    expect(keeps('points:>1', item())).to.equal(false)
    expect(keeps('no:points', item())).to.equal(true)
    expect(keeps('-points:>1', item())).to.equal(true)
  })

  it('reads created, updated, closed and last-updated against the clock, and is:/reason:', () => {
    const closed = item({state: 'CLOSED', stateReason: 'NOT_PLANNED', closedAt: '2025-03-08T00:00:00Z'})
    expect(keeps('created:<2025-03-02 updated:>=@today-1d', closed)).to.equal(true)
    expect(keeps('last-updated:1day', closed)).to.equal(true)
    expect(keeps('last-updated:0days', closed)).to.equal(false)
    expect(keeps('closed:2025-03-08 is:closed reason:"not planned"', closed)).to.equal(true)
    expect(keeps('is:open', closed)).to.equal(false)
    expect(keeps('is:draft,issue', closed)).to.equal(true)
  })

  it('matches words against titles and matches nothing for an unknown qualifier', () => {
    const it = item({title: 'Fix the Login page'})
    expect(keeps('login fix', it)).to.equal(true)
    expect(keeps('-login', it)).to.equal(false)
    expect(keeps('logout', it)).to.equal(false)
    expect(keeps('priority:high', it)).to.equal(false)
    expect(keeps('-priority:high', it)).to.equal(false)
    expect(keeps('no:priority', it)).to.equal(false)
  })
})
