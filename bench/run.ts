/**
 * `npm run bench` (run meanwhile with `npx tsx bench/run.ts`): for each size, a sandbox GitHub in another process, a
 * full backup, incremental backups after 1% changed and after no change, rebuilds in a journal of 100 events, and a
 * restore after a disaster; then, offline (the sandbox stopped), `backup validate`, `backup show latest --json` and
 * `backup report --html` on that journal of 100 events. Each step runs in its own process (peak RSS is the step's own;
 * bench/child.ts, from dist/ as the CLI runs). Then the tables, "peak RSS per command" last; with --baseline, an
 * earlier run's figures beside these. Then the prerun hook's overhead on a command that is not destructive
 * (bench/hook.ts, also runnable alone), and the start-up time of the light commands (bench/startup.ts, also runnable
 * alone).
 *
 *   npx tsx bench/run.ts [--sizes 1000,10000,50000] [--events 100] [--json FILE] [--baseline FILE] [--browser]
 *                        [--no-build] [--hook-runs 10] [--no-hook] [--startup-runs 10] [--no-startup]
 *   npx tsx bench/run.ts --history [--sizes 50000] [--events 100]   only `backup history` on a big journal (bench/history.ts)
 *
 * --baseline FILE: an earlier `--json` output; its figures are printed beside this run's (before / after).
 * --browser: the report step also opens the page in chromium (CHROMIUM_PATH, default /usr/bin/chromium).
 */
import {execFile, execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {benchHistory, printHistory} from './history.js'
import {benchHook, printHook, type HookResult} from './hook.js'
import {bigSeed} from './seed.js'
import {benchStartup, printStartup, type StartupResult} from './startup.js'
import {ROOT, startSandboxProcess} from './sandbox.js'
import {World} from '../src/sandbox/world.js'
import {parseBaseline, peakRss, printBaseline, printTable, type SizeResult} from './table.js'
import {readTestTimes, testSuiteSection} from './test-times.js'
import {TOKEN, changeItems, projectRefs, replaceStatusOptions, sampleNaiveItems} from './world-ops.js'

interface Options {
  sizes: number[]
  events: number
  json?: string
  build: boolean
  /** measured runs of the hook bench per host; 0: no hook bench */
  hookRuns: number
  /** measured runs of each command of the start-up bench; 0: no start-up bench */
  startupRuns: number
  /** only the history bench (bench/history.ts), at each size */
  history?: boolean
  /** an earlier `--json` output, printed beside this run */
  baseline?: string
  /** the report step also opens the page in chromium */
  browser: boolean
  log: (line: string) => void
}

export function parseArgs(argv: string[]): Omit<Options, 'log'> {
  const value = (name: string) => {
    const i = argv.indexOf(name)
    return i >= 0 ? argv[i + 1] : undefined
  }
  return {
    sizes: (value('--sizes') ?? '1000,10000,50000').split(',').map((s) => Number(s.trim())),
    events: Number(value('--events') ?? 100),
    json: value('--json'),
    build: !argv.includes('--no-build'),
    hookRuns: argv.includes('--no-hook') ? 0 : Number(value('--hook-runs') ?? 10),
    startupRuns: argv.includes('--no-startup') ? 0 : Number(value('--startup-runs') ?? 10),
    ...(argv.includes('--history') ? {history: true} : {}),
    ...(value('--baseline') === undefined ? {} : {baseline: value('--baseline')}),
    browser: argv.includes('--browser'),
  }
}

/**
 * How a step runs: the built bench/child.js under dist/ when there is one (the CLI runs built JavaScript; tsx's loader
 * would add about 30 MiB of RSS and 1.5 s to every step), else bench/child.ts through tsx. `npm run bench` builds
 * first; with --no-build, dist/ is measured as it is.
 */
export function childCommand(): string[] {
  const built = path.join(ROOT, 'dist', 'bench', 'child.js')
  return existsSync(built) ? [built] : ['--import', 'tsx', path.join(ROOT, 'bench', 'child.ts')]
}

/** Runs bench/child.ts with `args` in its own process; resolves with its JSON line. */
export function runChild(args: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...childCommand(), JSON.stringify(args)],
      {cwd: ROOT, env: {...process.env, ...env, NODE_OPTIONS: '--max-old-space-size=4096'}, maxBuffer: 16 * 1024 * 1024},
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`bench step ${JSON.stringify(args)} failed: ${stderr.trim() || error.message}`))
        try {
          resolve(JSON.parse(stdout.trim().split('\n').at(-1)!))
        } catch {
          reject(new Error(`bench step ${JSON.stringify(args)} printed no result: ${stdout.slice(0, 500)}`))
        }
      },
    )
  })
}

