import {mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {checkConfigValue, parseValue, setConfig} from '../../src/config/config.js'
import {isUserError} from '../../src/util/errors.js'
import {rejection} from '../helpers/rejection.js'

/**
 * `config set KEY VALUE` (src/commands/config/set.ts) is checkConfigValue(parseValue) then setConfig: a value the
 * commands reading it would refuse is refused now, as a one-line UserError (which the command prints as one line and
 * exits non-zero on, see test/e2e/config-set.test.ts), and the file is kept as it was.
 */
describe('config set checks values as the commands would (in-process)', () => {
  let home: string
  let env: NodeJS.ProcessEnv
  const configSet = async (key: string, value: string) => {
    await checkConfigValue(key, parseValue(key, value), env)
    return setConfig(key, value, env)
  }
  const config = async () => JSON.parse(await readFile(path.join(home, '.github-pm', 'config.json'), 'utf8'))

  before(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'github-pm-config-'))
    env = {HOME: home, GITHUB_PM_HOME: path.join(home, '.github-pm')}
  })
  after(async () => rm(home, {recursive: true, force: true}))

  it('accepts what the commands accept', async () => {
    for (const [key, value] of [
      ['backup.storage_location', 's3://my-backups/acme?region=eu-west-1'],
      ['backup.storage_location', `file://${home}/new/folder`],
      ['project', 'acme/3'],
      ['backup.retention_days', '30'],
    ]) {
      await configSet(key, value)
    }
    expect(await config()).to.deep.equal({'backup.storage_location': `file://${home}/new/folder`, project: 'acme/3', 'backup.retention_days': 30})
  })

  const refused: Array<[string, string, RegExp]> = [
    ['backup.storage_location', 'nowhere://bucket', /unknown storage location "nowhere:\/\/bucket": use one of local/],
    ['backup.storage_location', 'file://relative/path', /cannot be opened|not a file URL/],
    ['backup.storage_location', 'file:///dev/null/backups', /cannot be opened: \/dev\/null is not a folder/],
    ['backup.storage_location', 's3://B_/x', /is not a bucket name/],
    ['project', 'my project', /"my project" is not a project reference/],
    ['project', 'acme/0', /is not a project reference/],
    ['backup.retention_days', '99999999999999999999', /takes a whole number/],
    ['backup.keyframe_max_chain', 'ten', /takes a whole number/],
  ]
  for (const [key, value, message] of refused) {
    it(`refuses ${key} ${value} in one line and keeps the file`, async () => {
      const before = await config()
      const error = await rejection(configSet(key, value))
      expect(isUserError(error), String(error)).to.equal(true)
      expect(error.message).to.not.include('\n')
      expect(error.message).to.match(message)
      expect(await config()).to.deep.equal(before)
    })
  }
})
