import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {type LockInfo, isStaleLock, validateKey} from '../../src/storage/backend.js'
import {LocalBackend} from '../../src/storage/local.js'
import {isUserError} from '../../src/util/errors.js'
import {rejection} from '../helpers/rejection.js'

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'))
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('utf8'))

describe('storage/local', () => {
  let dir: string
  let backend: LocalBackend
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-local-'))
    backend = new LocalBackend(path.join(dir, 'root'))
  })
  afterEach(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })

  it('stores, overwrites, reads and deletes bytes by key', async () => {
    expect(await backend.get('a/b.json')).to.equal(undefined)
    await backend.put('a/b.json', bytes('one'))
    expect(text(await backend.get('a/b.json'))).to.equal('one')
    await backend.put('a/b.json', bytes('two'))
    expect(text(await backend.get('a/b.json'))).to.equal('two')
    await backend.delete('a/b.json')
    expect(await backend.get('a/b.json')).to.equal(undefined)
    await backend.delete('a/b.json') // missing is not an error
    expect(backend.url).to.match(/^file:\/\//)
  })

  it('creates directories 0700 and files 0600', async function () {
    if (process.platform === 'win32') this.skip()
    await backend.put('p/events/x.json', bytes('{}'))
    const file = await fs.stat(path.join(dir, 'root', 'p', 'events', 'x.json'))
    const sub = await fs.stat(path.join(dir, 'root', 'p', 'events'))
    expect(file.mode & 0o777).to.equal(0o600)
    expect(sub.mode & 0o777).to.equal(0o700)
  })

  it('lists keys under a prefix, sorted, without temp files', async () => {
    for (const k of ['p/events/000002.json', 'p/events/000001.json', 'p/metadata.json', 'q/metadata.json', 'pq.json']) await backend.put(k, bytes(k))
    await fs.writeFile(path.join(dir, 'root', 'p', 'events', '.000003.json.123.abcd.tmp'), 'partial')
    expect(await backend.list('p/events/')).to.deep.equal(['p/events/000001.json', 'p/events/000002.json'])
    expect(await backend.list('p/')).to.deep.equal(['p/events/000001.json', 'p/events/000002.json', 'p/metadata.json'])
    expect(await backend.list('p')).to.deep.equal(['p/events/000001.json', 'p/events/000002.json', 'p/metadata.json', 'pq.json'])
    expect(await backend.list('')).to.have.length(5)
    expect(await backend.list('nothing/')).to.deep.equal([])
  })

  it('refuses keys that could leave the root', async () => {
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a/./b', 'a\0b', 'a\\b', '', 'C:/x']) {
      expect(() => validateKey(bad), bad).to.throw(/invalid storage key/)
      expect(await rejection(backend.put(bad, bytes('x'))), bad).to.match(/invalid storage key/)
    }
    await rejection(backend.list('../'))
    expect(await fs.readdir(dir)).to.deep.equal([])
  })

  describe('locks', () => {
    it('is exclusive: a second locker fails naming the holder and the unlock command', async () => {
      const first = await backend.lock('p/lock', {owner: 'alice@laptop'})
      const error = await rejection(backend.lock('p/lock', {owner: 'bob@ci', waitMs: 0}))
      expect(isUserError(error)).to.equal(true)
      expect(error.message).to.contain('alice@laptop').and.contain(`pid ${process.pid}`).and.contain('github-pm backup unlock')
      expect(error.message).not.to.contain('\n')
      await first.release()
      const second = await backend.lock('p/lock', {owner: 'bob@ci'})
      await second.release()
    })

    it('a waiting locker gets the lock once the holder releases it', async () => {
      const first = await backend.lock('p/lock')
      const waiting = backend.lock('p/lock', {waitMs: 60_000})
      let got = false
      void waiting.then(() => (got = true))
      await new Promise((r) => setTimeout(r, 120))
      expect(got).to.equal(false)
      await first.release()
      const second = await waiting
      await second.release()
    })

    it('never lets two holders in at once', async () => {
      let inside = 0
      let maxInside = 0
      let done = 0
      await Promise.all(
        Array.from({length: 8}, async () => {
          const handle = await backend.lock('p/lock', {waitMs: 60_000})
          inside++
          maxInside = Math.max(maxInside, inside)
          await new Promise((r) => setTimeout(r, 5))
          inside--
          done++
          await handle.release()
        }),
      )
      expect(done).to.equal(8)
      expect(maxInside).to.equal(1)
    })

    it('takes over a lock whose holder process on this host is gone', async () => {
      const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'})
      const deadPid = Number(child.stdout)
      const stale: LockInfo = {owner: 'crashed', host: os.hostname(), pid: deadPid, time: new Date().toISOString(), token: 'dead'}
      await fs.mkdir(path.join(dir, 'root', 'p'), {recursive: true})
      await fs.writeFile(path.join(dir, 'root', 'p', 'lock'), JSON.stringify(stale))
      const handle = await backend.lock('p/lock', {waitMs: 0})
      const held = JSON.parse(text(await backend.get('p/lock'))!) as LockInfo
      expect(held.pid).to.equal(process.pid)
      await handle.release()
      expect(await backend.get('p/lock')).to.equal(undefined)
    })

    it('takes over a lock older than staleMs, but not a fresh one held by a live process elsewhere', async () => {
      const old: LockInfo = {owner: 'elsewhere', host: 'other-host', pid: 1, time: new Date(Date.now() - 3_600_000).toISOString(), token: 'old'}
      await fs.mkdir(path.join(dir, 'root', 'p'), {recursive: true})
      await fs.writeFile(path.join(dir, 'root', 'p', 'lock'), JSON.stringify(old))
      const error = await rejection(backend.lock('p/lock', {staleMs: 2 * 3_600_000}))
      expect(error.message).to.contain('elsewhere')
      const handle = await backend.lock('p/lock', {staleMs: 60_000})
      await handle.release()
    })

    it('release removes only our own lock, and breakLock removes any', async () => {
      const mine = await backend.lock('p/lock')
      expect(await backend.breakLock('p/lock')).to.equal(true)
      expect(await backend.breakLock('p/lock')).to.equal(false)
      const theirs = await backend.lock('p/lock', {owner: 'next'})
      await mine.release() // must not remove "next"'s lock
      expect(text(await backend.get('p/lock'))).to.contain('next')
      await theirs.release()
      await theirs.release()
      expect(await backend.get('p/lock')).to.equal(undefined)
    })

    it('judges staleness by holder liveness and age', () => {
      const now = Date.now()
      const info = (pid: number, host: string, ageMs: number): LockInfo => ({owner: 'x', host, pid, time: new Date(now - ageMs).toISOString(), token: 't'})
      expect(isStaleLock(info(process.pid, os.hostname(), 0), 0, 60_000, now)).to.equal(false)
      expect(isStaleLock(info(process.pid, os.hostname(), 120_000), 0, 60_000, now)).to.equal(true)
      expect(isStaleLock(info(1, 'another-host', 0), 0, 60_000, now)).to.equal(false)
      expect(isStaleLock(undefined, 10, 60_000, now)).to.equal(false)
      expect(isStaleLock(undefined, 120_000, 60_000, now)).to.equal(true)
    })
  })
})
