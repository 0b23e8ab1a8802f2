import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {openJournal} from '../../src/journal/journal.js'
import {validateJournal} from '../../src/journal/validate.js'
import {identityCodec} from '../../src/journal/events.js'
import {MAX_IMPORT_BYTES} from '../../src/app/documents.js'
import {validateBackupName} from '../../src/journal/names.js'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import {LocalBackend} from '../../src/storage/local.js'
import {hashOf} from '../../src/util/canonical.js'
import {isUserError} from '../../src/util/errors.js'
import {FullDiskBackend} from '../helpers/faulty-backend.js'
import {TOKEN, type E2E} from '../helpers/e2e.js'
import {PROJECT_ID, buildState} from '../helpers/states.js'
import {expectOneLine, runScanned, snapshot, startEnv, type CliRun} from './harness.js'

/**
 * Promise 4: bad input of every kind is a one-line error, a non-zero exit, and nothing written: the home's backups
 * and restore records are byte-for-byte what they were. The CLI runs in this process (runScanned: the same code, exit
 * status and output as bin/run.js's process).
 */
describe('robustness: bad input', function () {
  this.timeout(180_000)
  let e: E2E
  let cli: (args: string[]) => Promise<CliRun>
  let good: string
  let dir: string

  before(async () => {
    e = await startEnv(demoSeed(), {inProcess: true})
    cli = (args) => runScanned(e.env, args)
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-bad-input-'))
    const made = await cli(['backup', 'create', 'good', '--project', 'acme/1'])
    expect(made.code, made.stderr).to.equal(0)
    good = path.join(dir, 'good.json')
    const exported = await cli(['backup', 'export', 'good', '--out', good, '--project', 'acme/1'])
    expect(exported.code, exported.stderr).to.equal(0)
  })
  after(async () => {
    await e.close()
    await fs.rm(dir, {recursive: true, force: true})
  })

  /** the parts of the home a command may write to: backups and restore records */
  const written = async () => ({
    backups: await snapshot(path.join(e.env.GITHUB_PM_HOME!, 'backups')),
    restores: await snapshot(path.join(e.env.GITHUB_PM_HOME!, 'restores')),
  })

  async function refused(args: string[], message: RegExp, run: (a: string[]) => Promise<CliRun> = (a) => cli(a)): Promise<CliRun> {
    const before = await written()
    const mutations = e.sandbox.stats.mutationRequests
    const r = await run(args)
    const what = args.join(' ').slice(0, 200)
    expect(r.code, `${what}: ${r.stderr}`).to.not.equal(0)
    expect(r.stderr, what).to.match(message)
    expectOneLine(r, what)
    expect(await written(), `${what} wrote something`).to.deep.equal(before)
    expect(e.sandbox.stats.mutationRequests, `${what} changed the project`).to.equal(mutations)
    return r
  }

  async function document(name: string, content: string | Buffer): Promise<string> {
    const file = path.join(dir, name)
    await fs.writeFile(file, content)
    return file
  }

  it('refuses malformed, truncated, checksum-failing and oversized --from-file documents, on restore and import', async () => {
    const text = await fs.readFile(good, 'utf8')
    const doc = JSON.parse(text)
    const tampered = structuredClone(doc)
    tampered.project_state.project.title = 'Tampered'
    const resealedTitle = structuredClone(tampered)
    resealedTitle.integrity.data_checksum = hashOf(resealedTitle.project_state)
    const oversized = path.join(dir, 'oversized.json')
    await fs.writeFile(oversized, '{')
    await fs.truncate(oversized, MAX_IMPORT_BYTES + 1) // sparse: no disk is spent
    const files: Array<[string, RegExp]> = [
      [await document('malformed.json', '{"backup_metadata": {"name": "x",,}'), /not valid JSON/],
      [await document('truncated.json', text.slice(0, Math.floor(text.length * 0.7))), /not valid JSON/],
      [await document('empty.json', ''), /not valid JSON/],
      [await document('binary.json', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00])), /not valid JSON/],
      [await document('not-a-backup.json', '{"hello": "world"}'), /backup_metadata is missing/],
      [await document('tampered.json', JSON.stringify(tampered)), /checksum does not match/],
      [await document('resealed.json', JSON.stringify(resealedTitle)), /checksum does not match/],
      [oversized, /over the \d+-byte limit/],
      [path.join(dir, 'missing.json'), /no such file/],
    ]
    for (const [file, message] of files) {
      await refused(['restore', '--from-file', file, '--project', 'acme/1'], message)
      await refused(['backup', 'import', file], message)
    }
  })

  it('refuses backup names with "/", "..", 500 characters or a NUL, and a document carrying such a name', async () => {
    for (const name of ['a/b', '../escape', '..', 'x'.repeat(500), '.hidden', 'latest']) {
      await refused(['backup', 'create', name, '--project', 'acme/1'], /backup name/)
      await refused(['backup', 'import', good, '--name', name], /backup name/)
    }
    // a NUL cannot travel in argv; it can in a name given to the library or in a document
    for (const name of ['a\0b', 'ok\0/../../etc']) {
      expect(() => validateBackupName(name)).to.throw(/not allowed/)
    }
    const doc = JSON.parse(await fs.readFile(good, 'utf8'))
    for (const name of ['../../outside', 'nul\u0000byte', 'sl/ash']) {
      const evil = structuredClone(doc)
      evil.backup_metadata.name = name
      const {checksum: _c, ...meta} = evil.backup_metadata
      evil.backup_metadata.checksum = hashOf({...evil, backup_metadata: meta})
      const file = await document('evil-name.json', JSON.stringify(evil))
      await refused(['backup', 'import', file], /backup name/)
    }
  })

  it('refuses unknown flags and flag values', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['backup', '--type', 'huge', '--project', 'acme/1'], /--type=huge/],
      [['backup', '--dependencies', 'sometimes', '--project', 'acme/1'], /--dependencies=sometimes/],
      [['backup', 'create', 'x', '--frobnicate', '--project', 'acme/1'], /frobnicate/],
      [['restore', 'good', '--partial=everything', '--project', 'acme/1'], /--partial takes config, fields or issues/],
      [['restore', 'good', '--map-repo', 'nonsense', '--project', 'acme/1'], /--map-repo takes/],
      [['restore', 'good', '--at', 'yesterday-ish', '--project', 'acme/1'], /not a time/],
      [['backup', 'list', '--storage', 'ftp://example.com/x', '--project', 'acme/1'], /unknown storage location/],
      [['backup', '--project', 'not a project'], /not a project reference/],
    ]
    for (const [args, message] of cases) await refused(args, message)
  })

  it('refuses a github.com project URL while GH_HOST names an Enterprise Server, before any request', async () => {
    const requests = e.sandbox.stats.requests.graphql + e.sandbox.stats.requests.rest
    const env = {...e.env, GH_HOST: 'ghe.example.com'}
    delete (env as NodeJS.ProcessEnv).GITHUB_API_URL
    await refused(['backup', '--project', 'https://github.com/orgs/acme/projects/1'], /GH_HOST=github.com/, (a) => runScanned(env, a))
    expect(e.sandbox.stats.requests.graphql + e.sandbox.stats.requests.rest).to.equal(requests)
  })

  it('refuses a corrupted config file with a one-line error naming it', async () => {
    const configFile = path.join(e.env.GITHUB_PM_HOME!, 'config.json')
    const saved = await fs.readFile(configFile, 'utf8').catch(() => undefined)
    try {
      for (const content of ['{"project": "acme/1",', '[1, 2, 3]', '\u0000\u0001garbage']) {
        await fs.writeFile(configFile, content, {mode: 0o600})
        const r = await refused(['backup', 'create', 'with-bad-config', '--project', 'acme/1'], /config file .*config\.json/)
        expect(r.stderr).to.match(/fix it or delete it/)
      }
    } finally {
      if (saved === undefined) await fs.rm(configFile, {force: true})
      else await fs.writeFile(configFile, saved, {mode: 0o600})
    }
  })

  it('says which token problem it is: expired (401) or missing the read:project scope', async () => {
    const scoped = await startEnv(demoSeed(), {tokens: {[TOKEN]: {login: 'octocat', scopes: ['repo']}}, inProcess: true})
    try {
      const narrow = await runScanned(scoped.env, ['backup', 'create', 'x', '--project', 'acme/1'])
      expect(narrow.code).to.not.equal(0)
      expectOneLine(narrow, 'under-scoped token')
      expect(narrow.stderr).to.match(/read:project/)
      expect(narrow.stderr).to.match(/gh auth refresh/)
      const expired = await runScanned({...scoped.env, GH_TOKEN: 'ghp_expired0000000000000000000000000000'}, ['backup', 'create', 'x', '--project', 'acme/1'])
      expect(expired.code).to.not.equal(0)
      expectOneLine(expired, 'expired token')
      expect(expired.stderr).to.match(/401|[Bb]ad credentials|token/)
      expect(expired.stderr).to.not.contain('ghp_expired')
      expect(await snapshot(path.join(scoped.env.GITHUB_PM_HOME!, 'backups'))).to.deep.equal({})
    } finally {
      await scoped.close()
    }
  })
})

