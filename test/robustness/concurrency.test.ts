import {existsSync} from 'node:fs'
import path from 'node:path'
import {expect} from 'chai'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import {backupInProcess, ROOT, type E2E} from '../helpers/e2e.js'
import {backupNames, backupState, projectIdOf, runCli, startEnv, validateStore} from './harness.js'

/**
 * Promise 3: backups running at the same time never lose each other. Four CLI processes backing up one project at
 * once (distinct names) all succeed, or a loser fails clearly with the lock message; every successful backup is in
 * the journal and the journal validates. The same holds for a backup racing a `backup delete` (a journal rewrite),
 * and a `backup cleanup` when that command is built.
 */
describe('robustness: concurrent backups', function () {
  this.timeout(300_000)
  let e: E2E
  let projectId: string
  const cli = (args: string[]) => runCli(e.env, [...args, '--project', 'acme/1'])

  before(async () => {
    e = await startEnv(demoSeed())
    projectId = await projectIdOf(e)
    e.sandbox.faults.set({delayMs: 5})
  })
  after(async () => e.close())

  /** Every run either succeeded and its backup is there, or failed with the lock message. Returns the successes. */
  async function expectAllPresentOrLocked(runs: Array<{name: string; run: Awaited<ReturnType<typeof runCli>>}>): Promise<string[]> {
    const names = await backupNames(e.env, projectId)
    const ok: string[] = []
    for (const {name, run} of runs) {
      if (run.code === 0) {
        expect(names, `${name} succeeded but is missing`).to.include(name)
        ok.push(name)
      } else {
        expect(run.stderr, `${name} failed without the lock message: ${run.stderr}`).to.match(/is locked by/)
        expect(names).to.not.include(name)
      }
    }
    const report = await validateStore(e.env, projectId)
    expect(report.status, JSON.stringify(report.issues)).to.equal('valid')
    return ok
  }

  it('4 backups of one project started at once: every successful backup is present, the journal valid', async () => {
    for (let round = 0; round < 3; round++) {
      const names = [0, 1, 2, 3].map((i) => `parallel-${round}-${i}`)
      const runs = await Promise.all(names.map(async (name) => ({name, run: await cli(['backup', 'create', name])})))
      const ok = await expectAllPresentOrLocked(runs)
      // the journal waits for its lock (up to 30 s), so four short backups all get through
      expect(ok).to.have.members(names)
      for (const name of ok) expect((await backupState(e.env, projectId, name)).project.id).to.equal(projectId)
    }
  })

  it('a backup during a journal rewrite (backup delete): both done, or the loser refused clearly', async () => {
    for (let round = 0; round < 3; round++) {
      const victim = `to-delete-${round}`
      // the two backups the race starts from (made in this process: only the racing runs need to be processes)
      await backupInProcess(e, victim)
      await backupInProcess(e, `keeper-${round}`)
      const [deleted, added] = await Promise.all([cli(['backup', 'delete', victim]), cli(['backup', 'create', `during-delete-${round}`])])
      const ok = await expectAllPresentOrLocked([{name: `during-delete-${round}`, run: added}])
      expect(ok).to.deep.equal([`during-delete-${round}`])
      const names = await backupNames(e.env, projectId)
      if (deleted.code === 0) expect(names).to.not.include(victim)
      else expect(deleted.stderr).to.match(/is locked by/)
      expect(names).to.include(`keeper-${round}`)
    }
  })

  it('a backup during a cleanup: every successful backup present, the journal valid', async function () {
    if (!existsSync(path.join(ROOT, 'dist', 'src', 'commands', 'backup', 'cleanup.js'))) this.skip()
    for (let round = 0; round < 2; round++) {
      const [cleaned, added] = await Promise.all([
        cli(['backup', 'cleanup', '--keep-last', '3']),
        cli(['backup', 'create', `during-cleanup-${round}`]),
      ])
      expect(cleaned.code === 0 || /is locked by/.test(cleaned.stderr), cleaned.stderr).to.equal(true)
      const ok = await expectAllPresentOrLocked([{name: `during-cleanup-${round}`, run: added}])
      // the cleanup may have folded it away only when it ran after the backup: keep-last 3 keeps the newest
      expect(ok).to.deep.equal([`during-cleanup-${round}`])
    }
  })
})
