/**
 * Hook overhead, hyperfine-style (whole process): a command that is not destructive (`show -p acme/1` of the
 * third-party fixture plugin, test/fixtures/pm-plugin) run in a github-pm host CLI (test/fixtures/host) WITHOUT this
 * plugin and in one WITH it linked (its prerun hook then runs before the command). Warm-up runs first, then the
 * measured runs, the two hosts taking turns so that a change in the machine's load falls on both; mean ± sd, min,
 * max of each, and the difference of the means: the hook overhead, held to a budget of 50 ms (issue 12). Printed,
 * never asserted. The linked plugin runs from dist/: built first unless --no-build.
 *
 *   npx tsx bench/hook.ts [--runs 10] [--warmup 3] [--no-build] [--plugin DIR]
 *
 * --plugin DIR measures another checkout of the plugin (built, node_modules in place), e.g. an older commit.
 */
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {ROOT} from './sandbox.js'
import {buildPlugin, createHost, PM_PLUGIN, type Host} from '../test/fixtures/host/index.js'
import {startTestSandbox} from '../test/helpers/sandbox.js'

export const HOOK_BUDGET_MS = 50

export interface HookBenchOptions {
  runs: number
  warmup: number
  build: boolean
  /** the plugin checkout to link (default: this repository) */
  plugin: string
  log: (line: string) => void
}

export interface Timing {
  runs: number
  mean: number
  sd: number
  min: number
  max: number
}

export interface HookResult {
  command: string
  without: Timing
  with: Timing
  /** user + system CPU time of the same runs */
  withoutCpu: Timing
  withCpu: Timing
  /** mean with minus mean without, in ms (wall time) */
  overhead: number
  /** the standard error of that difference, in ms */
  overheadSe: number
  /** the same for CPU time: steadier than wall time on a machine other work shares */
  cpuOverhead: number
  cpuOverheadSe: number
  budget: number
}

export function parseHookArgs(argv: string[]): Omit<HookBenchOptions, 'log'> {
  const value = (name: string) => {
    const i = argv.indexOf(name)
    return i >= 0 ? argv[i + 1] : undefined
  }
  return {
    runs: Number(value('--runs') ?? value('--hook-runs') ?? 10),
    warmup: Number(value('--warmup') ?? 3),
    build: !argv.includes('--no-build'),
    plugin: value('--plugin') ?? ROOT,
  }
}

export function timing(samples: number[]): Timing {
  const n = samples.length
  const mean = samples.reduce((a, b) => a + b, 0) / n
  const sd = n > 1 ? Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0
  return {runs: n, mean, sd, min: Math.min(...samples), max: Math.max(...samples)}
}

/**
 * Installs the plugin in the host as `plugins install` leaves it, a user plugin under the host's data dir, without
 * npm: `node_modules/<name>` there is a link to the checkout. (A LINKED plugin is a development set-up: oclif then
 * registers tsx and reads the tsconfig for it on every run, a cost no user pays.)
 */
async function installAsUser(host: Host, pluginDir: string): Promise<void> {
  const pjson = JSON.parse(await fs.readFile(path.join(pluginDir, 'package.json'), 'utf8')) as {name: string; version: string}
  const file = path.join(host.dataDir, 'package.json')
  const user = JSON.parse(await fs.readFile(file, 'utf8').catch(() => '{"private": true}')) as any
  user.oclif ??= {schema: 1}
  user.oclif.plugins = [...(user.oclif.plugins ?? []), {name: pjson.name, type: 'user', tag: 'latest'}]
  user.dependencies = {...user.dependencies, [pjson.name]: pjson.version}
  await fs.writeFile(file, JSON.stringify(user, null, 2))
  const target = path.join(host.dataDir, 'node_modules', pjson.name)
  await fs.mkdir(path.dirname(target), {recursive: true})
  await fs.symlink(path.resolve(pluginDir), target, 'dir')
  const {stdout} = await host.ok(['plugins'])
  if (!stdout.includes(`backup ${pjson.version}`) || /backup .*\(link\)/.test(stdout)) throw new Error(`the plugin is not installed in the host:\n${stdout}`)
}

/** Preloaded in every measured run (both hosts alike): writes the process's user + system CPU time at exit. */
export const CPU_REPORTER = `import {writeFileSync} from 'node:fs'
process.on('exit', () => {
  const {user, system} = process.cpuUsage()
  writeFileSync(process.env.BENCH_CPU_FILE, String((user + system) / 1000))
})
`

export interface Sample {
  wall: number
  cpu: number
}

