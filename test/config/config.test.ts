import {expect} from 'chai'
import fc from 'fast-check'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {CONFIG_KEYS, type ConfigKey, loadConfig, parseValue, readConfigFile, setConfig} from '../../src/config/config.js'
import {configFileSchema, parseConfigFile} from '../../src/config/file-schema.js'
import {keySpec} from '../../src/config/schema.js'
import {isUserError} from '../../src/util/errors.js'

describe('config file schema', () => {
  let home: string
  let env: NodeJS.ProcessEnv
  const write = (content: string) => fs.writeFile(path.join(home, 'config.json'), content, {mode: 0o600})
  const refusal = async (): Promise<string> => {
    try {
      await readConfigFile(env)
    } catch (error) {
      expect(isUserError(error), String(error)).to.equal(true)
      return (error as Error).message
    }
    throw new Error('the config file was accepted')
  }

  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-config-'))
    env = {GITHUB_PM_HOME: home}
  })
  afterEach(async () => fs.rm(home, {recursive: true, force: true}))

  it('accepts every value `config set` stores, every default, and a file with keys of a newer version', async () => {
    const values: Record<string, string> = {
      project: 'acme/3',
      'backup.auto_before_destructive': 'off',
      'backup.destructive_commands': 'configure, batch',
      'backup.on_backup_failure': 'continue',
      'backup.retention_days': '0',
      'backup.storage_location': 's3://bucket/prefix',
      'backup.git.remote': 'origin',
      'backup.type': 'minimal',
      'backup.dependencies': 'none',
      'backup.keyframe_max_chain': '1',
      'backup.shadow_copies': 'on',
      'backup.full_capture_every': '1',
      'backup.full_capture_hours': '12',
      'github.stall_timeout': '5',
      'github.deadline': '600',
    }
    expect(Object.keys(values).sort()).to.deep.equal(Object.keys(CONFIG_KEYS).sort())
    for (const [key, text] of Object.entries(values)) await setConfig(key, text, env)
    const raw = JSON.parse(await fs.readFile(path.join(home, 'config.json'), 'utf8'))
    await write(JSON.stringify({...raw, 'backup.some_future_key': {nested: true}}))
    const config = await readConfigFile(env)
    expect(config).to.deep.equal(Object.fromEntries(Object.entries(values).map(([k, t]) => [k, parseValue(k, t)])))
    const defaults = Object.fromEntries(Object.entries(CONFIG_KEYS).flatMap(([k, s]) => ('default' in s ? [[k, s.default]] : [])))
    expect(parseConfigFile(defaults)).to.deep.equal({config: defaults})
    expect(await readConfigFile({GITHUB_PM_HOME: path.join(home, 'absent')})).to.deep.equal({})
  })

  it('refuses a wrong-shaped file in one line naming the key and what it expects, and applies none of it', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{'backup.retention_days': '7'}, /: backup\.retention_days: expected a whole number: run `github-pm config set backup\.retention_days VALUE`/],
      [{'backup.retention_days': -1}, /backup\.retention_days: expected a whole number of at least 0/],
      [{'backup.keyframe_max_chain': 0}, /backup\.keyframe_max_chain: expected a whole number of at least 1/],
      [{'github.stall_timeout': 2.5}, /github\.stall_timeout: expected a whole number/],
      [{'github.deadline': 1e300}, /github\.deadline: expected a whole number/],
      [{'backup.type': 'huge'}, /backup\.type: expected one of full, config, minimal/],
      [{'backup.auto_before_destructive': 'yes'}, /backup\.auto_before_destructive: expected true or false/],
      [{'backup.destructive_commands': 'configure'}, /backup\.destructive_commands: expected a list of strings/],
      [{'backup.destructive_commands': ['configure', 7]}, /backup\.destructive_commands\[1\]: expected a string/],
      [{project: 3}, /project: expected a string/],
      [{project: null}, /project: expected a string/],
      // the first wrong key is named, and the right keys before it are not applied either
      [{project: 'acme/1', 'backup.type': 'full', 'backup.on_backup_failure': 'ignore'}, /backup\.on_backup_failure: expected one of abort, continue/],
    ]
    for (const [content, message] of cases) {
      await write(JSON.stringify(content))
      const text = await refusal()
      expect(text, JSON.stringify(content)).to.match(message).and.to.contain(path.join(home, 'config.json'))
      expect(text).not.to.contain('\n')
      // every command reading the config is refused the same way: nothing of the file is used
      let loaded: unknown
      try {
        loaded = await loadConfig(env)
      } catch {
        loaded = undefined
      }
      expect(loaded, JSON.stringify(content)).to.equal(undefined)
    }
  })

  it('the fix the refusal names works: `config set` or `config unset` of each wrong key, one at a time', async () => {
    const {unsetConfig} = await import('../../src/config/config.js')
    await write(JSON.stringify({project: 'acme/1', 'backup.retention_days': '7', 'backup.type': 'huge', 'backup.future': 1}))
    expect(await refusal()).to.match(/backup\.retention_days: expected a whole number: run `github-pm config set backup\.retention_days VALUE` \(or `config unset backup\.retention_days`\)/)
    await setConfig('backup.retention_days', '7', env)
    expect(await refusal()).to.match(/backup\.type: expected one of full, config, minimal/)
    expect(await unsetConfig('backup.type', env)).to.equal(true)
    expect(await readConfigFile(env)).to.deep.equal({project: 'acme/1', 'backup.retention_days': 7})
    expect(JSON.parse(await fs.readFile(path.join(home, 'config.json'), 'utf8'))).to.deep.equal({project: 'acme/1', 'backup.retention_days': 7, 'backup.future': 1})
    // a file that is not a JSON object is not changed key by key
    await write('[1]')
    let error: unknown
    try {
      await setConfig('project', 'acme/2', env)
    } catch (e) {
      error = e
    }
    expect((error as Error)?.message).to.match(/must hold a JSON object/)
  })

  it('keeps the refusals of a file that is not a JSON object', async () => {
    for (const content of ['{"project": "acme/1",', '[1, 2, 3]', 'null', '"text"', '\u0000\u0001garbage']) {
      await write(content)
      expect(await refusal(), content).to.match(/config file .*config\.json .*fix it or delete it to start over/)
    }
  })

  it('ignores inherited names (__proto__, constructor, toString) as unknown keys, and pollutes nothing', async () => {
    await write('{"__proto__": {"polluted": true}, "constructor": 1, "toString": "x", "hasOwnProperty": [], "project": "acme/2"}')
    const config = await readConfigFile(env)
    expect(config).to.deep.equal({project: 'acme/2'})
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined)
    expect(Object.getPrototypeOf(config)).to.equal(Object.prototype)
    expect(keySpec('__proto__')).to.equal(undefined)
    expect(keySpec('toString')).to.equal(undefined)
    for (const key of ['__proto__', 'toString', 'constructor']) {
      expect(() => parseValue(key, '1'), key).to.throw(/unknown config key/)
    }
    const loaded = await loadConfig(env)
    expect(loaded.source('backup.type')).to.equal('default')
  })

  it('property: any JSON object is either read with every known key well-typed, or refused naming a key it holds (seeded)', () => {
    const keys = [...Object.keys(CONFIG_KEYS), 'backup.future', '__proto__', 'toString']
    const value = fc.oneof(fc.string(), fc.integer({min: -3, max: 100}), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.oneof(fc.string(), fc.integer())), fc.constantFrom('full', 'abort', 'auto', 'none'))
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), value), (raw) => {
        const result = parseConfigFile(raw)
        if ('config' in result) {
          for (const [key, v] of Object.entries(result.config)) {
            expect(Object.hasOwn(CONFIG_KEYS, key)).to.equal(true)
            expect(v).to.deep.equal(raw[key])
            // what the file holds is what `config set` would have stored
            const text = Array.isArray(v) ? v.join(',') : String(v)
            if (!Array.isArray(v) || v.every((s) => s.trim() === s && s && !s.includes(','))) {
              if (typeof v !== 'string' || v.trim()) expect(parseValue(key, text)).to.deep.equal(v)
            }
          }
        } else {
          const key = result.problem.split(':')[0].replace(/\[\d+\]$/, '')
          expect(Object.hasOwn(raw, key), result.problem).to.equal(true)
          expect(Object.hasOwn(CONFIG_KEYS, key)).to.equal(true)
        }
      }),
      {seed: 13, numRuns: 400},
    )
  })

  it('the derived type: each key is typed by its kind (checked by the compiler)', () => {
    const typed: {type?: 'full' | 'config' | 'minimal'; days?: number; auto?: boolean; list?: string[]} = {}
    const parsed = configFileSchema.parse({'backup.type': 'config', 'backup.retention_days': 3, 'backup.auto_before_destructive': false, 'backup.destructive_commands': ['x']})
    typed.type = parsed['backup.type']
    typed.days = parsed['backup.retention_days']
    typed.auto = parsed['backup.auto_before_destructive']
    typed.list = parsed['backup.destructive_commands']
    expect(typed).to.deep.equal({type: 'config', days: 3, auto: false, list: ['x']})
    expect(Object.keys(configFileSchema.shape).sort()).to.deep.equal((Object.keys(CONFIG_KEYS) as ConfigKey[]).sort())
  })
})
