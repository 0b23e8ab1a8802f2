import {expect} from 'chai'
import fc from 'fast-check'
import {gunzipSync, gzipSync} from 'node:zlib'
import {computeDelta, verifiedDelta} from '../../src/journal/diff.js'
import {JsonStreamParser, canonicalChunks, canonicalDigest, parseJsonBytes} from '../../src/journal/json-stream.js'
import {plainCodec} from '../../src/storage/codec.js'
import {canonicalJson, sha256, sortKeys, sortKeysShared} from '../../src/util/canonical.js'
import {buildState} from '../helpers/states.js'

/** JSON values with the keys that trip canonical order up: array indices, `__proto__`, unicode, empty. */
const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '9', '007', '4294967295', '__proto__', 'constructor', 'é', ''))
const json = fc.letrec((tie) => ({
  value: fc.oneof({depthSize: 'small'}, fc.string(), fc.double({noNaN: true, noDefaultInfinity: true}), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), {maxLength: 5}),
  object: fc.dictionary(key, tie('value'), {maxKeys: 6}),
})).value

describe('journal/json-stream: whole-project JSON in pieces (issue 14)', () => {
  it('canonicalChunks joins to canonicalJson byte for byte, at every split depth', () => {
    fc.assert(
      fc.property(json, fc.integer({min: 0, max: 5}), (value, depth) => {
        expect([...canonicalChunks(value, depth)].join('')).to.equal(canonicalJson(value))
      }),
      {numRuns: 400},
    )
  })

  it('canonicalDigest is the hash and UTF-8 length of canonicalJson', () => {
    const state = buildState(1, {items: 40})
    const text = canonicalJson(state)
    expect(canonicalDigest(state)).to.deep.equal({hash: sha256(text), bytes: Buffer.byteLength(text, 'utf8')})
    const odd = {'10': 'x', '9': {é: 'ü', __proto__x: 1}, b: [undefined, 1], a: undefined}
    expect(canonicalDigest(odd).hash).to.equal(sha256(canonicalJson(odd)))
  })

  it('parseJsonBytes gives what JSON.parse gives, member by member, for any JSON and any spacing', () => {
    fc.assert(
      fc.property(json, fc.constantFrom(0, 2), (value, indent) => {
        const text = JSON.stringify({payload: {state: {items: value}}}, null, indent)
        const parsed = parseJsonBytes(Buffer.from(text, 'utf8'), 0)
        expect(canonicalJson(parsed)).to.equal(canonicalJson(JSON.parse(text)))
        expect(Object.keys((parsed as any).payload.state.items ?? {})).to.deep.equal(Object.keys(JSON.parse(text).payload.state.items ?? {}))
      }),
      {numRuns: 300},
    )
  })

  it('parseJsonBytes refuses what JSON.parse refuses: truncated, trailing data, a missing comma', () => {
    const good = JSON.stringify({header: {a: 1}, payload: {state: {items: {x: {body: 'a "quoted" \\ body'}, y: [1, 2]}}}})
    expect(parseJsonBytes(Buffer.from(good), 0)).to.deep.equal(JSON.parse(good))
    for (const bad of [good.slice(0, -1), good.slice(0, 40), good + 'x', good.replace('},"y"', '}"y"'), '', '   ', '{"a":}']) {
      expect(() => parseJsonBytes(Buffer.from(bad), 0), bad).to.throw(SyntaxError)
      expect(() => JSON.parse(bad), bad).to.throw(SyntaxError)
    }
  })

  it('JsonStreamParser gives what JSON.parse gives, wherever the pieces are cut', () => {
    fc.assert(
      fc.property(json, fc.constantFrom(0, 1), fc.array(fc.nat(), {maxLength: 6}), (value, indent, cuts) => {
        const text = JSON.stringify({format: 'x', payload: {state: {items: value, n: 12345, t: true}}}, null, indent)
        const bytes = Buffer.from(text, 'utf8')
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
        const parser = new JsonStreamParser()
        let from = 0
        for (const cut of [...at, bytes.length]) {
          parser.push(bytes.subarray(from, cut))
          from = cut
        }
        expect(canonicalJson(parser.end())).to.equal(canonicalJson(JSON.parse(text)))
      }),
      {numRuns: 300},
    )
    // a number cut in two is one number; one byte at a time works too
    const doc = {a: {b: {c: {d: [123456, 'x\\"y', 'é']}}}, e: -1500}
    const byByte = new JsonStreamParser()
    for (const b of Buffer.from(JSON.stringify(doc).replace('-1500', '-1.5e3'))) byByte.push(Buffer.from([b]))
    expect(byByte.end()).to.deep.equal(doc)
  })

  it('JsonStreamParser refuses what JSON.parse refuses', () => {
    for (const bad of ['{"a":1', '{"a":1}x', '{"a" 1}', '{"a":1 "b":2}', '[1,]', '', '{"a":"unterminated}']) {
      const parser = new JsonStreamParser()
      expect(() => {
        parser.push(Buffer.from(bad))
        parser.end()
      }, bad).to.throw(SyntaxError)
    }
  })

  it('a streamed gzip decodes to the canonical text, and to the same as encode()', async () => {
    const codec = plainCodec()
    const state = buildState(2, {items: 300})
    const streamed = await codec.encodeChunks!(canonicalChunks(state))
    const whole = await codec.encode(Buffer.from(canonicalJson(state)))
    const text = (b: Uint8Array) => gunzipSync(b.subarray(6)).toString('utf8')
    expect(text(streamed)).to.equal(canonicalJson(state))
    expect(text(streamed)).to.equal(text(whole))
    expect(Buffer.from(await codec.decode(streamed, 'k')).toString('utf8')).to.equal(canonicalJson(state))
  })

  it('decoding fills one buffer of the size gzip states, and still reads output that does not fit it', async () => {
    const codec = plainCodec()
    const header = Buffer.from([...Buffer.from('GHPM1'), 0x01])
    const a = 'a'.repeat(3 * 1024 * 1024 + 7)
    const b = 'é'.repeat(1000)
    // two gzip members: the trailer states only the last one's size, so the first overflows the buffer
    const two = Buffer.concat([header, gzipSync(a), gzipSync(b)])
    expect(Buffer.from(await codec.decode(two, 'k')).toString('utf8')).to.equal(a + b)
    const one = Buffer.concat([header, gzipSync(a)])
    expect(Buffer.from(await codec.decode(one, 'k')).toString('utf8')).to.equal(a)
    const damaged = Buffer.from(one)
    damaged.writeUInt32LE(0xffffffff, damaged.length - 4)
    let error: any
    await codec.decode(damaged, 'events/x.json').catch((e) => (error = e))
    expect(error?.message).to.match(/events\/x.json is damaged/)
  })

  it('sortKeysShared equals sortKeys and copies only what needed sorting', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(sortKeysShared(value))).to.equal(canonicalJson(sortKeys(value)))
        expect(JSON.stringify(sortKeysShared(value))).to.equal(JSON.stringify(sortKeys(value)))
      }),
      {numRuns: 300},
    )
    const item = {a: 1, b: {c: 2}}
    const state = {z: {y: item}, a: {b: 1, a: 2}}
    const out = sortKeysShared(state)
    expect(Object.keys(out)).to.deep.equal(['a', 'z'])
    expect(out.z.y).to.equal(item) // the same object: already canonical
    expect(Object.keys(out.a)).to.deep.equal(['a', 'b'])
    expect(Object.keys(state.a)).to.deep.equal(['b', 'a']) // the input is left as it was
  })

  it('the key-by-key delta patches one state into the other, and skips items shared by both', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        // states parsed from JSON never hold one object twice: copies, as a replay or a capture has them
        const c = (v: unknown) => structuredClone(v)
        const left = {items: {x: c(a), y: c(b)}, title: c(a)}
        const right = {items: {x: c(b), z: c(a)}, title: c(b)}
        expect(verifiedDelta(left, right).ok).to.equal(true)
        expect(verifiedDelta(right, left).ok).to.equal(true)
      }),
      {numRuns: 300},
    )
    const shared = {big: 'x'.repeat(1000)}
    expect(computeDelta({items: {a: shared, b: {n: 1}}}, {items: {a: shared, b: {n: 2}}})).to.deep.equal({items: {b: {n: [1, 2]}}})
  })
})
