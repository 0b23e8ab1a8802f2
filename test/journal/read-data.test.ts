import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {INDEX_KEY, headKey} from '../../src/journal/events.js'
import {readData, sample} from '../../src/journal/read-data.js'
import {validateJournal, withReadData} from '../../src/journal/validate.js'
import type {StorageBackend} from '../../src/storage/backend.js'
import {type Codec, KEY_RECORD_KEY, openCodec, plainCodec} from '../../src/storage/codec.js'
import {openJournal} from '../../src/journal/journal.js'
import {LocalBackend} from '../../src/storage/local.js'
import {initRepositoryPolicy} from '../../src/storage/repository.js'
import {PROJECT_ID, applyEdit, buildState} from '../helpers/states.js'
import {DIR, PASSPHRASE, assertEveryFlipNamed, fillRepository, objectsOf} from './read-data-helpers.js'

for (const encrypted of [false, true]) {
  describe(`validate --read-data: every stored object of a ${encrypted ? 'encrypted' : 'plain'} local repository`, function () {
    this.timeout(120_000)
    let dir: string
    let backend: LocalBackend
    let codec: Codec

    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-read-data-'))
      backend = new LocalBackend(dir)
      codec = await fillRepository(backend, encrypted)
    })
    afterEach(async () => fs.rm(dir, {recursive: true, force: true}))

    it('reads every object once, reports objects and bytes, and finds nothing wrong in an intact repository', async () => {
      const keys = await objectsOf(backend)
      let bytes = 0
      for (const key of keys) bytes += (await backend.get(key))!.length
      const data = await readData(backend, codec, PROJECT_ID)
      expect(data).to.deep.equal({percent: 100, seed: null, objects_total: keys.length, objects_read: keys.length, bytes_read: bytes, damaged: []})
      expect(keys).to.include.members([headKey(PROJECT_ID), INDEX_KEY, ...(encrypted ? [KEY_RECORD_KEY] : [])])
      expect(keys.some((k) => k.includes('/quarantine/'))).to.equal(true)
    })

    it('names the object for a flipped byte in any of them (events, head, index, quarantine, key record)', async () => {
      const flips = await assertEveryFlipNamed(backend, codec, () => openCodec(backend, {passphrase: PASSPHRASE}, {}))
      expect(flips).to.equal(encrypted ? 27 : 24) // 3 flips in each of 8 objects (9 with the key record)
    })

    it('names every damaged object, where the replay stops at the first', async () => {
      const events = (await backend.list(`${DIR}/events/`)).sort()
      for (const key of [events[1], events[3]]) {
        const bytes = (await backend.get(key))!
        bytes[bytes.length >> 1] ^= 0x01
        await backend.put(key, bytes)
      }
      const chain = await validateJournal(backend, codec, PROJECT_ID)
      expect(chain.issues.map((i) => i.name)).to.deep.equal(['b1'])
      const report = withReadData(chain, await readData(backend, codec, PROJECT_ID))
      expect(report).to.deep.include({status: 'invalid', checksums: 'failed', data_integrity: 'failed'})
      expect(report.issues.map((i) => i.name)).to.deep.equal(['b1', 'b3'])
      expect(report.read_data).to.include({percent: 100, seed: null})
    })

    it('a sample reads the given share of the event files, the same ones for the same seed', async () => {
      const all = await readData(backend, codec, PROJECT_ID)
      const a = await readData(backend, codec, PROJECT_ID, {percent: 40, seed: 7})
      const b = await readData(backend, codec, PROJECT_ID, {percent: 40, seed: 7})
      expect(a).to.deep.equal(b)
      expect(a).to.include({percent: 40, seed: 7, objects_total: all.objects_total})
      const fixed = 1 + 1 + (encrypted ? 1 : 0) // head, index, key record: always read
      expect(a.objects_read).to.equal(fixed + Math.ceil(((all.objects_total - fixed) * 40) / 100))
      expect(a.bytes_read).to.be.lessThan(all.bytes_read)
      const unseeded = await readData(backend, codec, PROJECT_ID, {percent: 10})
      expect(unseeded.seed).to.be.a('number')
      expect(await readData(backend, codec, PROJECT_ID, {percent: 10, seed: unseeded.seed!})).to.deep.equal(unseeded)
    })

    it('validating one backup reads the files up to it, not the later ones nor the quarantine', async () => {
      const data = await readData(backend, codec, PROJECT_ID, {upto: 2})
      expect(data.objects_read).to.equal(1 + 1 + (encrypted ? 1 : 0) + 2)
      expect(data.damaged).to.deep.equal([])
    })
  })
}

describe('read-data sample', () => {
  it('draws ceil(percent%) distinct items, at least one, reproducibly', () => {
    const items = Array.from({length: 37}, (_, i) => i)
    for (const [percent, want] of [
      [1, 1],
      [10, 4],
      [50, 19],
      [100, 37],
    ] as const) {
      const drawn = sample(items, percent, 12345)
      expect(drawn, `${percent}%`).to.have.length(want)
      expect(new Set(drawn).size).to.equal(want)
      expect(sample(items, percent, 12345)).to.deep.equal(drawn)
    }
    expect(sample(items, 10, 1)).to.not.deep.equal(sample(items, 10, 2))
    expect(sample([], 10, 1)).to.deep.equal([])
  })

  it('refuses a percentage out of range', async () => {
    for (const percent of [0, -1, 101, Number.NaN]) {
      let error: unknown
      try {
        await readData({} as StorageBackend, plainCodec(), PROJECT_ID, {percent})
      } catch (e) {
        error = e
      }
      expect(error, String(percent)).to.be.instanceOf(RangeError)
    }
  })
})

describe('validate --read-data: an append-only repository (head generations, no metadata.json)', function () {
  this.timeout(120_000)
  let dir: string
  let backend: LocalBackend

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-read-data-ao-'))
    backend = new LocalBackend(dir)
    await initRepositoryPolicy(backend, {appendOnly: true})
    const journal = await openJournal(backend, PROJECT_ID, {codec: plainCodec(), keyframe: {maxChain: 2}})
    let s = buildState(37, {items: 4})
    for (let i = 0; i < 4; i++) {
      await journal.append(s, {name: `a${i}`, type: 'full'})
      s = applyEdit(s, {kind: 'editBody', item: i, at: 3 * i, text: `edit ${i}`})
    }
  })
  afterEach(async () => fs.rm(dir, {recursive: true, force: true}))

  it('reads the newest head generation as the head, and every older one as a head', async () => {
    const keys = await objectsOf(backend)
    expect(keys).to.not.include(headKey(PROJECT_ID))
    const heads = keys.filter((k) => /\/heads\/\d+\.json$/.test(k))
    expect(heads.length).to.be.greaterThan(1)
    const data = await readData(backend, plainCodec(), PROJECT_ID)
    expect(data.damaged).to.deep.equal([])
    expect(data.objects_read).to.equal(keys.filter((k) => !k.endsWith('repository.json')).length)
  })

  it('names a head generation or an event file with a flipped byte', async () => {
    const keys = (await objectsOf(backend)).filter((k) => k.startsWith(`${DIR}/`))
    for (const key of keys) {
      const original = (await backend.get(key))!
      const damaged = new Uint8Array(original)
      damaged[original.length >> 1] ^= 0x20
      await backend.put(key, damaged)
      const data = await readData(backend, plainCodec(), PROJECT_ID)
      expect(data.damaged.map((d) => d.key), key).to.include(key)
      await backend.put(key, original)
    }
  })
})
