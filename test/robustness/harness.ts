/**
 * Shared tools of the robustness suites: the CLI as a killable process whose every output is scanned for secrets,
 * directory snapshots, private-mode checks, journal look-ups from the test process, and a competing API consumer that
 * keeps GitHub's secondary limit nearly spent so the client's bursts really hit 403 + retry-after.
 */
import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {expect} from 'chai'
import {runBackup, type BackupResult} from '../../src/app/backup.js'
import {applyRestore, prepareRestore, type ApplyOutcome} from '../../src/app/restore.js'
import {connect, openSession, repository, resolveLiveProject} from '../../src/app/session.js'
import {captureProject} from '../../src/github/capture.js'
import {createClient} from '../../src/github/client.js'
import {openJournal} from '../../src/journal/journal.js'
import {validateJournal, type ValidationReport} from '../../src/journal/validate.js'
import type {ProjectState} from '../../src/model/state.js'
import {mulberry32} from '../../src/util/random.js'
import type {Sandbox} from '../../src/sandbox/server.js'
import {openRepository} from '../../src/storage/repository.js'
import type {LimitsMode, SandboxOptions} from '../../src/sandbox/server.js'
import type {Seed} from '../../src/sandbox/seed.js'
import {BIN, RETRY_BASE_MS, cliRun, startE2E, TOKEN, type E2E} from '../helpers/e2e.js'

/** The passphrase of every encrypted repository in these suites: it must never show up anywhere. */
export const PASSPHRASE = 'robustness passphrase: tr0ub4dor&3 never-print-me'
export const SECRETS = [TOKEN, PASSPHRASE]

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** true when the test killed the process */
  killed: boolean
}

/** Every output of every CLI run of the robustness suites, for the secrets scan. */
export const transcript: Array<{args: string[]; stdout: string; stderr: string}> = []

/**
 * Runs `github-pm ARGS` (bin/run.js) as a process. With `killAfterMs`, the process is SIGKILLed after that long (if
 * still running). Every stdout and stderr is checked for the token and the passphrase before the result is returned.
 * ROBUST_TIMING=1 prints each run's duration on stderr (where a suite's time goes).
 */
export function runCli(env: NodeJS.ProcessEnv, args: string[], options: {killAfterMs?: number} = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn(process.execPath, [BIN, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
    const out: Buffer[] = []
    const err: Buffer[] = []
    let killed = false
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    const timer =
      options.killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            killed = child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')
          }, options.killAfterMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      if (process.env.ROBUST_TIMING) console.error(`[cli ${Date.now() - started} ms${killed ? ' KILLED' : ''}] ${args.join(' ')}`)
      const run: CliRun = {code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), killed}
      transcript.push({args, stdout: run.stdout, stderr: run.stderr})
      try {
        assertNoSecrets(run.stdout, `stdout of ${args.join(' ')}`)
        assertNoSecrets(run.stderr, `stderr of ${args.join(' ')}`)
      } catch (error) {
        reject(error)
        return
      }
      resolve(run)
    })
  })
}

/**
 * Runs `github-pm ARGS` in this process (the real CLI, as e2e.ts `cliRun`: the same code, stdout and stderr as a
 * process; as a process when another in-process run is under way), scanned and recorded like runCli's. For the suites
 * whose subject is what a command does, not its process (nothing to kill).
 */
export async function runScanned(env: NodeJS.ProcessEnv, args: string[]): Promise<CliRun> {
  const r = await cliRun(env, args)
  const run: CliRun = {code: r.code, signal: null, stdout: r.stdout, stderr: r.stderr, killed: false}
  transcript.push({args, stdout: run.stdout, stderr: run.stderr})
  assertNoSecrets(run.stdout, `stdout of ${args.join(' ')}`)
  assertNoSecrets(run.stderr, `stderr of ${args.join(' ')}`)
  return run
}

/**
 * Like startE2E (a sandbox GitHub on loopback and a private home), with the sandbox's limits mode and tokens chosen
 * by the suite. `e.cli` is the scanned, killable runCli, or with `inProcess` the scanned runScanned.
 */
