import {expect} from 'chai'
import fc from 'fast-check'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {copyProject} from '../../src/app/copy.js'
import {applyRetentionDays, runCleanup} from '../../src/app/retention.js'
import type {Repository, Session} from '../../src/app/session.js'
import type {ResolvedConfig} from '../../src/config/config.js'
import {type Codec, eventsPrefix, headKey} from '../../src/journal/events.js'
import {type Journal, openJournal} from '../../src/journal/journal.js'
import {eventKey, readHead, writeHead} from '../../src/journal/store.js'
import {validateJournal} from '../../src/journal/validate.js'
import {repairJournal} from '../../src/journal/repair.js'
import {quarantinePrefix} from '../../src/journal/strays.js'
import type {BackupType, ProjectState} from '../../src/model/state.js'
import type {StorageBackend} from '../../src/storage/backend.js'
import {initEncryption, openCodec, plainCodec} from '../../src/storage/codec.js'
import {DEFAULT_GIT_BRANCH, GitBackend} from '../../src/storage/git.js'
import {LocalBackend} from '../../src/storage/local.js'
import {inTransaction, openStorage} from '../../src/storage/open.js'
import {S3Backend} from '../../src/storage/s3.js'
import {canonicalJson, hashOf, sha256} from '../../src/util/canonical.js'
import {isUserError} from '../../src/util/errors.js'
import {type S3TestServer, startS3Server} from '../helpers/s3-server.js'
import {PROJECT_ID, applyEdits, buildState, captureAs, editArb} from '../helpers/states.js'
import {rejection} from '../helpers/rejection.js'

/**
 * The same journal suite on every storage backend, each plain (gzip) and encrypted (gzip + secretbox): what a user
 * relies on (every backup rebuilds exactly, validate names damage, cleanup and delete keep the rest intact, a copy
 * restores identically) must not depend on where the backups live.
 *
 * One file per backend (journal-backends*.test.ts) runs this suite, so the tier's mocha workers share the backends
 * out. Every test starts from the same six backups b0..b5: they are written ONCE per backend and codec (through the
 * journal, as the app writes them) into a seed location, and each test gets its own copy of that location (the
 * files, the git repository and its remote, the S3 objects), so a test still owns every byte it damages.
 */

const PASSPHRASE = 'correct horse battery staple'
const FAST_SCRYPT = {N: 1024, r: 8, p: 1}
const DAY = 86_400_000
const same = (a: unknown, b: unknown, what?: string) => expect(canonicalJson(a), what).to.equal(canonicalJson(b))

interface Location {
  backend: StorageBackend
  reopen(): Promise<StorageBackend>
  cleanup(): Promise<void>
  /** backend-specific checks after the suite wrote (git: the remote got the branch) */
  verify?(): Promise<void>
}

interface Kind {
  name: string
  make(): Promise<Location>
  /** a new location holding a byte-for-byte copy of what `from` holds */
  copy(from: Location): Promise<Location>
}

/**
 * A clock one day per call from 2026-10-01: backups span weeks and months, as cleanup rules need. `next()` is the time
 * it gives next (a copy of a seeded location goes on from where the seed's clock stopped).
 */
function dailyClock(start = Date.parse('2026-10-01T09:00:00Z')) {
  let t = start
  const clock = () => {
    const d = new Date(t)
    t += DAY
    return d
  }
  return Object.assign(clock, {next: () => t})
}

