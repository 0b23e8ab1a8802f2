import {expect} from 'chai'
import {GitHubError} from '../../src/github/errors.js'
import {AdaptiveBatch, BATCH_BOUNDS, GROW_BELOW_MS, isTooBig} from '../../src/plan/batching.js'
import {resolveLookups, type LookupKey} from '../../src/plan/lookup.js'

describe('plan/batching', () => {
  it('starts small, grows by half while requests are quick, up to a ceiling, and halves after a cut-off', () => {
    const b = new AdaptiveBatch(BATCH_BOUNDS.mutations)
    expect(b.size).to.equal(10)
    b.succeeded(GROW_BELOW_MS + 1)
    expect(b.size, 'a slow request does not grow it').to.equal(10)
    b.succeeded(100)
    expect(b.size).to.equal(15)
    b.succeeded(100)
    expect(b.size).to.equal(20)
    b.succeeded(100)
    expect(b.size, 'ceiling').to.equal(20)
    b.timedOut()
    expect(b.size).to.equal(10)
    for (let i = 0; i < 10; i++) b.timedOut()
    expect(b.size).to.equal(1)
  })

  it('tells requests too big for GitHub\'s limits from other failures', () => {
    expect(isTooBig(new GitHubError('server', 'x', {status: 502}))).to.equal(true)
    expect(isTooBig(new GitHubError('ambiguous', 'x', {status: 504}))).to.equal(true)
    expect(isTooBig(new GitHubError('server', 'x', {status: 500}))).to.equal(false)
    expect(isTooBig(new GitHubError('not-found', 'x'))).to.equal(false)
  })

  it('look-ups: a query cut off at the time limit is sent again in halves, and every id is resolved', async () => {
    const keys: LookupKey[] = Array.from({length: 60}, (_, i) => ({kind: 'user', key: `u${i}`}))
    const sizes: number[] = []
    const graphql = async (_query: string, variables: Record<string, unknown>) => {
      const aliases = Object.keys(variables)
      sizes.push(aliases.length)
      // GitHub's 10 seconds: more than 10 look-ups do not fit (the client gave up retrying: a 502)
      if (aliases.length > 10) throw new GitHubError('server', 'GitHub answered 502', {status: 502})
      return Object.fromEntries(aliases.map((a) => [a, {id: `ID_${variables[a]}`}]))
    }
    const found = await resolveLookups(graphql, keys)
    expect(found.user.size).to.equal(60)
    expect(found.user.get('u59')).to.equal('ID_u59')
    expect(sizes[0]).to.equal(BATCH_BOUNDS.lookups.start)
    expect(sizes.slice(0, 3)).to.deep.equal([25, 12, 6])
    expect(sizes.filter((n) => n > 10).length, 'it keeps probing, never for long').to.be.lessThan(6)
  })
})
