import {mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {cliRun} from '../helpers/e2e.js'

/** `config set` refuses, in one line, a value the commands reading it would refuse later; it keeps the file as it was. */
describe('config set checks values as the commands would', function () {
  this.timeout(60_000)
  let home: string
  // the real CLI in this process (helpers/inproc.ts: the same code, exit status and output as bin/run.js's process)
  const cli = (args: string[]) => cliRun({PATH: process.env.PATH, HOME: home, GITHUB_PM_HOME: path.join(home, '.github-pm'), NO_COLOR: '1'}, args)
  const config = async () => JSON.parse(await readFile(path.join(home, '.github-pm', 'config.json'), 'utf8'))

  before(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'github-pm-config-'))
  })
  after(async () => rm(home, {recursive: true, force: true}))

  // every value the check accepts and refuses is in test/config/set.test.ts (in-process); here, the command's surface
  it('accepts what the commands accept', async () => {
    const r = await cli(['config', 'set', 'project', 'acme/3'])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout.trim()).to.equal('project = acme/3')
    expect(await config()).to.deep.equal({project: 'acme/3'})
  })

  const refused: Array<[string, string, RegExp]> = [
    ['backup.storage_location', 'nowhere://bucket', /unknown storage location "nowhere:\/\/bucket": use one of local/],
    ['backup.keyframe_max_chain', 'ten', /takes a whole number/],
  ]
  for (const [key, value, message] of refused) {
    it(`refuses ${key} ${value} in one line and keeps the file`, async () => {
      const before = await config()
      const r = await cli(['config', 'set', key, value])
      expect(r.code).to.not.equal(0)
      const lines = r.stderr.trim().split('\n')
      expect(lines, r.stderr).to.have.length(1)
      expect(lines[0]).to.match(message)
      expect(await config()).to.deep.equal(before)
    })
  }
})
