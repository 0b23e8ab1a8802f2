import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {randomBytes} from 'node:crypto'
import {pathToFileURL} from 'node:url'
import {UserError} from '../util/errors.js'
import {type StorageBackend, sleep, validateKey, validatePrefix} from './backend.js'
import {CatFileBatch, gitEnv, lastLine, run, runOk, type GitRun} from './git-process.js'
import {type LockHandle, type LockOptions, acquireLock, processAlive} from './lock.js'

export const DEFAULT_GIT_BRANCH = 'github-pm-backups'

export interface GitBackendOptions {
  /** a work tree (its top level) or a bare repository */
  repo: string
  /** the dedicated branch holding the backups (default `github-pm-backups`) */
  branch?: string
  /** a remote name or URL: fetched before the first read, pushed to after every commit (never forced) */
  remote?: string
  /** the environment git runs with (default process.env); GIT_DIR, GIT_INDEX_FILE and the like are removed */
  env?: NodeJS.ProcessEnv
  /** create a bare repository at `repo` when the path does not exist or is an empty folder (git+file URLs) */
  init?: boolean
}

/** A backend that can group writes into one commit (the git backend); see {@link GitBackend.withTransaction}. */
export interface TransactionalBackend extends StorageBackend {
  withTransaction<T>(message: string, fn: (tx: StorageBackend) => Promise<T>): Promise<T>
}

export function isTransactional(backend: StorageBackend): backend is TransactionalBackend {
  return typeof (backend as Partial<TransactionalBackend>).withTransaction === 'function'
}

/** Staged changes of a commit: bytes to write, or null to remove the key. */
type Changes = Map<string, Uint8Array | null>

const LOCK_REFS = 'refs/github-pm/locks/'
const MAX_CAS_ATTEMPTS = 50
const MAX_PUSH_ATTEMPTS = 5
/**
 * Backups on a dedicated branch of a git repository, written with git's plumbing only: a commit's files, trees and
 * the commit itself are written by ONE `git fast-import` on the parent commit (no ref written: its scratch branch is
 * reset before it ends), and the branch moves with `update-ref <ref> <new> <expected-old>` (compare-and-swap; a writer
 * that lost the race rebuilds its commit on the new tip). The user's working tree, index, HEAD and current branch are
 * never read or written, and no hooks run. The author and committer are git's own (`git var`: user.name and
 * user.email, GIT_AUTHOR_* and GIT_COMMITTER_*), or github-pm when the repository has no identity.
 *
 * Every put/delete is one commit (`github-pm: put <key>`). To make ONE commit for a whole backup, run the journal
 * append inside a transaction:
 *
 *     await backend.withTransaction(`Backup: ${name}`, (tx) => appendBackup(tx, codec, ...))
 *
 * (or `inTransaction(backend, message, fn)` from open.ts, which does the same on git and just runs fn elsewhere).
 *
 * With a remote, the branch is fetched before the first operation (and fast-forwarded), and pushed after every commit
 * with `--no-verify` and never forced. When the push is rejected because the remote moved, the remote branch is
 * fetched: if it changed none of the paths this commit changed, the commit is rebuilt on top of it and pushed again;
 * otherwise nothing is saved (the local branch takes the remote's state) and a UserError says to run again.
 *
 * Reads (objects, refs, revisions) go through one long-lived `git cat-file --batch` per instance (close() ends it),
 * and a commit's tree is listed once with `ls-tree -r` and cached: no git process per object read.
 *
 * Locks are refs `refs/github-pm/locks/<key>` pointing at a blob holding the LockInfo, created with update-ref's
 * create-only form (expected old value all zeros), on the shared protocol of lock.ts. They exclude processes sharing this repository; across clones the
 * push rules above keep histories from being overwritten.
 */
export class GitBackend implements StorageBackend, TransactionalBackend {
  readonly url: string
  readonly repo: string
  readonly branch: string
  readonly remote: string | undefined
  private readonly ref: string
  private readonly trackingRef: string | undefined
  private readonly env: NodeJS.ProcessEnv
  private readonly zero: string
  private readonly idents: Idents
  private synced: Promise<void> | undefined
  /** one `git cat-file --batch` for every object read of this instance */
  private readonly objects: CatFileBatch
  private treeCache: {commit: string; entries: Map<string, string>} | undefined

