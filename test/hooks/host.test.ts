/**
 * The hooks inside a real github-pm host CLI (oclif core + plugin-plugins, run as a child process) with this plugin
 * and a third-party fixture plugin (test/fixtures/pm-plugin) linked into it, against the sandbox. Every assertion
 * reads what a user would find: the exit code, stderr, the backups under GITHUB_PM_HOME and the project on "GitHub".
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

describe('hooks in a real github-pm host', function () {
  this.timeout(180_000)
  let sb: TestSandbox
  let host: Host

  before(async () => {
    await buildPlugin()
    sb = await startTestSandbox()
    host = await createHost(sb.env)
    await host.ok(['plugins', 'link', '--no-install', REPO_ROOT])
    await host.ok(['plugins', 'link', '--no-install', PM_PLUGIN])
  })

  after(async () => {
    await host?.cleanup()
    await sb?.close()
  })

  beforeEach(async () => {
    // a fresh GITHUB_PM_HOME: no config, no backups, no audit log
    await fs.rm(host.pmHome, {recursive: true, force: true})
  })

  const session = () => openSession({env: {HOME: host.env.HOME, GITHUB_PM_HOME: host.pmHome}})

  async function backups(project: TestProject): Promise<EventHeader[]> {
    const s = await session()
    return (await journalFor(s, await repository(s), project.id)).headers()
  }

  async function backedUp(project: TestProject, name: string): Promise<ProjectState> {
    const s = await session()
    const journal = await journalFor(s, await repository(s), project.id)
    return journal.state(journal.find(name))
  }

  const statusOf = (state: ProjectState) =>
    Object.values(Object.values(state.fields).find((f) => f.name === 'Status')!.options!)
      .sort((a, b) => a.position - b.position)
      .map((o) => o.name)

  it('lists both plugins in the host', async () => {
    const {stdout} = await host.ok(['plugins'])
    expect(stdout).to.match(/backup .*\(link\)/)
    expect(stdout).to.match(/github-pm-fixture-pm .*\(link\)/)
  })

  it('backs up before configure, then configure replaces the options: the backup holds the old ones', async () => {
    const project = await sb.createProject()
    const result = await host.ok(['configure', '--project', project.ref, '--options', 'Open,Closed'])
    const name = backupLine(result, 'configure')
    expect(result.stdout).to.include('configured Status: Open, Closed')
    expect(await sb.statusOptions(project.id)).to.deep.equal(['Open', 'Closed'])
    expect(statusOf(await backedUp(project, name))).to.deep.equal(['Todo', 'In Progress', 'Done'])
    const audit = await readAudit({}, {GITHUB_PM_HOME: host.pmHome})
    expect(audit).to.have.length(1)
    expect(audit[0]).to.include({command: 'configure', project: project.id, backup: name, outcome: 'ok'})
  })

  it('backs up before batch and setup-complete into the same journal, whatever form the project flag takes', async () => {
    const project = await sb.createProject({title: 'Planning'})
    const batch = await host.ok(['batch', '-p', project.ref, '--delete-field', 'Notes'])
    const first = backupLine(batch, 'batch')
    expect(await sb.fieldNames(project.id)).to.not.include('Notes')
    expect(Object.values((await backedUp(project, first)).fields).map((f) => f.name)).to.include('Notes')

    const setup = await host.ok(['setup-complete', `--project=${project.ref}`, '--title', 'Planning 2027'])
    const second = backupLine(setup, 'setup-complete')
    expect(lines(setup.stderr)[0]).to.match(/saved, 1 change$/) // the Notes field went away in between
    expect(await sb.projectTitle(project.id)).to.equal('Planning 2027')
    expect((await backedUp(project, second)).project.title).to.equal('Planning')
    expect((await backups(project)).map((e) => e.name)).to.deep.equal([first, second])
  })

  it('backs up before a command that declares destructive = true although no list names it', async () => {
    const project = await sb.createProject()
    const result = await host.ok(['purge', '-p', project.ref])
    const name = backupLine(result, 'purge')
    expect(result.stdout).to.include('deleted 3 items')
    expect(Object.keys((await backedUp(project, name)).items ?? {})).to.have.length(3)
  })

  it('backs up when a plugin fires backup:protect, and hands the outcome back to it', async () => {
    const project = await sb.createProject()
    const result = await host.ok(['bulk-edit', '-p', project.ref, '--readme', 'rewritten'])
    const name = backupLine(result, 'bulk-edit')
    expect(result.stdout).to.include(`readme rewritten (backup ${name})`)
    expect((await backedUp(project, name)).project.readme ?? '').to.not.equal('rewritten')
    const [entry] = await readAudit({}, {GITHUB_PM_HOME: host.pmHome})
    expect(entry).to.include({command: 'bulk-edit', outcome: 'ok', backup: name})
    expect(entry.message).to.include('bulk edit of the readme')
  })

  it('does not fire for read-only commands of either plugin', async () => {
    const project = await sb.createProject()
    for (const args of [
      ['show', '-p', project.ref],
      ['backup', 'list', '--project', project.ref],
      ['config', 'list'],
    ]) {
      const result = await host.ok(args)
      expect(result.stderr, args.join(' ')).to.not.match(/backup .* saved|automatic backup/)
    }
    expect(await backups(project)).to.deep.equal([])
  })

  it('protects a command listed in backup.destructive_commands in its space form', async () => {
    const project = await sb.createProject()
    const before = await host.ok(['fields', 'rename', '-p', project.ref, '--field', 'Notes', '--to', 'Remarks'])
    expect(before.stderr).to.equal('')
    await host.ok(['config', 'set', 'backup.destructive_commands', 'configure,fields rename'])
    const after = await host.ok(['fields', 'rename', '-p', project.ref, '--field', 'Remarks', '--to', 'Notes'])
    const name = backupLine(after, 'fields-rename')
    expect(Object.values((await backedUp(project, name)).fields).map((f) => f.name)).to.include('Remarks')
  })

  it('takes no backup once backup.auto_before_destructive is false', async () => {
    const project = await sb.createProject()
    await host.ok(['config', 'set', 'backup.auto_before_destructive', 'false'])
    const configure = await host.ok(['configure', '-p', project.ref, '--options', 'A,B'])
    const bulk = await host.ok(['bulk-edit', '-p', project.ref, '--readme', 'x'])
    expect(configure.stderr + bulk.stderr).to.equal('')
    expect(await sb.statusOptions(project.id)).to.deep.equal(['A', 'B'])
    expect(await backups(project)).to.deep.equal([])
  })

  describe('when the backup fails', () => {
    // a storage location nothing can write to: the project is reachable, only the backup fails. `config set` refuses
    // it, so it is written into the config file by hand, as a hand-edited or older file would hold it
    const broken = async () => {
      const file = path.join(host.pmHome, 'config.json')
      const current = JSON.parse(await fs.readFile(file, 'utf8').catch(() => '{}'))
      await fs.mkdir(host.pmHome, {recursive: true})
      await fs.writeFile(file, JSON.stringify({...current, 'backup.storage_location': 'nowhere://bucket'}))
    }

    it('does not run the destructive command: exit 2, one line saying why and how to skip, project unchanged', async () => {
      const project = await sb.createProject()
      await broken()
      const result = await host.run(['configure', '--project', project.ref, '--options', 'A,B'])
      expect(result.code).to.equal(2)
      expect(result.stdout).to.equal('')
      const all = lines(result.stderr)
      expect(all).to.have.length(1)
      expect(all[0]).to.match(/^automatic backup before configure failed: .+; configure did not run\. To run it once without a backup: add --no-backup or set GITHUB_PM_NO_BACKUP=1$/)
      expect(await sb.statusOptions(project.id)).to.deep.equal(['Todo', 'In Progress', 'Done'])
      expect((await readAudit({}, {GITHUB_PM_HOME: host.pmHome}))[0]).to.include({command: 'configure', outcome: 'failed'})
    })

    it('stops a plugin that fired backup:protect: runHook throws, the readme is untouched, exit 2', async () => {
      const project = await sb.createProject()
      await broken()
      const result = await host.run(['bulk-edit', '-p', project.ref, '--readme', 'never'])
      expect(result.code).to.equal(2)
      expect(lines(result.stderr)).to.have.length(1)
      expect(result.stderr).to.match(/^automatic backup before bulk-edit \(bulk edit of the readme\) failed: .+the change was stopped/)
      const data = await sb.gql(`query($p: ID!) { node(id: $p) { ... on ProjectV2 { readme } } }`, {p: project.id})
      expect(data.node.readme ?? '').to.not.equal('never')
    })

    it('stops it when the project does not exist, before the command ever runs', async () => {
      const result = await host.run(['configure', '--project', 'acme/999', '--options', 'A'])
      expect(result.code).to.equal(2)
      expect(lines(result.stderr)).to.have.length(1)
      expect(result.stderr).to.match(/^automatic backup before configure failed: project acme\/999 not found/)
    })

    it('stops it when GitHub is unreachable', async () => {
      const project = await sb.createProject()
      const result = await host.run(['purge', '-p', project.ref], {GITHUB_API_URL: 'http://127.0.0.1:9'})
      expect(result.code).to.equal(2)
      expect(result.stderr).to.match(/^automatic backup before purge failed: /)
      expect(await sb.gql(`query($p: ID!) { node(id: $p) { ... on ProjectV2 { items(first: 10) { totalCount } } } }`, {p: project.id})).to.deep.equal({
        node: {items: {totalCount: 3}},
      })
    })

    it('stops it when no project can be determined', async () => {
      const result = await host.run(['configure', '--options', 'A'])
      expect(result.code).to.equal(2)
      expect(result.stderr).to.match(/cannot tell which project configure changes: pass --project/)
    })

    it('--no-backup runs the command without a backup, and the command never sees the flag', async () => {
      const project = await sb.createProject()
      await broken()
      const result = await host.ok(['configure', '--project', project.ref, '--no-backup', '--options', 'A,B'])
      expect(result.stderr).to.equal('')
      expect(await sb.statusOptions(project.id)).to.deep.equal(['A', 'B'])
      const [entry] = await readAudit({}, {GITHUB_PM_HOME: host.pmHome})
      expect(entry).to.include({command: 'configure', outcome: 'refused'})
    })

    it('GITHUB_PM_NO_BACKUP=1 skips it too, for the prerun hook and for backup:protect', async () => {
      const project = await sb.createProject()
      await broken()
      await host.ok(['batch', '-p', project.ref, '--delete-field', 'Notes'], {GITHUB_PM_NO_BACKUP: '1'})
      await host.ok(['bulk-edit', '-p', project.ref, '--readme', 'y'], {GITHUB_PM_NO_BACKUP: '1'})
      expect(await sb.fieldNames(project.id)).to.not.include('Notes')
    })

    it('backup.on_backup_failure=continue warns in one line and runs the command', async () => {
      const project = await sb.createProject()
      await broken()
      await host.ok(['config', 'set', 'backup.on_backup_failure', 'continue'])
      const result = await host.ok(['configure', '-p', project.ref, '--options', 'A,B'])
      expect(lines(result.stderr)).to.have.length(1)
      expect(result.stderr).to.match(/^warning: automatic backup before configure failed: .+going on without it/)
      expect(await sb.statusOptions(project.id)).to.deep.equal(['A', 'B'])
    })
  })

  it('keeps every backup under GITHUB_PM_HOME, nowhere else', async () => {
    const project = await sb.createProject()
    await host.ok(['configure', '-p', project.ref, '--options', 'A'])
    const entries = await fs.readdir(host.pmHome)
    expect(entries).to.include('backups')
    expect(await fs.readdir(path.join(host.env.HOME!))).to.not.include('.github-pm')
  })
})
