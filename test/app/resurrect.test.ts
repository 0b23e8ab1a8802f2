import {expect} from 'chai'
import {applyRestore, prepareRestore, type RestoreRequest} from '../../src/app/restore.js'
import type {ShadowRef} from '../../src/app/resurrect.js'
import {runBackup} from '../../src/app/backup.js'
import {journalFor, openSession, repository, writeJournal, type Repository, type Session} from '../../src/app/session.js'
import {captureProject} from '../../src/github/capture.js'
import {createClient, type GitHubClient} from '../../src/github/client.js'
import {resolveProject, type ProjectInfo} from '../../src/github/project-ref.js'
import {normalizeState} from '../../src/model/normalize.js'
import type {ProjectState} from '../../src/model/state.js'
import type {Seed} from '../../src/sandbox/seed.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {startE2E, TOKEN, type E2E} from '../helpers/e2e.js'

/**
 * Issue 17: a project with custom views (with what only GitHub's web UI holds of them), configured workflows and
 * insights is backed up with a shadow copy, DELETED, and restored into a new project: from the shadow, the views,
 * workflows and insights come back as they were (auto-add aside); from the backup, fields, items, values, drafts,
 * archive, links and status updates. Without a shadow the restore says what it could not bring back.
 */
const SEED: Seed = {
  orgs: [{login: 'acme'}],
  repositories: [{owner: 'acme', name: 'app', issues: [{title: 'One'}, {title: 'Two'}, {title: 'Three'}]}],
  projects: [
    {
      owner: 'acme',
      title: 'Roadmap',
      fields: [
        {name: 'Priority', type: 'SINGLE_SELECT', options: [{name: 'P0', color: 'RED'}, {name: 'P1', color: 'YELLOW'}]},
        {name: 'Estimate', type: 'NUMBER'},
        {name: 'Notes', type: 'TEXT'},
      ],
      views: [
        {
          name: 'Board',
          layout: 'BOARD_LAYOUT',
          groupBy: ['Status'],
          visibleFields: ['Title', 'Priority'],
          uiConfig: {columnWidths: {Title: 320}, sliceBy: 'Priority', fieldSums: ['Estimate'], collapsedGroups: ['Done']},
        },
        {name: 'Triage', layout: 'TABLE_LAYOUT', filter: 'priority:P0', visibleFields: ['Title', 'Priority', 'Estimate'], sortBy: [{field: 'Estimate', direction: 'DESC'}]},
      ],
      workflows: [
        {name: 'Item closed', enabled: true, config: {set: {field: 'Status', value: 'Done'}}},
        {name: 'Auto-archive items', enabled: true, config: {filter: 'is:closed updated:<@today-2w'}},
        {name: 'Auto-add to project', enabled: true, config: {repository: 'acme/app', filter: 'is:issue label:bug'}},
      ],
      insights: [{name: 'Burn up', config: {layout: 'line', xAxis: 'Time'}}],
      repositories: ['acme/app'],
      statusUpdates: [{body: 'On track', status: 'ON_TRACK', startDate: '2026-11-16', targetDate: '2026-12-31'}],
      items: [
        {issue: 'acme/app#1', values: {Status: 'Todo', Priority: 'P0', Estimate: 3}},
        {issue: 'acme/app#2', values: {Status: 'Done', Priority: 'P1', Notes: 'shipped'}},
        {issue: 'acme/app#3', archived: true, values: {Status: 'Done', Notes: 'kept for the record'}},
        {draft: {title: 'Idea', body: 'exists nowhere else'}, values: {Priority: 'P1', Estimate: 8}},
      ],
    },
  ],
}

interface Ui {
  views: Array<{name: string; uiConfig: Record<string, unknown> | null}>
  workflows: Array<{name: string; enabled: boolean; config: Record<string, unknown> | null}>
  insights: Array<{name: string}>
}