  private constructor(repo: string, branch: string, remote: string | undefined, env: NodeJS.ProcessEnv, zero: string, idents: Idents) {
    this.repo = repo
    this.branch = branch
    this.remote = remote
    this.ref = `refs/heads/${branch}`
    this.trackingRef = remote === undefined ? undefined : `refs/github-pm/remotes/${encodeRefPart(remote)}/${encodeRefPart(branch)}`
    this.env = env
    this.zero = zero
    this.idents = idents
    this.objects = new CatFileBatch(repo, env)
    const query = remote === undefined ? '' : `?remote=${encodeURIComponent(remote)}`
    this.url = `git+${pathToFileURL(repo).href}${query}#${branch}`
  }

  /** Checks git, the repository and the branch name; creates a bare repository when `init` allows it. */
  static async open(options: GitBackendOptions): Promise<GitBackend> {
    const env = gitEnv(options.env ?? process.env)
    const branch = options.branch ?? DEFAULT_GIT_BRANCH
    const repo = path.resolve(options.repo)
    if (options.init && (await emptyOrMissing(repo))) {
      await fs.mkdir(repo, {recursive: true, mode: 0o700})
      await runOk(repo, env, ['init', '--bare', '--quiet'])
    }
    const probe = await run(repo, env, ['rev-parse', '--is-bare-repository'])
    if (probe.code !== 0) throw new UserError(`${repo} is not a git repository: create it with \`git init\` or use another storage location`)
    const bare = probe.stdout.toString('utf8').trim() === 'true'
    if ((await run(repo, env, ['check-ref-format', `refs/heads/${branch}`])).code !== 0) {
      throw new UserError(`"${branch}" is not a valid git branch name: choose another backup branch`)
    }
    if (!bare) await refuseCheckedOut(repo, env, branch)
    const format = await run(repo, env, ['rev-parse', '--show-object-format'])
    const zero = '0'.repeat(format.code === 0 && format.stdout.toString('utf8').trim() === 'sha256' ? 64 : 40)
    const idents = await commitIdents(repo, env)
    await sweepTempIndexes()
    return new GitBackend(repo, branch, options.remote, env, zero, idents)
  }

  // ------------------------------------------------------------------------------------------------------------
  // StorageBackend

  async get(key: string): Promise<Uint8Array | undefined> {
    validateKey(key)
    await this.ensureSynced()
    const commit = await this.tip()
    if (!commit) return undefined
    const blob = (await this.tree(commit)).get(key)
    if (!blob) return undefined
    const content = await this.objects.read(blob)
    if (content === undefined) throw new Error(`git object ${blob} of ${key} is missing in ${this.repo}`)
    return new Uint8Array(content)
  }

  /** Ends the object reader process (a later read starts it again). */
  close(): void {
    this.objects.close()
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    validateKey(key)
    await this.commitChanges(new Map([[key, data]]), `github-pm: put ${key}`)
  }

  async delete(key: string): Promise<void> {
    validateKey(key)
    await this.commitChanges(new Map([[key, null]]), `github-pm: delete ${key}`)
  }

  async list(prefix: string): Promise<string[]> {
    validatePrefix(prefix)
    await this.ensureSynced()
    const commit = await this.tip()
    if (!commit) return []
    return [...(await this.tree(commit)).keys()].filter((k) => k.startsWith(prefix)).sort()
  }

