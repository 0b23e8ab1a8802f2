/**
 * Start-up time of the CLI, hyperfine-style (whole process, `node bin/run.js ...` of the built plugin): the commands
 * every user runs often and that do little work of their own, so that what they cost is mostly what they load. After
 * warm-up runs, each command's runs take turns with the others (a change in the machine's load falls on all); the
 * median (and min, max) of wall time and of user + system CPU time, the CPU time being steadier on a shared machine.
 * `--version` is oclif alone: the floor no change of the plugin can go under. Printed, never asserted. The plugin runs
 * from dist/: built first unless --no-build.
 *
 *   npx tsx bench/startup.ts [--runs 10] [--warmup 2] [--no-build] [--plugin DIR] [--baseline DIR]
 *
 * --plugin DIR measures another checkout (built, node_modules in place); --baseline DIR measures one more checkout in
 * the same rounds (its runs take turns with the plugin's, so both see the same load) and prints the change, e.g. the
 * commit before a change: `git archive OLD | tar -x -C /tmp/old && ln -s $PWD/node_modules /tmp/old/ && (cd /tmp/old
 * && npx tsc -b)`.
 */
import {execFile} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {ROOT} from './sandbox.js'
import {buildPlugin} from '../test/fixtures/host/index.js'
import {CPU_REPORTER, type Sample} from './hook.js'
import {startTestSandbox} from '../test/helpers/sandbox.js'

export interface StartupBenchOptions {
  runs: number
  warmup: number
  build: boolean
  /** the plugin checkout whose bin/run.js runs (default: this repository) */
  plugin: string
  /** another checkout measured in the same rounds, to compare with */
  baseline?: string
  log: (line: string) => void
}

export interface StartupTiming {
  /** `github-pm backup list --json` */
  command: string
  runs: number
  /** wall time, ms */
  median: number
  min: number
  max: number
  /** user + system CPU time, ms */
  cpuMedian: number
}

export interface StartupResult {
  plugin: string
  commands: StartupTiming[]
  /** the same commands of the baseline checkout, measured in the same rounds */
  baseline?: {plugin: string; commands: StartupTiming[]}
}

export function parseStartupArgs(argv: string[]): Omit<StartupBenchOptions, 'log'> {
  const value = (name: string) => {
    const i = argv.indexOf(name)
    return i >= 0 ? argv[i + 1] : undefined
  }
  return {
    runs: Number(value('--runs') ?? value('--startup-runs') ?? 10),
    warmup: Number(value('--warmup') ?? 2),
    build: !argv.includes('--no-build'),
    plugin: path.resolve(value('--plugin') ?? ROOT),
    ...(value('--baseline') ? {baseline: path.resolve(value('--baseline')!)} : {}),
  }
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

// the CPU reporter preloaded in every measured run, and a sample, are the hook bench's (bench/hook.ts)

function run(plugin: string, args: string[], env: NodeJS.ProcessEnv): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(plugin, 'bin/run.js'), ...args], {cwd: plugin, env, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
      const code = error ? (typeof (error as {code?: unknown}).code === 'number' ? (error as {code: number}).code : 1) : 0
      resolve({code, stdout: String(stdout), stderr: String(stderr)})
    })
  })
}