export async function startEnv(seed: Seed, options: {limits?: LimitsMode; tokens?: SandboxOptions['tokens']; inProcess?: boolean} = {}): Promise<E2E> {
  const {inProcess, ...sandbox} = options
  return startE2E(seed, {
    ...sandbox,
    run: async (env, args) => {
      const run = inProcess ? await runScanned(env, args) : await runCli(env, args)
      return {code: run.code ?? 1, stdout: run.stdout, stderr: run.stderr}
    },
  })
}

/** The CLI of an E2E environment, with extra variables. */
export function cliOf(e: E2E, extra: NodeJS.ProcessEnv = {}) {
  return (args: string[], options: {killAfterMs?: number} = {}) => runCli({...e.env, ...extra}, args, options)
}

export function assertNoSecrets(text: string | Buffer, where: string): void {
  const s = typeof text === 'string' ? text : text.toString('latin1')
  for (const secret of SECRETS) {
    if (s.includes(secret)) throw new Error(`${where} contains a secret (${secret.slice(0, 6)}…)`)
  }
}

/** A one-line error: stderr holds exactly one non-empty line. */
export function expectOneLine(run: CliRun, what: string): void {
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '')
  expect(lines, `${what}: stderr ${JSON.stringify(run.stderr)}`).to.have.length(1)
}

/** Every file and directory under root (absolute paths), depth first; [] when root does not exist. */
export async function walk(root: string): Promise<string[]> {
  let entries
  try {
    entries = await fs.readdir(root, {withFileTypes: true})
  } catch (error: any) {
    if (error?.code === 'ENOENT') return []
    throw error
  }
  const out: string[] = []
  for (const entry of entries) {
    const p = path.join(root, entry.name)
    out.push(p)
    if (entry.isDirectory()) out.push(...(await walk(p)))
  }
  return out
}

/** relative path -> sha256 of the content ('dir' for a directory): compares a tree before and after. */
export async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const p of await walk(root)) {
    const stat = await fs.lstat(p)
    out[path.relative(root, p)] = stat.isDirectory() ? 'dir' : createHash('sha256').update(await fs.readFile(p)).digest('hex')
  }
  return out
}

/** Files 0600 and directories 0700 (no group or other bits), and no secret inside any file. */
export async function expectPrivateAndClean(root: string): Promise<number> {
  let files = 0
  for (const p of await walk(root)) {
    const stat = await fs.lstat(p)
    if (stat.isDirectory()) expect(stat.mode & 0o777, `${p} mode`).to.equal(0o700)
    else if (stat.isFile()) {
      expect(stat.mode & 0o777, `${p} mode`).to.equal(0o600)
      assertNoSecrets(await fs.readFile(p), p)
      files++
    }
  }
  return files
}

export async function projectIdOf(e: E2E, owner = 'acme', number = 1): Promise<string> {
  return (await e.gql(`{ organization(login: "${owner}") { projectV2(number: ${number}) { id } } }`)).organization.projectV2.id
}

/** The live project as the tool captures it (a fault-free client of the sandbox). */
export async function liveState(sandbox: Sandbox, projectId: string): Promise<ProjectState> {
  const client = await createClient({apiUrl: sandbox.url, token: TOKEN})
  return (await captureProject(client, projectId, {type: 'full'})).state
}

/**
 * `github-pm restore --yes NAME --project PROJECT` without a process: what the command runs (prepare with the
 * project's restore lock, apply, release), with the environment's home, sandbox, token and scaled backoff. For the
 * runs a suite needs to finish (the run "again" after a kill), not for the runs it kills: those are processes. The
 * command's `status` is the record's status (it exits 0 only when that is 'done').
 */
export async function restoreInProcess(env: NodeJS.ProcessEnv, backup: string, project = 'acme/1'): Promise<ApplyOutcome> {
  const session = await openSession({env, retryBaseMs: RETRY_BASE_MS})
  const repo = await repository(session)
  const client = await connect(session, {project})
  // the request the command builds from `--yes NAME --project P` (flags not given are undefined, and so are the diff
  // options): the same options give the same progress record, so this run resumes what a killed process began (the
  // suites check it)
  const request = {backup, project, adaptEnvironment: false, diff: {}}
  const prepared = await prepareRestore(session, client, repo, request, {exclusive: true})
  try {
    return await applyRestore(session, client, repo, prepared)
  } finally {
    await prepared.release()
  }
}

