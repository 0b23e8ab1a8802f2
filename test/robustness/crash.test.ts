import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {disaster} from '../../src/app/demo.js'
import {restoresDir} from '../../src/app/restore.js'
import {createClient} from '../../src/github/client.js'
import {normalizeState} from '../../src/model/normalize.js'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {backupInProcess, TOKEN, type E2E} from '../helpers/e2e.js'
import {startS3Server, type S3TestServer} from '../helpers/s3-server.js'
import {
  backupInProcessTo,
  backupNames,
  backupState,
  liveState,
  projectIdOf,
  prng,
  restoreInProcess,
  runCli,
  startEnv,
  validateStore,
} from './harness.js'

/**
 * Promise 2: a process killed at any moment loses nothing. A backup SIGKILLed at random moments (20 on local storage,
 * 8 on a git+file repository, 8 on S3) leaves a journal that validates, holding the killed backup wholly or not at
 * all. A restore SIGKILLed at 20 random moments finishes when the same command runs again, and the project then
 * equals the backup. The sandbox answers each request after 15 ms, so a run lasts long enough to be hit anywhere.
 *
 * How it stays fast: only the run that is killed is a process (and the runs that time one); the run that must finish
 * afterwards and every check run in this process through the same app functions, on the same home and sandbox. The
 * work runs in two lanes on the machine's two cores, each with its own sandbox world and home: the local backups
 * beside the git+file then S3 ones, and the 20 restore kills as two lanes of 10. The kill moments and their seeds are
 * those of the serial suite (each storage its own sequence; the restore's 20 draws taken in order, then dealt out).
 */
