import {loadConfig, type ResolvedConfig} from '../config/config.js'
import type {ClientOptions, GitHubClient, WaitInfo} from '../github/client.js'
import {parseProjectRef, resolveProject, type ProjectInfo, type ProjectRef} from '../github/project-ref.js'
import {readBackupIndex, type BackupIndexEntry} from '../journal/catalog.js'
import type {Journal} from '../journal/journal.js'
import type {Codec} from '../journal/events.js'
import type {StorageBackend} from '../storage/backend.js'
import {openRepository} from '../storage/repository.js'
import {inTransaction} from '../storage/open.js'
import {UserError} from '../util/errors.js'
import {noTerminal, type IOStreams} from '../util/io.js'
import {currentPassphrase} from './prompt.js'

/**
 * What every operation runs with: environment, configuration, clock and a progress callback. Commands build one;
 * the hook builds one; tests build one with a sandbox URL in `env.GITHUB_API_URL` and a temporary GITHUB_PM_HOME.
 */
export interface Session {
  env: NodeJS.ProcessEnv
  config: ResolvedConfig
  /** the terminal: made once by the CLI layer; without one (hook, tests) nothing is ever asked */
  io?: IOStreams
  now: () => Date
  onProgress?: (progress: {phase: string; done: number; total?: number}) => void
  onWait?: (info: WaitInfo) => void
  /** epoch milliseconds at which the command's deadline (config github.deadline) passes; undefined: none */
  deadlineAt?: number
  /** the client's backoff unit after a 5xx or a dropped connection (default: the client's, 1 s); tests shrink it */
  retryBaseMs?: ClientOptions['retryBaseMs']
}

export async function openSession(options: Partial<Session> = {}): Promise<Session> {
  const env = options.env ?? process.env
  const config = options.config ?? (await loadConfig(env))
  return {
    env,
    config,
    io: options.io ?? noTerminal(),
    now: options.now ?? (() => new Date()),
    onProgress: options.onProgress,
    onWait: options.onWait,
    // the deadline counts from the start of the command, in real time (requests run in real time)
    deadlineAt: options.deadlineAt ?? deadlineFrom(config, Date.now()),
    retryBaseMs: options.retryBaseMs,
  }
}

/** The project text from the flag, else the configured default; neither is a one-line error saying what to do. */
export function projectText(session: Session, flag?: string): string {
  const text = flag ?? (session.config.get('project') as string | undefined)
  if (!text) {
    throw new UserError(
      'no project given: pass --project (a project URL, OWNER/NUMBER or PVT_ node id) or run `github-pm config set project <project>`',
      {code: 'ENOPROJECT'},
    )
  }
  return text
}

/** When a command started at `startMs` must be done, from config github.deadline (seconds; 0 or unset: never). */
export function deadlineFrom(config: ResolvedConfig, startMs: number): number | undefined {
  const seconds = Number(config.get('github.deadline') ?? 0)
  return seconds > 0 ? startMs + seconds * 1000 : undefined
}

/** What a client is for: a GitHub App's installation is found from this project's (or this) owner. */
export interface ConnectTarget {
  /** the project text (flag), else the configured default project */
  project?: string
  /** an owner login (--owner), winning over the project's */
  owner?: string
}

export async function connect(session: Session, target: ConnectTarget = {}): Promise<GitHubClient> {
  // loaded by the commands that talk to GitHub only (Octokit, graphql: docs/performance.md, "Start-up")
  const {createClient} = await import('../github/client.js')
  const stall = Number(session.config.get('github.stall_timeout') ?? 30)
  return createClient({
    env: session.env,
    owner: target.owner ?? ownerOfProject(session, target.project),
    onWait: session.onWait,
    stallTimeoutMs: stall * 1000,
    // a session built by hand (demo, tests) has no deadlineAt: its deadline counts from now
    deadlineAt: session.deadlineAt ?? deadlineFrom(session.config, Date.now()),
    retryBaseMs: session.retryBaseMs,
  })
}

