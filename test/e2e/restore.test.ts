import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {expect} from 'chai'
import {disaster} from '../../src/app/demo.js'
import {openJournal} from '../../src/journal/journal.js'
import {normalizeState} from '../../src/model/normalize.js'
import type {ProjectState} from '../../src/model/state.js'
import {openRepository} from '../../src/storage/repository.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {createClient} from '../../src/github/client.js'
import {captureProject} from '../../src/github/capture.js'
import {backupInProcess, json, startE2E, TOKEN, type E2E} from '../helpers/e2e.js'

const PROJECT = `{ organization(login: "acme") { projectV2(number: 1) { id } } }`

async function live(e: E2E, projectId: string): Promise<ProjectState> {
  const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
  return (await captureProject(client, projectId)).state
}

async function backupState(e: E2E, projectId: string, name: string): Promise<ProjectState> {
  const repo = await openRepository('local', e.env)
  const journal = await openJournal(repo.backend, projectId, {codec: repo.codec})
  return journal.state(journal.find(name))
}

async function backupHeader(e: E2E, projectId: string, name: string) {
  const repo = await openRepository('local', e.env)
  return (await openJournal(repo.backend, projectId, {codec: repo.codec})).find(name)
}

const same = (a: ProjectState, b: ProjectState) => canonicalJson(normalizeState(a)) === canonicalJson(normalizeState(b))

async function itemIds(e: E2E, projectId: string): Promise<Record<string, {id: string; status: string | null; priority: string | null}>> {
  const data = await e.gql(
    `query($id: ID!) { node(id: $id) { ... on ProjectV2 { items(first: 100, archivedStates: [ARCHIVED, NOT_ARCHIVED]) { nodes { id
      status: fieldValueByName(name: "Status") { ... on ProjectV2ItemFieldSingleSelectValue { name } }
      priority: fieldValueByName(name: "Priority") { ... on ProjectV2ItemFieldSingleSelectValue { name } }
      content { ... on Issue { number } ... on PullRequest { number } ... on DraftIssue { title } } } } } } }`,
    {id: projectId},
  )
  return Object.fromEntries(
    data.node.items.nodes.map((n: any) => [
      n.content?.number ? `#${n.content.number}` : `draft:${n.content?.title}`,
      {id: n.id, status: n.status?.name ?? null, priority: n.priority?.name ?? null},
    ]),
  )
}

/**
 * A loopback proxy in front of the sandbox that holds the first mutation request until `release()`: a restore that
 * reaches it is mid-apply (its plan made, its lock taken) for as long as the test wants, with no timing involved.
 */
