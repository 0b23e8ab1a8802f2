import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process'
import {statSync} from 'node:fs'
import {UserError} from '../util/errors.js'

/** Running git: one-shot commands, and one long-lived `git cat-file --batch` reading many objects. */

export interface GitRun {
  code: number
  stdout: Buffer
  stderr: string
}

/** Variables that would point git at another repository, index or object store than the one we mean. */
const REPO_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
]

export function gitEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {...base, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C'}
  for (const name of REPO_ENV) delete env[name]
  return env
}

/** Runs git once; `input` (one buffer, or chunks written in order without copying them together) is its stdin. */
export function run(cwd: string, env: NodeJS.ProcessEnv, args: string[], input?: Uint8Array | Uint8Array[]): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {cwd, env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true})
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', (error: NodeJS.ErrnoException) => reject(spawnError(error, cwd)))
    child.on('close', (code) => resolve({code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8')}))
    child.stdin.on('error', () => {
      // git may exit before reading all of stdin; its exit code tells what happened
    })
    const chunks = input === undefined ? [] : Array.isArray(input) ? input : [input]
    for (const chunk of chunks) child.stdin.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    child.stdin.end()
  })
}

export async function runOk(cwd: string, env: NodeJS.ProcessEnv, args: string[], input?: Uint8Array | Uint8Array[]): Promise<Buffer> {
  const result = await run(cwd, env, args, input)
  if (result.code !== 0) throw new Error(`git ${subcommand(args)} failed in ${cwd}: ${lastLine(result.stderr)}`)
  return result.stdout
}

export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean)
  return lines[lines.length - 1] ?? 'unknown error'
}

function subcommand(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c') i++
    else return args[i]
  }
  return ''
}

function spawnError(error: NodeJS.ErrnoException, cwd: string): Error {
  if (error.code !== 'ENOENT') return error
  return new UserError(existsSyncDir(cwd) ? 'git is not installed or not on PATH: install git to use git storage' : `${cwd} does not exist`)
}

function existsSyncDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory()
  } catch {
    return false
  }
}

/** An object as cat-file answers it. */
export interface GitObject {
  id: string
  type: string
  content: Buffer
}

interface Pending {
  resolve(value: GitObject | undefined): void
  reject(error: Error): void
}

/**
 * One `git cat-file --batch` process answering object reads in order: one process for many reads instead of one per
 * read. It is started on the first read, keeps the event loop alive only while reads are pending (an idle reader
 * never holds a process open), and ends on close() or when this process exits (git sees the end of its input).
 */
export class CatFileBatch {
  private child: ChildProcessWithoutNullStreams | undefined
  private readonly queue: Pending[] = []
  private buffer: Buffer = Buffer.alloc(0)

  constructor(
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The object's content, or undefined when the repository has no such object. */
  async read(id: string): Promise<Buffer | undefined> {
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id)) throw new Error(`not an object id: ${JSON.stringify(id)}`)
    return (await this.lookup(id))?.content
  }

  /**
   * The object a revision names (`refs/heads/x^{commit}`, an id), or undefined when it names none. Refs are read
   * afresh on every lookup (loose and packed), so a ref moved by another process is seen.
   */
  lookup(rev: string): Promise<GitObject | undefined> {
    if (rev === '' || /[\0\r\n]/.test(rev)) return Promise.reject(new Error(`not a revision: ${JSON.stringify(rev)}`))
    const child = this.start()
    return new Promise<GitObject | undefined>((resolve, reject) => {
      this.queue.push({resolve, reject})
      this.setRef(true)
      child.stdin.write(`${rev}\n`)
    })
  }

  /** Ends the process; later reads start a new one. */
  close(): void {
    const child = this.child
    if (!child) return
    this.child = undefined
    child.stdin.end()
    this.fail(new Error('git cat-file was closed'))
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child
    const child = spawn('git', ['cat-file', '--batch'], {cwd: this.cwd, env: this.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true})
    this.child = child
    this.buffer = Buffer.alloc(0)
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
      this.drain()
    })
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (this.child === child) this.fail(spawnError(error, this.cwd))
    })
    child.on('close', (code) => {
      if (this.child !== child) return // closed on purpose: its reads were failed then
      this.child = undefined
      this.fail(new Error(`git cat-file ended (${code}): ${lastLine(stderr)}`))
    })
    child.stdin.on('error', () => {
      // the close handler reports the failure
    })
    return child
  }

  /** Answers the pending reads whose whole reply has arrived: `<id> <type> <size>\n<content>\n` or `<id> missing\n`. */
  private drain(): void {
    for (;;) {
      const pending = this.queue[0]
      if (!pending) return
      const newline = this.buffer.indexOf(10)
      if (newline < 0) return
      const header = this.buffer.subarray(0, newline).toString('utf8')
      const parts = header.split(' ')
      const last = parts[parts.length - 1]
      if (last === 'missing' || last === 'ambiguous') {
        this.buffer = this.buffer.subarray(newline + 1)
        this.queue.shift()
        pending.resolve(undefined)
      } else {
        const size = Number(parts[2])
        if (!Number.isInteger(size)) {
          this.queue.shift()
          pending.reject(new Error(`git cat-file answered ${JSON.stringify(header)}`))
          this.close()
          return
        }
        if (this.buffer.length < newline + 1 + size + 1) return
        const content = Buffer.from(this.buffer.subarray(newline + 1, newline + 1 + size))
        this.buffer = this.buffer.subarray(newline + 1 + size + 1)
        this.queue.shift()
        pending.resolve({id: parts[0], type: parts[1], content})
      }
      if (this.queue.length === 0) this.setRef(false)
    }
  }

  private fail(error: Error): void {
    for (const pending of this.queue.splice(0)) pending.reject(error)
  }

  private setRef(on: boolean): void {
    const child = this.child
    if (!child) return
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as Array<{ref?(): void; unref?(): void}>) {
      if (on) handle.ref?.()
      else handle.unref?.()
    }
  }
}
