import {expect} from 'chai'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {runBackup} from '../../src/app/backup.js'
import {runCleanup} from '../../src/app/retention.js'
import {checkShadows, releaseShadows, pendingShadowsKey} from '../../src/app/shadow.js'
import {journalFor, openSession, repository, type Repository, type Session} from '../../src/app/session.js'
import {createClient, type GitHubClient} from '../../src/github/client.js'
import {GitHubError} from '../../src/github/errors.js'
import {resolveProject, type ProjectInfo} from '../../src/github/project-ref.js'
import {SHADOW_DOCUMENTS, shadowFingerprint} from '../../src/github/shadow.js'
import {githubSchema} from '../../src/sandbox/schema.js'
import type {Seed} from '../../src/sandbox/seed.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'
import {parse, validate} from 'graphql'

const TOKEN = 'ghp_SHADOWtoken0123456789abcdefghijklmnop'
const READ_ONLY = 'ghp_SHADOWreadonly0123456789abcdefghijklm'
const DAY = new Date('2026-12-08T09:30:00Z')

const SEED: Seed = {
  repositories: [{owner: 'acme', name: 'app', issues: [{title: 'One'}, {title: 'Two'}]}],
  projects: [
    {
      owner: 'acme',
      title: 'Roadmap',
      fields: [{name: 'Priority', type: 'SINGLE_SELECT', options: [{name: 'P0', color: 'RED'}, {name: 'P1'}]}],
      views: [
        {name: 'Board', layout: 'BOARD_LAYOUT', groupBy: ['Status'], uiConfig: {columnWidths: {Title: 300}, sliceBy: 'Priority', collapsedGroups: ['Done']}},
        {name: 'Table', visibleFields: ['Title', 'Priority']},
      ],
      workflows: [
        {name: 'Item closed', enabled: true, config: {set: {field: 'Status', value: 'Done'}}},
        {name: 'Auto-add to project', enabled: true, config: {repository: 'acme/app', filter: 'is:issue'}},
      ],
      insights: [{name: 'Burn up', config: {layout: 'line'}}],
      items: [{issue: 'acme/app#1', values: {Priority: 'P0'}}, {issue: 'acme/app#2'}, {draft: {title: 'Idea'}}],
    },
  ],
}

interface Env {
  sandbox: Sandbox
  session: Session
  client: GitHubClient
  repo: Repository
  project: ProjectInfo
  home: string
}

async function setup(): Promise<Env> {
  const sandbox = await startSandbox({
    backend: World.fromSeed(SEED),
    limits: 'off',
    tokens: {[TOKEN]: {login: 'octocat', scopes: ['repo', 'project', 'read:org']}, [READ_ONLY]: {login: 'octocat', scopes: ['repo', 'read:project', 'read:org']}},
  })
  const home = await mkdtemp(path.join(os.tmpdir(), 'github-pm-shadow-'))
  const env = {HOME: home, GITHUB_PM_HOME: path.join(home, '.github-pm'), GITHUB_API_URL: sandbox.url, GH_TOKEN: TOKEN}
  const session = await openSession({env, now: () => DAY, retryBaseMs: 1})
  const repo = await repository(session)
  const client = await createClient({apiUrl: sandbox.url, token: TOKEN, env: {}, retryBaseMs: 1, retryAfterUnitMs: 1})
  const project = await resolveProject(client, {kind: 'number', owner: 'acme', number: 1})
  return {sandbox, session, client, repo, project, home}
}

async function teardown(e: Env | undefined): Promise<void> {
  if (!e) return
  await e.sandbox.close()
  await rm(e.home, {recursive: true, force: true})
}

/** A project by node id, or null once it is deleted (GitHub answers NOT_FOUND). */
async function projectNode(client: GitHubClient, id: string): Promise<any> {
  const data = await client.graphql<any>(
    `query($id: ID!) { node(id: $id) { ... on ProjectV2 { id title closed public shortDescription items(first: 10) { totalCount } views(first: 10) { nodes { name } } } } }`,
    {id},
  ).catch((error) => {
    if (/Could not resolve to a node/.test(String(error?.message))) return {node: null}
    throw error
  })
  return data.node
}

