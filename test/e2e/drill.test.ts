import {expect} from 'chai'
import {journalFor, openSession, repository, writeJournal} from '../../src/app/session.js'
import type {ProjectState} from '../../src/model/state.js'
import {backupInProcess, json, startE2E, type E2E} from '../helpers/e2e.js'

/**
 * `backup drill` as a scheduled job runs it: the exit status and the --json document (one CLI run: the drill itself
 * and its human report are tested in-process in test/app/drill.test.ts).
 */
describe('e2e: backup drill', function () {
  this.timeout(120_000)
  let e: E2E
  // the drill reads the storage only: no token and no GitHub
  const offline = {GH_TOKEN: '', GITHUB_API_URL: 'http://127.0.0.1:9'}

  before(async () => {
    e = await startE2E()
    await backupInProcess(e, 'nightly-1')
  })
  after(async () => e?.close())

  it('a latest backup that cannot be restored: exit 6 and the --json report names what', async () => {
    const session = await openSession({env: e.env})
    const repo = await repository(session)
    const projectId = (await e.gql(`{ organization(login: "acme") { projectV2(number: 1) { id } } }`)).organization.projectV2.id
    const journal = await journalFor(session, repo, projectId)
    const state = structuredClone(await journal.state(journal.find('latest'))) as ProjectState
    state.fields['PVTF_tracks'] = {id: 'PVTF_tracks', name: 'Tracks', dataType: 'TRACKS'}
    await writeJournal(session, repo, projectId, 'Backup: nightly-2', (j) => j.append(state, {name: 'nightly-2', type: 'full', origin: 'named'}))

    const r = await e.cli(['backup:drill', '--project', 'acme/1', '--json'], offline)
    expect(r.code).to.equal(6)
    const out = json(r.stdout)
    expect(out.ok).to.equal(false)
    expect(out.restoreErrors).to.be.greaterThan(0)
    expect(out.projects[0].backup.name).to.equal('nightly-2')
    expect(out.projects[0].unrestorable.join('\n')).to.contain("'Tracks'")
  })
})
