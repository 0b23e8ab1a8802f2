import {expect} from 'chai'
import {fastClock, ManualClock, realWaitSeconds} from '../../src/sandbox/clock.js'
import {Faults} from '../../src/sandbox/faults.js'
import {checkDocument, scoreOf} from '../../src/sandbox/limits.js'
import {FixedWindowBudget, RateLimiter, SlidingWindow} from '../../src/sandbox/ratelimit.js'
import {githubSchema} from '../../src/sandbox/schema.js'

const ALL = ['repo', 'project', 'read:org']

function analyze(query: string, variables?: Record<string, unknown>, scopes = ALL) {
  return checkDocument(githubSchema(), {query, variables}, scopes)
}

describe('sandbox engine units', () => {
  describe('checkDocument', () => {
    it('multiplies nested connections through fragments and inline fragments', () => {
      const checked = analyze(`
        query { viewer { repositories(first: 10) { nodes { ...repo } } } }
        fragment repo on Repository { issues(first: 20) { nodes { ... on Issue { labels(first: 5) { nodes { name } } } } } }`)
      expect(checked.ok).to.equal(true)
      if (!checked.ok) return
      expect(checked.analysis.nodeCount).to.equal(10 + 200 + 1000)
      expect(checked.analysis.connectionRequests).to.equal(1 + 10 + 200)
      expect(checked.analysis.cost).to.equal(2)
    })

    it('leaves out what @skip / @include exclude', () => {
      const query = 'query($all: Boolean!) { viewer { repositories(first: 100) @include(if: $all) { nodes { issues(first: 100) { totalCount } } } login } }'
      const skipped = analyze(query, {all: false})
      const counted = analyze(query, {all: true})
      expect(skipped.ok && skipped.analysis.nodeCount).to.equal(0)
      expect(counted.ok && counted.analysis.nodeCount).to.equal(10_100)
    })

    it('refuses both first and last on one connection, and a page below 1', () => {
      const both = analyze('{ viewer { repositories(first: 1, last: 1) { totalCount } } }')
      expect(!both.ok && both.errors[0].message).to.equal('Passing both `first` and `last` to paginate the `repositories` connection is not supported.')
      const zero = analyze('{ viewer { repositories(first: 0) { totalCount } } }')
      expect(zero.ok).to.equal(false)
    })

    it('reports every unpaginated connection, not just the first', () => {
      const checked = analyze('{ viewer { repositories { totalCount } followers { totalCount } } }')
      expect(!checked.ok && checked.errors.map((e) => e.type)).to.deep.equal(['MISSING_PAGINATION_BOUNDARIES', 'MISSING_PAGINATION_BOUNDARIES'])
    })

    it('lists root mutation fields once per occurrence, and prices a mutation at 1 point', () => {
      const checked = analyze(`mutation { a: createIssue(input: {repositoryId: "R", title: "a"}) { issue { labels(first: 100) { totalCount } } }
        b: createIssue(input: {repositoryId: "R", title: "b"}) { clientMutationId } closeIssue(input: {issueId: "I"}) { clientMutationId } }`)
      expect(checked.ok).to.equal(true)
      if (!checked.ok) return
      expect(checked.analysis.mutationFields).to.deep.equal(['createIssue', 'createIssue', 'closeIssue'])
      expect(checked.analysis.cost).to.equal(1)
      expect(checked.analysis.operationKind).to.equal('mutation')
    })

    it('needs read:project for ProjectV2 data reached through an inline fragment, and project for ProjectV2 mutations', () => {
      const viaNode = analyze('{ node(id: "PVT_1") { id ... on ProjectV2 { title } } }', undefined, ['repo'])
      expect(!viaNode.ok && viaNode.errors.map((e) => [e.type, e.path])).to.deep.equal([['INSUFFICIENT_SCOPES', ['query', 'node', 'title']]])
      const readOnly = analyze('{ node(id: "PVT_1") { ... on ProjectV2 { title } } }', undefined, ['read:project'])
      expect(readOnly.ok).to.equal(true)
      const write = analyze('mutation { deleteProjectV2Item(input: {projectId: "P", itemId: "I"}) { deletedItemId } }', undefined, ['read:project'])
      expect(!write.ok && write.errors[0].message).to.contain("['project'], but your token has only been granted the: ['read:project'] scopes")
    })

    it('answers GitHub-coded errors for unknown arguments and missing required arguments', () => {
      const checked = analyze('{ viewer { repositories(first: 1, colour: 2) { totalCount } } repository(owner: "o") { id } }')
      expect(!checked.ok && checked.errors.map((e) => [e.extensions?.code, e.message])).to.deep.equal([
        ['argumentNotAccepted', "Field 'repositories' doesn't accept argument 'colour'"],
        ['missingRequiredArguments', "Field 'repository' is missing required arguments: name"],
      ])
    })

    it('refuses variables of the wrong type before anything runs', () => {
      const checked = analyze('query($n: Int!) { viewer { repositories(first: $n) { totalCount } } }', {n: 'ten'})
      expect(checked.ok).to.equal(false)
      expect(!checked.ok && checked.errors[0].message).to.match(/\$n/)
    })

    it('needs an operation name when a document holds several operations', () => {
      const query = 'query A { viewer { login } } query B { viewer { name } }'
      expect(checkDocument(githubSchema(), {query}, ALL).ok).to.equal(false)
      expect(checkDocument(githubSchema(), {query, operationName: 'B'}, ALL).ok).to.equal(true)
    })

    it('scores connection requests as GitHub does: /100, rounded, at least 1', () => {
      expect([0, 49, 50, 101, 1051, 5101].map(scoreOf)).to.deep.equal([1, 1, 1, 1, 11, 51])
    })
  })

  describe('SlidingWindow', () => {
    it('admits up to the limit and says exactly when the oldest charges expire', () => {
      const window = new SlidingWindow(10, 60_000)
      window.add(4, 0)
      window.add(6, 20_000)
      expect(window.waitFor(1, 20_000)).to.equal(40_000) // the 4 at t=0 leave at t=60s
      expect(window.waitFor(5, 20_000)).to.equal(60_000) // needs the 6 at t=20s gone too
      expect(window.waitFor(11, 20_000), 'more than the limit can never fit: one window').to.equal(60_000)
      expect(window.used(59_999)).to.equal(10)
      expect(window.used(60_000)).to.equal(6)
      expect(window.waitFor(4, 60_000)).to.equal(0)
    })
  })

  describe('FixedWindowBudget', () => {
    it('opens a fresh hour on the first use after the reset', () => {
      const budget = new FixedWindowBudget(5000, 3_600_000)
      budget.charge(4000, 1000)
      expect(budget.state(2000)).to.deep.equal({limit: 5000, used: 4000, remaining: 1000, resetAt: 3_601_000})
      expect(budget.state(3_601_000)).to.deep.equal({limit: 5000, used: 0, remaining: 5000, resetAt: 7_201_000})
    })
  })

  describe('RateLimiter', () => {
    it('prices REST: 900 points a minute, writes cost 5', () => {
      const clock = new ManualClock(0)
      const limiter = new RateLimiter(clock, true)
      for (let i = 0; i < 180; i++) expect(limiter.admit('u', 'core', {secondaryPoints: 5, contentCreations: 0, primaryPoints: 1}).ok).to.equal(true)
      const refused = limiter.admit('u', 'core', {secondaryPoints: 1, contentCreations: 0, primaryPoints: 1})
      expect(refused).to.deep.include({ok: false, kind: 'secondary', retryAfterMs: 60_000})
      expect(limiter.admit('other', 'core', {secondaryPoints: 5, contentCreations: 0, primaryPoints: 1}).ok, 'limits are per user').to.equal(true)
      expect(limiter.primary('u', 'core').used, 'a refused request is not charged').to.equal(180)
    })

    it('refuses the 5,001st REST request in an hour as a primary limit', () => {
      const clock = new ManualClock(0)
      const limiter = new RateLimiter(clock, true)
      for (let i = 0; i < 5000; i++) {
        if (i % 900 === 0) clock.advance(60_000)
        expect(limiter.admit('u', 'core', {secondaryPoints: 1, contentCreations: 0, primaryPoints: 1}).ok).to.equal(true)
      }
      const refused = limiter.admit('u', 'core', {secondaryPoints: 1, contentCreations: 0, primaryPoints: 1})
      expect(refused).to.deep.include({ok: false, kind: 'primary'})
      expect(limiter.primary('u', 'core').remaining).to.equal(0)
    })

    it('caps concurrency at 100 unless limits are off', () => {
      const on = new RateLimiter(new ManualClock(0), true)
      for (let i = 0; i < 100; i++) expect(on.enter()).to.equal(true)
      expect(on.enter()).to.equal(false)
      on.leave()
      expect(on.enter()).to.equal(true)
      const off = new RateLimiter(new ManualClock(0), false)
      for (let i = 0; i < 150; i++) expect(off.enter()).to.equal(true)
    })
  })

  describe('clocks', () => {
    it('fastClock runs GitHub time 60x real time and maps it back to real time', () => {
      let real = 1_000_000
      const clock = fastClock(60, () => real)
      real += 1000
      expect(clock.now()).to.equal(1_000_000 + 60_000)
      expect(clock.toRealTime?.(1_000_000 + 120_000)).to.equal(1_002_000)
      expect(realWaitSeconds(clock, 60_000)).to.equal(1)
      expect(realWaitSeconds(clock, 61_000)).to.equal(2)
    })

    it('ManualClock moves only forward, by hand', () => {
      const clock = new ManualClock(5)
      clock.advance(10)
      expect(clock.now()).to.equal(15)
      expect(() => clock.set(1)).to.throw(RangeError)
      expect(() => clock.advance(-1)).to.throw(RangeError)
    })
  })

  describe('Faults', () => {
    it('decides the same faults for the same seed, and nothing once cleared', () => {
      const sequence = (faults: Faults) => Array.from({length: 50}, () => faults.decide().kind)
      const a = new Faults()
      a.set({drop: 0.2, status5xx: 0.3, seed: 7})
      const b = new Faults()
      b.set({drop: 0.2, status5xx: 0.3, seed: 7})
      const first = sequence(a)
      expect(first).to.deep.equal(sequence(b))
      expect(first).to.include('drop').and.include('status5xx').and.include('none')
      expect(a.counters.dropped + a.counters.status5xx).to.equal(first.filter((k) => k !== 'none').length)
      a.clear()
      expect(new Set(sequence(a))).to.deep.equal(new Set(['none']))
      expect(() => a.set({drop: 2})).to.throw(RangeError)
    })
  })
})
