import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import {openJournal} from '../../src/journal/journal.js'
import {readBackupIndex} from '../../src/journal/catalog.js'
import {planRetention} from '../../src/app/retention.js'
import type {StorageBackend} from '../../src/storage/backend.js'
import {LocalBackend} from '../../src/storage/local.js'
import {initRepositoryPolicy, openRepository, readRepositoryPolicy} from '../../src/storage/repository.js'
import {S3Backend} from '../../src/storage/s3.js'
import {KEY_RECORD_KEY, initEncryption, openCodec} from '../../src/storage/codec.js'
import {PROJECT_ID, buildState} from '../helpers/states.js'
import {rejection} from '../helpers/rejection.js'
import {type S3TestServer, startS3Server} from '../helpers/s3-server.js'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

const DAY = 86_400_000

/**
 * Credentials without delete or overwrite permission, simulated: moto enforces IAM policies only while it checks
 * signatures, and its signature check cannot stay on for a whole backup (it mishandles the `/` in ListObjectsV2's
 * prefix, see test/helpers/s3-server.ts). So this wrapper refuses what such credentials could not do: any delete, any
 * put over an existing key. Lock records are the documented exception (they are created and released inside lock()).
 */
class NoDeleteBackend implements StorageBackend {
  readonly refused: string[] = []
  constructor(private readonly inner: S3Backend) {}
  get url() {
    return this.inner.url
  }
  get(key: string) {
    return this.inner.get(key)
  }
  async put(key: string, data: Uint8Array) {
    if ((await this.inner.get(key)) !== undefined) {
      this.refused.push(`overwrite ${key}`)
      throw new Error(`AccessDenied: overwrite of ${key}`)
    }
    return this.inner.put(key, data)
  }
  create(key: string, data: Uint8Array) {
    return this.inner.create(key, data)
  }
  async delete(key: string) {
    this.refused.push(`delete ${key}`)
    throw new Error(`AccessDenied: delete of ${key}`)
  }
  list(prefix: string) {
    return this.inner.list(prefix)
  }
  lock(key: string, opts?: Parameters<StorageBackend['lock']>[1]) {
    return this.inner.lock(key, opts)
  }
  breakLock(key: string) {
    return this.inner.breakLock(key)
  }
}

