import {expect} from 'chai'
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {runDemo, type DemoStep} from '../../src/app/demo.js'

/**
 * `npm run demo` is the README's first command: the whole story must run, in order, prove the restore and the
 * resurrection, and end with the HTML report.
 */
describe('app/demo: the README\'s first command', function () {
  this.timeout(180_000)
  let home: string
  before(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'gpm-demo-test-'))
  })
  after(async () => {
    await rm(home, {recursive: true, force: true})
  })

  it('backs up, breaks, restores, deletes and resurrects the project, and ends with a self-contained report', async () => {
    const steps: DemoStep[] = []
    const result = await runDemo({home, report: (step) => steps.push(step)})
    expect(result.equal, steps.map((s) => `${s.step}: ${s.text}`).join('\n')).to.equal(true)
    const names = steps.map((s) => s.step)
    for (const [before, after] of [['backup', 'disaster'], ['disaster', 'restore'], ['restore', 'proof'], ['proof', 'delete'], ['delete', 'resurrect']]) {
      expect(names.indexOf(before), `${before} before ${after} in ${names.join(', ')}`).to.be.within(0, names.indexOf(after) - 1)
    }
    expect(names.at(-1)).to.equal('report')
    const resurrect = steps.find((s) => s.step === 'resurrect')!
    expect(resurrect.text).to.match(/hidden configuration included/)
    const html = await readFile(result.report, 'utf8')
    expect(html).to.match(/^<!doctype html>/i)
    expect(html).to.include('Roadmap')
    expect(html).not.to.match(/<script[^>]+src=|<link[^>]+href=["']https?:/i)
    expect((await stat(result.report)).mode & 0o077, 'the report is private').to.equal(0)
  })
})
