import {promises as fs} from 'node:fs'
import path from 'node:path'
import {expect} from 'chai'
import {disaster} from '../../src/app/demo.js'
import {createClient} from '../../src/github/client.js'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import {TOKEN, type E2E} from '../helpers/e2e.js'
import {PASSPHRASE, projectIdOf, runScanned, startEnv, walk} from './harness.js'

/**
 * Promise 5: a flipped byte in ANY stored file of a local journal (its backups; not the run records), plain or encrypted, is found by `backup validate`
 * (exit 3) and the damaged file or event is named; a restore from a damaged backup refuses before it changes anything.
 * The CLI runs in this process (runScanned): the subject is what validate finds, not the process.
 */
for (const encrypted of [false, true]) {
  describe(`robustness: tampering with a ${encrypted ? 'encrypted' : 'plain'} local journal`, function () {
    this.timeout(300_000)
    let e: E2E
    let env: NodeJS.ProcessEnv
    let projectId: string
    let backups: string

    before(async () => {
      e = await startEnv(demoSeed(), {inProcess: true})
      env = encrypted ? {...e.env, GITHUB_PM_PASSPHRASE: PASSPHRASE} : e.env
      projectId = await projectIdOf(e)
      backups = path.join(e.env.GITHUB_PM_HOME!, 'backups')
      if (encrypted) {
        const init = await runScanned(env, ['backup', 'init', '--encrypt'])
        expect(init.code, init.stderr).to.equal(0)
      }
      const issue = (await e.gql(`{ repository(owner: "acme", name: "app") { issue(number: 3) { id } } }`)).repository.issue.id
      for (const name of ['one', 'two', 'three']) {
        await e.gql(`mutation($id: ID!, $t: String!) { updateIssue(input: {id: $id, title: $t}) { issue { id } } }`, {id: issue, t: `Title at ${name}`})
        const r = await runScanned(env, ['backup', 'create', name, '--project', 'acme/1'])
        expect(r.code, r.stderr).to.equal(0)
      }
      const ok = await runScanned(env, ['backup', 'validate', 'latest', '--project', 'acme/1'])
      expect(ok.code, ok.stderr + ok.stdout).to.equal(0)
    })
    after(async () => e.close())

    it('backup validate exits 3 and names the file for a flipped byte in every stored file', async () => {
      const files = []
      // run records (runs/, docs/monitoring.md) are notes for `backup status`, not backup data: no backup is rebuilt from
      // them, and an unreadable one is ignored (status falls back to the journal), so validate does not check them
      const isRunRecord = (p: string) => path.relative(backups, p).split(path.sep)[0] === 'runs'
      for (const p of await walk(backups)) if ((await fs.lstat(p)).isFile() && !p.endsWith('.lock') && !isRunRecord(p)) files.push(p)
      expect(files.length).to.be.greaterThan(encrypted ? 5 : 4)
      expect(files.some((f) => f.includes(projectId))).to.equal(true)
      const undetected: string[] = []
      for (const file of files) {
        const original = await fs.readFile(file)
        for (const at of [0, Math.floor(original.length / 2), original.length - 1]) {
          const damaged = Buffer.from(original)
          damaged[at] ^= 0x20
          await fs.writeFile(file, damaged)
          try {
            const r = await runScanned(env, ['backup', 'validate', 'latest', '--project', 'acme/1'])
            const rel = path.relative(backups, file)
            const named = [path.basename(file), ...eventNamesOf(rel)].some((n) => (r.stdout + r.stderr).includes(n))
            if (r.code !== 3 || !named) undetected.push(`${rel} byte ${at}: exit ${r.code}, ${r.stderr.trim() || r.stdout.slice(0, 300)}`)
          } finally {
            await fs.writeFile(file, original)
          }
        }
      }
      expect(undetected, undetected.join('\n')).to.deep.equal([])
    })

    it('a restore from a damaged backup refuses before changing anything', async () => {
      const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
      await disaster(client, projectId)
      const events = path.join(backups, `project-${projectId}`, 'events')
      const victim = path.join(events, (await fs.readdir(events)).sort()[1])
      const original = await fs.readFile(victim)
      const damaged = Buffer.from(original)
      damaged[damaged.length >> 1] ^= 0x01
      await fs.writeFile(victim, damaged)
      try {
        const mutations = e.sandbox.stats.mutationRequests
        const r = await runScanned(env, ['restore', '--yes', 'three', '--project', 'acme/1'])
        expect(r.code).to.not.equal(0)
        expect(r.stderr).to.match(/damaged/)
        expect(r.stderr).to.match(/nothing was changed/)
        expect(e.sandbox.stats.mutationRequests).to.equal(mutations)
      } finally {
        await fs.writeFile(victim, original)
      }
      const valid = await runScanned(env, ['backup', 'validate', 'latest', '--project', 'acme/1'])
      expect(valid.code, valid.stdout).to.equal(0)
    })
  })
}

/** An event file `events/000002-….json` stands for backup "two": validate may name the backup instead of the file. */
function eventNamesOf(rel: string): string[] {
  const m = /events\/0*(\d+)-/.exec(rel)
  return m ? [['one', 'two', 'three'][Number(m[1]) - 1] ?? `seq ${m[1]}`].map((n) => `"${n}"`).concat(m ? [`"name": "${['one', 'two', 'three'][Number(m[1]) - 1]}"`] : []) : []
}