describe('storage: write-once (S3 Object Lock) and append-only', function () {
  this.timeout(180_000)
  let server: S3TestServer
  let client: S3Client
  const opened: S3Backend[] = []
  before(async () => {
    server = await startS3Server([])
    client = new S3Client({region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true, credentials: server.credentials})
  })
  after(() => {
    for (const b of opened) b.destroy()
    client.destroy()
  })

  async function lockedBucket(): Promise<string> {
    const name = `locked-${randomBytes(4).toString('hex')}`
    await client.send(new CreateBucketCommand({Bucket: name, ObjectLockEnabledForBucket: true}))
    return name
  }

  function backend(bucket: string, prefix: string, now?: () => number): S3Backend {
    const b = new S3Backend({bucket, prefix, endpoint: server.endpoint, credentials: server.credentials, ...(now ? {now} : {})})
    opened.push(b)
    return b
  }

  it('refuses to claim write-once on a bucket without Object Lock, saying how to create one', async () => {
    const plain = await server.newBucket('plain')
    const error = await rejection(initRepositoryPolicy(backend(plain, 'gpm'), {appendOnly: true, objectLock: {mode: 'compliance', retainMs: DAY, retain: '1d'}}))
    expect(error.message).to.match(/has no Object Lock/).and.match(/--object-lock-enabled-for-bucket/)
    expect(error.message.split('\n')).to.have.length(1)
    expect(await backend(plain, 'gpm').get('repository.json')).to.equal(undefined)
  })

  it('refuses --object-lock on local storage (it cannot promise it), and accepts --append-only there', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gpm-lock-'))
    try {
      const local = new LocalBackend(dir)
      const error = await rejection(initRepositoryPolicy(local, {appendOnly: true, objectLock: {mode: 'governance', retainMs: DAY, retain: '1d'}}))
      expect(error.message).to.match(/--object-lock needs s3:\/\/ storage/)
      expect(await initRepositoryPolicy(local, {appendOnly: true})).to.deep.equal({appendOnly: true})
      expect(await readRepositoryPolicy(local)).to.deep.equal({appendOnly: true})
      // set once: a second init is refused
      expect((await rejection(initRepositoryPolicy(local, {appendOnly: true}))).message).to.match(/already records a write policy/)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('puts retention on every object it writes, but none on lock objects', async () => {
    const bucket = await lockedBucket()
    const admin = backend(bucket, 'gpm')
    await initRepositoryPolicy(admin, {appendOnly: true, objectLock: {mode: 'compliance', retainMs: 30 * DAY, retain: '30d'}})
    const repo = await openRepository(`s3://${bucket}/gpm?endpoint=${encodeURIComponent(server.endpoint)}`, {
      AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    })
    opened.push(repo.backend as S3Backend)
    expect(repo.policy?.objectLock?.mode).to.equal('compliance')
    await repo.backend.put('a/b.json', new Uint8Array([1]))
    const head = await client.send(new HeadObjectCommand({Bucket: bucket, Key: 'gpm/a/b.json'}))
    expect(head.ObjectLockMode).to.equal('COMPLIANCE')
    expect(head.ObjectLockRetainUntilDate!.getTime()).to.be.greaterThan(Date.now() + 29 * DAY)
    const handle = await repo.backend.lock('p/lock')
    const lockHead = await client.send(new HeadObjectCommand({Bucket: bucket, Key: 'gpm/p/lock.lock'}))
    expect(lockHead.ObjectLockRetainUntilDate).to.equal(undefined)
    await handle.release()
    await repo.backend.lock('p/lock').then((h) => h.release()) // released: it can be taken again
  })

  it('init --encrypt --object-lock: the key record is retained too (without it no retained backup could be read)', async () => {
    const bucket = await lockedBucket()
    const admin = backend(bucket, 'enc')
    await initEncryption(admin, {passphrase: 'correct horse battery staple'}, {scrypt: {N: 2 ** 10, r: 8, p: 1}})
    await initRepositoryPolicy(admin, {appendOnly: true, objectLock: {mode: 'compliance', retainMs: 30 * DAY, retain: '30d'}})
    const head = await client.send(new HeadObjectCommand({Bucket: bucket, Key: `enc/${KEY_RECORD_KEY}`}))
    expect(head.ObjectLockMode).to.equal('COMPLIANCE')
    expect(head.ObjectLockRetainUntilDate!.getTime()).to.be.greaterThan(Date.now() + 29 * DAY)
    await openCodec(admin, {passphrase: 'correct horse battery staple'}, {}) // still opens
  })

  it('50 backups with credentials that cannot delete; cleanup with other credentials removes what retention allows', async () => {
    const bucket = await lockedBucket()
    const prefix = `run-${randomBytes(3).toString('hex')}`
    const realNow = Date.now()
    const start = realNow - 60 * DAY
    let clock = start
    await initRepositoryPolicy(backend(bucket, prefix), {appendOnly: true, objectLock: {mode: 'compliance', retainMs: 30 * DAY, retain: '30d'}})

    // the backup job: its clock is the sandbox clock (one backup a day, 60..11 days ago), its credentials cannot delete
    const writer = backend(bucket, prefix, () => clock)
    writer.setObjectLock({mode: 'compliance', retainMs: 30 * DAY})
    const noDelete = new NoDeleteBackend(writer)
    const state = buildState(7, {items: 3})
    for (let i = 0; i < 50; i++) {
      clock = start + i * DAY
      const journal = await openJournal(noDelete, PROJECT_ID, {now: () => new Date(clock)})
      const next = structuredClone(state)
      next.project.title = `Roadmap v${i}`
      await journal.append(next, {name: `auto-${i}`, type: 'full'})
    }
    expect(noDelete.refused).to.deep.equal([])
    const keys = await writer.list('')
    expect(keys.filter((k) => k.includes('/heads/'))).to.have.length(50)
    expect(keys.some((k) => k.endsWith('metadata.json') || k.startsWith('global/'))).to.equal(false)
    expect((await readBackupIndex(writer)).map((e) => [e.id, e.events])).to.deep.equal([[PROJECT_ID, 50]])

    // the cleanup job: separate (deleting) credentials, the real clock; keeps the last 10 days
    const cleaner = backend(bucket, prefix)
    cleaner.setObjectLock({mode: 'compliance', retainMs: 30 * DAY})
    const journal = await openJournal(cleaner, PROJECT_ID, {now: () => new Date(realNow)})
    const plan = planRetention(journal.headers(), {withinMs: 20.5 * DAY, keepNamed: false}, new Date(realNow))
    expect(plan.remove).to.have.length(40)
    const doomed = new Set(plan.remove.map((h) => h.seq))
    const result = await journal.compact((h) => !doomed.has(h.seq))
    expect(result.removed).to.have.length(40)
    // files written 60..30 days ago: retention over, removed. Written 29..11 days ago: retained (backups 31..39, and
    // the old files of 40..49, which the cleanup rewrote with a new chain link), as are the heads of those days
    expect(result.retained).to.not.equal(undefined)
    for (const r of result.retained!) expect(Date.parse(r.until!)).to.be.greaterThan(realNow)
    const retainedEvents = result.retained!.filter((r) => r.key.includes('/events/'))
    expect(retainedEvents).to.have.length(19)
    expect(result.retained!.filter((r) => r.key.includes('/heads/'))).to.have.length(19) // generations 32..50
    const after = await cleaner.list('')
    expect(after.filter((k) => k.includes('/events/'))).to.have.length(10 + 19)
    expect(after.filter((k) => k.includes('/heads/'))).to.have.length(1 + 19)
    // every kept backup still rebuilds, and the chain validates
    const reopened = await openJournal(writer, PROJECT_ID)
    expect(reopened.headers().map((h) => h.name)).to.deep.equal(Array.from({length: 10}, (_, i) => `auto-${40 + i}`))
    expect((await reopened.state(reopened.find('auto-45'))).project.title).to.equal('Roadmap v45')
    expect((await reopened.validate()).status).to.equal('valid')

    // Object Lock refuses an early delete even to credentials that may delete: the object is still there
    const early = `${prefix}/${retainedEvents[0].key}`
    const versions = await client.send(new ListObjectVersionsCommand({Bucket: bucket, Prefix: early}))
    const versionId = versions.Versions![0].VersionId!
    const refused = await rejection(client.send(new DeleteObjectCommand({Bucket: bucket, Key: early, VersionId: versionId})))
    expect((refused as {name?: string}).name).to.match(/AccessDenied/)
    expect(await cleaner.get(retainedEvents[0].key)).to.not.equal(undefined)

    // a second backup by the no-delete job after the cleanup still appends (the retained strays do not block it)
    clock = realNow
    const later = await openJournal(noDelete, PROJECT_ID, {now: () => new Date(clock)})
    await later.append({...structuredClone(state), project: {...state.project, title: 'after cleanup'}}, {name: 'auto-50', type: 'full'})
    expect(noDelete.refused).to.deep.equal([])
    expect((await later.list()).map((h) => h.name).at(-1)).to.equal('auto-50')
  })
})
