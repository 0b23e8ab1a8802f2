/**
 * The prerun hook runs before every command of every plugin in a host CLI: for a command that is not destructive it
 * must load only what the decision needs (the config reader), never the GitHub client, the storage backends or the
 * journal. A child process runs the hook with a module-load trace (node's loader hooks) and reports every module.
 */
import {execFile} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {expect} from 'chai'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const HEAVY = [/node_modules\/@aws-sdk\//, /node_modules\/graphql\//, /node_modules\/@octokit\//, /node_modules\/jsondiffpatch\//]

const TRACER = `import {register} from 'node:module'
register('data:text/javascript,' + encodeURIComponent(\`
import {appendFileSync} from 'node:fs'
export async function load(url, context, next) {
  appendFileSync(process.env.LOAD_TRACE, url + '\\\\n')
  return next(url, context)
}\`))
`

const RUNNER = `const [hookFile, id, destructive] = process.argv.slice(2)
const {default: hook} = await import(hookFile)
const argv = ['--project', 'acme/1']
const ctx = {exit: (code) => { throw new Error('exit ' + code) }}
await hook.call(ctx, {argv, Command: {id, destructive: destructive === 'true', flags: {}}, config: {topicSeparator: ' '}})
`

describe('prerun hook: what it loads', function () {
  this.timeout(60_000)
  let dir: string

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hook-load-'))
    await fs.writeFile(path.join(dir, 'tracer.mjs'), TRACER)
    await fs.writeFile(path.join(dir, 'runner.mjs'), RUNNER)
  })

  after(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })

  /** The modules (file URLs relative to the repository) loaded by running the hook for `id`. */
  const trace = async (id: string, options: {destructive?: boolean; env?: NodeJS.ProcessEnv} = {}): Promise<string[]> => {
    const file = path.join(dir, `trace-${id}-${Date.now()}.txt`)
    const hook = pathToFileURL(path.join(ROOT, 'src/hooks/prerun.ts')).href
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--import', path.join(dir, 'tracer.mjs'), path.join(dir, 'runner.mjs'), hook, id, String(options.destructive ?? false)],
        {cwd: ROOT, env: {...process.env, GITHUB_PM_HOME: path.join(dir, 'pm'), LOAD_TRACE: file, ...options.env}},
        (error, _stdout, stderr) => (error ? reject(new Error(`hook run failed: ${stderr}`)) : resolve()),
      )
    })
    const root = pathToFileURL(ROOT).href + '/'
    return (await fs.readFile(file, 'utf8')).split('\n').filter(Boolean).map((url) => url.replace(root, ''))
  }

  it('loads neither the GitHub client nor storage nor the journal for a command that is not destructive', async () => {
    const loaded = await trace('show')
    expect(loaded).to.include('src/app/protect.ts')
    for (const heavy of HEAVY) expect(loaded.filter((url) => heavy.test(url)), String(heavy)).to.deep.equal([])
    expect(loaded.filter((url) => /src\/(github|storage\/(?!home)|journal|plan|sandbox)|app\/(session|backup|protect-backup|protect-argv)/.test(url))).to.deep.equal([])
    // not even oclif's parser: the command line of a command that is not destructive is never read
    expect(loaded.filter((url) => url.includes('@oclif/core'))).to.deep.equal([])
  })

  it('reads the command line of a destructive command, and loads the backup only when one is taken', async () => {
    const skipped = await trace('configure', {env: {GITHUB_PM_NO_BACKUP: '1'}})
    expect(skipped).to.include('src/app/protect-argv.ts')
    expect(skipped).to.not.include('src/app/protect-backup.ts')
    for (const heavy of HEAVY) expect(skipped.filter((url) => heavy.test(url)), String(heavy)).to.deep.equal([])
  })
})