export async function benchStartup(options: StartupBenchOptions): Promise<StartupResult> {
  if (options.build && options.plugin === ROOT) {
    options.log('npx tsc -b (the CLI runs from dist/)')
    await buildPlugin()
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-startup-'))
  const sb = await startTestSandbox()
  try {
    const project = await sb.createProject({issues: 5})
    const reporter = path.join(dir, 'cpu-reporter.mjs')
    await fs.writeFile(reporter, CPU_REPORTER)
    const cpuFile = path.join(dir, 'cpu.txt')
    const base: NodeJS.ProcessEnv = {}
    for (const [k, v] of Object.entries(process.env)) if (!/^(GITHUB_PM_|GH_|GITHUB_|OCLIF_|NODE_OPTIONS$|DEBUG$)/i.test(k)) base[k] = v
    const env: NodeJS.ProcessEnv = {...base, ...sb.env, GITHUB_PM_HOME: path.join(dir, 'home'), NO_COLOR: '1'}
    // one backup and one config file: `list` and `show` read a real repository, `config get` a real file
    for (const args of [['backup', 'create', 'bench', '-p', project.ref], ['config', 'set', 'project', project.ref]]) {
      const result = await run(options.plugin, args, env)
      if (result.code !== 0) throw new Error(`github-pm ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`)
    }
    const plugins = [options.plugin, ...(options.baseline ? [options.baseline] : [])]
    const commands = [
      ['--version'],
      ['backup', '--help'],
      ['config', 'get', 'backup.storage_location'],
      ['backup', 'list', '--json'],
      ['backup', 'show', 'bench', '-p', project.ref],
    ]
    const timed = async (plugin: string, args: string[]): Promise<Sample> => {
      const t0 = performance.now()
      const result = await run(plugin, args, {...env, NODE_OPTIONS: `--import=${pathToFileURL(reporter).href}`, BENCH_CPU_FILE: cpuFile})
      const wall = performance.now() - t0
      if (result.code !== 0) throw new Error(`github-pm ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`)
      return {wall, cpu: Number(await fs.readFile(cpuFile, 'utf8'))}
    }
    options.log(`${options.warmup} warm-up runs, then ${options.runs} measured runs of ${commands.length} commands (${plugins.join(', ')})`)
    for (let i = 0; i < options.warmup; i++) for (const args of commands) for (const plugin of plugins) await timed(plugin, args)
    const samples: Sample[][][] = plugins.map(() => commands.map(() => []))
    for (let i = 0; i < options.runs; i++) {
      // a different command first in each round (none always runs right after the same other), the checkouts in turn
      for (let j = 0; j < commands.length; j++) {
        const k = (i + j) % commands.length
        for (let q = 0; q < plugins.length; q++) {
          const p = (i + q) % plugins.length
          samples[p][k].push(await timed(plugins[p], commands[k]))
        }
      }
    }
    const timings = (p: number): StartupTiming[] =>
      commands.map((args, k) => {
        const wall = samples[p][k].map((s) => s.wall)
        return {
          command: `github-pm ${args.join(' ').replace(project.ref, 'OWNER/N')}`,
          runs: wall.length,
          median: median(wall),
          min: Math.min(...wall),
          max: Math.max(...wall),
          cpuMedian: median(samples[p][k].map((s) => s.cpu)),
        }
      })
    return {
      plugin: options.plugin,
      commands: timings(0),
      ...(options.baseline ? {baseline: {plugin: options.baseline, commands: timings(1)}} : {}),
    }
  } finally {
    await sb.close()
    await fs.rm(dir, {recursive: true, force: true})
  }
}

const ms = (n: number) => `${Math.round(n)} ms`
const signed = (n: number) => (n >= 0 ? `+${ms(n)}` : `-${ms(-n)}`)

/**
 * One line per command: median wall and CPU time, the range, and what it costs over `--version` (oclif alone); with
 * a baseline, its block too and the change of each median.
 */
export function printStartup(result: StartupResult): string {
  const block = (commands: StartupTiming[]) => {
    const floor = commands[0]
    const width = Math.max(...commands.map((c) => c.command.length))
    return commands.map((c, i) => {
      const over = i === 0 ? '(oclif alone)' : `${signed(c.median - floor.median)} over --version`
      return `${c.command.padEnd(width)}  median ${ms(c.median).padStart(7)}  [CPU ${ms(c.cpuMedian).padStart(7)}]  range ${ms(c.min)} … ${ms(c.max)}  ${over}`
    })
  }
  const lines = ['## Start-up (whole process, median of ' + result.commands[0].runs + ' runs)', '', ...block(result.commands)]
  if (result.baseline) {
    const base = result.baseline.commands
    lines.push('', `baseline ${result.baseline.plugin}, in the same rounds:`, ...block(base), '', 'change of the medians (this checkout minus the baseline):')
    for (const [i, c] of result.commands.entries()) {
      lines.push(`  ${c.command}: wall ${signed(c.median - base[i].median)}, CPU ${signed(c.cpuMedian - base[i].cpuMedian)}`)
    }
  }
  return lines.join('\n')
}

async function main(): Promise<void> {
  const options: StartupBenchOptions = {...parseStartupArgs(process.argv.slice(2)), log: (line) => process.stderr.write(line + '\n')}
  process.stdout.write(printStartup(await benchStartup(options)) + '\n')
}

if (process.argv[1]?.endsWith('bench/startup.ts')) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  })
}
