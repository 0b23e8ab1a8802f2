import path from 'node:path'
import {expect} from 'chai'
import {backupInProcess, execCli, startE2E, type E2E} from '../helpers/e2e.js'
import {runInProcess} from '../helpers/inproc.js'

/**
 * The end-to-end suites run the CLI in the test process (helpers/inproc.ts) where the process is not their subject.
 * That holds only while an in-process run gives what `node bin/run.js ARGS` gives: the same exit status, stdout and
 * stderr. Here representative invocations run both ways and are compared byte for byte: success in human and --json
 * form, both command forms, a UserError (human and --json), an unknown flag, an unknown command (oclif's own error
 * path), --version and --help; and what one run leaves behind must not reach the next (registered secrets, the
 * environment, process.exitCode, argv, the streams).
 */
describe('the in-process CLI gives what the process gives', function () {
  this.timeout(120_000)
  let e: E2E

  before(async () => {
    e = await startE2E()
    await backupInProcess(e, 'first')
  })
  after(async () => e.close())

  const cases: Array<[string, string[], number]> = [
    ['a listing', ['backup', 'list', '--project', 'acme/1'], 0],
    ['--json, in the topic:command form', ['backup:list', '--project', 'acme/1', '--json'], 0],
    ['a UserError', ['backup', 'info', 'nope', '--project', 'acme/1'], 1],
    ['a UserError in --json mode', ['backup', 'info', 'nope', '--project', 'acme/1', '--json'], 1],
    ['an unknown flag', ['backup', 'list', '--project', 'acme/1', '--bogus'], 2],
    ['an unknown command', ['backup', 'nosuch'], 2],
    ['--help', ['backup', 'list', '--help'], 0],
  ]
  for (const [what, args, code] of cases) {
    it(`${what}: ${args.join(' ')}`, async () => {
      const here = await runInProcess(e.env, args)
      const there = await execCli(e.env, args)
      expect(here).to.deep.equal(there)
      expect(here.code).to.equal(code)
      expect(here.stdout + here.stderr).to.not.equal('')
    })
  }

  it('a secret registered by one run is not redacted by the next, as in a process of its own', async () => {
    const passphrase = 'inproc-passphrase-42'
    const storage = `file://${path.join(e.home, 'encrypted')}`
    const init = await runInProcess({...e.env, GITHUB_PM_PASSPHRASE: passphrase}, ['backup', 'init', '--encrypt', '--storage', storage])
    expect(init.code, init.stderr).to.equal(0)
    // the passphrase is just a name to this command, which runs without it: a process prints it as given
    const args = ['backup', 'info', passphrase, '--project', 'acme/1']
    const here = await runInProcess(e.env, args)
    expect(here).to.deep.equal(await execCli(e.env, args))
    expect(here.stderr).to.contain(`"${passphrase}"`)
  })

  it('leaves the test process as it found it: environment, argv, exit code and streams', async () => {
    const env = {...process.env}
    const argv = process.argv
    const writes = [process.stdout.write, process.stderr.write]
    const ttys = [process.stdout.isTTY, process.stderr.isTTY]
    process.exitCode = 9
    try {
      const ok = await runInProcess({...e.env, GITHUB_PM_EXTRA: 'x'}, ['backup', 'list', '--project', 'acme/1'])
      expect(ok.code, 'an earlier exit code does not leak into a run').to.equal(0)
      expect(process.exitCode).to.equal(9)
      const refused = await runInProcess(e.env, ['backup', 'info', 'nope', '--project', 'acme/1', '--json'])
      expect(refused.code).to.equal(1)
      expect(process.exitCode).to.equal(9)
    } finally {
      process.exitCode = undefined
    }
    expect(process.env).to.deep.equal(env)
    expect(process.argv).to.equal(argv)
    expect([process.stdout.write, process.stderr.write]).to.deep.equal(writes)
    expect([process.stdout.isTTY, process.stderr.isTTY]).to.deep.equal(ttys)
  })
})
