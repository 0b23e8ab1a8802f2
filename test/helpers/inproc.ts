import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {run} from '@oclif/core'
import {Exit, handle} from '@oclif/core/handle'
import ansis from 'ansis'

/**
 * The real CLI (bin/run.js: oclif's `execute`, the plugin's commands from dist/) run inside the test process, for the
 * end-to-end suites whose subject is what a command does and says, not the process: a CLI process costs 0.6 s idle and
 * about 2 s on a loaded machine before any work, an in-process run a few milliseconds.
 *
 * A run gives what the process would: the same {code, stdout, stderr}. For the call, process.env is exactly the
 * process's environment, process.argv is `node bin/run.js ARGS`, stdin, stdout and stderr are not terminals (as under
 * execFile: pipes), stdout and stderr are captured (the commands write through `systemIO()`, i.e. process.stdout and
 * process.stderr, and oclif through the same streams and `console`), and the exit status is computed as bin/run.js's
 * `execute` would have the process end: `process.exitCode` (or 0) when oclif's `run` resolves, else what oclif's
 * `handle` prints and exits with (its `Exit.exit` is oclif's own hook for tests). State that a fresh process would not
 * carry over is reset before each run: the registered secrets (so a run redacts exactly what its process would),
 * process.exitCode. Everything else is restored after the run.
 *
 * One run at a time: the environment and the streams belong to the whole process. `inProcessReady` says whether a run
 * can start now; a caller that runs two CLIs side by side runs the second as a process (see e2e.ts `cliRun`).
 * test/e2e/in-process.test.ts runs representative invocations both ways and compares.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = path.join(ROOT, 'bin', 'run.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

let busy = false
let secrets: Promise<() => void> | undefined

/**
 * Whether a run can start in this process now: none is running, and oclif's colours are off here as they are in a CLI
 * process whose output is a pipe (a test process on a terminal, or FORCE_COLOR, turns them on for the whole process).
 */
export function inProcessReady(env: NodeJS.ProcessEnv): boolean {
  return !busy && !ansis.isSupported() && env.FORCE_COLOR === undefined
}

/** `github-pm ARGS` with environment `env` (the whole environment, as a process would get it), in this process. */
export async function runInProcess(env: NodeJS.ProcessEnv, args: string[]): Promise<CliResult> {
  if (busy) throw new Error('runInProcess: another in-process CLI run is under way (run this one as a process)')
  busy = true
  const restore = enter(env, args)
  try {
    const forgetSecrets = await (secrets ??= secretsOfTheCommands())
    forgetSecrets()
    // oclif's Config is loaded afresh for each run, as in a process (about 20 ms: the manifest; the commands' modules
    // stay loaded). A Config reused from run to run is not the same: after a --help run it no longer finds commands.
    const code = await exitStatus(() => run(args, ROOT))
    return {code, ...restore.output()}
  } finally {
    restore.all()
    busy = false
  }
}

/** forgetSecrets of the module instance the commands (dist/) use, not the test's own (src/ through tsx). */
async function secretsOfTheCommands(): Promise<() => void> {
  const module = (await import(pathToFileURL(path.join(ROOT, 'dist', 'src', 'util', 'secrets.js')).href)) as {forgetSecrets?: () => void}
  if (typeof module.forgetSecrets !== 'function') throw new Error('dist/src/util/secrets.js has no forgetSecrets: build first (npm run build)')
  return module.forgetSecrets
}

/** The status bin/run.js's process ends with: execute() = run().then(flush).catch(handle); handle() calls Exit.exit. */
async function exitStatus(command: () => Promise<unknown>): Promise<number> {
  try {
    await command()
    return Number(process.exitCode ?? 0)
  } catch (error) {
    const exit = Exit.exit
    let code: number | undefined
    Exit.exit = ((status = 0) => {
      code ??= status // the first call ends a process; handle() goes on only where a process would already be gone
    }) as typeof Exit.exit
    try {
      await handle(error as Error)
    } finally {
      Exit.exit = exit
    }
    return code ?? Number(process.exitCode ?? 0)
  }
}

type Write = typeof process.stdout.write

/** Applies the process's environment, argv and streams for one run; returns what restores them and the output. */
function enter(env: NodeJS.ProcessEnv, args: string[]) {
  const savedEnv = {...process.env}
  replaceEnv(env)
  const savedArgv = process.argv
  process.argv = [process.execPath, BIN, ...args]
  const savedExitCode = process.exitCode
  process.exitCode = undefined

  const chunks = {stdout: [] as Buffer[], stderr: [] as Buffer[]}
  const streams = [
    [process.stdout, chunks.stdout],
    [process.stderr, chunks.stderr],
  ] as const
  const savedWrites = streams.map(([stream]) => stream.write)
  for (const [stream, sink] of streams) stream.write = capture(sink)
  // stdin, stdout and stderr are pipes for a process run by execFile: no terminal, no colour, no prompt, no progress
  const ttys = [process.stdin, process.stdout, process.stderr].map((stream) => {
    const own = Object.getOwnPropertyDescriptor(stream, 'isTTY')
    Object.defineProperty(stream, 'isTTY', {value: false, configurable: true, writable: true})
    return () => {
      if (own) Object.defineProperty(stream, 'isTTY', own)
      else delete (stream as {isTTY?: boolean}).isTTY
    }
  })

  return {
    output: () => ({stdout: Buffer.concat(chunks.stdout).toString('utf8'), stderr: Buffer.concat(chunks.stderr).toString('utf8')}),
    all: () => {
      for (const undo of ttys) undo()
      streams.forEach(([stream], i) => (stream.write = savedWrites[i]))
      process.exitCode = savedExitCode
      process.argv = savedArgv
      replaceEnv(savedEnv)
    },
  }
}

/** A stream's `write` that keeps the bytes (as a pipe to the parent would) and reports them written. */
function capture(sink: Buffer[]): Write {
  return function (chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean {
    if (typeof encoding === 'function') {
      callback = encoding
      encoding = undefined
    }
    sink.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : Buffer.from(chunk))
    if (callback) process.nextTick(callback)
    return true
  } as Write
}

/** Makes process.env hold exactly `env` (no variable of the test process left over). */
function replaceEnv(env: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) delete process.env[key]
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value
}
