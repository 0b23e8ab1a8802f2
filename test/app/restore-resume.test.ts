import {expect} from 'chai'
import {runBackup} from '../../src/app/backup.js'
import path from 'node:path'
import {disaster} from '../../src/app/demo.js'
import {applyRestore, loadDesired, prepareRestore, restoresDir, type ApplyOutcome, type RestoreRequest} from '../../src/app/restore.js'
import {journalFor, openSession, repository} from '../../src/app/session.js'
import {captureProject} from '../../src/github/capture.js'
import {createClient, type GitHubClient} from '../../src/github/client.js'
import {resolveProject} from '../../src/github/project-ref.js'
import {normalizeState} from '../../src/model/normalize.js'
import type {ProjectState} from '../../src/model/state.js'
import {FileProgressStore} from '../../src/plan/apply.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {startE2E, TOKEN, type E2E} from '../helpers/e2e.js'

/**
 * A client whose mutations fail once `failAfter` of them went through: GitHub going away halfway. `onBreak` runs once,
 * when the first mutation fails (someone editing the project while the restore is down).
 */
function breakingClient(client: GitHubClient, failAfter: number, onBreak?: () => Promise<void>): GitHubClient {
  let mutations = 0
  let broken = false
  return {
    ...client,
    stats: client.stats,
    endpoints: client.endpoints,
    rest: (route, params) => client.rest(route, params),
    graphql: async (query, variables) => {
      if (/^\s*mutation/.test(query) && ++mutations > failAfter) {
        if (!broken && onBreak) {
          broken = true
          await onBreak()
        }
        throw new Error('connection reset by peer')
      }
      return client.graphql(query, variables)
    },
  }
}

const same = (a: ProjectState, b: ProjectState) => canonicalJson(normalizeState(a)) === canonicalJson(normalizeState(b))

describe('restore into a new project, interrupted', function () {
  this.timeout(120_000)
  let e: E2E
  before(async () => {
    e = await startE2E()
  })
  after(async () => e.close())

  it('resumes into the project the first run created instead of creating another', async () => {
    const session = await openSession({env: e.env})
    const repo = await repository(session)
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    const project = await resolveProject(client, {kind: 'number', owner: 'acme', number: 1})
    await runBackup(session, client, repo, {project, name: 'source'})
    const request = {backup: 'source', project: project.id, to: 'new:octocat', adaptEnvironment: true, diff: {}}

    const first = await applyRestore(session, breakingClient(client, 5), repo, await prepareRestore(session, client, repo, request))
    expect(first.record.status).to.equal('failed')
    expect(first.result.failed.length).to.be.greaterThan(0)
    const created = first.target.url

    const second = await applyRestore(session, client, repo, await prepareRestore(session, client, repo, request))
    expect(second.target.url).to.equal(created)
    expect(second.resumed).to.equal(true)
    expect(second.record.status).to.equal('done')
    const projects = await e.gql(`{ user(login: "octocat") { projectsV2(first: 10) { totalCount } } }`)
    expect(projects.user.projectsV2.totalCount).to.equal(1)
  })
})