/** Every measurement for one project size. */
export async function benchSize(
  items: number,
  options: {events: number; dir: string; log: (line: string) => void; browser?: boolean; /** the read-only steps side by side (their times then overlap) */ parallelReads?: boolean},
): Promise<SizeResult> {
  const {dir, log} = options
  const t0 = performance.now()
  const stateFile = path.join(dir, `state-${items}.json`)
  {
    // the world as a project last changed an hour ago (its items' updatedAt): a project whose every item changed in
    // the minute before a backup is read in full again by the next one (src/github/capture-incremental.ts)
    const generated = bigSeed(items)
    const world = World.fromSeed(generated.seed as any, {now: () => new Date(Date.now() - 3_600_000)})
    await writeFile(stateFile, JSON.stringify(world.toJSON()))
  }
  log(`[${items}] world written (${((performance.now() - t0) / 1000).toFixed(1)} s); starting the sandbox process`)
  const sandbox = await startSandboxProcess(stateFile, 'off', 'state')
  const historyHome = path.join(dir, `history-${items}`)
  let online: Omit<SizeResult, 'items' | 'validate' | 'show' | 'report' | 'seconds'>
  let offline: NodeJS.ProcessEnv
  try {
    const home = path.join(dir, `home-${items}`)
    const env = {GITHUB_API_URL: sandbox.url, GH_TOKEN: TOKEN, GITHUB_PM_HOME: home, GITHUB_TOKEN: '', GH_HOST: ''}
    // the read-only commands have no token: one that asked GitHub would fail instead of being measured
    offline = {...env, GH_TOKEN: ''}
    log(`[${items}] sandbox ${sandbox.url} (pid ${sandbox.pid}); full backup`)
    const full = await runChild({op: 'backup', name: 'full'}, env)
    const refs = await projectRefs(sandbox.url)
    const changed = await changeItems(sandbox.url, refs, 0.01)
    log(`[${items}] ${changed} items changed; incremental backups`)
    const incremental = await runChild({op: 'backup', name: 'after-1pct'}, env)
    const unchanged = await runChild({op: 'backup', name: 'no-change'}, env)
    log(`[${items}] journal of ${options.events} events`)
    const history = await runChild({op: 'history', events: options.events, home: historyHome}, env)
    log(`[${items}] disaster and restore`)
    await replaceStatusOptions(sandbox.url, refs)
    const restore = await runChild({op: 'restore', backup: 'no-change'}, env)
    const naiveSample = await sampleNaiveItems(sandbox.url, refs, Math.min(100, items))
    online = {changed, full, incremental, unchanged, history, restore, naiveSample}
  } finally {
    // stopped before the read-only steps: they need no GitHub, and the machine gets the sandbox's memory back
    await sandbox.stop()
  }
  log(`[${items}] validate, show and report on the journal of ${options.events} events (offline)`)
  const reads = [
    () => runChild({op: 'validate', home: historyHome}, offline),
    () => runChild({op: 'show', home: historyHome, name: 'latest'}, offline),
    () => runChild({op: 'report', home: historyHome, browser: options.browser === true}, offline),
  ]
  const [validate, show, report] = options.parallelReads ? await Promise.all(reads.map((step) => step())) : await sequence(reads)
  return {items, ...online, validate, show, report, seconds: (performance.now() - t0) / 1000}
}

async function sequence<T>(steps: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = []
  for (const step of steps) out.push(await step())
  return out
}

export async function runBench(options: Options): Promise<SizeResult[]> {
  if (options.build) {
    options.log('npx tsc -b (the sandbox process runs the built CLI)')
    execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['tsc', '-b'], {cwd: ROOT, stdio: 'inherit'})
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'github-pm-bench-'))
  const results: SizeResult[] = []
  try {
    for (const size of options.sizes) results.push(await benchSize(size, {events: options.events, dir, log: options.log, browser: options.browser}))
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
  return results
}

function machine(): string {
  const cpus = os.cpus()
  return `${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`
}

async function main(): Promise<void> {
  const options: Options = {...parseArgs(process.argv.slice(2)), log: (line) => process.stderr.write(line + '\n')}
  const started = performance.now()
  if (options.history) {
    for (const size of options.sizes) process.stdout.write(printHistory(await benchHistory(size, options.events, options.log)) + '\n\n')
    return
  }
  // the baseline is read first: a wrong file is said before the long run, not after it
  const baseline = options.baseline === undefined ? undefined : parseBaseline(await readBaselineFile(options.baseline), options.baseline)
  const results = await runBench(options)
  const total = (performance.now() - started) / 1000
  process.stdout.write(printTable(results, {machine: machine(), totalSeconds: total}) + '\n')
  if (baseline) process.stdout.write('\n' + printBaseline(baseline.results, results, {file: options.baseline!, machine: baseline.machine}) + '\n')
  let hook: HookResult | undefined
  if (options.hookRuns > 0) {
    // dist/ is built above (or by the caller with --no-build): the installed plugin runs from it
    hook = await benchHook({runs: options.hookRuns, warmup: 3, build: false, plugin: ROOT, log: options.log})
    process.stdout.write('\n' + printHook(hook) + '\n')
  }
  let startup: StartupResult | undefined
  if (options.startupRuns > 0) {
    startup = await benchStartup({runs: options.startupRuns, warmup: 2, build: false, plugin: ROOT, log: options.log})
    process.stdout.write('\n' + printStartup(startup) + '\n')
  }
  process.stdout.write(testSuiteSection(await readTestTimes(ROOT)) + '\n')
  if (options.json) {
    const doc = {machine: machine(), totalSeconds: total, results, peakRss: peakRss(results), ...(options.baseline ? {baseline: options.baseline} : {}), hook, startup}
    await writeFile(options.json, JSON.stringify(doc, null, 2) + '\n')
  }
}

async function readBaselineFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new Error(`--baseline ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give an earlier \`npm run bench -- --json FILE\` output`)
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/run.ts')) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  })
}
