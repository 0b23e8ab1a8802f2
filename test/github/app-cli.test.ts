import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {gunzipSync} from 'node:zlib'
import {BIN} from '../helpers/e2e.js'
import {startAppSandbox, type AppSandbox} from '../helpers/app.js'

/** Every file under `dir`, gzip members unpacked, as text. */
async function allText(dir: string): Promise<string> {
  let out = ''
  for (const entry of await fs.readdir(dir, {withFileTypes: true, recursive: true})) {
    if (!entry.isFile()) continue
    const bytes = await fs.readFile(path.join(entry.parentPath, entry.name))
    out += bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8')
    out += '\n'
  }
  return out
}

/** The CLI as a process, authenticated as a GitHub App: the backup works and no secret lands anywhere. */
describe('github/app-cli: `backup create` as a GitHub App', function () {
  this.timeout(120_000)
  let s: AppSandbox
  let home: string

  before(async () => {
    s = await startAppSandbox()
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'pm-app-cli-'))
  })
  after(async () => {
    await s.close()
    await fs.rm(home, {recursive: true, force: true})
  })

  it('backs up acme/1 with App credentials from the environment, the key given with literal \\n escapes', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      GITHUB_PM_HOME: path.join(home, '.github-pm'),
      GITHUB_API_URL: s.url,
      NO_COLOR: '1',
      GITHUB_PM_APP_ID: s.env.GITHUB_PM_APP_ID,
      GITHUB_PM_APP_PRIVATE_KEY: s.keys.privateKey.trim().split('\n').join('\\n'),
    }
    const run = await new Promise<{code: number; stdout: string; stderr: string}>((resolve) => {
      execFile(process.execPath, [BIN, 'backup', 'create', 'nightly', '--project', 'acme/1', '--json'], {env}, (error, stdout, stderr) =>
        resolve({code: error ? ((error as any).code ?? 1) : 0, stdout, stderr}),
      )
    })
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.include('nightly')
    const everything = `${run.stdout}\n${run.stderr}\n${await allText(home)}`
    expect(everything).to.include('"command"') // the audit line was written
    for (const line of s.keys.privateKey.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(everything).to.not.include(line)
    expect(everything).to.not.match(/ghs_[A-Za-z0-9]{20,}/)
    expect(everything).to.not.match(/eyJ[\w-]{10,}\.[\w-]{10,}\./)
  })
})