describe('resuming an interrupted restore is never stale', function () {
  this.timeout(180_000)
  let e: E2E

  beforeEach(async () => {
    e = await startE2E()
  })
  afterEach(async () => e.close())

  async function setup() {
    const session = await openSession({env: e.env})
    const repo = await repository(session)
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    const project = await resolveProject(client, {kind: 'number', owner: 'acme', number: 1})
    await runBackup(session, client, repo, {project, name: 'good'})
    await disaster(client, project.id)
    const request: RestoreRequest = {backup: 'good', project: project.id, diff: {}}
    const restore = async (c: GitHubClient) => applyRestore(session, c, repo, await prepareRestore(session, client, repo, request))
    const live = async () => (await captureProject(client, project.id)).state
    const wanted = async () => journalFor(session, repo, project.id).then((j) => j.state(j.find('good')))
    return {session, repo, client, project, request, restore, live, wanted}
  }

  it('drill: edits during and after an interrupted restore are kept in a safety backup, and reruns converge', async () => {
    const {session, repo, client, project, request, restore, live, wanted} = await setup()
    const issue5 = (await e.gql(`{ repository(owner: "acme", name: "app") { issue(number: 5) { id } } }`)).repository.issue.id
    // the restore goes down after its sixth mutation request; meanwhile someone retitles issue #5
    const first = await restore(
      breakingClient(client, 6, async () => {
        await e.gql(`mutation($id: ID!) { updateIssue(input: {id: $id, title: "edited during the restore"}) { issue { id } } }`, {id: issue5})
      }),
    )
    expect(first.record.status).to.equal('failed')
    const firstSafety = first.record.safetyBackup
    expect(firstSafety).to.match(/^pre-restore-/)
    // after the interruption, someone changes a value the interrupted run had already set
    const progress = await new FileProgressStore(path.join(restoresDir(e.env), `${first.record.key}.progress.json`)).completed()
    const setKey = [...progress.keys()].map((k) => /^value\.set:(https:\/\/.+):Status$/.exec(k)?.[1]).find(Boolean)
    expect(setKey, `a Status value set by the interrupted run in ${[...progress.keys()].join(', ')}`).to.be.a('string')
    const now = await live()
    const status = Object.values(now.fields).find((f) => f.name === 'Status')!
    const item = now.items![setKey!]
    const current = (item.values[status.id] as {name?: string} | undefined)?.name
    const other = Object.values(status.options!).find((o) => o.name !== current)!
    await e.gql(
      `mutation($p: ID!, $i: ID!, $f: ID!, $o: String!) { updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: {singleSelectOptionId: $o}}) { projectV2Item { id } } }`,
      {p: project.id, i: item.id, f: status.id, o: other.id},
    )

    // reruns until the plan is empty: bounded
    const runs: ApplyOutcome[] = []
    while (runs.length < 3) {
      const run = await restore(client)
      runs.push(run)
      if (run.record.status === 'done' && run.remaining.operations.length === 0) break
    }
    const last = runs.at(-1)!
    expect(last.record.status, JSON.stringify(last.remaining.summary)).to.equal('done')
    expect(runs.length).to.be.at.most(2)
    expect(same(await live(), await wanted())).to.equal(true)
    expect(((await live()).items![setKey!].values[status.id] as {name: string}).name).to.not.equal(other.name)

    // the resumed run saw what changed and kept it: its own safety backup holds both edits
    const resumed = runs[0]
    expect(resumed.resumed).to.equal(true)
    expect(resumed.result.skipped).to.equal(0)
    const changed = resumed.changedSinceInterruption
    expect(changed, changed.join()).to.include('item https://github.com/acme/app/issues/5: content')
    expect(changed, changed.join()).to.include(`item ${setKey}: value Status`)
    const kept = resumed.record.resumeBackups!.at(-1)!
    const journal = await journalFor(session, repo, project.id)
    const backup = await journal.state(journal.find(kept))
    expect(backup.items!['https://github.com/acme/app/issues/5'].content!.title).to.equal('edited during the restore')
    expect((backup.items![setKey!].values[status.id] as {name: string}).name).to.equal(other.name)
    // --undo goes back to before the restore's first run, not to the half-restored project
    expect((await loadDesired(session, repo, {...request, undo: true})).source.name).to.equal(firstSafety)
  })

  it('a resume with nothing changed since the interruption takes no second safety backup', async () => {
    const {restore, live, wanted} = await setup()
    const first = await restore(breakingClient(client(), 3))
    expect(first.record.status).to.equal('failed')
    const second = await restore(client())
    expect(second.resumed).to.equal(true)
    expect(second.changedSinceInterruption).to.deep.equal([])
    expect(second.record.resumeBackups).to.equal(undefined)
    expect(second.record.safetyBackup).to.equal(first.record.safetyBackup)
    expect(second.record.status).to.equal('done')
    expect(same(await live(), await wanted())).to.equal(true)
  })

  let cached: GitHubClient | undefined
  function client(): GitHubClient {
    return cached!
  }
  beforeEach(async () => {
    cached = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
  })
})