async function holdingProxy(target: string): Promise<{url: string; held: Promise<void>; release(): void; close(): Promise<void>}> {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  let reached!: () => void
  const held = new Promise<void>((resolve) => (reached = resolve))
  let holding = false
  const base = new URL(target)
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    let query = ''
    try {
      query = String(JSON.parse(body.toString('utf8') || '{}').query ?? '')
    } catch {
      // a REST body
    }
    if (!holding && /^\s*mutation/.test(query)) {
      holding = true
      reached()
      await gate
    }
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v
    }
    const answer = await fetch(`${base.origin}${req.url}`, {method: req.method, headers, body: ['GET', 'HEAD'].includes(req.method ?? 'GET') ? undefined : body})
    const out: Record<string, string> = {}
    answer.headers.forEach((v, k) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(k)) out[k] = v
    })
    res.writeHead(answer.status, out)
    res.end(Buffer.from(await answer.arrayBuffer()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}${base.pathname.replace(/\/$/, '')}`,
    held,
    release,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe('restore through the CLI against the sandbox', function () {
  this.timeout(180_000)
  let e: E2E
  let projectId: string

  beforeEach(async () => {
    e = await startE2E()
    projectId = (await e.gql(PROJECT)).organization.projectV2.id
    // the backup every test restores from: made in this process (test/e2e/backup.test.ts runs `backup create` itself)
    expect((await backupInProcess(e, 'good')).event.name).to.equal('good')
  })
  afterEach(async () => e.close())

  it('brings back replaced options, a deleted field, deleted items and drafts, and settings, then proves it', async () => {
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    await disaster(client, projectId)
    const damaged = await itemIds(e, projectId)
    expect(Object.values(damaged).every((i) => i.status === null)).to.equal(true)
    const dry = await e.cli(['restore', 'good', '--dry-run', '--project', 'acme/1'])
    expect(dry.code, dry.stderr).to.equal(0)
    expect(dry.stdout).to.contain('+ create field "Notes"')
    expect(dry.stdout).to.contain('+ create draft "Idea: restore dashboards"')
    const mutationsBefore = e.sandbox.stats.mutationRequests
    expect(e.sandbox.stats.mutationRequests).to.equal(mutationsBefore) // the dry run changed nothing
    // as a process (bin/run.js): restore's smoke test of the bin path; the other runs are in-process
    const r = await e.cliProcess(['restore', '--yes', 'good', '--project', 'acme/1', '--json'])
    expect(r.code, r.stderr + r.stdout).to.equal(0)
    const out = json(r.stdout)
    expect(out.status).to.equal('done')
    expect(out.record.safetyBackup).to.match(/^pre-restore-/)
    expect(same(await live(e, projectId), await backupState(e, projectId, 'good'))).to.equal(true)
    const restored = await itemIds(e, projectId)
    expect(restored['#1'].status).to.equal('Backlog')
    expect(restored['draft:Idea: restore dashboards'].status).to.equal('Backlog')
    // the safety backup holds the damaged project: restoring it undoes the restore
    const undo = await e.cli(['restore', '--yes', out.record.safetyBackup, '--project', 'acme/1', '--confirm-destructive'])
    expect(undo.code, undo.stderr).to.equal(0)
    expect((await itemIds(e, projectId))['#1'].status).to.equal(null)
  })

  it('restoring an unchanged project sends no mutation at all', async () => {
    const before = e.sandbox.stats.mutationRequests
    const r = await e.cli(['restore', '--yes', 'latest', '--project', 'acme/1'])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.contain('applied 0 operations')
    expect(e.sandbox.stats.mutationRequests).to.equal(before)
  })

  it('plan, confirm, apply: without a terminal and without --yes it refuses and changes nothing', async () => {
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    await disaster(client, projectId)
    const before = e.sandbox.stats.mutationRequests
    const r = await e.cli(['restore', 'good', '--project', 'acme/1'])
    expect(r.code).to.not.equal(0)
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('Error') || l.includes('--yes'))
    expect(lines).to.have.length(1)
    expect(lines[0]).to.match(/would make \d+ change\(s\).*pass --yes.*nothing was changed/)
    expect(e.sandbox.stats.mutationRequests).to.equal(before)
    const listed = await e.cli(['backup', 'list', '--project', 'acme/1', '--json'])
    expect(listed.stdout).to.not.contain('pre-restore-') // not even a safety backup
  })

  it('--dry-run --out saves the plan; --plan applies exactly it, and refuses once the project changed', async () => {
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    await disaster(client, projectId)
    const file = `${e.env.GITHUB_PM_HOME}/plan.json`
    const dry = await e.cli(['restore', 'good', '--dry-run', '--out', file, '--project', 'acme/1'])
    expect(dry.code, dry.stderr).to.equal(0)
    expect(dry.stdout).to.contain(`restore --plan ${file}`)
    // someone edits the project: the saved plan no longer describes what it would do
    const issue = (await e.gql(`{ repository(owner: "acme", name: "app") { issue(number: 5) { id } } }`)).repository.issue.id
    await e.gql(`mutation($id: ID!) { updateIssue(input: {id: $id, title: "edited meanwhile"}) { issue { id } } }`, {id: issue})
    const before = e.sandbox.stats.mutationRequests
    const stale = await e.cli(['restore', '--plan', file, '--project', 'acme/1'])
    expect(stale.code).to.not.equal(0)
    expect(stale.stderr).to.match(/changed since plan .* was made/)
    expect(e.sandbox.stats.mutationRequests).to.equal(before)
    // a fresh plan applies as saved, without asking (the plan was the review)
    const again = await e.cli(['restore', 'good', '--dry-run', '--out', file, '--project', 'acme/1'])
    expect(again.code, again.stderr).to.equal(0)
    const r = await e.cli(['restore', '--plan', file, '--project', 'acme/1', '--json'])
    expect(r.code, r.stderr + r.stdout).to.equal(0)
    expect(json(r.stdout).status).to.equal('done')
    const plan = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(file, 'utf8')))
    expect(json(r.stdout).record.applied).to.equal(plan.plan.operations.length)
  })

  it('"verified" only when verified: a duplicated draft the backup has once is reported, not hidden', async () => {
    const drafts = Object.keys(await itemIds(e, projectId)).filter((k) => k.startsWith('draft:'))
    const title = drafts[0].slice('draft:'.length)
    await e.gql(`mutation($p: ID!, $t: String!) { addProjectV2DraftIssue(input: {projectId: $p, title: $t}) { projectItem { id } } }`, {p: projectId, t: title})
    const r = await e.cli(['restore', '--yes', 'good', '--project', 'acme/1'])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.not.match(/^verified/m)
    expect(r.stdout).to.contain('not verified')
    expect(r.stdout).to.contain(`draft "${title}"`)
    expect(r.stdout).to.contain('over the whole project')
    // a restore that does make the project equal says what it compared
    const field = await e.cli(['restore', '--yes', 'good', '--fields=status', '--project', 'acme/1'])
    expect(field.stdout).to.match(/verified: \S+ equals backup good over the selection, field\(s\) status/)
  })

  it('restore --undo restores the safety backup of the last restore', async () => {
    const issue = (await e.gql(`{ repository(owner: "acme", name: "app") { issue(number: 5) { id } } }`)).repository.issue.id
    await e.gql(`mutation($id: ID!) { updateIssue(input: {id: $id, title: "work done since"}) { issue { id } } }`, {id: issue})
    const r = await e.cli(['restore', '--yes', 'good', '--project', 'acme/1'])
    expect(r.code, r.stderr).to.equal(0)
    expect((await live(e, projectId)).items!['https://github.com/acme/app/issues/5'].content!.title).to.not.equal('work done since')
    const undo = await e.cli(['restore', '--undo', '--yes', '--project', 'acme/1'])
    expect(undo.code, undo.stderr).to.equal(0)
    expect((await live(e, projectId)).items!['https://github.com/acme/app/issues/5'].content!.title).to.equal('work done since')
  })

  it('puts back vandalised issue titles, bodies and archived items', async () => {
    const issue = (await e.gql(`{ repository(owner: "acme", name: "app") { issue(number: 5) { id } } }`)).repository.issue.id
    await e.gql(`mutation($id: ID!) { updateIssue(input: {id: $id, title: "lol", body: "gone"}) { issue { id } } }`, {id: issue})
    const ids = await itemIds(e, projectId)
    await e.gql(`mutation($p: ID!, $i: ID!) { archiveProjectV2Item(input: {projectId: $p, itemId: $i}) { item { id } } }`, {p: projectId, i: ids['#7'].id})
    await e.gql(`mutation($p: ID!, $i: ID!) { unarchiveProjectV2Item(input: {projectId: $p, itemId: $i}) { item { id } } }`, {p: projectId, i: ids['#12'].id})
    const r = await e.cli(['restore', '--yes', 'good', '--project', 'acme/1'])
    expect(r.code, r.stderr).to.equal(0)
    const after = await live(e, projectId)
    const item5 = after.items!['https://github.com/acme/app/issues/5'].content!
    expect(item5.title).to.equal('Journal: keyframes')
    expect(item5.body).to.contain('Part of the backup roadmap')
    expect(after.items!['https://github.com/acme/app/issues/7'].archived).to.equal(false)
    expect(after.items!['https://github.com/acme/app/issues/12'].archived).to.equal(true)
  })

  it('partial and selective restores touch only what they name', async () => {
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    await disaster(client, projectId)
    const config = await e.cli(['restore', '--yes', 'good', '--partial=config', '--project', 'acme/1'])
    expect(config.code, config.stderr).to.equal(0)
    let now = await live(e, projectId)
    expect(now.project.title).to.equal('Roadmap')
    expect(Object.values(now.fields).some((f) => f.name === 'Notes')).to.equal(false)
    expect((await itemIds(e, projectId))['#1'].status).to.equal(null)

    const status = await e.cli(['restore', '--yes', 'good', '--fields=status', '--issues=1,3', '--project', 'acme/1'])
    expect(status.code, status.stderr).to.equal(0)
    const values = await itemIds(e, projectId)
    expect(values['#1'].status).to.equal('Backlog')
    expect(values['#3'].status).to.equal('Review')
    expect(values['#4'].status).to.equal(null)
    now = await live(e, projectId)
    expect(Object.values(now.fields).some((f) => f.name === 'Notes')).to.equal(false)

    const rest = await e.cli(['restore', '--yes', 'good', '--exclude-issues=4', '--project', 'acme/1'])
    expect(rest.code, rest.stderr).to.equal(0)
    const all = await itemIds(e, projectId)
    expect(all['#5'].status).to.equal('Backlog')
    expect(all['#4'].status).to.equal(null)
  })

  it('restores the project as it was at an earlier time (--at)', async () => {
    // the time of the backup 'good' itself ("at or before"): every later backup is taken after it, with no wait
    const between = (await backupHeader(e, projectId, 'good')).timestamp
    await e.gql(`mutation($id: ID!) { updateProjectV2(input: {projectId: $id, title: "Second title"}) { projectV2 { id } } }`, {id: projectId})
    expect((await e.cli(['backup', 'create', 'second', '--project', 'acme/1'])).code).to.equal(0)
    expect(Date.parse((await backupHeader(e, projectId, 'second')).timestamp)).to.be.greaterThan(Date.parse(between))
    await e.gql(`mutation($id: ID!) { updateProjectV2(input: {projectId: $id, title: "Third title"}) { projectV2 { id } } }`, {id: projectId})
    const r = await e.cli(['backup', 'restore', '--yes', '--at', between, '--project', 'acme/1'])
    expect(r.code, r.stderr).to.equal(0)
    expect((await live(e, projectId)).project.title).to.equal('Roadmap')
    const r2 = await e.cli(['backup:restore', '--yes', 'second', '--project', 'acme/1'])
    expect(r2.code, r2.stderr).to.equal(0)
    expect((await live(e, projectId)).project.title).to.equal('Second title')
  })

  it('migrates the project into a new project under another owner', async () => {
    // the plan for a project still to be created is the one applied once it exists: no false warnings in it either
    const dry = await e.cli(['restore', 'good', '--dry-run', '--project', 'acme/1', '--to', 'new:octocat'])
    expect(dry.code, dry.stderr).to.equal(0)
    expect(dry.stdout).to.not.match(/built in and cannot be created|Workflows settings|without field\(s\) 'Title'/)
    expect(dry.stdout.match(/View 1/g)).to.have.length(1)
    const r = await e.cli(['restore', '--yes', 'good', '--project', 'acme/1', '--to', 'new:octocat', '--adapt-environment', '--json'])
    expect(r.code, r.stderr + r.stdout).to.equal(0)
    const out = json(r.stdout)
    expect(out.record.target.url).to.match(/\/users\/octocat\/projects\/\d+$/)
    const target = await live(e, out.record.target.id)
    const source = await backupState(e, projectId, 'good')
    const strip = (s: ProjectState) => {
      const n = normalizeState(s) as any
      delete n.project.owner
      delete n.workflows // workflows cannot be configured through any API: reported, not migrated
      delete n.statusUpdates
      delete n.repositories // a project links only repositories and teams of its own owner: reported
      delete n.teams
      delete n.views['View 1'] // the new project's default view: no API deletes a view (listed as a conflict)
      n.views.Timeline.visibleFields = [] // not settable on roadmap views through the API (warned)
      return canonicalJson(n)
    }
    expect(out.warnings.join('\n')).to.match(/repository acme\/app cannot be linked/)
    expect(out.warnings.join('\n')).to.match(/view 'Timeline' is a roadmap/)
    // nothing GitHub makes by itself in a new project is warned about (built-in fields, workflows, the Title column);
    // its default view, which no API deletes, is one manual step
    expect(out.warnings.join('\n')).to.not.match(/built in and cannot be created|workflow '.*' does not exist|without field\(s\) 'Title'/)
    const manual = (out.differences as string[]).filter((d) => d.includes('View 1'))
    expect(manual).to.deep.equal(['view View 1: GitHub made it with the new project and no API deletes a view: delete it by hand in the project'])
    expect(out.warnings.join('\n')).to.not.contain('View 1')
    expect(Object.keys(target.items!)).to.have.length(Object.keys(source.items!).length)
    const {create} = await import('jsondiffpatch')
    expect(JSON.stringify(create().diff(JSON.parse(strip(source)), JSON.parse(strip(target))) ?? null)).to.equal("null")
  })

  it('restores from an exported document on a machine without the journal (--from-file)', async () => {
    const file = `${e.home}/good.json`
    expect((await e.cli(['backup', 'export', 'good', '--out', file, '--project', 'acme/1'])).code).to.equal(0)
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    await disaster(client, projectId)
    // another machine: a fresh home with no backups at all
    const elsewhere = {GITHUB_PM_HOME: `${e.home}/other-machine`}
    const r = await e.cli(['restore', '--yes', '--from-file', file], elsewhere)
    expect(r.code, r.stderr).to.equal(0)
    expect(same(await live(e, projectId), await backupState(e, projectId, 'good'))).to.equal(true)
  })

  it('selections that select nothing fail in one line with the names that exist, changing nothing', async () => {
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    await disaster(client, projectId)
    const before = e.sandbox.stats.mutationRequests
    const typo = await e.cli(['restore', '--yes', 'good', '--fields=stauts', '--project', 'acme/1'])
    expect(typo.code).to.not.equal(0)
    expect(typo.stderr.trim().split('\n')).to.have.length(1)
    expect(typo.stderr).to.contain("no field 'stauts' in backup good: did you mean Status?")
    const none = await e.cli(['restore', '--yes', 'good', '--issues=999', '--project', 'acme/1'])
    expect(none.code).to.not.equal(0)
    expect(none.stderr.trim().split('\n')).to.have.length(1)
    expect(none.stderr).to.contain('no issue 999 in backup good')
    const dry = await e.cli(['restore', 'good', '--dry-run', '--issues=1,999', '--project', 'acme/1'])
    expect(dry.code).to.not.equal(0)
    expect(dry.stderr).to.contain('no issue 999 in backup good')
    expect(e.sandbox.stats.mutationRequests).to.equal(before)
    expect((await itemIds(e, projectId))['#1'].status).to.equal(null)
  })

  it('--project with --from-file is the project restored into', async () => {
    const file = `${e.home}/good.json`
    expect((await e.cli(['backup', 'export', 'good', '--out', file, '--project', 'acme/1'])).code).to.equal(0)
    const org = (await e.gql(`{ organization(login: "acme") { id } }`)).organization.id
    const made = await e.gql(`mutation($o: ID!) { createProjectV2(input: {ownerId: $o, title: "Copy"}) { projectV2 { id number } } }`, {o: org})
    const copy = made.createProjectV2.projectV2
    const source = canonicalJson(normalizeState(await live(e, projectId)))
    const r = await e.cli(['restore', '--yes', '--from-file', file, '--project', `acme/${copy.number}`, '--json'], {GITHUB_PM_HOME: `${e.home}/other-machine`})
    expect(r.code, r.stderr).to.equal(0)
    expect(json(r.stdout).record.target.id).to.equal(copy.id)
    const target = await live(e, copy.id)
    expect(Object.values(target.fields).map((f) => f.name)).to.include('Notes')
    expect(Object.keys(target.items!)).to.include('https://github.com/acme/app/issues/5')
    // the project the file was exported from is not touched
    expect(canonicalJson(normalizeState(await live(e, projectId)))).to.equal(source)
  })

  it('one restore per project at a time: a second one started meanwhile refuses at once, naming the holder; no duplicated draft', async () => {
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    await disaster(client, projectId)
    const proxy = await holdingProxy(e.sandbox.url)
    try {
      // the first restore plans, takes its safety backup and is held at its first mutation
      const first = e.cli(['restore', '--yes', 'good', '--project', 'acme/1'], {GITHUB_API_URL: proxy.url})
      await proxy.held
      const second = await e.cli(['restore', '--yes', 'good', '--project', 'acme/1'])
      expect(second.code).to.not.equal(0)
      const lines = second.stderr.trim().split('\n')
      expect(lines, second.stderr).to.have.length(1)
      expect(lines[0]).to.match(/another restore of \S+ is running \(pid \d+ on \S+, since [^)]+\).*nothing was changed/)
      proxy.release()
      const done = await first
      expect(done.code, done.stderr).to.equal(0)
    } finally {
      proxy.release()
      await proxy.close()
    }
    const drafts = Object.values((await live(e, projectId)).items!).filter((i) => i.draft?.title === 'Idea: restore dashboards')
    expect(drafts).to.have.length(1)
    expect(same(await live(e, projectId), await backupState(e, projectId, 'good'))).to.equal(true)
    // the lock ends with the restore: the next one runs
    const again = await e.cli(['restore', '--yes', 'good', '--project', 'acme/1'])
    expect(again.code, again.stderr).to.equal(0)
  })

  it('--test-only prints the spec report and changes nothing on the live project', async () => {
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    await disaster(client, projectId)
    const before = canonicalJson(e.world.toJSON())
    const r = await e.cli(['restore', 'good', '--test-only', '--project', 'acme/1'])
    expect(r.code, r.stderr).to.equal(0)
    const report = json(r.stdout)
    expect(report.restore_plan).to.include.keys('fields_to_restore', 'issues_to_update', 'conflicts', 'estimated_time')
    expect(report.restore_plan.fields_to_restore).to.be.greaterThan(0)
    expect(report.rehearsal.equal).to.equal(true)
    expect(canonicalJson(e.world.toJSON())).to.equal(before)
  })

  describe('on GitHub Enterprise Server 3.16 (no updateProjectV2Field)', () => {
    it('stops before changing anything, with one line saying what cannot be restored and what to do', async () => {
      const ghes = await startE2E(undefined, {ghes: '3.16'})
      try {
        const id = (await ghes.gql(PROJECT)).organization.projectV2.id
        expect((await ghes.cli(['backup', 'create', 'good', '--project', 'acme/1'])).code).to.equal(0)
        const refused = await ghes.gql(`mutation { updateProjectV2Field(input: {fieldId: "x"}) { clientMutationId } }`).catch((error: Error) => error.message)
        expect(refused).to.contain("Field 'updateProjectV2Field' doesn't exist on type 'Mutation'")
        // an option was renamed in the web UI (no API can do it here)
        const project = ghes.world.model.store.projects[id]
        const status = ghes.world.model.fieldOfName(project, 'Status')!
        ghes.world.model.replaceOptions(status, status.options!.map((o, i) => ({...o, name: i === 0 ? 'Renamed' : o.name})))
        const before = ghes.sandbox.stats.mutationRequests
        const r = await ghes.cli(['restore', '--yes', 'good', '--project', 'acme/1'])
        expect(r.code, r.stdout + r.stderr).to.not.equal(0)
        const lines = r.stderr.trim().split('\n')
        expect(lines, r.stderr).to.have.length(1)
        expect(lines[0]).to.contain('updateProjectV2Field').and.contain("the options of 'Status'").and.contain('--partial=config,issues').and.contain('nothing was changed')
        expect(ghes.sandbox.stats.mutationRequests).to.equal(before)
        // the rest can be restored: everything but the field definitions
        const partial = await ghes.cli(['restore', '--yes', 'good', '--project', 'acme/1', '--partial', 'config,issues'])
        expect(partial.code, partial.stderr).to.equal(0)
        expect(partial.stdout).to.not.contain('updateProjectV2Field')
      } finally {
        await ghes.close()
      }
    })
  })
})
