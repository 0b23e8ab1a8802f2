import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {disaster} from '../../src/app/demo.js'
import {createClient} from '../../src/github/client.js'
import {normalizeState} from '../../src/model/normalize.js'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {json, TOKEN, type E2E} from '../helpers/e2e.js'
import {startS3Server, type S3TestServer} from '../helpers/s3-server.js'
import {backupNames, backupState, liveState, projectIdOf, prng, runCli, startEnv, validateStore} from './harness.js'

/**
 * Promise 2: a process killed at any moment loses nothing. A backup SIGKILLed at random moments (20 on local storage,
 * 8 on a git+file repository, 8 on S3) leaves a journal that validates, holding the killed backup wholly or not at
 * all. A restore SIGKILLed at 20 random moments finishes when the same command runs again, and the project then
 * equals the backup. The sandbox answers each request after 15 ms, so a run lasts long enough to be hit anywhere.
 */
describe('robustness: SIGKILL at random moments', function () {
  this.timeout(600_000)
  let e: E2E
  let projectId: string
  let s3: S3TestServer
  let gitDir: string
  let issueId: string

  before(async () => {
    e = await startEnv(demoSeed())
    projectId = await projectIdOf(e)
    issueId = (await e.gql(`{ repository(owner: "acme", name: "app") { issue(number: 3) { id } } }`)).repository.issue.id
    s3 = await startS3Server(['backups'])
    gitDir = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-crash-git-'))
    e.sandbox.faults.set({delayMs: 15})
  })
  after(async () => {
    await e.close()
    await s3.close()
    await fs.rm(gitDir, {recursive: true, force: true})
  })

  const backends = [
    {label: 'local', kills: 20, storage: () => 'local', env: (): NodeJS.ProcessEnv => ({})},
    {label: 'git+file', kills: 8, storage: () => `git+file://${gitDir}/backups.git`, env: (): NodeJS.ProcessEnv => ({})},
    {
      label: 's3',
      kills: 8,
      storage: () => `s3://${s3.buckets[0]}/crash-${runId}/`,
      env: (): NodeJS.ProcessEnv => ({
        GITHUB_PM_S3_ENDPOINT: s3.endpoint,
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      }),
    },
  ]
  const runId = randomBytes(4).toString('hex')

  for (const backend of backends) {
    it(`a backup killed at ${backend.kills} random moments on ${backend.label} storage: valid journal, the backup wholly there or absent`, async () => {
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
        expect(report.status, `after kill ${i} at ${Math.round(at)} ms: ${JSON.stringify(report.issues)}`).to.equal('valid')
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
      expect(interrupted, 'kills that hit a running backup').to.be.at.least(Math.ceil(backend.kills / 4))
      expect(outcomes.present + outcomes.absent).to.equal(backend.kills)
      // whatever the kills left behind (locks, orphan files), the next backup goes through and the journal stays valid
      const last = await cli(['backup', 'create', 'after-the-kills', '--json'])
      expect(last.code, last.stderr).to.equal(0)
      expect(json(last.stdout).event.name).to.equal('after-the-kills')
      expect((await validateStore(env, projectId, storage)).status).to.equal('valid')
    })
  }

  it('a restore killed at 20 random moments finishes when run again, and the project equals the backup', async () => {
    const cli = (args: string[], killAfterMs?: number) => runCli(e.env, [...args, '--project', 'acme/1'], {killAfterMs})
    const good = await cli(['backup', 'create', 'restore-source'])
    expect(good.code, good.stderr).to.equal(0)
    const wanted = canonicalJson(normalizeState(await backupState(e.env, projectId, 'restore-source')))
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    // a first, uninterrupted restore tells how long one lasts
    await disaster(client, projectId)
    const started = Date.now()
    const baseline = await cli(['restore', '--yes', 'restore-source'])
    expect(baseline.code, baseline.stderr).to.equal(0)
    const typical = Date.now() - started
    const random = prng(0xdead)
    let interrupted = 0
    for (let i = 0; i < 20; i++) {
      await disaster(client, projectId)
      const at = i % 2 === 0 ? random() * typical * 0.95 : typical * (0.4 + random() * 0.55)
      const killed = await cli(['restore', '--yes', 'restore-source'], Math.round(at))
      if (killed.killed) interrupted++
      else expect(killed.code, killed.stderr).to.equal(0)
      const again = await cli(['restore', '--yes', 'restore-source', '--json'])
      expect(again.code, `after kill ${i} at ${Math.round(at)} ms: ${again.stderr}`).to.equal(0)
      expect(json(again.stdout).status).to.equal('done')
      expect(canonicalJson(normalizeState(await liveState(e.sandbox, projectId))), `after kill ${i}`).to.equal(wanted)
      expect((await validateStore(e.env, projectId)).status).to.equal('valid')
    }
    // the kills must really interrupt restores for this test to mean anything; on a loaded machine some land late
    expect(interrupted, 'kills that hit a running restore').to.be.at.least(5)
  })
})
