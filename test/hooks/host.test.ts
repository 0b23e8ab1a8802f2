/**
 * The hooks inside a real github-pm host CLI (oclif core + plugin-plugins, run as a child process) with this plugin
 * and a third-party fixture plugin (test/fixtures/pm-plugin) linked into it, against the sandbox. Every assertion
 * reads what a user would find: the exit code, stderr, the backups under GITHUB_PM_HOME and the project on "GitHub".
 *
 * The host is made and the plugins linked once; each test then runs in a lane of its own (a GITHUB_PM_HOME of its own,
 * its own projects), and the tests run two at a time (LANES): a test's CLI processes wait on each other, but two
 * tests' do not, so two cores are both used. Every test still runs every process and every
 * check it always did; a failure is reported by its own `it`.
 */
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {expect} from 'chai'
import {journalFor, openSession, repository} from '../../src/app/session.js'
import {readAudit} from '../../src/audit/audit.js'
import type {EventHeader} from '../../src/journal/events.js'
import type {ProjectState} from '../../src/model/state.js'
import {buildPlugin, createHost, PM_PLUGIN, REPO_ROOT, type Host, type RunResult} from '../fixtures/host/index.js'
import {startTestSandbox, type TestProject, type TestSandbox} from '../helpers/sandbox.js'

const STAMP = String.raw`\d{8}-\d{6}(-\d+)?`

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '')
}

/** The one stderr line of an automatic backup, and its backup name. */
function backupLine(result: RunResult, command: string): string {
  const all = lines(result.stderr)
  expect(all, `stderr of ${command}: ${result.stderr}`).to.have.length(1)
  const m = new RegExp(`^backup (auto-${command}-${STAMP}) saved, (first backup of this project|no changes|\\d+ changes?|project settings changed)$`).exec(all[0])
  expect(m, all[0]).to.not.equal(null)
  return m![1]
}

/** Tests run at the same time, each in its own lane. */
const LANES = 2

/**
 * The host as one test sees it: the shared host (its plugins linked once) with a GITHUB_PM_HOME of the test's own,
 * fresh (no config, no backups, no audit log), for every run and every read.
 */
function lane(host: Host, pmHome: string): Host {
  const env = {...host.env, GITHUB_PM_HOME: pmHome}
  return {
    ...host,
    pmHome,
    env,
    run: (args, extraEnv = {}) => host.run(args, {GITHUB_PM_HOME: pmHome, ...extraEnv}),
    ok: (args, extraEnv = {}) => host.ok(args, {GITHUB_PM_HOME: pmHome, ...extraEnv}),
    cleanup: () => fs.rm(pmHome, {recursive: true, force: true}),
  }
}