/** The owner login of the project text (the flag, else the configured default), when it names one. */
function ownerOfProject(session: Session, flag?: string): string | undefined {
  const text = flag ?? (session.config.get('project') as string | undefined)
  if (!text) return undefined
  try {
    const ref = parseProjectRef(text)
    return ref.kind === 'number' ? ref.owner : undefined
  } catch {
    return undefined
  }
}

/** Resolves a project against GitHub (needs a token). */
export async function resolveLiveProject(session: Session, client: GitHubClient, flag?: string): Promise<ProjectInfo> {
  return resolveProject(client, parseProjectRef(projectText(session, flag)))
}

/** The storage URL in force: the flag, else config `backup.storage_location` (default `local`). */
export function storageUrl(session: Session, flag?: string): string {
  return flag ?? (session.config.get('backup.storage_location') as string | undefined) ?? 'local'
}

export interface Repository {
  url: string
  backend: StorageBackend
  codec: Codec
}

export async function repository(session: Session, flag?: string): Promise<Repository> {
  return openRepository(storageUrl(session, flag), session.env, {
    remote: session.config.get('backup.git.remote') as string | undefined,
    // an encrypted repository and no passphrase variable: ask on the terminal when there is one
    askPassphrase: async (url) => (session.io?.canPrompt ? currentPassphrase(url, session.env, session.io) : undefined),
  })
}

export function journalOptions(session: Session) {
  return {
    now: session.now,
    keyframe: {maxChain: Number(session.config.get('backup.keyframe_max_chain') ?? 50)},
  }
}

export async function journalFor(session: Session, repo: Repository, projectId: string): Promise<Journal> {
  // the journal (jsondiffpatch, the replay) only for a command that reads or writes one: `backup list` reads the index
  const {openJournal} = await import('../journal/journal.js')
  return openJournal(repo.backend, projectId, {...journalOptions(session), codec: repo.codec})
}

/**
 * Runs a write to a project's journal as one unit: on git storage one commit named `message` (e.g. `Backup: NAME`),
 * pushed when a remote is configured; elsewhere every write is durable on its own.
 */
export async function writeJournal<T>(
  session: Session,
  repo: Repository,
  projectId: string,
  message: string,
  fn: (journal: Journal, tx: StorageBackend) => Promise<T>,
): Promise<T> {
  const {openJournal} = await import('../journal/journal.js')
  return inTransaction(repo.backend, message, async (tx) => fn(await openJournal(tx, projectId, {...journalOptions(session), codec: repo.codec}), tx))
}

/**
 * Finds a project among the backups a repository holds, without asking GitHub: by node id, by URL, or by
 * OWNER/NUMBER. This is what lets `backup list`, `info`, `validate`, `compare` and `export` work on any machine
 * with a copy of the backups and no token. Returns undefined when the repository has no backups of it.
 */
export async function findBackedUpProject(repo: Repository, text: string): Promise<BackupIndexEntry | undefined> {
  const ref = parseProjectRef(text)
  const entries = await readBackupIndex(repo.backend, repo.codec)
  return entries.find((e) => matches(e, ref))
}

function matches(entry: BackupIndexEntry, ref: ProjectRef): boolean {
  if (ref.kind === 'id') return entry.id === ref.id
  const m = /\/(?:orgs|users)\/([^/]+)\/projects\/(\d+)/.exec(entry.url)
  if (!m) return false
  return m[1].toLowerCase() === ref.owner.toLowerCase() && Number(m[2]) === ref.number
}

/**
 * The project id whose backups a command reads: found in the repository's index when possible (no network), else
 * resolved through GitHub.
 */
export async function backedUpProjectId(session: Session, repo: Repository, flag?: string): Promise<string> {
  const text = projectText(session, flag)
  const found = await findBackedUpProject(repo, text)
  if (found) return found.id
  const ref = parseProjectRef(text)
  if (ref.kind === 'id') return ref.id
  const client = await connect(session, {owner: ref.owner})
  return (await resolveProject(client, ref)).id
}