  /**
   * Runs fn with a view of this backend whose puts and deletes are staged and written as ONE commit with `message`
   * when fn resolves (nothing is written when it throws). Reads through the view see the staged changes. Locks taken
   * through the view are released only after the commit, so the next holder reads what this one wrote.
   */
  async withTransaction<T>(message: string, fn: (tx: StorageBackend) => Promise<T>): Promise<T> {
    const staged: Changes = new Map()
    const held: Array<{handle: LockHandle; released: boolean}> = []
    const tx: StorageBackend = {
      url: this.url,
      get: async (key) => {
        validateKey(key)
        if (staged.has(key)) return copy(staged.get(key) ?? undefined)
        return this.get(key)
      },
      put: async (key, data) => {
        staged.set(validateKey(key), copy(data)!)
      },
      delete: async (key) => {
        staged.set(validateKey(key), null)
      },
      list: async (prefix) => {
        const keys = new Set(await this.list(prefix))
        for (const [key, data] of staged) {
          if (!key.startsWith(prefix)) continue
          if (data === null) keys.delete(key)
          else keys.add(key)
        }
        return [...keys].sort()
      },
      lock: async (key, opts) => {
        const entry = {handle: await this.lock(key, opts), released: false}
        held.push(entry)
        return {
          release: async () => {
            entry.released = true
          },
        }
      },
      breakLock: (key) => this.breakLock(key),
    }
    try {
      const result = await fn(tx)
      if (staged.size > 0) await this.commitChanges(staged, message)
      return result
    } finally {
      for (const entry of held) await entry.handle.release()
    }
  }

  /**
   * The shared lock protocol (lock.ts) on a ref: created with update-ref's create-only form (old value all zeros),
   * removed with update-ref -d naming the blob that was judged.
   */
  async lock(key: string, opts: LockOptions = {}): Promise<LockHandle> {
    const ref = lockRef(validateKey(key))
    return acquireLock(
      {
        create: async (bytes) => {
          const blob = await this.hashObject(bytes)
          return (await this.git(['update-ref', ref, blob, this.zero])).code === 0 ? blob : undefined
        },
        read: async () => {
          const current = await this.objects.lookup(ref)
          return current && {bytes: new Uint8Array(current.content), version: current.id}
        },
        removeIf: async (version) => (await this.git(['update-ref', '-d', ref, version])).code === 0,
      },
      key,
      this.url,
      opts,
    )
  }

  async breakLock(key: string): Promise<boolean> {
    const ref = lockRef(validateKey(key))
    const current = await this.resolve(ref)
    if (!current) return false
    await this.gitOk(['update-ref', '-d', ref])
    return true
  }

  /** Fetches the backup branch from the remote and fast-forwards the local branch (or pushes unpushed commits). */
  async sync(): Promise<void> {
    if (this.remote === undefined) return
    const remoteTip = await this.fetch()
    const local = await this.tip()
    if (remoteTip === undefined) {
      if (local) await this.push(local)
      return
    }
    if (local === remoteTip) return
    if (!local) {
      await this.moveBranch(remoteTip, undefined)
    } else if (await this.isAncestor(local, remoteTip)) {
      await this.moveBranch(remoteTip, local)
    } else if (await this.isAncestor(remoteTip, local)) {
      await this.push(local)
    } else {
      throw this.divergedError()
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // commits

  private ensureSynced(): Promise<void> {
    if (this.remote === undefined) return Promise.resolve()
    this.synced ??= this.sync().catch((error) => {
      this.synced = undefined
      throw error
    })
    return this.synced
  }

  private async commitChanges(changes: Changes, message: string): Promise<void> {
    await this.ensureSynced()
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const parent = await this.tip()
      const commit = await this.buildCommit(parent, changes, message)
      if (commit === undefined) return // nothing changed
      if (await this.casBranch(commit, parent)) {
        if (this.remote !== undefined) await this.pushCommit(commit, parent, changes, message)
        return
      }
      await sleep(Math.floor(Math.random() * 20)) // another writer moved the branch: rebuild on its tip
    }
    throw new UserError(`could not update branch ${this.branch} in ${this.repo}: other writers kept moving it; run the command again`)
  }

  /**
   * The commit of parent's tree with the changes applied, or undefined when the tree does not change. One
   * `git fast-import` writes the files, the trees and the commit (loose objects for a small commit, a pack for a large
   * one) and prints the commit's id; it writes no ref (its scratch branch, unique to this call, is reset to nothing
   * before it ends), so nothing points at the commit until the compare-and-swap moves the branch.
   */
  private async buildCommit(parent: string | undefined, changes: Changes, message: string): Promise<string | undefined> {
    const scratch = `refs/github-pm/fast-import/${process.pid}-${randomBytes(6).toString('hex')}`
    const chunks: Uint8Array[] = []
    const line = (text: string) => chunks.push(Buffer.from(text + '\n', 'utf8'))
    const data = (bytes: Uint8Array) => {
      line(`data ${bytes.byteLength}`)
      chunks.push(bytes)
      line('')
    }
    line(`commit ${scratch}`)
    line('mark :1')
    line(`author ${this.idents.author.who} ${this.idents.author.date ?? rawNow()}`)
    line(`committer ${this.idents.committer.who} ${this.idents.committer.date ?? rawNow()}`)
    data(Buffer.from(message + '\n', 'utf8'))
    if (parent) line(`from ${parent}`)
    for (const [key, bytes] of changes) {
      if (bytes === null) {
        line(`D ${quotePath(key)}`)
      } else {
        line(`M 100644 inline ${quotePath(key)}`)
        data(bytes)
      }
    }
    line(`reset ${scratch}`)
    line('get-mark :1')
    const commit = (await this.gitOk(['fast-import', '--quiet', '--date-format=raw'], chunks)).toString('utf8').trim()
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) throw new Error(`git fast-import answered ${JSON.stringify(commit.slice(0, 80))} in ${this.repo}`)
    if (parent && (await this.resolve(`${commit}^{tree}`)) === (await this.resolve(`${parent}^{tree}`))) return undefined
    return commit
  }