/** `github-pm backup create NAME --project PROJECT --storage STORAGE` without a process (the app function it runs). */
export async function backupInProcessTo(env: NodeJS.ProcessEnv, name: string, storage?: string, project = 'acme/1'): Promise<BackupResult> {
  const session = await openSession({env, retryBaseMs: RETRY_BASE_MS})
  const repo = await repository(session, storage)
  const client = await connect(session, {project})
  return runBackup(session, client, repo, {project: await resolveLiveProject(session, client, project), name})
}

/** A storage location read from the test process, the way the CLI opens it. */
export async function openStore(env: NodeJS.ProcessEnv, storage = 'local') {
  return openRepository(storage, env, {passphrase: env.GITHUB_PM_PASSPHRASE})
}

export async function backupNames(env: NodeJS.ProcessEnv, projectId: string, storage = 'local'): Promise<string[]> {
  const repo = await openStore(env, storage)
  const journal = await openJournal(repo.backend, projectId, {codec: repo.codec})
  return journal.headers().map((h) => h.name)
}

export async function backupState(env: NodeJS.ProcessEnv, projectId: string, name: string, storage = 'local'): Promise<ProjectState> {
  const repo = await openStore(env, storage)
  const journal = await openJournal(repo.backend, projectId, {codec: repo.codec})
  return journal.state(journal.find(name))
}

export async function validateStore(env: NodeJS.ProcessEnv, projectId: string, storage = 'local'): Promise<ValidationReport> {
  const repo = await openStore(env, storage)
  return validateJournal(repo.backend, repo.codec, projectId)
}

/**
 * Another consumer of the same login (a second job on the same token): every 50 ms it spends GraphQL secondary
 * points until only `headroom` of the per-minute budget is left, so the client under test runs into 403 secondary
 * limits with retry-after whenever it bursts. Returns the function that stops it.
 */
export function competingConsumer(sandbox: Sandbox, login = 'octocat', headroom = 12): () => void {
  const budget = 2000
  const timer = setInterval(() => {
    const used = sandbox.limiter.secondaryUsed(login, 'graphql')
    const spend = budget - headroom - used
    if (spend > 0) sandbox.limiter.admit(login, 'graphql', {secondaryPoints: spend, contentCreations: 0, primaryPoints: 0})
  }, 50)
  return () => clearInterval(timer)
}

/**
 * Bursts of a competing consumer at chosen moments: when the sandbox has received `trigger` GraphQL requests, the
 * login's secondary budget for the minute is spent in full, so the client's next request is refused (403, retry-after)
 * and must wait for the window to move on. Driven by the request count itself (the budget is spent just before the
 * sandbox admits the next GraphQL request at or past a trigger), never by a timer that a busy test process would run
 * late. Returns the function that stops watching.
 */
export function burstsAt(sandbox: Sandbox, triggers: number[], login = 'octocat'): () => void {
  const pending = [...triggers].sort((a, b) => a - b)
  const limiter = sandbox.limiter
  const admit = limiter.admit
  limiter.admit = function (this: typeof limiter, ...args: Parameters<typeof admit>) {
    if (args[1] === 'graphql' && pending.length > 0 && sandbox.stats.requests.graphql >= pending[0]) {
      pending.shift()
      const spend = 2000 - limiter.secondaryUsed(login, 'graphql')
      if (spend > 0) admit.call(limiter, login, 'graphql', {secondaryPoints: spend, contentCreations: 0, primaryPoints: 0})
    }
    return admit.apply(this, args)
  }
  return () => {
    limiter.admit = admit
  }
}

/** A deterministic PRNG (mulberry32) for kill moments, so a failing run can be replayed with its seed. */
export const prng = mulberry32
