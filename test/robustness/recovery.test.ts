import {expect} from 'chai'
import {disaster} from '../../src/app/demo.js'
import {createClient} from '../../src/github/client.js'
import {normalizeState} from '../../src/model/normalize.js'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {backupInProcess, json, TOKEN, type E2E} from '../helpers/e2e.js'
import {backupState, expectOneLine, liveState, projectIdOf, restoreInProcess, runCli, startEnv} from './harness.js'

/**
 * Promise 7: the recovery can be recovered. A restore whose GitHub starts failing halfway (every request answered
 * 502 from its third mutation on) stops with exit 4, says what it applied and how to resume or roll back; the same
 * command completes once GitHub is back; and restoring the pre-restore safety backup with --confirm-destructive
 * returns the project to where it was before. (The client retries each failing request 4 times with 1+2+4+8 units of
 * backoff: 1 s each for a user, 10 ms in these suites, see RETRY_BASE_MS in test/helpers/e2e.ts.) The runs whose
 * exit status and words are the subject are CLI processes; the backup to start from and the runs that only have to
 * finish run in this process through the app functions the commands run (a process costs a second or more).
 */
describe('robustness: a restore that fails halfway', function () {
  this.timeout(300_000)
  let e: E2E
  let projectId: string

  before(async () => {
    e = await startEnv(demoSeed())
    projectId = await projectIdOf(e)
  })
  after(async () => e.close())

  it('exits 4 with what to do, resumes to completion, and its safety backup undoes it', async () => {
    const cli = (args: string[]) => runCli(e.env, [...args, '--project', 'acme/1'])
    await backupInProcess(e, 'good')
    const wanted = canonicalJson(normalizeState(await backupState(e.env, projectId, 'good')))
    await disaster(await createClient({apiUrl: e.sandbox.url, token: TOKEN}), projectId)
    const beforeRestore = canonicalJson(normalizeState(await liveState(e.sandbox, projectId)))
    expect(beforeRestore).to.not.equal(wanted)

    // GitHub goes down after the restore's second mutation request
    const start = e.sandbox.stats.mutationRequests
    const watch = setInterval(() => {
      if (e.sandbox.stats.mutationRequests >= start + 2) e.sandbox.faults.set({status5xx: 1})
    }, 1)
    let failed
    try {
      failed = await cli(['restore', '--yes', 'good'])
    } finally {
      clearInterval(watch)
      e.sandbox.faults.clear()
    }
    expect(failed.code, failed.stderr + failed.stdout).to.equal(4)
    expect(failed.stdout).to.match(/safety backup of the live project: pre-restore-/)
    expect(failed.stdout).to.match(/applied \d+ operations/)
    const last = failed.stderr.trim().split('\n').at(-1)!
    expect(last).to.match(/restore incomplete/)
    expect(last).to.match(/run the same command again to resume/)
    expect(last).to.match(/github-pm restore --undo --project \S+ --confirm-destructive/)
    const safety = /safety backup of the live project: (pre-restore-\S+)/.exec(failed.stdout)![1]
    const halfway = canonicalJson(normalizeState(await liveState(e.sandbox, projectId)))
    expect(halfway, 'something was applied before GitHub went down').to.not.equal(beforeRestore)
    expect(halfway, 'the restore did not finish').to.not.equal(wanted)

    // the same command again (`restore --yes good`), run in this process through what the command runs
    const resumed = await restoreInProcess(e.env, 'good')
    expect(resumed.resumed, 'it resumes the failed run').to.equal(true)
    expect(resumed.record.status).to.equal('done')
    expect(canonicalJson(normalizeState(await liveState(e.sandbox, projectId)))).to.equal(wanted)

    // --undo names the safety backup the (resumed) restore took
    const undo = await cli(['restore', '--undo', '--yes', '--confirm-destructive'])
    expect(undo.stdout).to.not.contain(`safety backup of the live project (taken by the interrupted run)`)
    expect(safety).to.match(/^pre-restore-/)
    expect(undo.code, undo.stderr).to.equal(0)
    expect(canonicalJson(normalizeState(await liveState(e.sandbox, projectId)))).to.equal(beforeRestore)
  })

  it('a failed restore with the --json flag still ends in one error line and exit 4', async () => {
    const cli = (args: string[]) => runCli(e.env, [...args, '--project', 'acme/1'])
    expect((await restoreInProcess(e.env, 'good')).record.status).to.equal('done')
    await disaster(await createClient({apiUrl: e.sandbox.url, token: TOKEN}), projectId)
    const start = e.sandbox.stats.mutationRequests
    const watch = setInterval(() => {
      if (e.sandbox.stats.mutationRequests >= start + 2) e.sandbox.faults.set({status5xx: 1})
    }, 1)
    let failed
    try {
      failed = await cli(['restore', '--yes', 'good', '--json'])
    } finally {
      clearInterval(watch)
      e.sandbox.faults.clear()
    }
    expect(failed.code, failed.stderr).to.equal(4)
    expect(json(failed.stdout).status).to.equal('failed')
    expectOneLine(failed, 'failed restore --json')
    const again = await restoreInProcess(e.env, 'good')
    expect(again.resumed, 'it resumes the failed run').to.equal(true)
    expect(again.record.status).to.equal('done')
  })
})
