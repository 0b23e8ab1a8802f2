import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {projectDir} from '../../src/journal/events.js'
import {openJournal} from '../../src/journal/journal.js'
import {openRepository} from '../../src/storage/repository.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {json, startE2E, type E2E} from '../helpers/e2e.js'
import {type S3TestServer, startS3Server} from '../helpers/s3-server.js'

/** Storage commands through the CLI (dist/, in this process but one run as a process) against the sandbox. Build first: `npx tsc -b`. */

const PASSPHRASE = 'e2e passphrase: tulip orbit'

function git(args: string[]): string {
  const r = spawnSync('git', args, {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

/** Every file under dir with its bytes, for "nothing was written" checks. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await fs.readdir(dir, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath ?? (entry as unknown as {path: string}).path, entry.name)
    out[path.relative(dir, file)] = (await fs.readFile(file)).toString('base64')
  }
  return out
}

function oneLineError(r: {code: number; stderr: string}, pattern: RegExp): void {
  expect(r.code, r.stderr).to.not.equal(0)
  const lines = r.stderr.split('\n').filter((l) => l.trim() && !/NodeVersionSupportWarning|AWS SDK|node >=22|a\.co\/|trace-warnings|January 2027|upgrade to node|security updates/.test(l))
  expect(lines, r.stderr).to.have.length(1)
  expect(lines[0]).to.match(/^Error: /)
  expect(lines[0]).to.match(pattern)
}

describe('storage commands through the CLI', function () {
  this.timeout(180_000)
  let e: E2E
  let s3: S3TestServer
  let projectId: string
  const s3Env = () => ({AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey})

  before(async () => {
    e = await startE2E()
    s3 = await startS3Server(['backups'])
    projectId = (await e.gql(`{ organization(login: "acme") { projectV2(number: 1) { id } } }`)).organization.projectV2.id
  })
  after(async () => {
    await s3.close()
    await e.close()
  })

  async function renameIssue(number: number, title: string): Promise<void> {
    const id = (await e.gql(`{ repository(owner: "acme", name: "app") { issue(number: ${number}) { id } } }`)).repository.issue.id
    await e.gql(`mutation($id: ID!, $t: String!) { updateIssue(input: {id: $id, title: $t}) { issue { id } } }`, {id, t: title})
  }

  it('git storage: one commit "Backup: NAME" on github-pm-backups, pushed to backup.git.remote; then copied to S3 and restorable from there', async () => {
    const remote = path.join(e.home, 'remote.git')
    git(['init', '--bare', '-q', remote])
    expect((await e.cli(['config', 'set', 'backup.git.remote', remote])).code).to.equal(0)
    const gitUrl = `git+file://${path.join(e.home, 'backups.git')}`
    // as a process (bin/run.js): the storage commands' smoke test of the bin path; the other runs are in-process
    const r = await e.cliProcess(['backup', 'create', 'on-git', '--project', 'acme/1', '--storage', gitUrl, '--json'])
    expect(r.code, r.stderr).to.equal(0)
    const subjects = git(['--git-dir', remote, 'log', 'github-pm-backups', '--format=%s']).trim().split('\n')
    expect(subjects[0]).to.equal('Backup: on-git')
    expect(git(['--git-dir', remote, 'ls-tree', '-r', '--name-only', 'github-pm-backups'])).to.contain(`${projectDir(projectId)}/metadata.json`)

    const s3Url = `s3://${s3.buckets[0]}/e2e-${randomBytes(3).toString('hex')}?endpoint=${encodeURIComponent(s3.endpoint)}`
    const copy = await e.cli(['backup', 'copy', '--storage', gitUrl, '--to-storage', s3Url, '--project', 'acme/1', '--json'], s3Env())
    expect(copy.code, copy.stderr).to.equal(0)
    const out = json(copy.stdout)
    expect(out.copied).to.deep.equal(['on-git'])
    expect(out.validation).to.include({status: 'valid', events_checked: 1})
    const again = await e.cli(['backup', 'copy', '--storage', gitUrl, '--to-storage', s3Url, '--project', 'acme/1', '--json'], s3Env())
    expect(json(again.stdout)).to.deep.include({copied: [], present: 1})

    const dry = await e.cli(['restore', 'latest', '--dry-run', '--storage', s3Url, '--project', 'acme/1', '--json'], s3Env())
    expect(dry.code, dry.stderr).to.equal(0)
    const plan = json(dry.stdout)
    expect(plan.source.name).to.equal('on-git')
    expect(plan.plan.operations, 'the live project equals the copied backup').to.deep.equal([])
    expect((await e.cli(['config', 'unset', 'backup.git.remote'])).code).to.equal(0)
  })

  it('encrypted storage: init --encrypt, back up and list with the passphrase; a wrong one is one line, non-zero, and writes nothing', async () => {
    const dir = path.join(e.home, 'encrypted')
    const url = `file://${dir}`
    oneLineError(await e.cli(['backup', 'init', '--encrypt', '--storage', url]), /GITHUB_PM_PASSPHRASE/)
    const pass = {GITHUB_PM_PASSPHRASE: PASSPHRASE}
    const init = await e.cli(['backup', 'init', '--encrypt', '--storage', url, '--json'], pass)
    expect(init.code, init.stderr).to.equal(0)
    expect(json(init.stdout)).to.include({encrypted: true, kdf: 'scrypt'})
    oneLineError(await e.cli(['backup', 'init', '--encrypt', '--storage', url], pass), /already encrypted/)

    const created = await e.cli(['backup', 'create', 'secret-1', '--project', 'acme/1', '--storage', url, '--json'], pass)
    expect(created.code, created.stderr).to.equal(0)
    const list = await e.cli(['backup', 'list', '--project', 'acme/1', '--storage', url, '--json'], pass)
    expect(json(list.stdout).backups.map((b: any) => b.name)).to.deep.equal(['secret-1'])
    const files = await snapshot(dir)
    for (const [file, data] of Object.entries(files)) {
      if (file.startsWith('keys/')) continue
      expect(Buffer.from(data, 'base64').includes(Buffer.from('The plan for the backup tool')), `${file} is readable`).to.equal(false)
    }

    const wrong = {GITHUB_PM_PASSPHRASE: 'not the right one'}
    for (const args of [
      ['backup', 'create', 'secret-2', '--project', 'acme/1', '--storage', url],
      ['backup', 'list', '--project', 'acme/1', '--storage', url],
      ['backup', 'cleanup', '--keep-last', '1', '--project', 'acme/1', '--storage', url],
      ['backup', 'pin', 'secret-1', '--project', 'acme/1', '--storage', url],
    ]) {
      oneLineError(await e.cli(args, wrong), /wrong passphrase for file:\/\//)
    }
    oneLineError(await e.cli(['backup', 'list', '--project', 'acme/1', '--storage', url]), /GITHUB_PM_PASSPHRASE/)
    expect(await snapshot(dir), 'nothing was written').to.deep.equal(files)

    const changed = await e.cli(['backup', 'passphrase', '--storage', url], {...pass, GITHUB_PM_NEW_PASSPHRASE: 'a brand new passphrase'})
    expect(changed.code, changed.stderr).to.equal(0)
    oneLineError(await e.cli(['backup', 'list', '--project', 'acme/1', '--storage', url], pass), /wrong passphrase/)
    const after = await e.cli(['backup', 'list', '--project', 'acme/1', '--storage', url, '--json'], {GITHUB_PM_PASSPHRASE: 'a brand new passphrase'})
    expect(json(after.stdout).backups.map((b: any) => b.name)).to.deep.equal(['secret-1'])
  })

  it('cleanup removes only what the rules say; every remaining backup exports identically, validates, and a pin protects', async () => {
    const names = ['c1', 'c2', 'c3', 'c4']
    for (const [i, name] of names.entries()) {
      if (i > 0) await renameIssue(3, `Capture queries, take ${i}`)
      const r = await e.cli(['backup', 'create', name, '--project', 'acme/1'])
      expect(r.code, r.stderr).to.equal(0)
    }
    expect((await e.cli(['backup', 'pin', 'c2', '--project', 'acme/1'])).code).to.equal(0)
    // what each backup rebuilds, read in this process (`backup export` itself is covered by test/e2e/backup.test.ts)
    const exportState = async (name: string) => {
      const repo = await openRepository('local', e.env)
      const journal = await openJournal(repo.backend, projectId, {codec: repo.codec})
      return canonicalJson(await journal.state(journal.find(name)))
    }
    const before: Record<string, string> = {}
    for (const n of names) before[n] = await exportState(n)
    const exported = async (name: string) => {
      const r = await e.cli(['backup', 'export', name, '--project', 'acme/1', '--json'])
      expect(r.code, r.stderr).to.equal(0)
      return json(r.stdout).project_state
    }
    const c4Exported = await exported('c4')

    // every one of them was named by hand: the rules leave them alone unless told otherwise
    const named = await e.cli(['backup', 'cleanup', '--keep-last', '1', '--dry-run', '--project', 'acme/1', '--json'])
    expect(json(named.stdout).removed).to.deep.equal([])
    expect(json(named.stdout).kept.find((k: any) => k.name === 'c1').reasons).to.deep.equal(['named'])

    const dry = await e.cli(['backup', 'cleanup', '--keep-last', '1', '--no-keep-named', '--dry-run', '--project', 'acme/1', '--json'])
    expect(dry.code, dry.stderr).to.equal(0)
    expect(json(dry.stdout)).to.include({dryRun: true})
    expect(json(dry.stdout).removed).to.deep.equal(['c1', 'c3'])
    const listed = async () => json((await e.cli(['backup', 'list', '--project', 'acme/1', '--json'])).stdout).backups.map((b: any) => b.name)
    expect(await listed(), 'a dry run changes nothing').to.deep.equal(names)

    const human = await e.cli(['backup', 'cleanup', '--keep-last', '1', '--no-keep-named', '--project', 'acme/1'])
    expect(human.code, human.stderr).to.equal(0)
    expect(human.stdout).to.match(/removed 2 backups: c1, c3/)
    expect(human.stdout).to.match(/freed/)
    expect(await listed()).to.deep.equal(['c2', 'c4'])
    for (const n of ['c2', 'c4']) expect(await exportState(n), n).to.deep.equal(before[n])
    const valid = await e.cli(['backup', 'validate', '--project', 'acme/1', '--json'])
    expect(valid.code, valid.stderr).to.equal(0)
    expect(json(valid.stdout)).to.include({status: 'valid'})

    const older = await e.cli(['backup', 'cleanup', '--older-than=30d', '--project', 'acme/1', '--json'])
    expect(json(older.stdout).removed, 'nothing is 30 days old').to.deep.equal([])
    // a pinned backup is not deleted without --force, and `delete latest` names what it deleted
    oneLineError(await e.cli(['backup', 'delete', 'c2', '--project', 'acme/1']), /c2 is pinned: unpin it first .* or pass --force/)
    expect(await listed()).to.deep.equal(['c2', 'c4'])
    expect((await e.cli(['backup', 'pin', 'c2', '--unpin', '--project', 'acme/1'])).code).to.equal(0)
    const unpinned = await e.cli(['backup', 'cleanup', '--keep-last', '1', '--no-keep-named', '--project', 'acme/1', '--json'])
    expect(json(unpinned.stdout).removed).to.deep.equal(['c2'])
    expect(await exportState('c4')).to.deep.equal(before.c4)
    expect(await exported('c4'), 'the export of the last one left').to.deep.equal(c4Exported)
    oneLineError(await e.cli(['backup', 'cleanup', '--project', 'acme/1']), /--older-than/)
    oneLineError(await e.cli(['backup', 'cleanup', '--older-than', 'soon', '--project', 'acme/1']), /not a duration/)

    const audit = await fs.readFile(path.join(e.env.GITHUB_PM_HOME!, 'audit.log'), 'utf8')
    expect(audit).to.match(/"command":"backup:cleanup"/)
    expect(audit).to.match(/"command":"backup:pin"/)
    expect(audit).to.match(/"command":"backup:copy"/)
  })

  it('backup.retention_days is applied after each backup and reported', async () => {
    expect((await e.cli(['config', 'set', 'backup.retention_days', '30'])).code).to.equal(0)
    const r = await e.cli(['backup', 'create', 'with-retention', '--project', 'acme/1', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    expect(json(r.stdout).retention).to.deep.include({removed: []}) // every backup here is minutes old
    expect((await e.cli(['config', 'unset', 'backup.retention_days'])).code).to.equal(0)
    expect(json((await e.cli(['backup', 'create', 'without', '--project', 'acme/1', '--json'])).stdout)).to.not.have.property('retention')
  })

  it('a deleted journal head: list and validate say so, backup refuses instead of starting over, repair brings every backup back', async () => {
    const storage = `file://${path.join(e.home, 'head-lost')}`
    const run = (args: string[]) => e.cli([...args, '--project', 'acme/1', '--storage', storage])
    const empty = await run(['backup', 'validate'])
    oneLineError(empty, /has no backups in .*nothing to validate/)
    for (const name of ['h1', 'h2', 'h3']) expect((await run(['backup', 'create', name])).code).to.equal(0)
    await fs.rm(path.join(e.home, 'head-lost', projectDir(projectId), 'metadata.json'))
    const events = await fs.readdir(path.join(e.home, 'head-lost', projectDir(projectId), 'events'))
    expect(events).to.have.length(3)

    const list = await run(['backup', 'list', '--json'])
    expect(list.code, list.stderr).to.equal(0)
    expect(list.stderr).to.match(/metadata\.json\) is missing while 3 backup files remain; run `github-pm backup repair`/)
    expect((await run(['backup', 'validate'])).code).to.equal(3)
    oneLineError(await run(['backup', 'create', 'h4']), /incomplete: .*run `github-pm backup repair`/)
    expect(await fs.readdir(path.join(e.home, 'head-lost', projectDir(projectId), 'events')), 'nothing deleted').to.deep.equal(events)

    const repaired = await run(['backup', 'repair', '--json'])
    expect(repaired.code, repaired.stderr).to.equal(0)
    expect(json(repaired.stdout)).to.deep.include({outcome: 'rebuilt', recovered: ['h1', 'h2', 'h3']})
    expect(json((await run(['backup', 'list', '--json'])).stdout).backups.map((b: any) => b.name)).to.deep.equal(['h1', 'h2', 'h3'])
    expect((await run(['backup', 'validate'])).code).to.equal(0)
    expect((await run(['backup', 'repair'])).stdout).to.match(/is whole \(3 backups\): nothing to repair/)
  })

  it('unlock breaks a stale lock and says who held it; a holder alive on this host needs --force', async () => {
    const lockFile = path.join(e.env.GITHUB_PM_HOME!, 'backups', projectDir(projectId), 'lock')
    const lock = (host: string, pid: number) =>
      fs.writeFile(lockFile, JSON.stringify({owner: 'ci@runner-7', host, pid, time: new Date().toISOString(), token: randomBytes(12).toString('hex')}))

    await lock('runner-7', 4242)
    const r = await e.cli(['backup', 'unlock', '--project', 'acme/1', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    const broken = json(r.stdout).locks.find((l: any) => l.key.endsWith('/lock') && l.key.startsWith('project-'))
    expect(broken).to.deep.include({broken: true})
    expect(broken.holder).to.include({owner: 'ci@runner-7', host: 'runner-7', pid: 4242})
    await fs.access(lockFile).then(
      () => expect.fail('the lock file is still there'),
      () => undefined,
    )

    await lock(os.hostname(), process.pid) // this test process: alive on this host
    oneLineError(await e.cli(['backup', 'unlock', '--project', 'acme/1']), /still running: wait for it to finish, or pass --force/)
    await fs.access(lockFile)
    const forced = await e.cli(['backup', 'unlock', '--project', 'acme/1', '--force'])
    expect(forced.code, forced.stderr).to.equal(0)
    expect(forced.stdout).to.match(/unlocked project-.*\/lock: it was held by ci@runner-7 \(pid \d+ on /)
    expect((await e.cli(['backup', 'unlock', '--project', 'acme/1'])).stdout).to.match(/not locked/)
    const audit = await fs.readFile(path.join(e.env.GITHUB_PM_HOME!, 'audit.log'), 'utf8')
    expect(audit).to.match(/"command":"backup:unlock".*"outcome":"refused"/)
  })
})