describe('robustness: SIGKILL at random moments', function () {
  this.timeout(600_000)
  let s3: S3TestServer
  let gitDir: string
  const envs: E2E[] = []
  const runId = randomBytes(4).toString('hex')

  /** A sandbox world of the demo project and a home of its own, answering each request after 15 ms. */
  async function world(): Promise<{e: E2E; projectId: string}> {
    const e = await startEnv(demoSeed())
    envs.push(e)
    e.sandbox.faults.set({delayMs: 15})
    return {e, projectId: await projectIdOf(e)}
  }

  before(async () => {
    s3 = await startS3Server(['backups'])
    gitDir = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-crash-git-'))
  })
  after(async () => {
    // a lane started by another test (the git+file and S3 lane starts with the local one) ends before its servers
    await Promise.allSettled(lanes.values())
    await Promise.all(envs.map((e) => e.close()))
    await s3.close()
    await fs.rm(gitDir, {recursive: true, force: true})
  })

  interface Backend {
    label: string
    kills: number
    storage: () => string
    env: () => NodeJS.ProcessEnv
  }
  const backends: Backend[] = [
    {label: 'local', kills: 20, storage: () => 'local', env: () => ({})},
    {label: 'git+file', kills: 8, storage: () => `git+file://${gitDir}/backups.git`, env: () => ({})},
    {
      label: 's3',
      kills: 8,
      storage: () => `s3://${s3.buckets[0]}/crash-${runId}/`,
      env: () => ({
        GITHUB_PM_S3_ENDPOINT: s3.endpoint,
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      }),
    },
  ]

  /** Each storage's kills, started once: by its own test, or beside another's (lanes). */
  const lanes = new Map<string, Promise<void>>()
  function lane(label: string): Promise<void> {
    let run = lanes.get(label)
    if (!run) {
      run = backupKills(backends.find((b) => b.label === label)!)
      run.catch(() => undefined) // reported by the test that awaits it
      lanes.set(label, run)
    }
    return run
  }

  async function backupKills(backend: Backend): Promise<void> {
    const {e, projectId} = await world()
    const issueId = (await e.gql(`{ repository(owner: "acme", name: "app") { issue(number: 3) { id } } }`)).repository.issue.id
    const storage = backend.storage()
    const env = {...e.env, ...backend.env()}
    const cli = (args: string[], killAfterMs?: number) => runCli(env, [...args, '--project', 'acme/1', '--storage', storage], {killAfterMs})
    // how long a backup takes here: the faster of two runs (the first one pays for cold caches)
    const durations: number[] = []
    for (const name of ['first', 'second']) {
      const started = Date.now()
      const run = await cli(['backup', 'create', name, '--json'])
      expect(run.code, run.stderr).to.equal(0)
      durations.push(Date.now() - started)
    }
    const typical = Math.min(...durations)
    const random = prng(0xc0ffee + backend.kills + backend.label.length)
    let interrupted = 0
    const outcomes = {present: 0, absent: 0}
    for (let i = 0; i < backend.kills; i++) {
      // every round changes the project, so each backup is a real patch with something to write
      await e.gql(`mutation($id: ID!, $t: String!) { updateIssue(input: {id: $id, title: $t}) { issue { id } } }`, {id: issueId, t: `Capture queries, take ${i}`})
      const before = await backupNames(env, projectId, storage)
      // half the kills anywhere in a run, half in its last 40 %, where the journal is written
      const at = i % 2 === 0 ? random() * typical * 0.95 : typical * (0.6 + random() * 0.35)
      const name = `killed-${i}`
      const run = await cli(['backup', 'create', name], Math.round(at))
      if (run.killed) interrupted++
      else expect(run.code, run.stderr).to.equal(0)
      const report = await validateStore(env, projectId, storage)
      expect(report.status, `${backend.label}: after kill ${i} at ${Math.round(at)} ms: ${JSON.stringify(report.issues)}`).to.equal('valid')
      const after = await backupNames(env, projectId, storage)
      if (after.length === before.length) {
        expect(after).to.deep.equal(before)
        outcomes.absent++
      } else {
        expect(after).to.deep.equal([...before, name])
        outcomes.present++
        // wholly there: it rebuilds, and holds the title of its round
        const state = await backupState(env, projectId, name, storage)
        expect(state.items!['https://github.com/acme/app/issues/3'].content!.title).to.equal(`Capture queries, take ${i}`)
      }
    }
    // the kills must really interrupt backups for this test to mean anything; on a loaded machine some land late
    expect(interrupted, `${backend.label}: kills that hit a running backup`).to.be.at.least(Math.ceil(backend.kills / 4))
    expect(outcomes.present + outcomes.absent).to.equal(backend.kills)
    // whatever the kills left behind (locks, orphan files), the next backup goes through and the journal stays valid
    const last = await backupInProcessTo(env, 'after-the-kills', storage)
    expect(last.event.name).to.equal('after-the-kills')
    expect(await backupNames(env, projectId, storage)).to.include('after-the-kills')
    expect((await validateStore(env, projectId, storage)).status).to.equal('valid')
  }

  for (const backend of backends) {
    it(`a backup killed at ${backend.kills} random moments on ${backend.label} storage: valid journal, the backup wholly there or absent`, async () => {
      // the local kills (20) run beside the git+file then S3 ones (8 + 8): two lanes, one per core
      if (backend.label === 'local') void lane('git+file').catch(() => undefined).then(() => lane('s3')).catch(() => undefined)
      await lane(backend.label)
    })
  }

  it('a restore killed at 20 random moments finishes when run again, and the project equals the backup', async () => {
    // the serial suite's 20 moments: draw i is kill i; kills 0,1, 4,5, 8,9, ... go to lane 0, the others to lane 1,
    // so each lane has five kills anywhere in a run (even i) and five in its later part (odd i)
    const random = prng(0xdead)
    const draws = Array.from({length: 20}, () => random())
    const moments = [0, 1].map((l) => draws.map((draw, i) => ({i, draw})).filter(({i}) => Math.floor(i / 2) % 2 === l))
    const interrupted = await Promise.all(moments.map((m) => restoreKills(m)))
    // the kills must really interrupt restores for this test to mean anything; on a loaded machine some land late
    expect(interrupted[0] + interrupted[1], 'kills that hit a running restore').to.be.at.least(5)
  })

  /** One lane of restore kills, in its own world and home; returns how many kills hit a running restore. */
  async function restoreKills(moments: Array<{i: number; draw: number}>): Promise<number> {
    const {e, projectId} = await world()
    const cli = (args: string[], killAfterMs?: number) => runCli(e.env, [...args, '--project', 'acme/1'], {killAfterMs})
    await backupInProcess(e, 'restore-source')
    const wanted = canonicalJson(normalizeState(await backupState(e.env, projectId, 'restore-source')))
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    // a first, uninterrupted restore tells how long one lasts
    await disaster(client, projectId)
    const started = Date.now()
    const baseline = await cli(['restore', '--yes', 'restore-source'])
    expect(baseline.code, baseline.stderr).to.equal(0)
    const typical = Date.now() - started
    // the in-process run below is the same restore as the command's: it keeps its progress under the same record
    const records = (await fs.readdir(restoresDir(e.env))).filter((n) => n.endsWith('.json') && !n.endsWith('.progress.json'))
    expect(records, 'the baseline restore left one record').to.have.length(1)
    let interrupted = 0
    for (const {i, draw} of moments) {
      await disaster(client, projectId)
      const at = i % 2 === 0 ? draw * typical * 0.95 : typical * (0.4 + draw * 0.55)
      const killed = await cli(['restore', '--yes', 'restore-source'], Math.round(at))
      if (killed.killed) interrupted++
      else expect(killed.code, killed.stderr).to.equal(0)
      const again = await restoreInProcess(e.env, 'restore-source')
      expect(again.record.status, `after kill ${i} at ${Math.round(at)} ms`).to.equal('done')
      expect(`${again.record.key}.json`, 'the run again keeps the command’s record').to.equal(records[0])
      expect(canonicalJson(normalizeState(await liveState(e.sandbox, projectId))), `after kill ${i}`).to.equal(wanted)
      expect((await validateStore(e.env, projectId)).status).to.equal('valid')
    }
    return interrupted
  }
})
