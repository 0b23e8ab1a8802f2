import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {ROOT, startE2E, TOKEN, type E2E} from '../helpers/e2e.js'

/**
 * The Action's real entry (dist/src/action/main.js, what action.yml runs after installing the plugin) as a process,
 * with the runtime's contract: INPUT_* variables, temporary GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, workflow
 * commands on stdout; against a loopback sandbox GitHub and local storage. The other cases are in run.test.ts.
 */
describe('action: the entry as a process, against the sandbox', function () {
  this.timeout(120_000)
  let e: E2E
  let dir: string

  before(async () => {
    e = await startE2E()
    dir = await mkdtemp(path.join(os.tmpdir(), 'github-pm-action-'))
  })
  after(async () => {
    await e?.close()
    if (dir) await rm(dir, {recursive: true, force: true})
  })

  it('backs up every project of the owner and writes the outputs and the job summary', async () => {
    const output = path.join(dir, 'output')
    const summary = path.join(dir, 'summary')
    await writeFile(output, '')
    await writeFile(summary, '')
    const storage = pathToFileURL(path.join(dir, 'backups')).href
    const env: NodeJS.ProcessEnv = {
      ...e.env,
      GH_TOKEN: undefined,
      INPUT_TOKEN: TOKEN,
      INPUT_OWNER: 'acme',
      INPUT_PROJECTS: 'all',
      INPUT_STORAGE: storage,
      INPUT_RETENTION: 'last=30',
      'INPUT_APP-ID': '',
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
    }
    const {code, stdout, stderr} = await new Promise<{code: number; stdout: string; stderr: string}>((resolve) => {
      execFile(process.execPath, [path.join(ROOT, 'dist', 'src', 'action', 'main.js')], {env}, (error, out, err) =>
        resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, stdout: out, stderr: err}),
      )
    })
    expect(code, stderr).to.equal(0)
    expect(stdout.split('\n')[0]).to.equal(`::add-mask::${TOKEN}`)
    expect(stdout).not.to.contain('::error')

    const outputs = Object.fromEntries((await readFile(output, 'utf8')).trim().split('\n').map((l) => l.split('=') as [string, string]))
    expect(outputs).to.include({projects: '1', failed: '0'})
    // the demo project's 15 items (12 issues, a pull request, drafts; the archived one included)
    const items = Number(outputs.items)
    expect(items).to.equal(15)
    expect(Number(outputs.bytes)).to.be.greaterThan(0)
    // the first backup of a project: every issue item is new
    expect(Number(outputs.changes)).to.be.greaterThan(0)

    const text = await readFile(summary, 'utf8')
    expect(text).to.contain('## Project backup of acme: ✅ 1 project(s)')
    expect(text).to.contain('| Project | Backup | Items | Changes | Stored | Warnings |')
    expect(text).to.match(new RegExp(`\\| \\[Roadmap\\]\\(http[^)]+/orgs/acme/projects/1\\) \\| full-\\S+ \\| ${items} \\| ${outputs.changes} \\| [\\d.]+ (B|KiB) \\| ${outputs.warnings} \\|`))
    expect(text).to.contain('Retention: 0 old backup(s) removed')
    expect(text).not.to.contain(TOKEN)
  })
})
