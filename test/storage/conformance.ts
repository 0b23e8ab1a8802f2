import {expect} from 'chai'
import os from 'node:os'
import type {StorageBackend} from '../../src/storage/backend.js'
import {LOCK_POLL_MS, type LockClock, LockHeldError} from '../../src/storage/lock.js'
import {isUserError} from '../../src/util/errors.js'
import {rejection} from '../helpers/rejection.js'

/** A fresh, empty storage location, and more backend instances over the SAME location (another process, say). */
export interface BackendFixture {
  backend: StorageBackend
  reopen(): Promise<StorageBackend>
  cleanup(): Promise<void>
}

export interface ConformanceOptions {
  /** how many keys the bulk listing test writes (S3 runs it above 1,000 to cross a ListObjectsV2 page) */
  manyKeys?: number
  /** writes the bulk keys; default one put each (git batches them into one commit) */
  putMany?(backend: StorageBackend, entries: Array<[string, Uint8Array]>): Promise<void>
}

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'))
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('utf8'))

/** A clock for the lock protocol that moves only when the test says: no real-time waits. */
export class ManualClock implements LockClock {
  private time = Date.now()
  private readonly sleepers: Array<{at: number; wake(): void}> = []
  private readonly watchers: Array<() => void> = []

  now(): number {
    return this.time
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({at: this.time + ms, wake: resolve})
      for (const watcher of this.watchers.splice(0)) watcher()
    })
  }

  /** resolves once someone sleeps on this clock */
  sleeping(): Promise<void> {
    if (this.sleepers.length > 0) return Promise.resolve()
    return new Promise((resolve) => this.watchers.push(resolve))
  }

  /** moves time on, waking the sleepers that are due */
  async advance(ms: number): Promise<void> {
    this.time += ms
    const due = this.sleepers.filter((s) => s.at <= this.time)
    this.sleepers.splice(0, this.sleepers.length, ...this.sleepers.filter((s) => s.at > this.time))
    for (const s of due) s.wake()
  }
}

/**
 * The behaviour every StorageBackend must share, so the journal can rely on it whatever the storage location:
 * call inside a `describe`. Each test gets a fresh location from `make`.
 */
