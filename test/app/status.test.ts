import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {backupOwner, runBackup} from '../../src/app/backup.js'
import {connect, openSession, repository, resolveLiveProject, type Repository, type Session} from '../../src/app/session.js'
import {allProtected, backupStatus, readRunRecord, readRunRecords, recordRun, runRecordKey, statusAlert} from '../../src/app/status.js'
import type {GitHubClient} from '../../src/github/client.js'
import {openRepository} from '../../src/storage/repository.js'
import {initRepositoryPolicy} from '../../src/storage/repository.js'
import {failure} from '../../src/util/errors.js'
import {registerSecret} from '../../src/util/secrets.js'
import {ageText, statusSummary, statusTable} from '../../src/cli/status.js'
import {startE2E, TOKEN, type E2E} from '../helpers/e2e.js'

const HOUR = 3_600_000
const T0 = new Date('2026-03-02T02:00:00Z')

describe('coverage and status: every project, its last backup, its state', function () {
  this.timeout(60_000)
  let e: E2E
  let clock: Date
  let session: Session
  let repo: Repository
  let client: GitHubClient
  let orgId: string

  const createProject = async (title: string) =>
    (await e.gql(`mutation($o: ID!, $t: String!) { createProjectV2(input: {ownerId: $o, title: $t}) { projectV2 { id } } }`, {o: orgId, t: title}))
      .createProjectV2.projectV2.id as string
  const status = (maxAgeMs = 26 * HOUR, owner?: string) => backupStatus(repo, {now: clock, maxAgeMs, owner, client: owner ? client : undefined})

  before(async () => {
    e = await startE2E()
    clock = T0
    session = await openSession({env: e.env, now: () => clock})
    repo = await repository(session)
    client = await connect(session)
    orgId = (await e.gql('{ organization(login: "acme") { id } }')).organization.id
  })
  after(async () => e.close())

  it('--all-projects lists the owner at run time: a project created between two runs is backed up by the second', async () => {
    const first = await backupOwner(session, client, repo, 'acme', {type: 'config'})
    expect(first.map((r) => r.project.title)).to.deep.equal(['Roadmap'])
    const opsId = await createProject('Ops')
    clock = new Date(T0.getTime() + 24 * HOUR)
    const seen: string[] = []
    const second = await backupOwner(session, client, repo, 'acme', {type: 'config'}, async (entry) => {
      seen.push(entry.project.title)
    })
    expect(second.map((r) => r.project.title)).to.have.members(['Roadmap', 'Ops'])
    const ops = second.find((r) => r.project.id === opsId)!
    expect(ops.error).to.equal(undefined)
    expect(ops.result!.event.kind).to.equal('base')
    expect(ops.at.toISOString()).to.equal(clock.toISOString())
    // the callback ran once per project, as each finished (the run record is written there)
    expect(seen).to.have.members(['Roadmap', 'Ops'])
  })

  it('keeps a run record per project in the storage: the last success survives a failed attempt', async () => {
    const roadmap = await resolveLiveProject(session, client, 'acme/1')
    // no run record yet (backups made without one): a failure takes its last success from the journal
    const fromJournal = await recordRun(repo, roadmap, {ok: false, at: new Date(T0.getTime() + 25 * HOUR), error: new Error('first failure')})
    expect(fromJournal).to.include({outcome: 'failed', lastSuccess: new Date(T0.getTime() + 24 * HOUR).toISOString()})
    const okAt = new Date(T0.getTime() + 30 * HOUR)
    await recordRun(repo, roadmap, {ok: true, at: okAt, backup: 'config-1', seconds: 1.5})
    const failedAt = new Date(okAt.getTime() + 24 * HOUR)
    registerSecret('hunter2-passphrase')
    const error = failure('github', 'GitHub answered 502 twice; hunter2-passphrase was never shown')
    const record = await recordRun(repo, roadmap, {ok: false, at: failedAt, error, seconds: 3})
    expect(record).to.include({outcome: 'failed', errorKind: 'github', errorCode: 'EGITHUB', lastSuccess: okAt.toISOString(), lastBackup: 'config-1'})
    expect(record.error).to.equal('GitHub answered 502 twice; *** was never shown')
    // a fresh runner reads the same record back from the storage alone
    const fresh = await openRepository('local', e.env)
    const read = await readRunRecord({url: fresh.url, backend: fresh.backend, codec: fresh.codec}, roadmap.id)
    expect(read).to.deep.equal(record)
    expect((await repo.backend.list('runs/')).filter((k) => k.startsWith('runs/'))).to.include(runRecordKey(roadmap.id))
  })

  it('states: protected, stale, failing, never backed up; the worst first; --max-age decides', async () => {
    // the clock is 54 h after T0: Ops was backed up at T0+24h (30 h ago); Roadmap's last attempt failed
    clock = new Date(T0.getTime() + 54 * HOUR)
    const ghostId = await createProject('Ghost')
    let rows = await status(26 * HOUR, 'acme')
    expect(rows.map((r) => [r.title, r.state])).to.deep.equal([
      ['Roadmap', 'failing'],
      ['Ghost', 'never'],
      ['Ops', 'stale'],
    ])
    const roadmap = rows[0]
    expect(roadmap.lastError).to.match(/502 twice/)
    expect(roadmap.lastErrorKind).to.equal('github')
    const ops = rows.find((r) => r.title === 'Ops')!
    expect(ops.age).to.equal(30 * 3600)
    expect(ops.lastBackup).to.equal(new Date(T0.getTime() + 24 * HOUR).toISOString())
    expect(ops.project).to.match(/\/orgs\/acme\/projects\/\d+$/)
    const ghost = rows.find((r) => r.id === ghostId)!
    expect(ghost).to.include({lastBackup: null, age: null, lastError: null, onGitHub: true})
    expect(allProtected(rows)).to.equal(false)
    const alert = statusAlert(rows, {maxAge: '26h', owner: 'acme', storage: repo.url})!
    expect([alert.exitCode, alert.code, alert.message]).to.deep.equal([5, 'ESTALE', '3 of 3 projects are not protected (stale, never backed up or failing; max age 26h)'])
    expect(alert.document).to.equal(rows)
    // nothing at all is an alert too: a wrong storage location or a job that never ran must not pass
    expect(statusAlert([], {maxAge: '26h', storage: 'file:///nowhere'})?.message).to.equal('no project is protected: the storage file:///nowhere holds no backups')
    // what a person reads: the worst first, the error under its project, a count per state
    const text = statusTable(rows).split('\n')
    expect(text[0]).to.match(/^STATE\s+PROJECT\s+URL\s+LAST BACKUP\s+AGE$/)
    expect(text[1]).to.match(/^FAILING\s+Roadmap\s+\S+\/projects\/1\s+2026-03-03 08:00:00Z\s+1d 0h$/)
    expect(text[2]).to.match(/^\s+last attempt 2026-03-04 08:00:00Z: GitHub answered 502 twice/)
    expect(text[3]).to.match(/^NEVER BACKED UP\s+Ghost\s+\S+\s+-\s+-$/)
    expect(text[4]).to.match(/^STALE\s+Ops\s+.*\s+1d 6h$/)
    expect(statusSummary(rows, '26h')).to.equal('3 projects: 0 protected (backup younger than 26h), 1 stale, 1 never backed up, 1 failing')
    expect([ageText(59), ageText(3599), ageText(7260)]).to.deep.equal(['59s', '59m', '2h 1m'])

    // a longer max age: Ops is protected; without --owner the storage alone knows nothing of Ghost
    rows = await status(48 * HOUR)
    expect(rows.map((r) => [r.title, r.state])).to.deep.equal([
      ['Roadmap', 'failing'],
      ['Ops', 'protected'],
    ])
    expect(statusAlert(rows.slice(1), {maxAge: '48h', storage: repo.url})).to.equal(undefined)

    // a successful backup after the failure clears "failing"
    const live = await resolveLiveProject(session, client, 'acme/1')
    const result = await runBackup(session, client, repo, {project: live, type: 'config'})
    await recordRun(repo, live, {ok: true, at: clock, backup: result.event.name})
    rows = await status(26 * HOUR, 'acme')
    expect(rows.find((r) => r.title === 'Roadmap')).to.include({state: 'protected', age: 0, lastError: null, lastBackupName: result.event.name})
  })

  it('a project deleted on GitHub still shows from the storage, marked as not on GitHub', async () => {
    const ops = (await status(26 * HOUR, 'acme')).find((r) => r.title === 'Ops')!
    await e.gql(`mutation($p: ID!) { deleteProjectV2(input: {projectId: $p}) { projectV2 { id } } }`, {p: ops.id})
    const rows = await status(26 * HOUR, 'acme')
    expect(rows.find((r) => r.id === ops.id)).to.include({state: 'stale', onGitHub: false})
    // another owner's filter shows none of acme's projects
    expect(await backupStatus(repo, {now: clock, maxAgeMs: 26 * HOUR, owner: 'someone-else'})).to.deep.equal([])
  })

  it('a successful backup writes its run record in its own storage transaction: on git, one commit', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'github-pm-runs-git-'))
    try {
      const gitSession = await openSession({env: {...e.env, GITHUB_PM_BACKUP_STORAGE_LOCATION: `git+file://${path.join(dir, 'b.git')}`}, now: () => clock})
      const gitRepo = await repository(gitSession)
      const project = await resolveLiveProject(session, client, 'acme/1')
      const result = await runBackup(gitSession, client, gitRepo, {
        project,
        type: 'minimal',
        name: 'on-git',
        onStored: async (storage, stored) => void (await recordRun({...gitRepo, backend: storage}, stored.project, {ok: true, at: stored.at, backup: stored.event.name})),
      })
      expect(result.event.name).to.equal('on-git')
      const log = execFileSync('git', ['--git-dir', path.join(dir, 'b.git'), 'log', '--all', '--format=%s', '--name-only'], {encoding: 'utf8'})
      const commits = log.split('\n').filter((l) => l && !l.includes('/') && !l.endsWith('.json'))
      expect(commits.filter((c) => c.startsWith('Backup:') || c.startsWith('Run record'))).to.deep.equal(['Backup: on-git'])
      expect(log).to.contain(runRecordKey(project.id))
      expect(await readRunRecord(gitRepo, project.id)).to.include({outcome: 'ok', lastBackup: 'on-git'})
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })

  it('an append-only repository gets one new record per attempt, never an overwrite; the newest counts', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'github-pm-runs-'))
    try {
      const opened = await openRepository(`file://${dir}`, {...e.env, GH_TOKEN: TOKEN})
      await initRepositoryPolicy(opened.backend, {appendOnly: true})
      const ao: Repository = {url: opened.url, backend: opened.backend, codec: opened.codec}
      const project = {id: 'PVT_kwDOappendonly', title: 'AO', url: 'https://github.com/orgs/acme/projects/9', owner: {login: 'acme', type: 'Organization' as const}}
      await recordRun(ao, project, {ok: true, at: new Date('2026-03-01T00:00:00.000Z'), backup: 'b1'})
      await recordRun(ao, project, {ok: false, at: new Date('2026-03-02T00:00:00.500Z'), error: new Error('disk full')})
      const keys = await ao.backend.list('runs/')
      expect(keys).to.have.length(2)
      expect(keys.some((k) => k.endsWith('/last.json'))).to.equal(false)
      const record = (await readRunRecords(ao)).get(project.id)!
      expect(record).to.include({outcome: 'failed', errorKind: 'internal', error: 'disk full', lastSuccess: '2026-03-01T00:00:00.000Z'})
      const rows = await backupStatus(ao, {now: new Date('2026-03-02T01:00:00Z'), maxAgeMs: 26 * HOUR})
      expect(rows.map((r) => [r.title, r.state, r.lastBackup])).to.deep.equal([['AO', 'failing', '2026-03-01T00:00:00.000Z']])
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