describe('robustness: a full disk (storage put fails with ENOSPC)', () => {
  let dir: string
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-enospc-'))
  })
  after(async () => fs.rm(dir, {recursive: true, force: true}))

  it('leaves the previous journal valid at every possible point of failure, with a one-line error', async () => {
    const states = [1, 2, 3, 4].map((seed) => buildState(seed, {items: 30}))
    // measure the bytes each append writes, then fail the 4th append after every budget up to that many bytes
    const probeDisk = new FullDiskBackend(new LocalBackend(path.join(dir, 'probe')), Number.MAX_SAFE_INTEGER)
    const probe = await openJournal(probeDisk, PROJECT_ID, {codec: identityCodec, lock: {waitMs: 0}})
    for (let i = 0; i < 3; i++) await probe.append(states[i], {name: `b${i}`, type: 'full'})
    probeDisk.refill(Number.MAX_SAFE_INTEGER)
    await probe.append(states[3], {name: 'b3', type: 'full'})
    const fourth = probeDisk.bytesWritten
    expect(fourth).to.be.greaterThan(0)

    for (const budget of [0, 1, Math.floor(fourth / 3), Math.floor(fourth / 2), fourth - 1]) {
      const disk = new FullDiskBackend(new LocalBackend(path.join(dir, `run-${budget}`)), Number.MAX_SAFE_INTEGER)
      const journal = await openJournal(disk, PROJECT_ID, {codec: identityCodec, lock: {waitMs: 0}})
      for (let i = 0; i < 3; i++) await journal.append(states[i], {name: `b${i}`, type: 'full'})
      disk.refill(budget)
      let error: any
      try {
        await journal.append(states[3], {name: 'b3', type: 'full'})
      } catch (e) {
        error = e
      }
      expect(error, `budget ${budget}`).to.be.instanceOf(Error)
      expect(error.message, `budget ${budget}`).to.not.contain('\n')
      expect(error.message).to.match(/ENOSPC|no space/)
      expect(disk.refused).to.be.greaterThan(0)
      // a fresh reader sees a valid journal holding the three earlier backups, or the 4th wholly
      const report = await validateJournal(disk, identityCodec, PROJECT_ID)
      expect(report.status, `budget ${budget}: ${JSON.stringify(report.issues)}`).to.equal('valid')
      const reread = await openJournal(disk, PROJECT_ID, {codec: identityCodec})
      const names = reread.headers().map((h) => h.name)
      expect([['b0', 'b1', 'b2'], ['b0', 'b1', 'b2', 'b3']]).to.deep.include(names)
      // once there is space again, the next backup goes through
      disk.refill(Number.MAX_SAFE_INTEGER)
      if (names.length === 3) await reread.append(states[3], {name: 'b3', type: 'full'})
      expect((await validateJournal(disk, identityCodec, PROJECT_ID)).status).to.equal('valid')
    }
  })

  it('a UserError from the journal stays one line too (name clash after a failed write)', async () => {
    const disk = new FullDiskBackend(new LocalBackend(path.join(dir, 'clash')), Number.MAX_SAFE_INTEGER)
    const journal = await openJournal(disk, PROJECT_ID, {codec: identityCodec})
    await journal.append(buildState(1, {items: 5}), {name: 'one', type: 'full'})
    try {
      await journal.append(buildState(2, {items: 5}), {name: 'one', type: 'full'})
      expect.fail('a second backup named "one" was accepted')
    } catch (error) {
      expect(isUserError(error)).to.equal(true)
      expect((error as Error).message).to.not.contain('\n')
    }
  })
})