function git(cwd: string, args: string[]): string {
  const r = spawnSync('git', args, {cwd, encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

function configOf(values: Record<string, unknown>): ResolvedConfig {
  return {get: (key) => values[key] as never, source: (key) => (key in values ? 'file' : 'unset')}
}

let server: S3TestServer | undefined
const s3Opened: S3Backend[] = []

async function s3Location(scheme: 's3' | 'gcs'): Promise<Location> {
  const s3 = server!
  const env: NodeJS.ProcessEnv =
    scheme === 's3'
      ? {GITHUB_PM_S3_ENDPOINT: s3.endpoint, AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey}
      : {GITHUB_PM_GCS_ENDPOINT: s3.endpoint, GITHUB_PM_GCS_HMAC_ACCESS_ID: s3.credentials.accessKeyId, GITHUB_PM_GCS_HMAC_SECRET: s3.credentials.secretAccessKey}
  const bucket = await s3.newBucket(scheme === 's3' ? 'journal' : 'gcs-journal')
  const url = scheme === 's3' ? `s3://${bucket}/journal-${randomBytes(4).toString('hex')}/` : `gcs://${bucket}/journal-${randomBytes(4).toString('hex')}`
  const open = async () => {
    const b = (await openStorage(url, env)) as S3Backend
    s3Opened.push(b)
    return b
  }
  return {backend: await open(), reopen: open, cleanup: async () => {}}
}

/**
 * Copies every object of one location into another, through the backends (S3: a GET and a PUT per object). `from` is
 * a fresh instance of the seed location (each test's instances are destroyed after it).
 */
async function copyObjects(from: StorageBackend, to: StorageBackend): Promise<void> {
  const keys = await from.list('')
  expect(await to.list(''), 'the copy starts empty').to.deep.equal([])
  await Promise.all(keys.map(async (key) => to.put(key, (await from.get(key))!)))
  expect(await to.list('')).to.deep.equal(keys)
}

async function gitLocation(dir: string, init: boolean): Promise<Location> {
  const remote = path.join(dir, 'remote.git')
  if (init) {
    await fs.mkdir(remote)
    git(remote, ['init', '--bare', '-q'])
  }
  const open = () => GitBackend.open({repo: path.join(dir, 'backups.git'), init: true, remote})
  return {
    backend: await open(),
    reopen: open,
    cleanup: () => fs.rm(dir, {recursive: true, force: true}),
    verify: async () => {
      const local = git(path.join(dir, 'backups.git'), ['rev-parse', DEFAULT_GIT_BRANCH]).trim()
      expect(git(remote, ['rev-parse', DEFAULT_GIT_BRANCH]).trim(), 'the remote has every commit').to.equal(local)
    },
  }
}

/** Where a location lives on disk (local and git kinds), for copying it. */
const dirs = new WeakMap<Location, string>()
const withDir = (loc: Location, dir: string) => (dirs.set(loc, dir), loc)

async function localLocation(): Promise<Location> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-jb-local-'))
  return withDir({backend: new LocalBackend(dir), reopen: async () => new LocalBackend(dir), cleanup: () => fs.rm(dir, {recursive: true, force: true})}, dir)
}

export const KINDS: Record<'local' | 'git' | 's3' | 'gcs', Kind> = {
  local: {
    name: 'local',
    make: localLocation,
    copy: async (from) => {
      const loc = await localLocation()
      await fs.cp(dirs.get(from)!, dirs.get(loc)!, {recursive: true})
      return loc
    },
  },
  git: {
    name: 'git (repository + bare remote)',
    make: async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-jb-git-'))
      return withDir(await gitLocation(dir, true), dir)
    },
    copy: async (from) => {
      // the repository and its remote, as files: the copy's backend fetches from the copied remote
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-jb-git-'))
      await fs.cp(dirs.get(from)!, dir, {recursive: true})
      return withDir(await gitLocation(dir, false), dir)
    },
  },
  s3: {
    name: 's3 (moto)',
    make: () => s3Location('s3'),
    copy: async (from) => {
      const loc = await s3Location('s3')
      await copyObjects(await from.reopen(), loc.backend)
      return loc
    },
  },
  gcs: {
    name: 'gcs (XML API on moto)',
    make: () => s3Location('gcs'),
    copy: async (from) => {
      const loc = await s3Location('gcs')
      await copyObjects(await from.reopen(), loc.backend)
      return loc
    },
  },
}

/**
 * The suite's tests for each of `kinds`, plain and encrypted, inside the caller's describe (every file calls it inside
 * `describe('the journal on every backend, plain and encrypted')`, so the tests keep their names).
 */
export function journalSuite(kinds: Kind[]): void {
  const needsS3 = kinds.some((k) => k === KINDS.s3 || k === KINDS.gcs)
  before(async function () {
    this.timeout(180_000)
    if (needsS3) server = await startS3Server([])
  })
  afterEach(() => {
    for (const b of s3Opened.splice(0)) b.destroy()
  })
  after(() => {
    for (const b of s3Opened.splice(0)) b.destroy()
  })

  for (const kind of kinds) {
    for (const encrypted of [false, true]) {
      describe(`${kind.name}, ${encrypted ? 'encrypted' : 'plain'}`, function () {
        this.timeout(180_000)
        let loc: Location
        let backend: StorageBackend
        let codec: Codec
        let clock: ReturnType<typeof dailyClock>
        const cleanups: Array<() => Promise<void>> = []
        /** the seed location: b0..b5 written once, copied for every test */
        let seed: {loc: Location; codec: Codec; expected: Map<string, ProjectState>; clockNext: number} | undefined

        const open = (b: StorageBackend = backend, c: Codec = codec) => openJournal(b, PROJECT_ID, {codec: c, now: clock, keyframe: {maxChain: 3}})
        /** A journal write as the app makes it: one transaction (one git commit). */
        const write = <T>(message: string, fn: (j: Journal) => Promise<T>) => inTransaction(backend, message, async (tx) => fn(await open(tx)))
        const repo = (): Repository => ({url: backend.url, backend, codec})

        before(async () => {
          // six backups b0..b5 of an evolving project (one a config backup), each what it must rebuild to
          loc = await kind.make()
          backend = loc.backend
          codec = encrypted ? await initEncryption(backend, {passphrase: PASSPHRASE}, {scrypt: FAST_SCRYPT}) : plainCodec()
          clock = dailyClock()
          const edits = fc.sample(editArb, {seed: 7, numRuns: 20})
          let state = buildState(3, {items: 10})
          const expected = new Map<string, ProjectState>()
          for (let i = 0; i < 6; i++) {
            if (i > 0) state = applyEdits(state, edits.slice((i - 1) * 4, i * 4))
            const type: BackupType = i === 3 ? 'config' : 'full'
            const captured = captureAs(state, type)
            await write(`Backup: b${i}`, (j) => j.append(captured, {name: `b${i}`, type, origin: 'auto'}))
            expected.set(`b${i}`, captured)
          }
          seed = {loc, codec, expected, clockNext: clock.next()}
        })
        after(async () => {
          await seed?.loc.cleanup()
        })
        beforeEach(async () => {
          loc = await kind.copy(seed!.loc)
          backend = loc.backend
          codec = seed!.codec
          clock = dailyClock(seed!.clockNext)
        })
        afterEach(async () => {
          await loc.cleanup()
          for (const c of cleanups.splice(0)) await c()
        })

        /** The six backups b0..b5 this test's location holds (a copy of the seed's); what each must rebuild to. */
        async function history(): Promise<Map<string, ProjectState>> {
          return seed!.expected
        }

        async function expectRebuilds(expected: Map<string, ProjectState>, names?: string[]) {
          const journal = await open()
          const headers = journal.headers()
          if (names) expect(headers.map((h) => h.name)).to.deep.equal(names)
          for (const h of headers) {
            const state = await journal.state(h)
            same(state, expected.get(h.name), h.name)
            expect(hashOf(state), `${h.name} stateHash`).to.equal(h.stateHash)
          }
          // a reader on another instance of the location, newest first (no replay cache to lean on)
          const fresh = await open(await loc.reopen())
          for (const h of [...headers].reverse()) same(await fresh.state(h), expected.get(h.name), `${h.name} (fresh)`)
          const report = await validateJournal(backend, codec, PROJECT_ID)
          expect(report, JSON.stringify(report.issues)).to.include({status: 'valid', events_checked: headers.length})
        }

        it('appends, replays every event, validates, compacts, deletes and still rebuilds every backup exactly', async () => {
          const expected = await history()
          const all = ['b0', 'b1', 'b2', 'b3', 'b4', 'b5']
          await expectRebuilds(expected, all)
          const headers = (await open()).headers()
          expect(headers.filter((h) => h.kind === 'base').length, 'keyframes bound the chain').to.be.greaterThan(1)
          if (encrypted) {
            // nothing readable without the key: no event holds the project title in the clear
            for (const key of await backend.list(eventsPrefix(PROJECT_ID))) {
              expect(Buffer.from((await backend.get(key))!).includes(Buffer.from(expected.get('b0')!.project.title))).to.equal(false)
            }
          }

          await write('Pin: b1', (j) => j.pin('b1', true))
          const compacted = await write('Cleanup', (j) => j.compact((h) => !['b1', 'b2', 'b3'].includes(h.name)))
          expect(compacted.removed.map((h) => h.name), 'pinned b1 stays').to.deep.equal(['b2', 'b3'])
          await expectRebuilds(expected, ['b0', 'b1', 'b4', 'b5'])

          await write('Delete: b4', (j) => j.delete('b4'))
          await expectRebuilds(expected, ['b0', 'b1', 'b5'])
          expect(await backend.list(eventsPrefix(PROJECT_ID)), 'no event file of a removed backup is left').to.have.length(3)
          await loc.verify?.()
        })

        it('cleanup by restic-style rules and by backup.retention_days keeps every remaining backup exact', async () => {
          const expected = await history() // b0 .. b5 on 2026-10-01 .. 10-06
          const session: Session = {env: {}, config: configOf({'backup.retention_days': 3}), now: () => new Date('2026-10-07T12:00:00Z')}
          const dry = await runCleanup(session, repo(), PROJECT_ID, {keepLast: 2}, {dryRun: true})
          expect(dry.removed).to.deep.equal(['b0', 'b1', 'b2', 'b3'])
          expect((await open()).headers()).to.have.length(6) // a dry run changes nothing

          await write('Pin: b0', (j) => j.pin('b0', true))
          const done = await runCleanup(session, repo(), PROJECT_ID, {keepLast: 2})
          expect(done.removed).to.deep.equal(['b1', 'b2', 'b3'])
          expect(done.kept.find((k) => k.name === 'b0')!.reasons).to.include('pinned')
          expect(done.bytesFreed).to.be.greaterThan(0)
          await expectRebuilds(expected, ['b0', 'b4', 'b5'])

          // retention_days=3 at 2026-10-10: b4 (10-05) is too old, b0 is pinned, b5 is the newest
          const later: Session = {...session, now: () => new Date('2026-10-10T12:00:00Z')}
          expect(await applyRetentionDays(later, repo(), PROJECT_ID)).to.deep.include({removed: ['b4']})
          await expectRebuilds(expected, ['b0', 'b5'])
          expect(await applyRetentionDays({...later, config: configOf({})}, repo(), PROJECT_ID), 'unset: nothing to do').to.equal(undefined)
        })

        it('copies to another location (re-encoding every object) and the copy restores identically', async () => {
          const expected = await history()
          await write('Pin: b2', (j) => j.pin('b2', true))
          const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-jb-copy-'))
          cleanups.push(() => fs.rm(dir, {recursive: true, force: true}))
          const targetBackend = new LocalBackend(dir)
          // plain → encrypted target; encrypted → encrypted target under ANOTHER passphrase
          const targetCodec = await initEncryption(targetBackend, {passphrase: 'another passphrase'}, {scrypt: FAST_SCRYPT})
          const target: Repository = {url: targetBackend.url, backend: targetBackend, codec: targetCodec}

          const first = await copyProject(repo(), target, PROJECT_ID)
          expect(first.copied).to.deep.equal(['b0', 'b1', 'b2', 'b3', 'b4', 'b5'])
          expect(first.validation.status).to.equal('valid')
          const source = await open()
          const copy = await openJournal(targetBackend, PROJECT_ID, {codec: targetCodec})
          expect(copy.headers().map((h) => [h.name, h.stateHash, h.pinned ?? false])).to.deep.equal(source.headers().map((h) => [h.name, h.stateHash, h.pinned ?? false]))
          for (const h of copy.headers()) {
            same(await copy.state(h), expected.get(h.name), `copy of ${h.name}`)
            same(await copy.state(h), await source.state(h.seq), `copy of ${h.name} vs source`)
          }
          const sourceFiles = await backend.list(eventsPrefix(PROJECT_ID))
          for (const key of sourceFiles) {
            expect(Buffer.from((await targetBackend.get(key))!).equals(Buffer.from((await backend.get(key))!)), 'stored bytes differ: re-encoded').to.equal(false)
          }

          const again = await copyProject(repo(), target, PROJECT_ID)
          expect(again).to.deep.include({copied: [], present: 6})
          await write('Backup: b6', (j) => j.append(captureAs(buildState(4, {items: 10}), 'full'), {name: 'b6', type: 'full'}))
          const third = await copyProject(repo(), target, PROJECT_ID)
          expect(third).to.deep.include({copied: ['b6'], present: 6})
          expect(third.validation.status).to.equal('valid')

          // a target whose history differs is refused, never overwritten
          await write('Delete: b0', (j) => j.delete('b0'))
          const diverged = await rejection(copyProject(repo(), target, PROJECT_ID))
          expect(isUserError(diverged)).to.equal(true)
          expect(diverged.message).to.contain('different history')
          expect((await openJournal(targetBackend, PROJECT_ID, {codec: targetCodec})).headers()).to.have.length(7)
          // --mirror: the copy becomes exactly the source's journal, the removed backup's file goes too
          const mirrored = await copyProject(repo(), target, PROJECT_ID, {mirror: true})
          expect(mirrored.removed).to.deep.equal(['b0'])
          expect(mirrored.validation.status).to.equal('valid')
          const mirror = await openJournal(targetBackend, PROJECT_ID, {codec: targetCodec})
          expect(mirror.headers().map((h) => [h.name, h.stateHash])).to.deep.equal((await open()).headers().map((h) => [h.name, h.stateHash]))
          expect(await targetBackend.list(eventsPrefix(PROJECT_ID))).to.deep.equal(await backend.list(eventsPrefix(PROJECT_ID)))
          for (const h of mirror.headers()) same(await mirror.state(h), expected.get(h.name) ?? captureAs(buildState(4, {items: 10}), 'full'), `mirror of ${h.name}`)

          if (encrypted) {
            const plainDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-jb-plain-'))
            cleanups.push(() => fs.rm(plainDir, {recursive: true, force: true}))
            const plainTarget = new LocalBackend(plainDir)
            const refused = await rejection(copyProject(repo(), {url: plainTarget.url, backend: plainTarget, codec: plainCodec()}, PROJECT_ID))
            expect(refused.message).to.match(/is encrypted but .* is not/)
            expect(await plainTarget.list('')).to.deep.equal([])
          }
        })

        if (encrypted) {
          it('refuses a wrong or missing passphrase before anything is read or written', async () => {
            await history()
            const before = await backend.list('')
            const wrong = await rejection(openCodec(backend, {passphrase: 'not the passphrase'}, {}))
            expect(isUserError(wrong)).to.equal(true)
            expect((wrong as {code?: string}).code).to.equal('EPASSPHRASE')
            expect(wrong.message).to.match(/^wrong passphrase for /)
            const missing = await rejection(openCodec(backend, {}, {}))
            expect(missing.message).to.contain('GITHUB_PM_PASSPHRASE')
            expect(await backend.list('')).to.deep.equal(before)
            const right = await openCodec(await loc.reopen(), {}, {GITHUB_PM_PASSPHRASE: PASSPHRASE})
            same(await (await openJournal(backend, PROJECT_ID, {codec: right})).state((await open()).find('b5')), await (await open()).state((await open()).find('b5')))
          })
        }

        // git is slow to exercise: the repair tests run on its plain variant (the codec is covered on the others)
        const repairIt = (title: string, fn: () => Promise<void>) => (kind.name.startsWith('git') && encrypted ? undefined : it(title, fn))
        repairIt('a lost or rolled-back journal head deletes nothing: validate and backup say so, repair recovers every backup', async () => {
          const expected = await history()
          const all = ['b0', 'b1', 'b2', 'b3', 'b4', 'b5']
          const files = async () => (await backend.list(eventsPrefix(PROJECT_ID))).sort()
          const before = await files()

          // an older copy of the head comes back (a partial sync): it lists b0..b2, the files of b3..b5 remain
          const head = await readHead(backend, codec, PROJECT_ID)
          await writeHead(backend, codec, {...head, events: head.events.slice(0, 3), nextSeq: head.events[3].header.seq})
          let report = await validateJournal(backend, codec, PROJECT_ID)
          expect(report.status).to.equal('invalid')
          expect(report.issues[0].problem).to.match(/does not list \d+ backup files newer than it.*backup repair/)
          const refused = await rejection(write('Backup: b6', (j) => j.append(captureAs(expected.get('b5')!, 'full'), {name: 'b6', type: 'full'})))
          expect(isUserError(refused) && refused.code, refused.message).to.equal('ESTRAY')
          expect(refused.message).to.contain('github-pm backup repair')
          expect(await files(), 'no event file deleted').to.deep.equal(before)

          // the head is gone altogether
          await backend.delete(headKey(PROJECT_ID))
          report = await validateJournal(backend, codec, PROJECT_ID)
          expect(report.status).to.equal('invalid')
          expect(report.issues[0].problem).to.match(/metadata\.json\) is missing while \d+ backup files remain/)
          expect(isUserError(await rejection(write('Backup: b6', (j) => j.append(captureAs(expected.get('b5')!, 'full'), {name: 'b6', type: 'full'})))), 'refused').to.equal(true)
          expect(await files(), 'still no event file deleted').to.deep.equal(before)

          const repaired = await write('Repair', (tx) => repairJournal(tx.backend, codec, PROJECT_ID))
          expect(repaired).to.deep.include({outcome: 'rebuilt', backups: all, recovered: all, quarantined: []})
          await expectRebuilds(expected, all)
          // a second repair has nothing to do, and backups go on
          expect((await write('Repair', (tx) => repairJournal(tx.backend, codec, PROJECT_ID))).outcome).to.equal('unchanged')
          await write('Backup: b6', (j) => j.append(captureAs(expected.get('b5')!, 'full'), {name: 'b6', type: 'full'}))
          expect((await open()).headers().map((h) => h.name)).to.deep.equal([...all, 'b6'])
        })

        repairIt('repair quarantines what does not fit the chain, never deletes it', async () => {
          const expected = await history()
          const head = await readHead(backend, codec, PROJECT_ID)
          const junkKey = `${eventsPrefix(PROJECT_ID)}000099-0123456789ab.json`
          await backend.put(junkKey, new Uint8Array(Buffer.from('not an event')))
          await backend.delete(headKey(PROJECT_ID))
          const repaired = await write('Repair', (tx) => repairJournal(tx.backend, codec, PROJECT_ID))
          expect(repaired.backups).to.deep.equal(['b0', 'b1', 'b2', 'b3', 'b4', 'b5'])
          expect(repaired.quarantined.map((q) => q.file)).to.deep.equal([`${quarantinePrefix(PROJECT_ID)}000099-0123456789ab.json`])
          expect(Buffer.from((await backend.get(repaired.quarantined[0].file))!).toString()).to.equal('not an event')
          expect(await backend.get(junkKey)).to.equal(undefined)
          await expectRebuilds(expected)
          // seqs are never reused: the next backup comes after the quarantined file's
          expect((await readHead(backend, codec, PROJECT_ID)).nextSeq).to.equal(100)
          expect(head.nextSeq).to.be.lessThan(100)
        })

        it('validate names an event with a flipped byte, a truncated event and a truncated head', async () => {
          await history()
          const journal = await open()
          const victim = journal.find('b2')
          const head = await readHead(backend, codec, PROJECT_ID)
          const entry = head.events.find((e) => e.header.seq === victim.seq)!
          const key = eventKey(PROJECT_ID, entry)
          const original = (await backend.get(key))!

          const flipped = Buffer.from(original)
          flipped[flipped.length - 5] ^= 0x01
          await backend.put(key, flipped)
          let report = await validateJournal(backend, codec, PROJECT_ID)
          expect(report).to.include({status: 'invalid', checksums: 'failed'})
          expect(report.issues[0]).to.include({name: 'b2'})

          // the same flip with the head's checksum forged to match: the codec itself must catch it
          await writeHead(backend, codec, {...head, events: head.events.map((e) => (e === entry ? {...e, fileHash: sha256(flipped)} : e))})
          report = await validateJournal(backend, codec, PROJECT_ID)
          expect(report.status).to.equal('invalid')
          expect(report.issues[0].name).to.equal('b2')
          expect(report.issues[0].problem).to.match(encrypted ? /failed authentication/ : /cannot be read|damaged/)
          await writeHead(backend, codec, head)

          await backend.put(key, original.subarray(0, Math.floor(original.length / 2)))
          report = await validateJournal(backend, codec, PROJECT_ID)
          expect(report.issues[0]).to.include({name: 'b2'})
          await backend.put(key, original)
          expect((await validateJournal(backend, codec, PROJECT_ID)).status).to.equal('valid')

          const headBytes = (await backend.get(headKey(PROJECT_ID)))!
          await backend.put(headKey(PROJECT_ID), headBytes.subarray(0, headBytes.length - 10))
          report = await validateJournal(backend, codec, PROJECT_ID)
          expect(report.issues[0]).to.include({name: 'metadata.json', seq: null})
        })
      })
    }
  }
}
