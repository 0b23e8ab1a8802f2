import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {breakStaleLock} from '../../src/app/locks.js'
import {lockKey} from '../../src/journal/events.js'
import {openJournal} from '../../src/journal/journal.js'
import {validateJournal} from '../../src/journal/validate.js'
import type {ProjectState} from '../../src/model/state.js'
import type {LockInfo, StorageBackend} from '../../src/storage/backend.js'
import {plainCodec} from '../../src/storage/codec.js'
import {LocalBackend} from '../../src/storage/local.js'
import {openStorage} from '../../src/storage/open.js'
import type {S3Backend} from '../../src/storage/s3.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {type S3TestServer, startS3Server} from '../helpers/s3-server.js'
import {PROJECT_ID, buildState} from '../helpers/states.js'

/**
 * Several writers on one journal at once, each with its own Journal and backend instance (as separate processes
 * have): the project lock must serialise them so that no backup is lost and the chain stays valid.
 */

const codec = plainCodec()
const same = (a: unknown, b: unknown, what?: string) => expect(canonicalJson(a), what).to.equal(canonicalJson(b))

interface Location {
  /** a new backend instance over the same storage location */
  open(): Promise<StorageBackend>
  /** leaves a lock as another writer's crash would, in the backend's own lock format */
  plantLock(backend: StorageBackend, key: string, info: LockInfo): Promise<void>
  cleanup(): Promise<void>
}

let server: S3TestServer
const s3Opened: S3Backend[] = []

const LOCATIONS: Array<{name: string; make(): Promise<Location>}> = [
  {
    name: 'local',
    make: async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-conc-'))
      return {
        open: async () => new LocalBackend(dir),
        plantLock: (backend, key, info) => backend.put(key, Buffer.from(JSON.stringify(info))), // the lock file itself
        cleanup: () => fs.rm(dir, {recursive: true, force: true}),
      }
    },
  },
  {
    name: 's3 (moto)',
    make: async () => {
      const url = `s3://${await server.newBucket('conc')}/conc-${randomBytes(4).toString('hex')}/`
      const env = {GITHUB_PM_S3_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: server.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey}
      return {
        open: async () => {
          const b = (await openStorage(url, env)) as S3Backend
          s3Opened.push(b)
          return b
        },
        // the lock object `<key>.lock`, as S3Backend.lock writes it
        plantLock: (backend, key, info) => backend.put(`${key}.lock`, Buffer.from(JSON.stringify(info))),
        cleanup: async () => {},
      }
    },
  },
]

/** Distinct states of the same project (different item counts, so every backup has real changes). */
function stateNo(i: number): ProjectState {
  return buildState(10 + i, {items: 6 + i})
}

describe('concurrent writers on one journal', function () {
  this.timeout(180_000)
  before(async () => {
    server = await startS3Server([])
  })
  afterEach(() => {
    for (const b of s3Opened.splice(0)) b.destroy()
  })
  after(async () => {
    await server.close()
  })

  for (const location of LOCATIONS) {
    describe(location.name, () => {
      let loc: Location
      beforeEach(async () => {
        loc = await location.make()
      })
      afterEach(async () => {
        await loc.cleanup()
      })

      const journal = async () => openJournal(await loc.open(), PROJECT_ID, {codec, lock: {waitMs: 120_000}})

      async function expectIntact(expected: Map<string, ProjectState>): Promise<string[]> {
        const reader = await journal()
        const headers = await reader.list()
        for (const h of headers) same(await reader.state(h), expected.get(h.name), h.name)
        const report = await validateJournal(await loc.open(), codec, PROJECT_ID)
        expect(report, JSON.stringify(report.issues)).to.include({status: 'valid', events_checked: headers.length})
        return headers.map((h) => h.name)
      }

      it('a lock left by a crashed writer blocks others until `unlock` breaks it and names the holder', async () => {
        await (await journal()).append(stateNo(0), {name: 'start', type: 'full'})
        const backend = await loc.open()
        const info = (host: string, pid: number): LockInfo => ({owner: 'ci@runner-7', host, pid, time: new Date().toISOString(), token: randomBytes(12).toString('hex')})
        await loc.plantLock(backend, lockKey(PROJECT_ID), info('runner-7', 4242))
        const blocked = openJournal(await loc.open(), PROJECT_ID, {codec, lock: {waitMs: 0}}).then((j) => j.append(stateNo(1), {name: 'blocked', type: 'full'}))
        const error = await blocked.then(() => undefined, (e: Error) => e)
        expect(error?.message).to.match(/is locked by ci@runner-7 \(pid 4242 on runner-7/)
        const broken = await breakStaleLock(backend, lockKey(PROJECT_ID))
        expect(broken).to.deep.include({broken: true, key: lockKey(PROJECT_ID)})
        expect(broken.holder).to.include({owner: 'ci@runner-7', host: 'runner-7', pid: 4242})
        await (await journal()).append(stateNo(1), {name: 'after-unlock', type: 'full'})

        // a holder still running on this host (this very process) is refused without --force
        await loc.plantLock(backend, lockKey(PROJECT_ID), info(os.hostname(), process.pid))
        const refused = await breakStaleLock(backend, lockKey(PROJECT_ID)).then(() => undefined, (e: Error) => e)
        expect(refused?.message).to.match(/still running: wait for it to finish, or pass --force/)
        expect((await breakStaleLock(backend, lockKey(PROJECT_ID), {force: true})).broken).to.equal(true)
        expect((await breakStaleLock(backend, lockKey(PROJECT_ID))).broken, 'nothing left to break').to.equal(false)
        expect(await expectIntact(new Map([['start', stateNo(0)], ['after-unlock', stateNo(1)]]))).to.deep.equal(['start', 'after-unlock'])
      })

      it('four appends at once from four writers: all four are stored and the chain validates', async () => {
        await (await journal()).append(stateNo(0), {name: 'start', type: 'full'})
        const writers = await Promise.all([1, 2, 3, 4].map(() => journal()))
        const results = await Promise.all(writers.map((w, i) => w.append(stateNo(i + 1), {name: `w${i + 1}`, type: 'full'})))
        expect(new Set(results.map((r) => r.event.seq)).size, 'every writer got its own sequence number').to.equal(4)
        const expected = new Map<string, ProjectState>([['start', stateNo(0)], ...[1, 2, 3, 4].map((i): [string, ProjectState] => [`w${i}`, stateNo(i)])])
        const names = await expectIntact(expected)
        expect(names[0]).to.equal('start')
        expect([...names].sort()).to.deep.equal(['start', 'w1', 'w2', 'w3', 'w4'])
      })

      it('an append during a compact: both succeed in some order, nothing else is lost, the chain validates', async () => {
        const setup = await journal()
        for (let i = 0; i < 4; i++) await setup.append(stateNo(i), {name: `e${i}`, type: 'full'})
        const [compactor, appender] = await Promise.all([journal(), journal()])
        const [compacted, appended] = await Promise.all([
          compactor.compact((h) => h.name !== 'e1' && h.name !== 'e2'),
          appender.append(stateNo(9), {name: 'late', type: 'full'}),
        ])
        expect(compacted.removed.map((h) => h.name)).to.deep.equal(['e1', 'e2'])
        expect(appended.event.name).to.equal('late')
        const expected = new Map<string, ProjectState>([
          ['e0', stateNo(0)],
          ['e3', stateNo(3)],
          ['late', stateNo(9)],
        ])
        expect(await expectIntact(expected)).to.deep.equal(['e0', 'e3', 'late'])
      })
    })
  }
})
