import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {disaster} from '../../src/app/demo.js'
import {createClient} from '../../src/github/client.js'
import {openJournal} from '../../src/journal/journal.js'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {TOKEN, type E2E} from '../helpers/e2e.js'
import {PASSPHRASE, SECRETS, assertNoSecrets, expectPrivateAndClean, openStore, projectIdOf, runScanned, startEnv, transcript, walk} from './harness.js'

/**
 * Promise 6: the token and the passphrase never leave the process. Every command of a whole life cycle on an
 * encrypted repository (and every CLI run of the other robustness suites: runCli and runScanned scan each one) keeps
 * them out of stdout and stderr; every file the tool writes (GITHUB_PM_HOME: config, backups, restore records, audit
 * log; exported documents) is free of them, files 0600 and directories 0700; no backup holds a credential. The life
 * cycle runs the CLI in this process (runScanned: the same output as a process; the tool writes only through the
 * process's streams, which the run captures, and forgets the secrets a previous run registered).
 */
describe('robustness: secrets never leak', function () {
  this.timeout(300_000)
  let e: E2E
  let env: NodeJS.ProcessEnv
  let projectId: string
  let out: string

  before(async () => {
    e = await startEnv(demoSeed(), {inProcess: true})
    env = {...e.env, GITHUB_PM_PASSPHRASE: PASSPHRASE}
    projectId = await projectIdOf(e)
    out = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-secrets-'))
  })
  after(async () => {
    await e.close()
    await fs.rm(out, {recursive: true, force: true})
  })

  it('a whole life cycle on an encrypted repository writes and prints no secret, with private modes', async () => {
    const ok = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const r = await runScanned({...env, ...extra}, args)
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(0)
      return r
    }
    await ok(['backup', 'init', '--encrypt'])
    await ok(['config', 'set', 'project', 'acme/1'])
    await ok(['config', 'set', 'backup.retention_days', '30'])
    await ok(['backup', 'create', 'first'])
    await ok(['backup', 'auto', '--json'])
    await ok(['backup', 'list'])
    await ok(['backup', 'info', 'first', '--json'])
    await ok(['backup', 'compare', 'first', 'latest'])
    await ok(['backup', 'validate', 'latest'])
    const doc = path.join(out, 'first.json')
    await ok(['backup', 'export', 'first', '--out', doc])
    await ok(['backup', 'import', doc, '--name', 'first-again'])
    await disaster(await createClient({apiUrl: e.sandbox.url, token: TOKEN}), projectId)
    await ok(['restore', 'first', '--dry-run'])
    await ok(['restore', '--yes', 'first', '--json'])
    await ok(['restore', '--yes', '--from-file', doc])
    await ok(['backup', 'log', '--json'])
    await ok(['config', 'list'])

    // failures are where secrets like to hide: a wrong passphrase, an API URL carrying credentials, a refused token
    const wrong = await runScanned({...env, GITHUB_PM_PASSPHRASE: `${PASSPHRASE}-but-wrong`}, ['backup', 'list'])
    expect(wrong.code).to.not.equal(0)
    const creds = await runScanned({...env, GITHUB_API_URL: e.sandbox.url.replace('http://', `http://x-access-token:${TOKEN}@`)}, ['backup', 'create', 'never'])
    expect(creds.code).to.not.equal(0)
    expect(creds.stderr).to.match(/must not contain credentials/)
    const scoped = await startEnv(demoSeed(), {tokens: {[`${TOKEN}x`]: {login: 'octocat', scopes: ['project']}}, inProcess: true})
    try {
      const refused = await runScanned({...scoped.env, GITHUB_PM_PASSPHRASE: PASSPHRASE}, ['backup', 'create', 'x', '--project', 'acme/1'])
      expect(refused.code).to.not.equal(0)
    } finally {
      await scoped.close()
    }

    const home = e.env.GITHUB_PM_HOME!
    const files = await expectPrivateAndClean(home)
    expect(files).to.be.greaterThan(8)
    for (const sub of ['backups', 'restores']) expect((await walk(path.join(home, sub))).length, sub).to.be.greaterThan(0)
    expect(await fs.readFile(path.join(home, 'audit.log'), 'utf8')).to.contain('"command":"restore"')
    await expectPrivateAndClean(out)

    // inside the encryption too: no backup, decrypted, holds a credential
    const repo = await openStore(env)
    const journal = await openJournal(repo.backend, projectId, {codec: repo.codec})
    expect(journal.headers().length).to.be.greaterThan(3)
    for (const header of journal.headers()) assertNoSecrets(canonicalJson(await journal.state(header)), `backup ${header.name}`)
  })

  it('every CLI run of the robustness suites kept the token and the passphrase out of stdout and stderr', () => {
    expect(transcript.length).to.be.greaterThan(15)
    for (const run of transcript) {
      for (const secret of SECRETS) {
        expect(run.stdout.includes(secret) || run.stderr.includes(secret), run.args.join(' ')).to.equal(false)
      }
    }
  })
})
