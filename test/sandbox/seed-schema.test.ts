import {expect} from 'chai'
import fc from 'fast-check'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import {type Seed, loadSeed} from '../../src/sandbox/seed.js'
import {seedShapeProblem} from '../../src/sandbox/seed-schema.js'
import {World} from '../../src/sandbox/world.js'
import {isUserError} from '../../src/util/errors.js'
import {bigSeed} from '../helpers/big-seed.js'

const refusal = (seed: unknown): string => {
  try {
    World.fromSeed(seed as Seed)
  } catch (error) {
    expect(isUserError(error), String(error)).to.equal(true)
    return (error as Error).message
  }
  throw new Error('the seed was accepted')
}

describe('sandbox seed schema', () => {
  it('accepts the demo seed, a big seed, an empty seed and unknown keys', () => {
    for (const seed of [demoSeed(), bigSeed({items: 200}), {}, {version: 1}, {...demoSeed(), comment: 'a key of a newer version', users: [{login: 'ann', avatar: 'x'}]}]) {
      expect(seedShapeProblem(seed)).to.equal(undefined)
    }
    expect(World.fromSeed({...demoSeed(), note: 1} as Seed).model.store).to.be.an('object')
  })

  it('refuses a wrong-shaped seed in one line naming the path of the first error', () => {
    const cases: Array<[unknown, RegExp]> = [
      [[], /^The sandbox seed must be a JSON object/],
      [{users: {login: 'ann'}}, /^Sandbox seed, users: expected array, received object\. Fix the seed \(docs\/sandbox-seed\.md\)\.$/],
      [{users: [{login: '  '}]}, /Sandbox seed, users\[0\]\.login: expected a non-empty string/],
      [{orgs: [{login: 'acme', members: {ann: 'OWNER'}}]}, /orgs\[0\]\.members\.ann: expected one of "ADMIN"\|"MEMBER"/],
      [{repositories: [{owner: 'acme', name: 'r', issues: [{title: 'a', state: 'open'}]}]}, /repositories\[0\]\.issues\[0\]\.state: expected one of "CLOSED"\|"OPEN"/],
      [{repositories: [{owner: 'acme', name: 'r', issues: [{title: 7}]}]}, /repositories\[0\]\.issues\[0\]\.title: expected string, received number/],
      [{repositories: [{owner: 'acme', name: 'r', issues: [{number: 2.5, title: 'x'}]}]}, /issues\[0\]\.number: expected a whole number/],
      [{repositories: [{owner: 'acme', name: 'r', pullRequests: [{title: 'p', isDraft: 'yes'}]}]}, /pullRequests\[0\]\.isDraft: expected boolean, received string/],
      [{projects: [{owner: 'acme', title: 'P', workflows: [{name: 'Item closed', enabled: 'yes'}]}]}, /projects\[0\]\.workflows\[0\]\.enabled: expected boolean, received string/],
      [{projects: [{owner: 'acme', title: 'P', readme: 7}]}, /projects\[0\]\.readme: expected string, received number/],
      [{projects: [{owner: 'acme', title: 'P', items: [{draft: {title: 'd'}, values: {Points: [1]}}]}]}, /projects\[0\]\.items\[0\]\.values\.Points: expected a string or a number/],
      [{projects: [{owner: 'acme', title: 'P', fields: [{name: 'Size', type: 'ENUM'}]}]}, /projects\[0\]\.fields\[0\]\.type: expected one of/],
      [{projects: [{owner: 'acme', title: 'P', fields: [{name: 'Sprint', type: 'ITERATION', iteration: {startDate: '2026-01-01', duration: 0}}]}]}, /fields\[0\]\.iteration\.duration: expected a whole number of at least 1/],
      [{projects: [{owner: 'acme', title: 'P', collaborators: [{user: 'ann', role: 'OWNER'}]}]}, /projects\[0\]\.collaborators\[0\]\.role: expected one of/],
      [{projects: [{owner: 'acme', title: 'P', views: [{name: 'V', sortBy: [{field: 'Title', direction: 'UP'}]}]}]}, /views\[0\]\.sortBy\[0\]\.direction/],
      // a key named __proto__ is checked like any other
      [JSON.parse('{"orgs": [{"login": "acme", "members": {"__proto__": "OWNER"}}]}'), /orgs\[0\]\.members\.__proto__: expected one of/],
      [JSON.parse('{"projects": [{"owner": "acme", "title": "P", "items": [{"draft": {"title": "d"}, "values": {"__proto__": {}}}]}]}'), /items\[0\]\.values\.__proto__: expected a string or a number/],
    ]
    for (const [seed, message] of cases) {
      const text = refusal(seed)
      expect(text, JSON.stringify(seed)).to.match(message)
      expect(text).not.to.contain('\n')
    }
  })

  it('keeps the version refusal and the loader\'s own reference checks', () => {
    expect(refusal({version: 2})).to.match(/version 2 is not supported/)
    expect(refusal({projects: [{owner: 'acme', title: 'P', items: [{issue: 'acme/none#1'}]}]})).to.match(/projects\[0\] \(P\) items\[0\]: repository of "acme\/none#1"/)
  })

  it('builds nothing from a wrong-shaped seed: the world is as it was', () => {
    const world = World.fromSeed(demoSeed())
    const before = JSON.stringify(world.toJSON())
    const bad = {...demoSeed(), projects: [...demoSeed().projects!, {owner: 'acme', title: 'Late', readme: 7}]}
    expect(() => loadSeed(world, bad as Seed)).to.throw(/projects\[1\]\.readme/)
    expect(JSON.stringify(world.toJSON())).to.equal(before)
  })

  it('property: a leaf of the demo seed replaced by a value of another type is refused at that path, or is one the type allows (seeded)', () => {
    const leaves: Array<Array<string | number>> = []
    const walk = (value: unknown, path: Array<string | number>) => {
      // the web-UI-only records (a view's uiConfig, a workflow's or an insight's config) are opaque: any JSON goes
      if (path.at(-1) === 'uiConfig' || path.at(-1) === 'config') return
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]))
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k])
      else leaves.push(path)
    }
    walk(demoSeed(), [])
    expect(leaves.length).to.be.greaterThan(50)
    const wrong = fc.oneof(fc.constant(null), fc.constant({}), fc.constant([]), fc.boolean(), fc.integer(), fc.string())
    fc.assert(
      fc.property(fc.constantFrom(...leaves), wrong, (path, replacement) => {
        const seed = demoSeed() as any
        let at = seed
        for (const key of path.slice(0, -1)) at = at[key]
        const last = path.at(-1)!
        const original = at[last]
        if (typeof replacement === typeof original) return // the same type: enum and range checks are the table's job
        at[last] = replacement
        const problem = seedShapeProblem(seed)
        const allowed = typeof original !== 'boolean' && path.includes('values') && (typeof replacement === 'string' || typeof replacement === 'number')
        if (allowed) return
        expect(problem, `${path.join('.')} = ${JSON.stringify(replacement)}`).to.not.equal(undefined)
        const written = path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('')
        expect(problem!.path).to.equal(written)
      }),
      {seed: 13, numRuns: 500},
    )
  })
})
