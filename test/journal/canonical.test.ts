import {expect} from 'chai'
import fc from 'fast-check'
import {canonicalJson, canonicalText, sortKeys} from '../../src/util/canonical.js'
import {applyEdits, buildState, editArb} from '../helpers/states.js'

describe('canonicalText', () => {
  it('renders any JSON value exactly as canonicalJson does, sorted or not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalText(value)).to.equal(canonicalJson(value))
        expect(canonicalText(sortKeys(value))).to.equal(canonicalJson(value))
      }),
      {numRuns: 1000},
    )
  })

  it('renders edited project states exactly as canonicalJson does', () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 1000}), fc.array(editArb, {maxLength: 8}), (seed, edits) => {
        const state = applyEdits(buildState(seed), edits)
        expect(canonicalText(state)).to.equal(canonicalJson(state))
      }),
      {numRuns: 60},
    )
  })
})
