import {expect} from 'chai'
import os from 'node:os'
import {LockHeldError, type LockPrimitives, type LockRecord, acquireLock, isStaleLock, parseLockInfo} from '../../src/storage/lock.js'
import {rejection} from '../helpers/rejection.js'
import {ManualClock} from './conformance.js'

/** An in-memory lock record with versioned conditional writes, and a hook run between a read and what follows it. */
class MemoryLock implements LockPrimitives {
  record: LockRecord | undefined
  private next = 0
  afterRead: (() => void) | undefined

  async create(bytes: Uint8Array): Promise<string | undefined> {
    if (this.record) return undefined
    this.record = {bytes, version: `v${++this.next}`}
    return this.record.version
  }

  async read(): Promise<LockRecord | undefined> {
    const record = this.record
    const hook = this.afterRead
    this.afterRead = undefined
    hook?.()
    return record
  }

  async removeIf(version: string): Promise<boolean> {
    if (this.record?.version !== version) return false
    this.record = undefined
    return true
  }

  owner(): string | undefined {
    return parseLockInfo(this.record?.bytes)?.owner
  }
}

describe('storage/lock (the protocol every backend shares)', () => {
  it('a takeover that lost the race never removes the fresh lock that replaced the stale one', async () => {
    const clock = new ManualClock()
    const store = new MemoryLock()
    await acquireLock(store, 'k', 'mem://', {owner: 'crashed', clock})
    await clock.advance(2 * 60 * 60_000)
    // between the taker's read of the stale record and its removal, someone else takes over and locks afresh
    store.afterRead = () => {
      store.record = undefined
      void store.create(Buffer.from(JSON.stringify({owner: 'fresh', host: os.hostname(), pid: process.pid, time: new Date(clock.now()).toISOString(), token: 'f'})))
    }
    const error = await rejection(acquireLock(store, 'k', 'mem://', {owner: 'late', staleMs: 60 * 60_000, clock}))
    expect(error).to.be.instanceOf(LockHeldError)
    expect((error as LockHeldError).holder?.owner).to.equal('fresh')
    expect(store.owner()).to.equal('fresh')
  })

  it('release removes only our own record; a second release is harmless', async () => {
    const store = new MemoryLock()
    const mine = await acquireLock(store, 'k', 'mem://', {owner: 'me'})
    store.record = undefined // broken by `backup unlock`
    const theirs = await acquireLock(store, 'k', 'mem://', {owner: 'them'})
    await mine.release()
    await mine.release()
    expect(store.owner()).to.equal('them')
    await theirs.release()
    expect(store.record).to.equal(undefined)
  })

  it('names the holder in a typed error (code ELOCKED), or "another process" for an unreadable record until it is stale', async () => {
    const clock = new ManualClock()
    const store = new MemoryLock()
    store.record = {bytes: Buffer.from('{not json'), version: 'x', modifiedMs: clock.now()}
    const error = await rejection(acquireLock(store, 'p/lock', 'mem://here', {owner: 'me', clock}))
    expect(error).to.be.instanceOf(LockHeldError)
    expect((error as LockHeldError).code).to.equal('ELOCKED')
    expect((error as LockHeldError).holder).to.equal(null)
    expect(error.message).to.contain('p/lock in mem://here is locked by another process')
    await clock.advance(60_001) // an unreadable record is judged by when it was written
    const handle = await acquireLock(store, 'p/lock', 'mem://here', {owner: 'me', staleMs: 60_000, clock})
    expect(store.owner()).to.equal('me')
    await handle.release()
  })

  it('judges staleness by the record’s own time and, on this host, by whether its process lives', () => {
    const now = Date.parse('2026-10-01T12:00:00Z')
    const info = (pid: number, host: string, ageMs: number) => ({owner: 'x', host, pid, time: new Date(now - ageMs).toISOString(), token: 't'})
    expect(isStaleLock(info(process.pid, os.hostname(), 0), 0, 60_000, now)).to.equal(false)
    expect(isStaleLock(info(process.pid, 'elsewhere', 60_001), 0, 60_000, now)).to.equal(true)
    expect(isStaleLock(info(2 ** 22 + 12_345, os.hostname(), 0), 0, 60_000, now)).to.equal(true)
  })
})
