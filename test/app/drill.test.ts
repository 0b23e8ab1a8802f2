import {expect} from 'chai'
import {drillTargets, runDrill} from '../../src/app/drill.js'
import {renderDrill} from '../../src/cli/drill.js'
import {journalFor, openSession, repository, writeJournal} from '../../src/app/session.js'
import type {ProjectState} from '../../src/model/state.js'
import {backupInProcess, startE2E, type E2E} from '../helpers/e2e.js'

const NOW = new Date('2026-12-07T03:17:00Z')

/**
 * `backup drill`: the latest backup of each project rehearsed as a restore from scratch on a sandbox replica. The
 * backups are taken from a sandbox GitHub; the drill itself sends nothing to it (it is closed before the drill runs).
 */
describe('app/drill: restore drills from the latest backup', function () {
  this.timeout(120_000)
  let e: E2E
  // the drill needs the storage only: no token, and a GitHub URL nothing listens on
  let env: NodeJS.ProcessEnv

  before(async () => {
    e = await startE2E()
    await backupInProcess(e, 'nightly-1')
    env = {...e.env, GH_TOKEN: undefined, GITHUB_API_URL: 'http://127.0.0.1:9'}
  })
  after(async () => e?.close())

  it('a good backup converges on the replica with 0 restore errors, and says how long the restore takes', async () => {
    const session = await openSession({env, now: () => NOW})
    const repo = await repository(session)
    const report = await runDrill(session, repo, {owner: 'acme'})
    expect(report.projects).to.have.length(1)
    const [p] = report.projects
    expect(p.error).to.equal(undefined)
    expect(p.backup?.name).to.equal('nightly-1')
    expect({converged: p.converged, failed: p.failed, remaining: p.remaining, unrestorable: p.unrestorable, notes: p.notes}).to.deep.equal({converged: true, failed: [], remaining: [], unrestorable: [], notes: []})
    // what no API does (delete GitHub's "View 1", edit a view's columns) is a step for a person, listed but not an error
    expect(p.manualSteps.join('\n')).to.contain('View 1')
    expect(p.restoreErrors).to.equal(0)
    expect(report.restoreErrors).to.equal(0)
    expect(report.ok).to.equal(true)
    // the whole project is rebuilt: fields, views and every item are operations, and the estimate prices them
    expect(p.operations).to.be.greaterThan(12)
    expect(p.applied).to.be.greaterThan(0)
    expect(p.estimate.seconds).to.be.greaterThan(0)
    expect(p.estimate.human).to.be.a('string').and.not.equal('-')
    expect(p.rehearsal.requests).to.be.greaterThan(0)
    expect(report.totalEstimateSeconds).to.equal(p.estimate.seconds)
    // what a person reads: one row per project, the headline last
    const text = renderDrill(report)
    expect(text).to.match(/acme\/projects\/1\s+nightly-1\s+converges\s+0\s+\d+\s+\S/)
    expect(text.split('\n').at(-1)).to.equal('restore errors: 0 (1 project drilled)')
  })

  it('a latest backup the replica cannot rebuild (a field type GitHub cannot create) fails the drill and names it', async () => {
    const session = await openSession({env, now: () => NOW})
    const repo = await repository(session)
    const [entry] = await drillTargets(repo, {owner: 'acme'})
    const journal = await journalFor(session, repo, entry.id)
    const state = structuredClone(await journal.state(journal.find('latest'))) as ProjectState
    // a built-in field GitHub adds on its own and no API creates, with a value on an item
    state.fields['PVTF_tracks'] = {id: 'PVTF_tracks', name: 'Tracks', dataType: 'TRACKS'}
    await writeJournal(session, repo, entry.id, 'Backup: nightly-2', (j) => j.append(state, {name: 'nightly-2', type: 'full', origin: 'named'}))

    const report = await runDrill(session, repo, {project: entry.url})
    const [p] = report.projects
    expect(p.backup?.name).to.equal('nightly-2')
    expect(p.converged).to.equal(false)
    expect(p.restoreErrors).to.be.greaterThan(0)
    expect(report.ok).to.equal(false)
    expect([...p.unrestorable, ...p.remaining].join('\n')).to.contain('Tracks')
    const text = renderDrill(report)
    expect(text).to.match(/nightly-2\s+FAILS/)
    expect(text).to.contain("cannot be restored: field 'Tracks'")
    expect(text).to.match(/restore errors: [1-9]\d* \(1 project drilled; 1 project would not restore cleanly\)$/)
  })

  it('a project or owner without backups is a clear error', async () => {
    const session = await openSession({env, now: () => NOW})
    const repo = await repository(session)
    let message = ''
    try {
      await runDrill(session, repo, {owner: 'nobody'})
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).to.match(/no backups of projects of nobody .*owners with backups: acme/)
  })
})