async function timed(host: Host, args: string[], reporter: string): Promise<Sample> {
  const cpuFile = path.join(host.root, 'cpu.txt')
  const t0 = performance.now()
  const result = await host.run(args, {NODE_OPTIONS: `--import=${pathToFileURL(reporter).href}`, BENCH_CPU_FILE: cpuFile})
  const wall = performance.now() - t0
  if (result.code !== 0) throw new Error(`github-pm ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`)
  if (/automatic backup|saved,/.test(result.stderr)) throw new Error(`the hook took a backup before a read-only command: ${result.stderr.trim()}`)
  return {wall, cpu: Number(await fs.readFile(cpuFile, 'utf8'))}
}

const difference = (a: Timing, b: Timing) => ({mean: b.mean - a.mean, se: Math.sqrt(a.sd ** 2 / a.runs + b.sd ** 2 / b.runs)})

export async function benchHook(options: HookBenchOptions): Promise<HookResult> {
  if (options.build && options.plugin === ROOT) {
    options.log('npx tsc -b (the linked plugin runs from dist/)')
    await buildPlugin()
  }
  const sb = await startTestSandbox()
  const hosts: Host[] = []
  try {
    const project = await sb.createProject()
    const without = await createHost(sb.env)
    hosts.push(without)
    const withPlugin = await createHost(sb.env)
    hosts.push(withPlugin)
    options.log('linking the fixture plugin into both hosts, installing this plugin in one')
    await without.ok(['plugins', 'link', '--no-install', PM_PLUGIN])
    await withPlugin.ok(['plugins', 'link', '--no-install', PM_PLUGIN])
    await installAsUser(withPlugin, options.plugin)
    const reporter = path.join(without.root, 'cpu-reporter.mjs')
    await fs.writeFile(reporter, CPU_REPORTER)
    const args = ['show', '-p', project.ref]
    options.log(`${options.warmup} warm-up runs, then ${options.runs} measured runs of \`github-pm ${args.join(' ')}\` in each host`)
    for (let i = 0; i < options.warmup; i++) {
      await timed(without, args, reporter)
      await timed(withPlugin, args, reporter)
    }
    const a: Sample[] = []
    const b: Sample[] = []
    for (let i = 0; i < options.runs; i++) {
      // alternate which host goes first: neither always runs right after the other
      if (i % 2 === 0) {
        a.push(await timed(without, args, reporter))
        b.push(await timed(withPlugin, args, reporter))
      } else {
        b.push(await timed(withPlugin, args, reporter))
        a.push(await timed(without, args, reporter))
      }
    }
    const [ta, tb] = [timing(a.map((s) => s.wall)), timing(b.map((s) => s.wall))]
    const [ca, cb] = [timing(a.map((s) => s.cpu)), timing(b.map((s) => s.cpu))]
    const wall = difference(ta, tb)
    const cpu = difference(ca, cb)
    return {
      command: `github-pm ${args.join(' ')}`,
      without: ta,
      with: tb,
      withoutCpu: ca,
      withCpu: cb,
      overhead: wall.mean,
      overheadSe: wall.se,
      cpuOverhead: cpu.mean,
      cpuOverheadSe: cpu.se,
      budget: HOOK_BUDGET_MS,
    }
  } finally {
    for (const host of hosts) await host.cleanup()
    await sb.close()
  }
}

const ms = (n: number) => `${n.toFixed(1)} ms`

/** hyperfine's summary, one block per host, then the overhead line. */
export function printHook(result: HookResult): string {
  const block = (name: string, t: Timing, cpu: Timing) =>
    [
      `${name}: ${result.command}`,
      `  Time (mean ± σ):     ${ms(t.mean)} ± ${ms(t.sd)}    [CPU: ${ms(cpu.mean)} ± ${ms(cpu.sd)}]`,
      `  Range (min … max):   ${ms(t.min)} … ${ms(t.max)}    ${t.runs} runs`,
    ].join('\n')
  const verdict = result.overhead <= result.budget ? 'within budget' : 'OVER BUDGET'
  return [
    '## Hook overhead (a command that is not destructive, whole process)',
    '',
    block('without the plugin', result.without, result.withoutCpu),
    block('with the plugin   ', result.with, result.withCpu),
    '',
    `hook overhead: ${Math.round(result.overhead)} ms (budget ${result.budget} ms) ± ${Math.round(result.overheadSe)} ms: ${verdict}`,
    `hook overhead in CPU time: ${Math.round(result.cpuOverhead)} ms ± ${Math.round(result.cpuOverheadSe)} ms (steadier than wall time on a shared machine)`,
  ].join('\n')
}

async function main(): Promise<void> {
  const options: HookBenchOptions = {...parseHookArgs(process.argv.slice(2)), log: (line) => process.stderr.write(line + '\n')}
  const result = await benchHook(options)
  process.stdout.write(printHook(result) + '\n')
}

if (process.argv[1]?.endsWith('bench/hook.ts')) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  })
}