  private async pushCommit(commit: string, parent: string | undefined, changes: Changes, message: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_PUSH_ATTEMPTS; attempt++) {
      if (await this.push(commit, true)) return
      const remoteTip = await this.fetch()
      if (remoteTip === undefined || !parent || !(await this.isAncestor(parent, remoteTip))) throw this.divergedError()
      const theirs = await this.changedPaths(parent, remoteTip)
      const clash = [...changes.keys()].filter((key) => theirs.has(key))
      if (clash.length > 0) {
        await this.moveBranch(remoteTip, commit)
        this.treeCache = undefined
        throw new UserError(
          `nothing was saved: ${this.remote} changed ${clash.slice(0, 3).join(', ')}${clash.length > 3 ? ', …' : ''} on branch ${this.branch} at the same time (another machine backing up?); run the command again`,
          {code: 'ECONFLICT'},
        )
      }
      const rebuilt = await this.buildCommit(remoteTip, changes, message)
      const next = rebuilt ?? remoteTip
      if (!(await this.casBranch(next, commit))) throw new UserError(`branch ${this.branch} in ${this.repo} moved while pushing; run the command again`)
      if (rebuilt === undefined) return
      parent = remoteTip
      commit = rebuilt
    }
    throw new UserError(`could not push branch ${this.branch} to ${this.remote}: it kept moving; run the command again`)
  }

  /** Pushes commit to the remote branch; false when rejected because the remote moved (only if allowed to say so). */
  private async push(commit: string, rejectedIsFalse = false): Promise<boolean> {
    const result = await this.git(['push', '--porcelain', '--no-verify', '--quiet', this.remote!, `${commit}:${this.ref}`])
    if (result.code === 0) {
      if (this.trackingRef) await this.gitOk(['update-ref', this.trackingRef, commit])
      return true
    }
    const out = result.stdout.toString('utf8') + result.stderr
    if (rejectedIsFalse && /\[rejected\]|non-fast-forward|fetch first|\[remote rejected\].*(stale|lock)/i.test(out)) return false
    if (/\[rejected\]|non-fast-forward|fetch first/i.test(out)) throw this.divergedError()
    throw new UserError(`could not push backups to ${this.remote}: ${lastLine(result.stderr || out)}`)
  }

  /** Fetches the remote's backup branch; its commit, or undefined when the remote has no such branch. */
  private async fetch(): Promise<string | undefined> {
    const result = await this.git(['fetch', '--no-tags', '--quiet', '--no-write-fetch-head', this.remote!, `+${this.ref}:${this.trackingRef}`])
    if (result.code !== 0) {
      if (/couldn't find remote ref/i.test(result.stderr)) {
        await this.git(['update-ref', '-d', this.trackingRef!])
        return undefined
      }
      throw new UserError(`could not fetch backups from ${this.remote}: ${lastLine(result.stderr)}`)
    }
    return this.resolve(this.trackingRef!)
  }

  private divergedError(): UserError {
    return new UserError(
      `branch ${this.branch} in ${this.repo} and on ${this.remote} have diverged: keep one side, e.g. \`git fetch ${this.remote} ${this.branch} && git branch -f ${this.branch} FETCH_HEAD\` to take the remote's backups, then run the command again`,
      {code: 'ECONFLICT'},
    )
  }

  private async changedPaths(from: string, to: string): Promise<Set<string>> {
    const out = await this.gitOk(['diff-tree', '-r', '-z', '--no-renames', '--name-only', from, to])
    return new Set(out.toString('utf8').split('\0').filter(Boolean))
  }

  private async casBranch(commit: string, expected: string | undefined): Promise<boolean> {
    const result = await this.git(['update-ref', '-m', 'github-pm backup', this.ref, commit, expected ?? this.zero])
    if (result.code === 0) return true
    if ((await this.tip()) !== expected) return false
    throw new Error(`git update-ref ${this.ref} failed: ${lastLine(result.stderr)}`)
  }

  private async moveBranch(commit: string, expected: string | undefined): Promise<void> {
    if (!(await this.casBranch(commit, expected))) throw new UserError(`branch ${this.branch} in ${this.repo} moved meanwhile; run the command again`)
  }

  // ------------------------------------------------------------------------------------------------------------
  // objects and refs

  private tip(): Promise<string | undefined> {
    return this.resolve(`${this.ref}^{commit}`)
  }

  /** The object id a revision names (through the cat-file process: no process per lookup). */
  private async resolve(rev: string): Promise<string | undefined> {
    return (await this.objects.lookup(rev))?.id
  }

  private async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const result = await this.git(['merge-base', '--is-ancestor', ancestor, descendant])
    if (result.code === 0) return true
    if (result.code === 1) return false
    throw new Error(`git merge-base failed: ${lastLine(result.stderr)}`)
  }

  /** path → blob id of every file in the commit's tree (cached for the last commit read). */
  private async tree(commit: string): Promise<Map<string, string>> {
    if (this.treeCache?.commit === commit) return this.treeCache.entries
    const out = (await this.gitOk(['ls-tree', '-r', '-z', '--full-tree', commit])).toString('utf8')
    const entries = new Map<string, string>()
    for (const record of out.split('\0')) {
      const tab = record.indexOf('\t')
      if (tab < 0) continue
      const [, type, id] = record.slice(0, tab).split(' ')
      if (type === 'blob') entries.set(record.slice(tab + 1), id)
    }
    this.treeCache = {commit, entries}
    return entries
  }

  private async hashObject(data: Uint8Array): Promise<string> {
    return (await this.gitOk(['hash-object', '-w', '--no-filters', '--stdin'], data)).toString('utf8').trim()
  }

  private git(args: string[], input?: Uint8Array): Promise<GitRun> {
    return run(this.repo, this.env, args, input)
  }

  private gitOk(args: string[], input?: Uint8Array | Uint8Array[]): Promise<Buffer> {
    return runOk(this.repo, this.env, args, input)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// helpers

/** The top level of the work tree holding dir (the `git` storage location). */
export async function gitToplevel(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const result = await run(dir, gitEnv(env), ['rev-parse', '--show-toplevel'])
  const top = result.stdout.toString('utf8').trim()
  if (result.code !== 0 || !top) {
    throw new UserError(`${dir} is not inside a git work tree: run the command in your repository, or use git+file:///path/to/repo`)
  }
  return top
}

/** Lock ref of a key: the whole key percent-encoded into one ref component, so no key can make an invalid ref. */
export function lockRef(key: string): string {
  return LOCK_REFS + encodeRefPart(key)
}

function encodeRefPart(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0')))
    .join('')
}

const TEMP_INDEX = /^github-pm-index-(\d+)-[0-9a-f]{12}(?:\.lock)?$/

/**
 * Removes the temporary index files (and their .lock) that git writes of earlier versions left when their process
 * was killed (commits are now made by `git fast-import`, without an index): a killed run cannot clean
 * up after itself, so the next run does. Files of live processes (this one included) are left alone.
 */
export async function sweepTempIndexes(dir: string = os.tmpdir()): Promise<string[]> {
  const removed: string[] = []
  let names: string[]
  try {
    names = await fs.readdir(dir)
  } catch {
    return removed
  }
  for (const name of names) {
    const m = TEMP_INDEX.exec(name)
    if (!m || processAlive(Number(m[1]))) continue
    await fs.rm(path.join(dir, name), {force: true})
    removed.push(name)
  }
  return removed
}

async function emptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length === 0
  } catch (error: any) {
    if (error?.code === 'ENOENT') return true
    throw error
  }
}