describe('hooks in a real github-pm host', function () {
  this.timeout(180_000)
  let sb: TestSandbox
  let shared: Host
  /** each test's body, in the order declared; started by `before`, LANES at a time */
  const bodies: Array<{title: string; body: (host: Host) => Promise<void>}> = []
  /** each test's outcome: undefined when it passed, else its error (awaited by its own `it`) */
  const outcomes = new Map<string, Promise<unknown>>()

  /** Declares a test: its body runs in a lane (started in `before`); its `it` reports the outcome. */
  function test(title: string, body: (host: Host) => Promise<void>): void {
    const key = `${bodies.length}:${title}`
    bodies.push({title: key, body})
    it(title, async () => {
      const error = await outcomes.get(key)
      if (error !== undefined) throw error
    })
  }

  before(async () => {
    await buildPlugin()
    sb = await startTestSandbox()
    shared = await createHost(sb.env)
    await shared.ok(['plugins', 'link', '--no-install', REPO_ROOT])
    await shared.ok(['plugins', 'link', '--no-install', PM_PLUGIN])
    // LANES workers take the tests in order; each outcome settles on its own (a failure is caught here and rethrown
    // by the test's `it`, never an unhandled rejection)
    const queue = [...bodies]
    const settle = new Map<string, (error: unknown) => void>()
    for (const {title} of bodies) outcomes.set(title, new Promise((resolve) => settle.set(title, resolve)))
    let n = 0
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const host = lane(shared, path.join(shared.root, `pm-home-${n++}`))
        const error = await next.body(host).then(
          () => undefined,
          (e: unknown) => e ?? new Error('failed'),
        )
        settle.get(next.title)!(error)
      }
    }
    // not awaited: the tests' `it`s await their own outcome, so the first test's result shows as soon as it is known
    for (let i = 0; i < LANES; i++) void worker()
  })

  after(async () => {
    // every lane has finished once every `it` has read its outcome; wait for them anyway (a test skipped by --grep)
    await Promise.all(outcomes.values())
    await shared?.cleanup()
    await sb?.close()
  })

  const session = (host: Host) => openSession({env: {HOME: host.env.HOME, GITHUB_PM_HOME: host.pmHome}})

  async function backups(host: Host, project: TestProject): Promise<EventHeader[]> {
    const s = await session(host)
    return (await journalFor(s, await repository(s), project.id)).headers()
  }

  async function backedUp(host: Host, project: TestProject, name: string): Promise<ProjectState> {
    const s = await session(host)
    const journal = await journalFor(s, await repository(s), project.id)
    return journal.state(journal.find(name))
  }

  const statusOf = (state: ProjectState) =>
    Object.values(Object.values(state.fields).find((f) => f.name === 'Status')!.options!)
      .sort((a, b) => a.position - b.position)
      .map((o) => o.name)

  test('lists both plugins in the host', async (host) => {
    const {stdout} = await host.ok(['plugins'])
    expect(stdout).to.match(/backup .*\(link\)/)
    expect(stdout).to.match(/github-pm-fixture-pm .*\(link\)/)
  })

  test('backs up before configure, then configure replaces the options: the backup holds the old ones', async (host) => {
    const project = await sb.createProject()
    const result = await host.ok(['configure', '--project', project.ref, '--options', 'Open,Closed'])
    const name = backupLine(result, 'configure')
    expect(result.stdout).to.include('configured Status: Open, Closed')
    expect(await sb.statusOptions(project.id)).to.deep.equal(['Open', 'Closed'])
    expect(statusOf(await backedUp(host, project, name))).to.deep.equal(['Todo', 'In Progress', 'Done'])
    const audit = await readAudit({}, {GITHUB_PM_HOME: host.pmHome})
    expect(audit).to.have.length(1)
    expect(audit[0]).to.include({command: 'configure', project: project.id, backup: name, outcome: 'ok'})
  })

  test('backs up before batch and setup-complete into the same journal, whatever form the project flag takes', async (host) => {
    const project = await sb.createProject({title: 'Planning'})
    const batch = await host.ok(['batch', '-p', project.ref, '--delete-field', 'Notes'])
    const first = backupLine(batch, 'batch')
    expect(await sb.fieldNames(project.id)).to.not.include('Notes')
    expect(Object.values((await backedUp(host, project, first)).fields).map((f) => f.name)).to.include('Notes')

    const setup = await host.ok(['setup-complete', `--project=${project.ref}`, '--title', 'Planning 2027'])
    const second = backupLine(setup, 'setup-complete')
    expect(lines(setup.stderr)[0]).to.match(/saved, 1 change$/) // the Notes field went away in between
    expect(await sb.projectTitle(project.id)).to.equal('Planning 2027')
    expect((await backedUp(host, project, second)).project.title).to.equal('Planning')
    expect((await backups(host, project)).map((e) => e.name)).to.deep.equal([first, second])
  })

  test('backs up before a command that declares destructive = true although no list names it', async (host) => {
    const project = await sb.createProject()
    const result = await host.ok(['purge', '-p', project.ref])
    const name = backupLine(result, 'purge')
    expect(result.stdout).to.include('deleted 3 items')
    expect(Object.keys((await backedUp(host, project, name)).items ?? {})).to.have.length(3)
  })

  test('backs up when a plugin fires backup:protect, and hands the outcome back to it', async (host) => {
    const project = await sb.createProject()
    const result = await host.ok(['bulk-edit', '-p', project.ref, '--readme', 'rewritten'])
    const name = backupLine(result, 'bulk-edit')
    expect(result.stdout).to.include(`readme rewritten (backup ${name})`)
    expect((await backedUp(host, project, name)).project.readme ?? '').to.not.equal('rewritten')
    const [entry] = await readAudit({}, {GITHUB_PM_HOME: host.pmHome})
    expect(entry).to.include({command: 'bulk-edit', outcome: 'ok', backup: name})
    expect(entry.message).to.include('bulk edit of the readme')
  })

  test('does not fire for read-only commands of either plugin', async (host) => {
    const project = await sb.createProject()
    for (const args of [
      ['show', '-p', project.ref],
      ['backup', 'list', '--project', project.ref],
      ['config', 'list'],
    ]) {
      const result = await host.ok(args)
      expect(result.stderr, args.join(' ')).to.not.match(/backup .* saved|automatic backup/)
    }
    expect(await backups(host, project)).to.deep.equal([])
  })

  test('protects a command listed in backup.destructive_commands in its space form', async (host) => {
    const project = await sb.createProject()
    const before = await host.ok(['fields', 'rename', '-p', project.ref, '--field', 'Notes', '--to', 'Remarks'])
    expect(before.stderr).to.equal('')
    await host.ok(['config', 'set', 'backup.destructive_commands', 'configure,fields rename'])
    const after = await host.ok(['fields', 'rename', '-p', project.ref, '--field', 'Remarks', '--to', 'Notes'])
    const name = backupLine(after, 'fields-rename')
    expect(Object.values((await backedUp(host, project, name)).fields).map((f) => f.name)).to.include('Remarks')
  })

  test('takes no backup once backup.auto_before_destructive is false', async (host) => {
    const project = await sb.createProject()
    await host.ok(['config', 'set', 'backup.auto_before_destructive', 'false'])
    const configure = await host.ok(['configure', '-p', project.ref, '--options', 'A,B'])
    const bulk = await host.ok(['bulk-edit', '-p', project.ref, '--readme', 'x'])
    expect(configure.stderr + bulk.stderr).to.equal('')
    expect(await sb.statusOptions(project.id)).to.deep.equal(['A', 'B'])
    expect(await backups(host, project)).to.deep.equal([])
  })

  describe('when the backup fails', () => {
    // a storage location nothing can write to: the project is reachable, only the backup fails. `config set` refuses
    // it, so it is written into the config file by hand, as a hand-edited or older file would hold it
    const broken = async (host: Host) => {
      const file = path.join(host.pmHome, 'config.json')
      const current = JSON.parse(await fs.readFile(file, 'utf8').catch(() => '{}'))
      await fs.mkdir(host.pmHome, {recursive: true})
      await fs.writeFile(file, JSON.stringify({...current, 'backup.storage_location': 'nowhere://bucket'}))
    }

    test('does not run the destructive command: exit 2, one line saying why and how to skip, project unchanged', async (host) => {
      const project = await sb.createProject()
      await broken(host)
      const result = await host.run(['configure', '--project', project.ref, '--options', 'A,B'])
      expect(result.code).to.equal(2)
      expect(result.stdout).to.equal('')
      const all = lines(result.stderr)
      expect(all).to.have.length(1)
      expect(all[0]).to.match(/^automatic backup before configure failed: .+; configure did not run\. To run it once without a backup: add --no-backup or set GITHUB_PM_NO_BACKUP=1$/)
      expect(await sb.statusOptions(project.id)).to.deep.equal(['Todo', 'In Progress', 'Done'])
      expect((await readAudit({}, {GITHUB_PM_HOME: host.pmHome}))[0]).to.include({command: 'configure', outcome: 'failed'})
    })

    test('stops a plugin that fired backup:protect: runHook throws, the readme is untouched, exit 2', async (host) => {
      const project = await sb.createProject()
      await broken(host)
      const result = await host.run(['bulk-edit', '-p', project.ref, '--readme', 'never'])
      expect(result.code).to.equal(2)
      expect(lines(result.stderr)).to.have.length(1)
      expect(result.stderr).to.match(/^automatic backup before bulk-edit \(bulk edit of the readme\) failed: .+the change was stopped/)
      const data = await sb.gql(`query($p: ID!) { node(id: $p) { ... on ProjectV2 { readme } } }`, {p: project.id})
      expect(data.node.readme ?? '').to.not.equal('never')
    })

    test('stops it when the project does not exist, before the command ever runs', async (host) => {
      const result = await host.run(['configure', '--project', 'acme/999', '--options', 'A'])
      expect(result.code).to.equal(2)
      expect(lines(result.stderr)).to.have.length(1)
      expect(result.stderr).to.match(/^automatic backup before configure failed: project acme\/999 not found/)
    })

    test('stops it when GitHub is unreachable', async (host) => {
      const project = await sb.createProject()
      const result = await host.run(['purge', '-p', project.ref], {GITHUB_API_URL: 'http://127.0.0.1:9'})
      expect(result.code).to.equal(2)
      expect(result.stderr).to.match(/^automatic backup before purge failed: /)
      expect(await sb.gql(`query($p: ID!) { node(id: $p) { ... on ProjectV2 { items(first: 10) { totalCount } } } }`, {p: project.id})).to.deep.equal({
        node: {items: {totalCount: 3}},
      })
    })

    test('stops it when no project can be determined', async (host) => {
      const result = await host.run(['configure', '--options', 'A'])
      expect(result.code).to.equal(2)
      expect(result.stderr).to.match(/cannot tell which project configure changes: pass --project/)
    })

    test('--no-backup runs the command without a backup, and the command never sees the flag', async (host) => {
      const project = await sb.createProject()
      await broken(host)
      const result = await host.ok(['configure', '--project', project.ref, '--no-backup', '--options', 'A,B'])
      expect(result.stderr).to.equal('')
      expect(await sb.statusOptions(project.id)).to.deep.equal(['A', 'B'])
      const [entry] = await readAudit({}, {GITHUB_PM_HOME: host.pmHome})
      expect(entry).to.include({command: 'configure', outcome: 'refused'})
    })

    test('GITHUB_PM_NO_BACKUP=1 skips it too, for the prerun hook and for backup:protect', async (host) => {
      const project = await sb.createProject()
      await broken(host)
      await host.ok(['batch', '-p', project.ref, '--delete-field', 'Notes'], {GITHUB_PM_NO_BACKUP: '1'})
      await host.ok(['bulk-edit', '-p', project.ref, '--readme', 'y'], {GITHUB_PM_NO_BACKUP: '1'})
      expect(await sb.fieldNames(project.id)).to.not.include('Notes')
    })

    test('backup.on_backup_failure=continue warns in one line and runs the command', async (host) => {
      const project = await sb.createProject()
      await broken(host)
      await host.ok(['config', 'set', 'backup.on_backup_failure', 'continue'])
      const result = await host.ok(['configure', '-p', project.ref, '--options', 'A,B'])
      expect(lines(result.stderr)).to.have.length(1)
      expect(result.stderr).to.match(/^warning: automatic backup before configure failed: .+going on without it/)
      expect(await sb.statusOptions(project.id)).to.deep.equal(['A', 'B'])
    })
  })

  test('keeps every backup under GITHUB_PM_HOME, nowhere else', async (host) => {
    const project = await sb.createProject()
    await host.ok(['configure', '-p', project.ref, '--options', 'A'])
    const entries = await fs.readdir(host.pmHome)
    expect(entries).to.include('backups')
    expect(await fs.readdir(path.join(host.env.HOME!))).to.not.include('.github-pm')
  })
})
