import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {promisify} from 'node:util'
import {ROOT} from '../helpers/e2e.js'

const run = promisify(execFile)

describe('oclif.manifest.json', () => {
  it('lists exactly the commands the build declares (regenerate with npm run manifest)', async function () {
    this.timeout(60_000)
    const {stdout} = await run(process.execPath, [path.join(ROOT, 'scripts/manifest.js'), '--check'], {cwd: ROOT})
    expect(stdout).to.match(/is current \(\d+ commands\)/)
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'oclif.manifest.json'), 'utf8'))
    for (const id of ['backup', 'backup:create', 'backup:list', 'backup:validate', 'backup:compare', 'restore', 'config:set', 'backup:sandbox']) {
      expect(manifest.commands, id).to.have.property(id)
    }
    expect(manifest.commands.restore.aliases).to.include('backup:restore')
  })
})