async function refuseCheckedOut(repo: string, env: NodeJS.ProcessEnv, branch: string): Promise<void> {
  const result = await run(repo, env, ['worktree', 'list', '--porcelain'])
  const lines = result.code === 0 ? result.stdout.toString('utf8').split('\n') : []
  if (lines.includes(`branch refs/heads/${branch}`)) {
    throw new UserError(`branch ${branch} is checked out in ${repo}: switch to another branch, since github-pm writes backups to it`)
  }
}

/** The author and committer of the commits: `Name <email>`, and the raw date when git's environment fixes one. */
interface Ident {
  who: string
  date?: string
}
interface Idents {
  author: Ident
  committer: Ident
}

/**
 * Who commits, as `git commit-tree` would have it (one `git var -l`): the repository's user.name and user.email
 * with GIT_AUTHOR_* and GIT_COMMITTER_* on top, or github-pm when the repository has no user.name or user.email.
 */
async function commitIdents(repo: string, env: NodeJS.ProcessEnv): Promise<Idents> {
  const list = async (config: string[]) => (await runOk(repo, env, [...config, 'var', '-l'])).toString('utf8').split('\n')
  let lines = await list([])
  if (!lines.some((l) => l.startsWith('user.name=')) || !lines.some((l) => l.startsWith('user.email='))) {
    lines = await list(['-c', 'user.name=github-pm', '-c', 'user.email=github-pm@localhost'])
  }
  const ident = (name: 'AUTHOR' | 'COMMITTER'): Ident => {
    const value = lines.find((l) => l.startsWith(`GIT_${name}_IDENT=`))?.slice(`GIT_${name}_IDENT=`.length)
    const m = value === undefined ? null : /^(.*>) (\d+ [+-]\d{4})$/.exec(value)
    if (!m) return {who: 'github-pm <github-pm@localhost>'}
    return env[`GIT_${name}_DATE`] ? {who: m[1], date: m[2]} : {who: m[1]}
  }
  return {author: ident('AUTHOR'), committer: ident('COMMITTER')}
}

/** Now as git's raw date: seconds since the epoch and this machine's UTC offset (`1733650000 +0100`). */
function rawNow(now = new Date()): string {
  const offset = -now.getTimezoneOffset()
  const abs = Math.abs(offset)
  return `${Math.floor(now.getTime() / 1000)} ${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`
}

/** A path for fast-import, C-style quoted (a key may hold a quote, a newline or any other character but NUL). */
export function quotePath(key: string): string {
  let out = '"'
  for (const ch of key) {
    const code = ch.codePointAt(0)!
    if (ch === '"' || ch === '\\') out += '\\' + ch
    else if (code < 0x20 || code === 0x7f) out += '\\' + code.toString(8).padStart(3, '0')
    else out += ch
  }
  return out + '"'
}

function copy(data: Uint8Array | undefined): Uint8Array | undefined {
  return data === undefined ? undefined : new Uint8Array(data)
}
