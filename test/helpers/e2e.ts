import {execFile} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {runBackup, type BackupResult} from '../../src/app/backup.js'
import {connect, openSession, repository, resolveLiveProject} from '../../src/app/session.js'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import type {Seed} from '../../src/sandbox/seed.js'
import {startSandbox, type LimitsMode, type Sandbox, type SandboxOptions} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'
import {inProcessReady, runInProcess, type CliResult} from './inproc.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const BIN = path.join(ROOT, 'bin', 'run.js')
export const TOKEN = 'ghp_E2ETESTTOKEN0123456789abcdefABCDEF'
/** The CLI's backoff unit after a 5xx or a dropped connection in these tests (GITHUB_PM_TEST_RETRY_BASE_MS; real: 1 s). */
export const RETRY_BASE_MS = 10

export interface E2E {
  sandbox: Sandbox
  world: World
  home: string
  env: NodeJS.ProcessEnv
  /**
   * runs `github-pm ARGS` against the sandbox: by default the real CLI in this process (inproc.ts: the same code,
   * code, stdout and stderr as bin/run.js's process, without the process's start), or as a process when another run
   * is under way here; `options.run` chooses otherwise
   */
  cli(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliResult>
  /** runs `github-pm ARGS` as a process (bin/run.js), always: for the tests whose subject is the process */
  cliProcess(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliResult>
  /** GraphQL against the sandbox, as a user of GitHub's API would */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>
  close(): Promise<void>
}

export interface E2EOptions {
  limits?: LimitsMode
  tokens?: SandboxOptions['tokens']
  /** serve a GitHub Enterprise Server's schema (3.16: no updateProjectV2Field) */
  ghes?: SandboxOptions['ghes']
  /** how `cli` runs the CLI (default: cliRun, in this process when it can); suites that scan or kill processes bring their own */
  run?: (env: NodeJS.ProcessEnv, args: string[]) => Promise<CliResult>
}

/** A sandbox GitHub (in this process, loopback) with a seed (default: the demo project acme/1), and a private home. */
export async function startE2E(seed: Seed = demoSeed(), options: E2EOptions = {}): Promise<E2E> {
  const world = World.fromSeed(seed)
  const sandbox = await startSandbox({backend: world, limits: options.limits ?? 'off', tokens: options.tokens, ghes: options.ghes})
  const home = await mkdtemp(path.join(os.tmpdir(), 'github-pm-e2e-'))
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    GITHUB_PM_HOME: path.join(home, '.github-pm'),
    GITHUB_API_URL: sandbox.url,
    GH_TOKEN: TOKEN,
    NO_COLOR: '1',
    // the sandbox's injected 5xx and dropped connections are retried after 10, 20, 40, 80 ms instead of 1, 2, 4, 8 s
    GITHUB_PM_TEST_RETRY_BASE_MS: String(RETRY_BASE_MS),
  }
  return {
    sandbox,
    world,
    home,
    env,
    cli: (args, extraEnv = {}) => (options.run ?? cliRun)({...env, ...extraEnv}, args),
    cliProcess: (args, extraEnv = {}) => execCli({...env, ...extraEnv}, args),
    gql: async (query, variables = {}) => {
      const res = await fetch(`${sandbox.url}/graphql`, {
        method: 'POST',
        headers: {authorization: `bearer ${TOKEN}`, 'content-type': 'application/json'},
        body: JSON.stringify({query, variables}),
      })
      const body = (await res.json()) as any
      if (body.errors) throw new Error(JSON.stringify(body.errors))
      return body.data
    },
    close: async () => {
      await sandbox.close()
      await rm(home, {recursive: true, force: true})
    },
  }
}

/**
 * `github-pm backup create NAME --project PROJECT` without a process: the same app function the command runs, with the
 * environment's home, sandbox and token (no audit line). For suites whose subject is another command (restore) and
 * that only need a backup to start from: a CLI process costs about a second.
 */
export async function backupInProcess(e: E2E, name: string, project = 'acme/1'): Promise<BackupResult> {
  const session = await openSession({env: e.env})
  const repo = await repository(session)
  const client = await connect(session)
  return runBackup(session, client, repo, {project: await resolveLiveProject(session, client, project), name})
}

/**
 * `github-pm ARGS` with environment `env`: in this process when no other in-process run is under way (inproc.ts), else
 * as a process, so that two runs a test starts side by side still run side by side.
 */
export function cliRun(env: NodeJS.ProcessEnv, args: string[]): Promise<CliResult> {
  return inProcessReady(env) ? runInProcess(env, args) : execCli(env, args)
}

/** `github-pm ARGS` as a process: `node bin/run.js ARGS` with environment `env`. */
export function execCli(env: NodeJS.ProcessEnv, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], {env, maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => {
      resolve({code: error ? ((error as any).code ?? 1) : 0, stdout, stderr})
    })
  })
}

export function json<T = any>(text: string): T {
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`not JSON: ${text.slice(0, 500)}`)
  }
}
