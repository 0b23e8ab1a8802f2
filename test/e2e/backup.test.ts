import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {openJournal} from '../../src/journal/journal.js'
import type {ProjectState} from '../../src/model/state.js'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import type {Seed} from '../../src/sandbox/seed.js'
import {openRepository} from '../../src/storage/repository.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {json, startE2E, TOKEN, type E2E} from '../helpers/e2e.js'

/** The demo world plus an issue carrying 150 labels (more than one page of any nested connection). */
function richSeed(): Seed {
  const seed = demoSeed()
  const repo = seed.repositories![0]
  const many = Array.from({length: 150}, (_, i) => `label-${String(i + 1).padStart(3, '0')}`)
  repo.labels!.push(...many.map((name) => ({name})))
  repo.issues!.push({title: 'Label storm', labels: many})
  // the seed numbers issues first: the storm is #13 (already an item of the demo project), the pull request #14
  seed.projects![0].items!.push({issue: 'acme/app#14', values: {Status: 'Doing'}})
  return seed
}

async function journalState(e: E2E, projectId: string, name = 'latest'): Promise<ProjectState> {
  const repo = await openRepository('local', e.env)
  const journal = await openJournal(repo.backend, projectId, {codec: repo.codec})
  return journal.state(journal.find(name))
}

describe('backup through the CLI against the sandbox', function () {
  this.timeout(120_000)
  let e: E2E
  let projectId: string

  before(async () => {
    e = await startE2E(richSeed())
    projectId = (await e.gql(`{ organization(login: "acme") { projectV2(number: 1) { id } } }`)).organization.projectV2.id
  })
  after(async () => e.close())

  it('captures a whole project: every field type, drafts, archived items, sub-issues, dependencies, 150 labels', async () => {
    // as a process (bin/run.js): the backup commands' own smoke test of the bin path; the other runs are in-process
    const r = await e.cliProcess(['backup', 'create', 'complete', '--project', 'acme/1', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    const out = json(r.stdout)
    expect(out.event.name).to.equal('complete')
    expect(out.event.kind).to.equal('base')
    const s = await journalState(e, projectId, 'complete')
    const fields = Object.values(s.fields)
    expect(fields.map((f) => f.dataType)).to.include.members(['TEXT', 'NUMBER', 'DATE', 'SINGLE_SELECT', 'ITERATION'])
    const status = fields.find((f) => f.name === 'Status')!
    expect(Object.values(status.options!).sort((a, b) => a.position - b.position).map((o) => o.name)).to.deep.equal(['Backlog', 'Doing', 'Review', 'Done'])
    const sprint = fields.find((f) => f.name === 'Sprint')!
    expect(Object.values(sprint.iteration!.iterations).map((i) => i.title)).to.include('Sprint 3')
    const items = Object.values(s.items!)
    expect(items).to.have.length(16)
    expect(items.filter((i) => i.type === 'PULL_REQUEST')).to.have.length(1)
    const storm = items.find((i) => i.content?.title === 'Label storm')!
    expect(storm.content!.labels).to.have.length(150)
    const epic = s.items!['https://github.com/acme/app/issues/1']
    expect(epic.content!.subIssues).to.deep.equal([2, 3, 4].map((n) => `https://github.com/acme/app/issues/${n}`))
    expect(s.items!['https://github.com/acme/app/issues/6'].content!.blockedBy).to.deep.equal(['https://github.com/acme/app/issues/5'])
    expect(s.items!['https://github.com/acme/app/issues/12'].archived).to.equal(true)
    expect(items.filter((i) => i.draft).map((i) => i.draft!.title)).to.have.members(['Idea: restore dashboards', 'Idea: weekly digest'])
    const values = Object.values(epic.values).map((v) => v.type)
    expect(values).to.have.members(['singleSelect', 'singleSelect', 'number', 'text', 'date', 'iteration'])
    expect(s.itemOrder![0]).to.equal('https://github.com/acme/app/issues/1')
    expect(Object.values(s.views!).map((v) => v.name)).to.have.members(['Board', 'Table', 'Timeline'])
    expect(Object.values(s.workflows!).find((w) => w.name === 'Item closed')!.enabled).to.equal(true)
    expect(Object.values(s.statusUpdates!)[0].status).to.equal('ON_TRACK')
    expect(s.repositories).to.deep.equal(['acme/app'])
    expect(s.teams).to.deep.equal(['acme/core'])
    expect(Object.values(s.milestones!).map((m) => m.title)).to.have.members(['v1', 'v2'])
    expect(s.project.readme).to.contain('The plan for the backup tool')
  })

  it('stores almost nothing for an unchanged project, and rebuilds it byte-identically', async () => {
    const r = await e.cli(['backup', 'create', 'unchanged', '--project', 'acme/1', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    const out = json(r.stdout)
    expect(out.unchanged).to.equal(true)
    expect(out.event.kind).to.equal('patch')
    expect(out.event.stats.bytes).to.be.below(1500)
    expect(canonicalJson(await journalState(e, projectId, 'unchanged'))).to.equal(canonicalJson(await journalState(e, projectId, 'complete')))
  })

  it('an incremental backup holds exactly the changes and says which', async () => {
    const issue3 = (await e.gql(`{ repository(owner: "acme", name: "app") { issue(number: 3) { id } } }`)).repository.issue.id
    await e.gql(`mutation($id: ID!) { updateIssue(input: {id: $id, title: "Renamed capture queries"}) { issue { id } } }`, {id: issue3})
    const r = await e.cli(['backup', 'incremental', '--project', 'acme/1', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    const out = json(r.stdout)
    expect(out.backup_type).to.equal('incremental')
    expect(out.base_backup).to.equal('unchanged')
    expect(out.changes.modified_issues).to.deep.equal([3])
    expect(out.changes.new_issues).to.deep.equal([])
    expect(out.changes.field_changes).to.deep.equal([])
    const s = await journalState(e, projectId)
    expect(s.items!['https://github.com/acme/app/issues/3'].content!.title).to.equal('Renamed capture queries')
  })

  it('lists, shows, compares and validates backups in both command forms', async () => {
    const list = await e.cli(['backup:list', '--project', 'acme/1', '--json'])
    expect(list.code, list.stderr).to.equal(0)
    expect(json(list.stdout).backups.map((b: any) => b.name)).to.deep.equal(['complete', 'unchanged', json(list.stdout).backups[2].name])
    const human = await e.cli(['backup', 'list', '--project', 'https://github.com/orgs/acme/projects/1'])
    expect(human.stdout).to.match(/^NAME\s+TIME\s+TYPE/m)
    expect(human.stdout).to.contain('complete')
    const all = await e.cli(['backup', 'list', '--all', '--json'])
    expect(json(all.stdout).projects[0]).to.include({id: projectId, events: 3})
    const info = await e.cli(['backup', 'info', 'complete', '--project', projectId, '--json'])
    expect(json(info.stdout)).to.include({name: 'complete', kind: 'base', type: 'full'})
    const cmp = await e.cli(['backup', 'compare', 'complete', 'latest', '--project', 'acme/1', '--json'])
    expect(json(cmp.stdout).differences.issues).to.deep.equal({added: [], modified: [3], removed: []})
    expect(json(cmp.stdout).items).to.deep.equal([
      {item: 3, title: 'Renamed capture queries', changes: [{what: 'title', from: 'Write the capture queries', to: 'Renamed capture queries'}]},
    ])
    const cmpText = await e.cli(['backup', 'compare', 'complete', 'latest', '--project', 'acme/1'])
    expect(cmpText.stdout).to.contain('#3 Renamed capture queries').and.to.contain('title: "Write the capture queries" → "Renamed capture queries"')
    const valid = await e.cli(['backup', 'validate', 'latest', '--project', 'acme/1', '--json'])
    expect(valid.code).to.equal(0)
    expect(json(valid.stdout)).to.include({status: 'valid', checksums: 'verified', data_integrity: 'confirmed'})
  })

  it('exports the spec document and imports it back unchanged', async () => {
    const file = path.join(e.home, 'backup.json')
    const r = await e.cli(['backup', 'export', 'complete', '--out', file, '--project', 'acme/1'])
    expect(r.code, r.stderr).to.equal(0)
    const doc = JSON.parse(await fs.readFile(file, 'utf8'))
    expect(doc).to.have.keys('backup_metadata', 'project_config', 'project_structure', 'project_data', 'integrity', 'project_state')
    expect(doc.backup_metadata).to.include({name: 'complete', type: 'full', project_id: projectId})
    expect(doc.backup_metadata.checksum).to.match(/^sha256:[0-9a-f]{64}$/)
    expect(doc.project_data.issues.find((i: any) => i.number === 1).dependencies).to.be.an('array')
    expect((await fs.stat(file)).mode & 0o777).to.equal(0o600)
    const imported = await e.cli(['backup', 'import', file, '--name', 'reimported'])
    expect(imported.code, imported.stderr).to.equal(0)
    expect(canonicalJson(await journalState(e, projectId, 'reimported'))).to.equal(canonicalJson(await journalState(e, projectId, 'complete')))
  })

  it('names a damaged event and exits non-zero when a stored byte is flipped', async () => {
    const dir = path.join(e.env.GITHUB_PM_HOME!, 'backups', `project-${projectId}`, 'events')
    const files = (await fs.readdir(dir)).sort()
    const victim = path.join(dir, files[1])
    const original = await fs.readFile(victim)
    const damaged = Buffer.from(original)
    const at = Math.floor(damaged.length / 2)
    damaged[at] = damaged[at] ^ 0x01
    await fs.writeFile(victim, damaged)
    try {
      const r = await e.cli(['backup', 'validate', 'latest', '--project', 'acme/1'])
      expect(r.code).to.equal(3)
      expect(r.stdout).to.contain('"status": "invalid"')
      expect(r.stderr.trim().split('\n')).to.have.length(1)
      expect(r.stderr).to.contain('unchanged')
      const restore = await e.cli(['restore', '--yes', 'latest', '--project', 'acme/1'])
      expect(restore.code).to.not.equal(0)
      expect(restore.stderr).to.match(/damaged/)
    } finally {
      await fs.writeFile(victim, original)
    }
  })

  it('validate --read-data reads every object, reports what it read, samples with a seed, and names damage the replay does not reach', async () => {
    const all = await e.cli(['backup', 'validate', '--read-data', '--project', 'acme/1', '--json'])
    expect(all.code, all.stderr).to.equal(0)
    const read = json(all.stdout).read_data
    expect(read).to.include({percent: 100, seed: null})
    expect(read.objects_read).to.equal(read.objects_total).and.to.be.greaterThan(3)
    expect(read.bytes_read).to.be.greaterThan(0)
    const human = await e.cli(['backup', 'validate', '--read-data=50', '--seed', '9', '--project', 'acme/1'])
    expect(human.code, human.stderr).to.equal(0)
    expect(human.stderr).to.match(/^read \d+ of \d+ objects, \d+ bytes \(a 50% sample, seed 9: repeat it with --read-data=50 --seed 9\)$/m)
    const again = await e.cli(['backup', 'validate', '--read-data=50', '--seed', '9', '--project', 'acme/1', '--json'])
    expect(json(again.stdout).read_data).to.include({percent: 50, seed: 9})
    for (const bad of ['--read-data=0', '--read-data=101', '--read-data=lots']) {
      const r = await e.cli(['backup', 'validate', bad, '--project', 'acme/1'])
      expect(r.code, bad).to.equal(2)
      expect(r.stderr, bad).to.contain('--read-data takes a percentage')
    }
    const seedAlone = await e.cli(['backup', 'validate', '--seed', '3', '--project', 'acme/1'])
    expect(seedAlone.code).to.equal(2)

    // a quarantined event file is kept data the replay never reads: only --read-data finds it damaged
    const projectFolder = path.join(e.env.GITHUB_PM_HOME!, 'backups', `project-${projectId}`)
    const first = (await fs.readdir(path.join(projectFolder, 'events'))).sort()[0]
    const bytes = await fs.readFile(path.join(projectFolder, 'events', first))
    bytes[bytes.length >> 1] ^= 0x01
    await fs.mkdir(path.join(projectFolder, 'quarantine'), {recursive: true})
    const kept = path.join(projectFolder, 'quarantine', first)
    await fs.writeFile(kept, bytes)
    try {
      expect((await e.cli(['backup', 'validate', '--project', 'acme/1'])).code).to.equal(0)
      const r = await e.cli(['backup', 'validate', '--read-data', '--project', 'acme/1'])
      expect(r.code).to.equal(3)
      expect(r.stderr).to.contain(`quarantine/${first}`)
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('Error:'))).to.have.length(1)
    } finally {
      await fs.rm(path.join(projectFolder, 'quarantine'), {recursive: true, force: true})
    }
  })

  it('refuses bad input with one line, a non-zero exit and nothing written', async () => {
    const dir = path.join(e.env.GITHUB_PM_HOME!, 'backups', `project-${projectId}`, 'events')
    const before = (await fs.readdir(dir)).sort()
    const cases: Array<[string[], RegExp]> = [
      [['backup', 'create', '../escape', '--project', 'acme/1'], /name/],
      [['backup', 'create', 'x'.repeat(500), '--project', 'acme/1'], /name/],
      [['backup', 'create', 'complete', '--project', 'acme/1'], /already has a backup named "complete"/],
      [['backup', 'info', 'no-such-backup', '--project', 'acme/1'], /no-such-backup/],
      [['backup', '--project', 'acme/99'], /not found/],
      [['backup', '--project', 'not a project'], /not a project reference/],
      [['restore', 'complete', '--at', 'yesterday-ish', '--project', 'acme/1'], /not a time/],
      [['backup', '--type', 'huge', '--project', 'acme/1'], /Expected --type=huge to be one of/],
    ]
    // one after the other: each run is in this process (a few milliseconds), no longer a CLI process per case
    const results: Array<{code: number; stdout: string; stderr: string}> = []
    for (const [args] of cases) results.push(await e.cli(args))
    cases.forEach(([args, message], i) => {
      const r = results[i]
      expect(r.code, args.join(' ')).to.not.equal(0)
      expect(r.stderr, args.join(' ')).to.match(message)
      expect(r.stderr).to.not.contain(TOKEN)
    })
    expect((await fs.readdir(dir)).sort(), 'a refused command wrote an event').to.deep.equal(before)
  })

  it('backs up every project of an owner, and lists them all', async () => {
    const org = (await e.gql(`{ organization(login: "acme") { id } }`)).organization.id
    await e.gql(`mutation($o: ID!) { createProjectV2(input: {ownerId: $o, title: "Ops"}) { projectV2 { id } } }`, {o: org})
    const r = await e.cli(['backup', '--owner', 'acme', '--all-projects', '--type', 'config', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    const out = json(r.stdout)
    expect(out.projects.map((p: any) => p.project.title)).to.have.members(['Roadmap', 'Ops'])
    expect(out.projects.every((p: any) => p.backup && !p.error)).to.equal(true)
    const all = json((await e.cli(['backup', 'list', '--all', '--json'])).stdout)
    expect(all.projects.map((p: any) => p.title)).to.have.members(['Roadmap', 'Ops'])
    const ops = await e.cli(['backup', '--owner', 'nobody-here', '--all-projects'])
    expect(ops.code).to.not.equal(0)
    expect(ops.stderr).to.match(/nobody-here/)
  })

  it('never prints, logs or stores the token, and keeps its files private', async () => {
    const root = e.env.GITHUB_PM_HOME!
    const walk = async (dir: string): Promise<string[]> =>
      (await fs.readdir(dir, {withFileTypes: true})).flatMap((d) => [path.join(dir, d.name)]).length
        ? (
            await Promise.all(
              (await fs.readdir(dir, {withFileTypes: true})).map(async (d) =>
                d.isDirectory() ? [path.join(dir, d.name), ...(await walk(path.join(dir, d.name)))] : [path.join(dir, d.name)],
              ),
            )
          ).flat()
        : []
    const paths = await walk(root)
    expect(paths.length).to.be.greaterThan(5)
    for (const p of paths) {
      const stat = await fs.stat(p)
      expect(stat.mode & 0o077, p).to.equal(0)
      if (stat.isFile()) expect(await fs.readFile(p, 'utf8'), p).to.not.contain(TOKEN)
    }
    const audit = await fs.readFile(path.join(root, 'audit.log'), 'utf8')
    expect(audit).to.contain('"command":"backup:create"')
  })
})
