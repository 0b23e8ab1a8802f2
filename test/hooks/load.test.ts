/**
 * The prerun hook runs before every command of every plugin in a host CLI: for a command that is not destructive it
 * must load only what the decision needs (the config reader), never the GitHub client, the storage backends or the
 * journal. A child process runs the hook with a module-load trace (node's loader hooks) and reports every module.
 * The plugin's own light commands likewise load only what they use (start-up time, docs/performance.md "Start-up").
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

/** Runs one of the plugin's commands (its module from src/, through tsx) with the arguments given. */
const COMMAND_RUNNER = `const [commandFile, root, ...argv] = process.argv.slice(2)
const {default: Command} = await import(commandFile)
await Command.run(argv, root)
`

describe('prerun hook: what it loads', function () {
  this.timeout(60_000)
  let dir: string
  /** the two traced runs, started together in `before` (two processes, two cores); each test awaits its own */
  let showTrace: Promise<{loaded: string[]} | {error: unknown}>
  let skippedTrace: Promise<{loaded: string[]} | {error: unknown}>
  let configGetTrace: Promise<{loaded: string[]} | {error: unknown}>
  let listTrace: Promise<{loaded: string[]} | {error: unknown}>
  const settled = (p: Promise<string[]>) => p.then((loaded) => ({loaded}), (error: unknown) => ({error}))
  const loadedBy = async (p: Promise<{loaded: string[]} | {error: unknown}>) => {
    const r = await p
    if ('error' in r) throw r.error
    return r.loaded
  }

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hook-load-'))
    await fs.writeFile(path.join(dir, 'tracer.mjs'), TRACER)
    await fs.writeFile(path.join(dir, 'runner.mjs'), RUNNER)
    await fs.writeFile(path.join(dir, 'command.mjs'), COMMAND_RUNNER)
    showTrace = settled(trace('show'))
    skippedTrace = settled(trace('configure', {env: {GITHUB_PM_NO_BACKUP: '1'}}))
    configGetTrace = settled(traceCommand('config/get', ['backup.storage_location']))
    listTrace = settled(traceCommand('backup/list', ['--all', '--json']))
  })

  after(async () => {
    await Promise.all([showTrace, skippedTrace, configGetTrace, listTrace])
    await fs.rm(dir, {recursive: true, force: true})
  })

  /** The modules (file URLs relative to the repository) loaded by a traced run of `script` with `args`. */
  const traced = async (name: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> => {
    const file = path.join(dir, `trace-${name}-${Date.now()}.txt`)
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--import', path.join(dir, 'tracer.mjs'), path.join(dir, script), ...args],
        {cwd: ROOT, env: {...process.env, GITHUB_PM_HOME: path.join(dir, `pm-${name}`), LOAD_TRACE: file, ...env}},
        (error, _stdout, stderr) => (error ? reject(new Error(`${name} run failed: ${stderr}`)) : resolve()),
      )
    })
    const root = pathToFileURL(ROOT).href + '/'
    return (await fs.readFile(file, 'utf8')).split('\n').filter(Boolean).map((url) => url.replace(root, ''))
  }

  /** The modules loaded by running the hook for `id`. */
  const trace = (id: string, options: {destructive?: boolean; env?: NodeJS.ProcessEnv} = {}): Promise<string[]> =>
    traced(id, 'runner.mjs', [pathToFileURL(path.join(ROOT, 'src/hooks/prerun.ts')).href, id, String(options.destructive ?? false)], options.env)

  /** The modules loaded by running the plugin's command `name` (e.g. `config/get`), no config file, local storage. */
  const traceCommand = (name: string, argv: string[]): Promise<string[]> =>
    traced(name.replace('/', '-'), 'command.mjs', [pathToFileURL(path.join(ROOT, `src/commands/${name}.ts`)).href, ROOT, ...argv])

  it('loads neither the GitHub client nor storage nor the journal for a command that is not destructive', async () => {
    const loaded = await loadedBy(showTrace)
    expect(loaded).to.include('src/app/protect.ts')
    for (const heavy of HEAVY) expect(loaded.filter((url) => heavy.test(url)), String(heavy)).to.deep.equal([])
    expect(loaded.filter((url) => /src\/(github|storage\/(?!home)|journal|plan|sandbox)|app\/(session|backup|protect-backup|protect-argv)/.test(url))).to.deep.equal([])
    // not even oclif's parser: the command line of a command that is not destructive is never read
    expect(loaded.filter((url) => url.includes('@oclif/core'))).to.deep.equal([])
  })

  it('reads the command line of a destructive command, and loads the backup only when one is taken', async () => {
    const skipped = await loadedBy(skippedTrace)
    expect(skipped).to.include('src/app/protect-argv.ts')
    expect(skipped).to.not.include('src/app/protect-backup.ts')
    for (const heavy of HEAVY) expect(skipped.filter((url) => heavy.test(url)), String(heavy)).to.deep.equal([])
  })

  // every command pays at start-up for what it loads: the GitHub client, the AWS SDK, git storage and zod are loaded
  // by the commands that use them, not by every command (issue 12)
  const NOT_FOR_LIGHT_COMMANDS = [
    /node_modules\/@aws-sdk\//,
    /node_modules\/graphql\//,
    /node_modules\/@octokit\//,
    /node_modules\/zod\//,
    /^src\/github\/(client|capture|auth-app)\.ts$/,
    /^src\/storage\/(s3|git|git-process)\.ts$/,
    /^src\/config\/file-schema\.ts$/,
    /^src\/sandbox\//,
  ]

  it('`config get` loads neither the session nor the journal, the GitHub client, the backends or zod', async () => {
    const loaded = await loadedBy(configGetTrace)
    expect(loaded).to.include('src/commands/config/get.ts')
    expect(loaded).to.include('src/config/config.ts')
    for (const heavy of [...NOT_FOR_LIGHT_COMMANDS, /node_modules\/jsondiffpatch\//, /^src\/(journal|plan)\//, /^src\/app\/session\.ts$/]) {
      expect(loaded.filter((url) => heavy.test(url)), String(heavy)).to.deep.equal([])
    }
  })

  it('`backup list --all` on local storage reads the index without the GitHub client, S3, git or zod', async () => {
    const loaded = await loadedBy(listTrace)
    expect(loaded).to.include('src/journal/catalog.ts')
    expect(loaded).to.include('src/storage/local.ts')
    for (const heavy of [...NOT_FOR_LIGHT_COMMANDS, /^src\/journal\/journal\.ts$/]) {
      expect(loaded.filter((url) => heavy.test(url)), String(heavy)).to.deep.equal([])
    }
  })
})
