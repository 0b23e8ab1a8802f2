import {expect} from 'chai'
import fc from 'fast-check'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {applyDelta, applyDeltaInPlace, computeDelta, verifiedDelta} from '../../src/journal/diff.js'
import {openJournal} from '../../src/journal/journal.js'
import type {ProjectState} from '../../src/model/state.js'
import {LocalBackend} from '../../src/storage/local.js'
import {canonicalJson, hashOf, sortKeys} from '../../src/util/canonical.js'
import {PROJECT_ID, buildState} from '../helpers/states.js'

/** Keys a naive `out[key] = value` or jsondiffpatch would lose or misread, and their escaped look-alikes. */
const HOSTILE = ['__proto__', 'constructor', 'prototype', '~__proto__', '~~__proto__', 'toString', 'hasOwnProperty', 'a']

/** A JSON object from entries, every key an own property (as JSON.parse builds it). */
function own(entries: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of entries) Object.defineProperty(out, key, {value, enumerable: true, writable: true, configurable: true})
  return out
}

const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({depthSize: 'small', withCrossShrink: true}, fc.integer(), fc.constantFrom('x', 'y', null, true), tie('object'), tie('array')),
  array: fc.array(tie('value'), {maxLength: 3}),
  object: fc.uniqueArray(fc.tuple(fc.constantFrom(...HOSTILE), tie('value')), {maxLength: 4, selector: ([key]) => key}).map(own),
})).value

/** Own enumerable keys with their values, recursively: what a state really holds, whatever the prototype does. */
function reference(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return {array: value.map(reference)}
  return {
    object: Object.keys(value)
      .sort()
      .map((key) => [key, reference((value as Record<string, unknown>)[key])]),
  }
}

describe('hostile keys are kept verbatim', () => {
  describe('canonicalJson', () => {
    it('keeps a `__proto__` key: two different states never share one hash', () => {
      const withProto = JSON.parse('{"fields":{"__proto__":{"name":"Status"}}}')
      const without = JSON.parse('{"fields":{}}')
      expect(canonicalJson(withProto)).to.equal('{"fields":{"__proto__":{"name":"Status"}}}')
      expect(hashOf(withProto)).to.not.equal(hashOf(without))
      const sorted = sortKeys(withProto)
      expect(Object.getPrototypeOf(sorted.fields)).to.equal(Object.prototype)
      expect(Object.keys(sorted.fields)).to.deep.equal(['__proto__'])
    })

    it('is a faithful, stable rendering of any state with hostile keys (seeded property)', () => {
      fc.assert(
        fc.property(hostileJson, hostileJson, (a, b) => {
          const text = canonicalJson(a)
          expect(reference(JSON.parse(text))).to.deep.equal(reference(a))
          expect(canonicalJson(JSON.parse(text))).to.equal(text)
          const same = JSON.stringify(reference(a)) === JSON.stringify(reference(b))
          expect(canonicalJson(a) === canonicalJson(b), 'equal text iff equal states').to.equal(same)
        }),
        {seed: 1913, numRuns: 400},
      )
    })
  })

  describe('deltas', () => {
    it('see a change under a `__proto__` key (jsondiffpatch alone sees none)', () => {
      const a = JSON.parse('{"items":{"__proto__":{"t":1},"x":{"t":1}}}')
      const b = JSON.parse('{"items":{"__proto__":{"t":2},"x":{"t":1}}}')
      const delta = computeDelta(a, b)
      expect(delta).to.not.equal(undefined)
      expect(canonicalJson(applyDelta(a, delta))).to.equal(canonicalJson(b))
      expect(canonicalJson(a), 'a is not modified').to.equal('{"items":{"__proto__":{"t":1},"x":{"t":1}}}')
    })

    it('turn any state into any other and back, hostile keys included (seeded property)', () => {
      fc.assert(
        fc.property(hostileJson, hostileJson, (a, b) => {
          const delta = computeDelta(a, b)
          const same = canonicalJson(a) === canonicalJson(b)
          expect(delta === undefined, 'no delta iff equal').to.equal(same)
          const stored = delta === undefined ? undefined : JSON.parse(JSON.stringify(delta))
          expect(canonicalJson(applyDelta(a, stored))).to.equal(canonicalJson(b))
          expect(canonicalJson(applyDeltaInPlace(structuredClone(a), stored))).to.equal(canonicalJson(b))
          expect(verifiedDelta(a, b).ok).to.equal(true)
        }),
        {seed: 1913, numRuns: 400},
      )
    })

    it('never touch a prototype: a patch adding `__proto__` adds a key', () => {
      const target = JSON.parse('{"items":{}}')
      const patched = applyDeltaInPlace(target, computeDelta(target, JSON.parse('{"items":{"__proto__":{"polluted":true}}}'))) as any
      expect(Object.getPrototypeOf(patched.items)).to.equal(Object.prototype)
      expect(patched.items.polluted).to.equal(undefined)
      expect(({} as any).polluted).to.equal(undefined)
      expect(Object.keys(patched.items)).to.deep.equal(['__proto__'])
    })
  })

  describe('journal', () => {
    let dir: string
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hostile-keys-'))
    })
    afterEach(async () => {
      await fs.rm(dir, {recursive: true, force: true})
    })

    /** buildState with the Status field's id, one option id and one item key replaced by hostile ones. */
    function hostileState(seed: number): ProjectState {
      const text = JSON.stringify(buildState(seed))
        .replaceAll('PVTSSF_status', '__proto__')
        .replaceAll(/"(id|optionId)":"([^"]*)"/g, (m, k, id) => (id === firstOption ? `"${k}":"constructor"` : m))
      const state = JSON.parse(text.replaceAll(`"${firstOption}":`, '"constructor":')) as ProjectState
      return state
    }
    const firstOption = Object.keys(buildState(5).fields.PVTSSF_status.options!)[0]

    it('keeps fields, options and values keyed `__proto__` / `constructor` through base, patch and replay', async () => {
      const journal = await openJournal(new LocalBackend(dir), PROJECT_ID, {now: () => new Date('2026-12-01T10:00:00Z')})
      const first = hostileState(5)
      expect(Object.keys(first.fields)).to.include('__proto__')
      expect(Object.keys(first.fields.__proto__.options!)).to.include('constructor')
      const base = await journal.append(first, {name: 'one', type: 'full'})
      expect(base.event.kind).to.equal('base')

      // a change that lives only under the `__proto__` field: its name, and one item's value of it
      const second = structuredClone(first)
      second.fields.__proto__.name = 'State'
      const key = Object.keys(second.items!).find((k) => second.items![k].values.__proto__)!
      ;(second.items![key].values.__proto__ as {name: string}).name = 'Renamed'
      const patch = await journal.append(second, {name: 'two', type: 'full'})
      expect(patch.unchanged, 'the change is seen').to.equal(false)
      expect(patch.event.kind).to.equal('patch')
      expect(patch.event.stateHash).to.not.equal(base.event.stateHash)

      const fresh = await openJournal(new LocalBackend(dir), PROJECT_ID, {})
      expect(canonicalJson(await fresh.state(1))).to.equal(canonicalJson(first))
      expect(canonicalJson(await fresh.state(2))).to.equal(canonicalJson(second))
      expect((await fresh.state(2)).fields.__proto__.name).to.equal('State')
      expect((await fresh.validate()).status).to.equal('valid')
    })
  })
})