describe('resurrection: a deleted project restored from its backup and shadow', function () {
  this.timeout(120_000)
  let e: E2E
  let session: Session
  let repo: Repository
  let client: GitHubClient
  let project: ProjectInfo

  beforeEach(async () => {
    e = await startE2E(SEED)
    session = await openSession({env: e.env})
    repo = await repository(session)
    client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    project = await resolveProject(client, {kind: 'number', owner: 'acme', number: 1})
  })
  afterEach(async () => e.close())

  /** What only the web UI holds of a project (the sandbox-only inspection route; the product never reads it). */
  async function ui(id: string): Promise<Ui> {
    const res = await fetch(`${e.sandbox.url}/_sandbox/projects/${encodeURIComponent(id)}/ui`, {headers: {authorization: `bearer ${TOKEN}`}})
    expect(res.status).to.equal(200)
    return (await res.json()) as Ui
  }

  /** A backup with a shadow copy (`backup create --shadow`): a closed copy of the project, named in the header. */
  async function backupWithShadow(name: string): Promise<{state: ProjectState; shadow: ShadowRef}> {
    const result = await runBackup(session, client, repo, {project, name, shadow: true})
    expect(result.shadow?.created, 'the backup made a shadow').to.equal(true)
    const journal = await journalFor(session, repo, project.id)
    return {state: await journal.state(journal.find(name)), shadow: result.event.shadow!}
  }

  async function plainBackup(name: string): Promise<ProjectState> {
    const state = (await captureProject(client, project.id, {type: 'full'})).state
    await writeJournal(session, repo, project.id, `Backup: ${name}`, (j) => j.append(state, {name, type: 'full'}))
    return state
  }

  async function deleteProject(id: string): Promise<void> {
    await e.gql(`mutation($p: ID!) { deleteProjectV2(input: {projectId: $p}) { projectV2 { id } } }`, {p: id})
  }

  /** The state a user sees, without the auto-add workflow (copyProjectV2 never copies one: named by the restore). */
  function seen(state: ProjectState): string {
    const s = structuredClone(state)
    for (const [k, w] of Object.entries(s.workflows ?? {})) if (w.name === 'Auto-add to project') delete s.workflows![k]
    return canonicalJson(normalizeState(s))
  }

  it('--to new:OWNER copies the shadow: views with their UI configuration, workflows, insights, and every field, item and value of the backup', async () => {
    const before = await ui(project.id)
    const {state: backedUp, shadow} = await backupWithShadow('before-deletion')
    await deleteProject(project.id)

    const request: RestoreRequest = {backup: 'before-deletion', project: project.id, to: 'new:acme', adaptEnvironment: true, diff: {}}
    const prepared = await prepareRestore(session, client, repo, request)
    expect(prepared.resurrection?.used).to.equal(true)
    expect(prepared.resurrection?.shadow?.url).to.equal(shadow.url)
    // the dry run plans against the copy to be made: the views exist, nothing recreates them
    expect(prepared.plan.operations.filter((op) => op.op === 'createView')).to.deep.equal([])

    const outcome = await applyRestore(session, client, repo, prepared)
    expect(outcome.record.status).to.equal('done')
    expect(outcome.remaining.operations).to.deep.equal([])
    expect(outcome.resurrection?.used).to.equal(true)
    expect(outcome.resurrection?.notRestorable.join('\n')).to.match(/auto-add/i).and.match(/collaborators/)

    const rebuilt = (await captureProject(client, outcome.target.id, {type: 'full'})).state
    expect(rebuilt.project.title).to.equal('Roadmap')
    expect(rebuilt.project.closed).to.equal(false)
    expect(seen(rebuilt)).to.equal(seen(backedUp))
    // what no API reads came back from the shadow, auto-add aside (named in the warnings)
    const after = await ui(outcome.target.id)
    expect(after.views).to.deep.equal(before.views)
    expect(after.insights).to.deep.equal(before.insights)
    const noAutoAdd = (w: Ui['workflows']) => w.filter((x) => x.name !== 'Auto-add to project' && (x.enabled || x.config))
    expect(noAutoAdd(after.workflows)).to.deep.equal(noAutoAdd(before.workflows))
    expect(outcome.plan.warnings.join('\n')).to.match(/Auto-add to project/)
    // one new project (the shadow and the copy); the copy is renamed, no second copy
    const titles = (await e.gql('{ organization(login: "acme") { projectsV2(first: 10) { nodes { title closed } } } }')).organization.projectsV2.nodes
    expect(titles).to.have.deep.members([
      {title: shadow.title, closed: true},
      {title: 'Roadmap', closed: false},
    ])
  })

  it('a plain restore of a deleted project rebuilds it under its owner from the shadow; a second run restores into the rebuilt one', async () => {
    await backupWithShadow('before-deletion')
    await deleteProject(project.id)
    const request: RestoreRequest = {backup: 'before-deletion', project: project.id, diff: {}}
    const prepared = await prepareRestore(session, client, repo, request)
    expect(prepared.target.id).to.equal(null)
    expect(prepared.target.id === null && prepared.target.replaces).to.equal(project.url)
    expect(prepared.resurrection?.used).to.equal(true)
    const outcome = await applyRestore(session, client, repo, prepared)
    expect(outcome.record.status).to.equal('done')
    // run again: the project it rebuilt is restored in place (nothing to do), not rebuilt a second time
    const second = await prepareRestore(session, client, repo, request)
    expect(second.target.id).to.equal(outcome.target.id)
    expect(second.resurrection).to.equal(undefined)
    expect(second.plan.operations).to.deep.equal([])
    const again = await applyRestore(session, client, repo, second)
    expect(again.target.id).to.equal(outcome.target.id)
    expect(again.result.applied).to.equal(0)
  })

  it('a copy whose answer was lost is found by its title, not made twice', async () => {
    await backupWithShadow('before-deletion')
    await deleteProject(project.id)
    const request: RestoreRequest = {backup: 'before-deletion', project: project.id, to: 'new:acme', adaptEnvironment: true, diff: {}}
    // GitHub makes the copy but the answer never arrives
    let lost = false
    const losing: GitHubClient = {
      ...client,
      stats: client.stats,
      endpoints: client.endpoints,
      rest: (route, params) => client.rest(route, params),
      graphql: async (query, variables) => {
        const answer = await client.graphql(query, variables)
        if (!lost && /copyProjectV2/.test(query)) {
          lost = true
          throw new Error('socket hang up')
        }
        return answer
      },
    }
    const outcome = await applyRestore(session, losing, repo, await prepareRestore(session, losing, repo, request))
    expect(lost).to.equal(true)
    expect(outcome.record.status).to.equal('done')
    const count = (await e.gql('{ organization(login: "acme") { projectsV2(first: 10) { totalCount } } }')).organization.projectsV2.totalCount
    expect(count).to.equal(2) // the shadow and one copy
  })

  it('an edited shadow is used only with --use-edited-shadow (and made equal to the backup); a missing one falls back to an empty project', async () => {
    const {state: backedUp, shadow} = await backupWithShadow('before-deletion')
    await deleteProject(project.id)
    // someone adds a field to the shadow: what it holds may no longer be the backup's
    await e.gql(`mutation($p: ID!) { createProjectV2Field(input: {projectId: $p, dataType: TEXT, name: "Scratch"}) { projectV2Field { __typename } } }`, {p: shadow.id})
    const request: RestoreRequest = {backup: 'before-deletion', project: project.id, to: 'new:acme', adaptEnvironment: true, diff: {}}
    const refused = await prepareRestore(session, client, repo, request)
    expect(refused.resurrection?.used).to.equal(false)
    expect(refused.resurrection?.shadow?.state).to.equal('edited')
    expect(refused.resurrection?.note).to.match(/changed since the backup.*--use-edited-shadow/)
    try {
      await prepareRestore(session, client, repo, {backup: 'before-deletion', project: project.id, diff: {}})
      expect.fail('expected the restore to refuse')
    } catch (error) {
      expect((error as Error).message).to.match(/was changed since the backup.*: start from it anyway with --use-edited-shadow/)
    }
    const withEdited = await prepareRestore(session, client, repo, {...request, useEditedShadow: true})
    expect(withEdited.resurrection?.used).to.equal(true)
    expect(withEdited.resurrection?.note).to.match(/copied as they are now/)
    const rebuilt = await applyRestore(session, client, repo, withEdited)
    expect(rebuilt.record.status).to.equal('done')
    // the field the shadow gained is not the backup's: the restore's own project is made equal to the backup
    expect(seen((await captureProject(client, rebuilt.target.id, {type: 'full'})).state)).to.equal(seen(backedUp))

    await deleteProject(shadow.id)
    await deleteProject(rebuilt.target.id)
    // the shadow is gone too, and so is the project the last run made: a fresh, empty one (not an error)
    const prepared = await prepareRestore(session, client, repo, request)
    expect(prepared.resurrection?.used).to.equal(false)
    expect(prepared.resurrection?.shadow?.state).to.equal('missing')
    expect(prepared.resurrection?.note).to.match(/shadow .* is gone/)
    expect(prepared.resurrection?.notRestorable.join('\n')).to.match(/hidden configuration/)
    const outcome = await applyRestore(session, client, repo, prepared)
    expect(outcome.record.status).to.equal('done')
    const after = await ui(outcome.target.id)
    expect(after.views.map((v) => [v.name, v.uiConfig])).to.deep.include.members([
      ['Board', null],
      ['Triage', null],
    ])
    // a plain restore of the deleted project now goes into the project that rebuilt it; once that is gone too, it
    // has nothing to start from and says what to do
    expect((await prepareRestore(session, client, repo, {backup: 'before-deletion', project: project.id, diff: {}})).target.id).to.equal(outcome.target.id)
    await deleteProject(outcome.target.id)
    try {
      await prepareRestore(session, client, repo, {backup: 'before-deletion', project: project.id, diff: {}})
      expect.fail('expected the restore to refuse')
    } catch (error) {
      expect((error as Error).message).to.match(/does not exist here and its backup's shadow .* is gone: restore into a new project with --to new:acme/)
    }
  })

  it('a view changed in place: the plan points at the shadow; --recreate-views adds the backup\'s view beside it, once', async () => {
    const {shadow} = await backupWithShadow('before-edit')
    // someone edits the view in the web UI (no API can): its filter is no longer the backup's
    const model = e.world.model
    const triage = Object.values(model.store.views).find((v) => v.projectId === project.id && v.name === 'Triage')!
    triage.filter = 'is:closed'
    const request: RestoreRequest = {backup: 'before-edit', project: project.id, diff: {}}
    const plain = await prepareRestore(session, client, repo, request)
    expect(plain.plan.operations.filter((op) => op.op === 'createView')).to.deep.equal([])
    const warning = plain.plan.warnings.find((w) => w.startsWith("view 'Triage' differs"))
    expect(warning).to.include('--recreate-views').and.include(`open ${shadow.url}`)

    const recreate: RestoreRequest = {...request, diff: {recreateViews: true}}
    const prepared = await prepareRestore(session, client, repo, recreate)
    const creates = prepared.plan.operations.filter((op) => op.op === 'createView')
    expect(creates.map((op) => op.op === 'createView' && op.view.name)).to.deep.equal(['Triage (restored)'])
    const outcome = await applyRestore(session, client, repo, prepared)
    expect(outcome.record.status).to.equal('done')
    expect(outcome.remaining.operations).to.deep.equal([])
    const views = Object.values((await captureProject(client, project.id, {type: 'config'})).state.views ?? {})
    const restored = views.find((v) => v.name === 'Triage (restored)')!
    expect({filter: restored.filter, visible: restored.visibleFields, sort: restored.sortBy}).to.deep.equal({
      filter: 'priority:P0',
      visible: ['Title', 'Priority', 'Estimate'],
      sort: [{field: 'Estimate', direction: 'DESC'}],
    })
    expect(views.find((v) => v.name === 'Triage')!.filter).to.equal('is:closed') // left for a person: no API edits it
    const again = await prepareRestore(session, client, repo, recreate)
    expect(again.plan.operations.filter((op) => op.op === 'createView')).to.deep.equal([])
  })

  it('without a shadow: an empty project, the views recreated from their API settings, and what could not be brought back', async () => {
    const backedUp = await plainBackup('no-shadow')
    await deleteProject(project.id)
    const request: RestoreRequest = {backup: 'no-shadow', project: project.id, to: 'new:acme', adaptEnvironment: true, diff: {}}
    const prepared = await prepareRestore(session, client, repo, request)
    expect(prepared.resurrection).to.include({used: false, shadow: null})
    expect(prepared.resurrection?.notRestorable.join('\n')).to.match(/views' hidden configuration/).and.match(/workflows' configuration/)
    const outcome = await applyRestore(session, client, repo, prepared)
    expect(outcome.record.status).to.equal('done')
    const rebuilt = (await captureProject(client, outcome.target.id, {type: 'full'})).state
    expect(normalizeState(rebuilt)).to.have.nested.property('views')
    expect(Object.values(rebuilt.views ?? {}).map((v) => v.name)).to.include.members(['Board', 'Triage'])
    expect(Object.keys(rebuilt.items ?? {}).length).to.equal(Object.keys(backedUp.items ?? {}).length)
    // a plain restore of a deleted project without a shadow goes into the project rebuilt from it; without one, it says how
    expect((await prepareRestore(session, client, repo, {backup: 'no-shadow', project: project.id, diff: {}})).target.id).to.equal(outcome.target.id)
    await deleteProject(outcome.target.id)
    try {
      await prepareRestore(session, client, repo, {backup: 'no-shadow', project: project.id, diff: {}})
      expect.fail('expected the restore to refuse')
    } catch (error) {
      expect((error as Error).message).to.match(/--to new:OWNER/)
    }
  })
})