async function ui(e: Env, id: string): Promise<any> {
  const response = await fetch(`${e.sandbox.url}/_sandbox/projects/${id}/ui`, {headers: {authorization: `bearer ${TOKEN}`}})
  return response.json()
}

async function ownerProjectTitles(client: GitHubClient): Promise<string[]> {
  const data = await client.graphql<any>('{ organization(login: "acme") { projectsV2(first: 50) { nodes { title } } } }')
  return data.organization.projectsV2.nodes.map((n: {title: string}) => n.title)
}

async function addView(e: Env, name: string): Promise<void> {
  await e.client.rest('POST /orgs/{org}/projectsV2/{project_number}/views', {org: 'acme', project_number: 1, name, layout: 'table'})
}

describe('shadow copies (backup side, on the sandbox)', function () {
  this.timeout(60_000)
  let e: Env | undefined

  afterEach(async () => {
    await teardown(e)
    e = undefined
  })

  it('sends only documents GitHub accepts', () => {
    for (const [name, text] of Object.entries(SHADOW_DOCUMENTS)) {
      expect(validate(githubSchema(), parse(text)).map((p) => p.message), name).to.deep.equal([])
    }
  })

  it('makes one closed, private shadow, reuses it while views and workflows are unchanged, makes a new one when they change, and cleanup deletes the one no kept backup names', async () => {
    e = await setup()
    const first = await runBackup(e.session, e.client, e.repo, {project: e.project, name: 'first', shadow: true})
    expect(first.warnings).to.deep.equal([])
    expect(first.shadow?.created).to.equal(true)
    const a = first.event.shadow!
    expect(a).to.deep.include({title: '[backup] Roadmap 2026-12-08', owner: 'acme', createdAt: DAY.toISOString()})
    expect(a.fingerprint).to.match(/^sha256:/)
    const node = await projectNode(e.client, a.id)
    expect(node).to.deep.include({title: '[backup] Roadmap 2026-12-08', closed: true, public: false})
    expect(node.shortDescription).to.match(/Shadow copy made by github-pm backup of .*Do not edit it/)
    expect(node.items.totalCount).to.equal(0) // no items, no drafts
    // what only the web UI holds came along; the auto-add workflow did not (GitHub docs)
    const held = await ui(e, a.id)
    expect(held.views[0].uiConfig).to.deep.equal({columnWidths: {Title: 300}, sliceBy: 'Priority', collapsedGroups: ['Done']})
    expect(held.workflows.find((w: any) => w.name === 'Item closed').config).to.deep.equal({set: {field: 'Status', value: 'Done'}})
    expect(held.workflows.find((w: any) => w.name === 'Auto-add to project')).to.deep.include({enabled: false, config: null})
    expect(held.insights).to.have.length(1)

    // nothing changed in views/workflows (an item value did): no new shadow, the same ref
    await e.client.graphql(`mutation($p: ID!) { addProjectV2DraftIssue(input: {projectId: $p, title: "More"}) { projectItem { id } } }`, {p: e.project.id})
    const second = await runBackup(e.session, e.client, e.repo, {project: e.project, name: 'second', shadow: true})
    expect(second.shadow).to.deep.equal({ref: a, created: false})
    expect(second.event.shadow).to.deep.equal(a)

    // a new view: a new shadow
    await addView(e, 'Triage')
    const third = await runBackup(e.session, e.client, e.repo, {project: e.project, name: 'third', shadow: true})
    const b = third.event.shadow!
    expect(third.shadow?.created).to.equal(true)
    expect(b.id).to.not.equal(a.id)
    expect(b.fingerprint).to.not.equal(a.fingerprint)
    expect((await projectNode(e.client, b.id)).views.nodes.map((v: {name: string}) => v.name)).to.deep.equal(['Board', 'Table', 'Triage'])

    // the shadow reproduces the fingerprint it was recorded with (what checkShadow relies on)
    const statuses = await checkShadows(e.session, (await journalFor(e.session, e.repo, e.project.id)).headers(), {client: e.client})
    expect(statuses.map((s) => [s.shadow.id, s.state, s.backups])).to.deep.equal([
      [a.id, 'ok', ['first', 'second']],
      [b.id, 'ok', ['third']],
    ])

    // a dry run says which shadow would go, and deletes nothing
    const dry = await runCleanup(e.session, e.repo, e.project.id, {keepLast: 1, keepNamed: false}, {dryRun: true})
    expect(dry.shadows).to.deep.include({dryRun: true})
    expect(dry.shadows?.deleted.map((s) => s.id)).to.deep.equal([a.id])
    expect((await projectNode(e.client, a.id)).title).to.equal(a.title)

    // cleanup keeps only the newest: shadow a is named by no kept backup and is deleted; b stays
    const cleanup = await runCleanup(e.session, e.repo, e.project.id, {keepLast: 1, keepNamed: false})
    expect(cleanup.removed).to.deep.equal(['first', 'second'])
    expect(cleanup.shadows?.deleted.map((s) => s.id)).to.deep.equal([a.id])
    expect(await projectNode(e.client, a.id)).to.equal(null)
    expect((await projectNode(e.client, b.id)).title).to.equal(b.title)
  })

  it('reports a shadow someone deleted or edited, and the next backup replaces a deleted one', async () => {
    e = await setup()
    const first = await runBackup(e.session, e.client, e.repo, {project: e.project, name: 'first', shadow: true})
    const a = first.event.shadow!
    // someone adds a view to the shadow: edited
    const shadowNumber = a.number
    await e.client.rest('POST /orgs/{org}/projectsV2/{project_number}/views', {org: 'acme', project_number: shadowNumber, name: 'Mine', layout: 'board'})
    let [status] = await checkShadows(e.session, [first.event], {client: e.client})
    expect(status.state).to.equal('edited')
    expect(status.details).to.match(/do not trust it for a restore; delete it on GitHub/)
    // someone deletes it: missing, and the next backup makes a fresh one even though nothing changed
    await e.client.graphql(`mutation($p: ID!) { deleteProjectV2(input: {projectId: $p}) { projectV2 { id } } }`, {p: a.id})
    ;[status] = await checkShadows(e.session, [first.event], {client: e.client})
    expect(status.state).to.equal('missing')
    const second = await runBackup(e.session, e.client, e.repo, {project: e.project, name: 'second', shadow: true})
    expect(second.shadow?.created).to.equal(true)
    expect(second.event.shadow!.id).to.not.equal(a.id)
    expect(second.event.shadow!.fingerprint).to.equal(a.fingerprint)
  })

  it('never fails a backup because of the shadow: no `project` scope warns once and records nothing', async () => {
    e = await setup()
    const readOnly = await createClient({apiUrl: e.sandbox.url, token: READ_ONLY, env: {}, retryBaseMs: 1, retryAfterUnitMs: 1})
    const result = await runBackup(e.session, readOnly, e.repo, {project: e.project, name: 'first', shadow: true})
    expect(result.event.shadow).to.equal(undefined)
    expect(result.shadow).to.deep.equal({ref: null, created: false})
    expect(result.warnings.join('\n')).to.match(/shadows need a token that can write projects \(the `project` scope\)/)
    const again = await runBackup(e.session, readOnly, e.repo, {project: e.project, name: 'second', shadow: true})
    expect(again.warnings).to.deep.equal([]) // said once per run
    expect(await ownerProjectTitles(e.client)).to.deep.equal(['Roadmap'])
    // shadows off (the default): nothing is made, no field in the result
    const off = await runBackup(e.session, e.client, e.repo, {project: e.project, name: 'third'})
    expect(off.shadow).to.equal(undefined)
    expect(off.event.shadow).to.equal(undefined)
  })

  it('a lost copy answer is settled by re-reading, not by copying twice', async () => {
    e = await setup()
    const real = e.client
    let lost = 0
    const flaky: GitHubClient = {
      stats: real.stats,
      endpoints: real.endpoints,
      rest: (route, params) => real.rest(route, params),
      graphql: async (query, variables) => {
        const answer = await real.graphql(query, variables)
        if (query.includes('mutation ShadowCopy') && lost++ === 0) throw new GitHubError('ambiguous', 'copyProjectV2 may or may not have been applied')
        return answer
      },
    }
    const result = await runBackup(e.session, flaky, e.repo, {project: e.project, name: 'first', shadow: true})
    expect(lost).to.equal(1)
    expect(result.shadow?.created).to.equal(true)
    expect((await ownerProjectTitles(e.client)).filter((t) => t.startsWith('[backup]'))).to.deep.equal(['[backup] Roadmap 2026-12-08'])
    expect((await projectNode(e.client, result.event.shadow!.id)).closed).to.equal(true)
  })

  it('a failed shadow delete is reported, remembered and retried by the next release', async () => {
    e = await setup()
    const first = await runBackup(e.session, e.client, e.repo, {project: e.project, name: 'first', shadow: true})
    const real = e.client
    const failing: GitHubClient = {
      stats: real.stats,
      endpoints: real.endpoints,
      rest: (route, params) => real.rest(route, params),
      graphql: async (query, variables) => {
        if (query.includes('mutation ShadowDelete')) throw new GitHubError('forbidden', 'Resource not accessible by integration')
        return real.graphql(query, variables)
      },
    }
    const journal = await journalFor(e.session, e.repo, e.project.id)
    await journal.delete('first')
    const failed = await releaseShadows(e.session, e.repo, e.project.id, [first.event], {client: failing})
    expect(failed?.failed.map((f) => f.shadow.id)).to.deep.equal([first.event.shadow!.id])
    expect(await e.repo.backend.get(pendingShadowsKey(e.project.id))).to.not.equal(undefined)
    expect((await projectNode(e.client, first.event.shadow!.id)).closed).to.equal(true)
    // the next cleanup (nothing to remove) retries it
    await runBackup(e.session, e.client, e.repo, {project: e.project, name: 'second'})
    const retried = await runCleanup(e.session, e.repo, e.project.id, {keepLast: 5})
    expect(retried.removed).to.deep.equal([])
    expect(retried.shadows?.deleted.map((s) => s.id)).to.deep.equal([first.event.shadow!.id])
    expect(await projectNode(e.client, first.event.shadow!.id)).to.equal(null)
    expect(await e.repo.backend.get(pendingShadowsKey(e.project.id))).to.equal(undefined)
  })

  it('fingerprints only what a copy carries: ids, numbers and auto-add workflows do not count', () => {
    const state = {
      fields: {F1: {id: 'F1', name: 'Status', dataType: 'SINGLE_SELECT' as const, options: {a: {id: 'a', name: 'Todo', description: '', color: 'GRAY' as const, position: 0}}}},
      views: {'1': {id: 'V1', number: 1, name: 'Board', layout: 'BOARD_LAYOUT' as const, filter: null, visibleFields: ['Title'], sortBy: [], groupBy: ['Status'], verticalGroupBy: []}},
      workflows: {'1': {id: 'W1', number: 1, name: 'Item closed', enabled: true}, '2': {id: 'W2', number: 2, name: 'Auto-add to project', enabled: true}},
    }
    const copy = {
      fields: {F9: {...state.fields.F1, id: 'F9', options: {z: {...state.fields.F1.options.a, id: 'z'}}}},
      views: {'5': {...state.views['1'], id: 'V9', number: 5}},
      workflows: {'3': {id: 'W9', number: 3, name: 'Item closed', enabled: true}, '4': {id: 'W8', number: 4, name: 'Auto-add to project', enabled: false}},
    }
    expect(shadowFingerprint(copy)).to.equal(shadowFingerprint(state))
    expect(shadowFingerprint({...state, views: {'1': {...state.views['1'], filter: 'is:open'}}})).to.not.equal(shadowFingerprint(state))
    expect(shadowFingerprint({...state, views: undefined})).to.equal(undefined)
  })
})