export function storageConformance(make: () => Promise<BackendFixture>, options: ConformanceOptions = {}): void {
  let fixture: BackendFixture
  let backend: StorageBackend
  beforeEach(async () => {
    fixture = await make()
    backend = fixture.backend
  })
  afterEach(async () => {
    await fixture.cleanup()
  })

  describe('conformance', () => {
    it('stores, overwrites, reads and deletes bytes; a missing key reads as undefined and deletes quietly', async () => {
      expect(await backend.get('p/metadata.json')).to.equal(undefined)
      await backend.put('p/metadata.json', bytes('one'))
      expect(text(await backend.get('p/metadata.json'))).to.equal('one')
      await backend.put('p/metadata.json', bytes('two'))
      expect(text(await backend.get('p/metadata.json'))).to.equal('two')
      await backend.delete('p/metadata.json')
      expect(await backend.get('p/metadata.json')).to.equal(undefined)
      await backend.delete('p/metadata.json')
      await backend.delete('never/written.json')
      expect(await backend.list('')).to.deep.equal([])
    })

    it('keeps arbitrary binary content and empty objects byte for byte', async () => {
      const all = new Uint8Array(512).map((_, i) => (i * 7) % 256)
      await backend.put('bin/all-bytes', all)
      await backend.put('bin/empty', new Uint8Array())
      expect(Buffer.from((await backend.get('bin/all-bytes'))!).equals(Buffer.from(all))).to.equal(true)
      expect((await backend.get('bin/empty'))!.byteLength).to.equal(0)
    })

    it('stores a copy: changing the caller’s buffer after put does not change the object', async () => {
      const data = bytes('original')
      await backend.put('k', data)
      data.fill(0)
      expect(text(await backend.get('k'))).to.equal('original')
    })

    it('lists keys by prefix, sorted in code unit order, including nested keys', async () => {
      for (const k of ['p/events/000002.json', 'p/events/000001.json', 'p/metadata.json', 'q/metadata.json', 'pq.json', 'p/Z.json']) {
        await backend.put(k, bytes(k))
      }
      expect(await backend.list('p/events/')).to.deep.equal(['p/events/000001.json', 'p/events/000002.json'])
      expect(await backend.list('p/')).to.deep.equal(['p/Z.json', 'p/events/000001.json', 'p/events/000002.json', 'p/metadata.json'])
      expect(await backend.list('p')).to.deep.equal(['p/Z.json', 'p/events/000001.json', 'p/events/000002.json', 'p/metadata.json', 'pq.json'])
      expect(await backend.list('p/events/0000')).to.deep.equal(['p/events/000001.json', 'p/events/000002.json'])
      expect(await backend.list('none/')).to.deep.equal([])
      expect(await backend.list('')).to.have.length(6)
    })

    it('lists every key of a large prefix, in order', async function () {
      const count = options.manyKeys ?? 30
      this.timeout(Math.max(60_000, count * 200))
      const keys = Array.from({length: count}, (_, i) => `many/${String(count - i).padStart(5, '0')}.json`)
      const entries = keys.map((k): [string, Uint8Array] => [k, bytes(k)])
      if (options.putMany) await options.putMany(backend, entries)
      else for (const [k, v] of entries) await backend.put(k, v)
      await backend.put('manyother.json', bytes('x'))
      const listed = await backend.list('many/')
      expect(listed).to.have.length(count)
      expect(listed).to.deep.equal([...keys].sort())
      expect(text(await backend.get(keys[0]))).to.equal(keys[0])
    })

    it('refuses keys that are not relative /-separated paths', async () => {
      for (const bad of ['', '/abs', 'a/../b', 'a//b', './a', 'a\\b']) {
        const error = await rejection(backend.put(bad, bytes('x')))
        expect(error.message, bad).to.match(/invalid storage key/)
      }
      expect((await rejection(backend.list('../'))).message).to.match(/invalid storage key/)
    })

    it('shares data between instances over the same location', async () => {
      await backend.put('shared/a.json', bytes('from one'))
      const second = await fixture.reopen()
      expect(text(await second.get('shared/a.json'))).to.equal('from one')
      await second.put('shared/b.json', bytes('from two'))
      await second.delete('shared/a.json')
      expect(await backend.list('shared/')).to.deep.equal(['shared/b.json'])
      expect(text(await backend.get('shared/b.json'))).to.equal('from two')
    })

    it('puts atomically: concurrent readers see the whole old object or the whole new one', async () => {
      const big = (c: string) => bytes(c.repeat(256 * 1024))
      const old = big('a')
      const next = big('b')
      await backend.put('atomic.bin', old)
      const second = await fixture.reopen()
      const reads: Array<Promise<Uint8Array | undefined>> = []
      const write = backend.put('atomic.bin', next)
      for (let i = 0; i < 8; i++) reads.push(second.get('atomic.bin'))
      await write
      for (const read of await Promise.all(reads)) {
        const buf = Buffer.from(read!)
        expect(buf.equals(Buffer.from(old)) || buf.equals(Buffer.from(next))).to.equal(true)
      }
      expect(Buffer.from((await second.get('atomic.bin'))!).equals(Buffer.from(next))).to.equal(true)
    })

    it('keeps concurrent puts of different keys (no lost update)', async () => {
      const second = await fixture.reopen()
      await Promise.all([
        ...['a', 'b', 'c'].map((k) => backend.put(`race/${k}`, bytes(k))),
        ...['d', 'e', 'f'].map((k) => second.put(`race/${k}`, bytes(k))),
      ])
      expect(await backend.list('race/')).to.deep.equal(['race/a', 'race/b', 'race/c', 'race/d', 'race/e', 'race/f'])
    })

    it('gives a lock to one holder at a time; the second fails at once naming the holder', async () => {
      const first = await backend.lock('locks/journal', {owner: 'alice@laptop'})
      const second = await fixture.reopen()
      const error = await rejection(second.lock('locks/journal', {owner: 'bob@desk'}))
      expect(isUserError(error)).to.equal(true)
      expect(error).to.be.instanceOf(LockHeldError)
      expect((error as LockHeldError).code).to.equal('ELOCKED')
      expect((error as LockHeldError).holder).to.deep.include({owner: 'alice@laptop', pid: process.pid, host: os.hostname()})
      expect(error.message).to.contain('alice@laptop')
      expect(error.message).to.contain('locks/journal')
      await first.release()
      await first.release() // twice is harmless
      const again = await second.lock('locks/journal', {owner: 'bob@desk'})
      await again.release()
    })

    it('locks of different names do not exclude each other', async () => {
      const a = await backend.lock('global/lock')
      const b = await backend.lock('other/lock')
      const c = await (await fixture.reopen()).lock('global/lock-2')
      await Promise.all([a.release(), b.release(), c.release()])
    })

    it('a waiting locker polls until the holder releases; waitMs spent, it fails naming the holder', async () => {
      const clock = new ManualClock()
      const first = await backend.lock('locks/wait', {owner: 'alice'})
      const second = await fixture.reopen()
      let got = false
      const waiting = second.lock('locks/wait', {owner: 'bob', waitMs: 60_000, clock}).then((h) => {
        got = true
        return h
      })
      await clock.sleeping()
      await clock.advance(LOCK_POLL_MS)
      await clock.sleeping() // polled once more, still held
      expect(got).to.equal(false)
      await first.release()
      await clock.advance(LOCK_POLL_MS)
      const handle = await waiting
      expect(got).to.equal(true)

      const carol = backend.lock('locks/wait', {owner: 'carol', waitMs: 2 * LOCK_POLL_MS, clock})
      await clock.sleeping()
      await clock.advance(LOCK_POLL_MS)
      await clock.sleeping()
      await clock.advance(LOCK_POLL_MS)
      const error = await rejection(carol)
      expect(error).to.be.instanceOf(LockHeldError)
      expect((error as LockHeldError).holder?.owner).to.equal('bob')
      await handle.release()
    })

    it('never lets two concurrent takers hold the lock together: exactly one wins, the others name it', async function () {
      this.timeout(120_000)
      const instances = [backend, ...(await Promise.all([1, 2, 3, 4, 5].map(() => fixture.reopen())))]
      for (let round = 0; round < 3; round++) {
        const results = await Promise.allSettled(instances.map((b, i) => b.lock('locks/contended', {owner: `worker-${i}`})))
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{handle: r.value, owner: `worker-${i}`}] : []))
        expect(winners, `round ${round}`).to.have.length(1)
        for (const r of results) {
          if (r.status === 'rejected') expect((r.reason as LockHeldError).holder?.owner).to.equal(winners[0].owner)
        }
        await winners[0].handle.release()
      }
    })

    it('takes over a stale lock (judged by the record’s own time), and the old holder’s release does not remove the new lock', async () => {
      const clock = new ManualClock()
      const old = await backend.lock('locks/stale', {owner: 'gone@old-host', clock})
      const second = await fixture.reopen()
      expect((await rejection(second.lock('locks/stale', {owner: 'new@host', staleMs: 60 * 60_000, clock}))).message).to.contain('gone@old-host')
      await clock.advance(60 * 60_000 + 1)
      const fresh = await second.lock('locks/stale', {owner: 'new@host', staleMs: 60 * 60_000, clock})
      // a late removal naming the old version (the old holder's release, or a takeover that lost a race) is refused
      await old.release()
      const error = await rejection(backend.lock('locks/stale', {owner: 'third', clock}))
      expect(error.message).to.contain('new@host')
      await fresh.release()
      const third = await backend.lock('locks/stale', {owner: 'third', clock})
      await third.release()
    })

    it('breakLock removes a lock whoever holds it, and reports whether there was one', async () => {
      expect(await backend.breakLock('locks/broken')).to.equal(false)
      const held = await backend.lock('locks/broken', {owner: 'alice'})
      const second = await fixture.reopen()
      expect(await second.breakLock('locks/broken')).to.equal(true)
      const mine = await second.lock('locks/broken', {owner: 'bob'})
      await held.release() // alice's late release leaves bob's lock alone
      const error = await rejection(backend.lock('locks/broken', {owner: 'carol'}))
      expect(error.message).to.contain('bob')
      await mine.release()
      expect(await backend.breakLock('locks/broken')).to.equal(false)
    })
  })
}
