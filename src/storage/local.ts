import {promises as fs, constants} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {randomBytes} from 'node:crypto'
import {pathToFileURL} from 'node:url'
import {atomicWrite, mkdirPrivate} from '../util/fs.js'
import {
  DEFAULT_STALE_MS,
  LOCK_POLL_MS,
  type LockHandle,
  type LockInfo,
  type LockOptions,
  type StorageBackend,
  defaultOwner,
  isStaleLock,
  lockHeldError,
  parseLockInfo,
  sleep,
  validateKey,
  validatePrefix,
} from './backend.js'

/** Temp files of atomicWrite and of lock creation / takeover: never keys. */
const TEMP_FILE = /^\..*\.tmp$|\.stale-[0-9a-f]+$/

/**
 * Files under a root directory. Directories are created 0700 and files 0600; every write is atomic (temp file, fsync,
 * rename). Locks are lock files created exclusively: the lock record is written to a private temp file first and then
 * hard-linked to the lock name (link fails with EEXIST when the lock exists), so a lock file is never seen half
 * written. File systems without hard links fall back to `open(O_CREAT | O_EXCL)`.
 */
export class LocalBackend implements StorageBackend {
  readonly root: string
  readonly url: string

  constructor(root: string) {
    this.root = path.resolve(root)
    this.url = pathToFileURL(this.root).href
  }

  private file(key: string): string {
    return path.join(this.root, ...validateKey(key).split('/'))
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await fs.readFile(this.file(key)))
    } catch (error: any) {
      if (error?.code === 'ENOENT' || error?.code === 'ENOTDIR') return undefined
      throw error
    }
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const file = this.file(key)
    await mkdirPrivate(path.dirname(file))
    await atomicWrite(file, data, 0o600)
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.file(key), {force: true})
  }

  async list(prefix: string): Promise<string[]> {
    validatePrefix(prefix)
    const slash = prefix.lastIndexOf('/')
    const dirKey = slash < 0 ? '' : prefix.slice(0, slash)
    const start = dirKey === '' ? this.root : path.join(this.root, ...dirKey.split('/'))
    const out: string[] = []
    await this.walk(start, dirKey, out)
    return out.filter((k) => k.startsWith(prefix)).sort()
  }

  private async walk(dir: string, keyPrefix: string, out: string[]): Promise<void> {
    let entries
    try {
      entries = await fs.readdir(dir, {withFileTypes: true})
    } catch (error: any) {
      if (error?.code === 'ENOENT' || error?.code === 'ENOTDIR') return
      throw error
    }
    for (const entry of entries) {
      const key = keyPrefix === '' ? entry.name : `${keyPrefix}/${entry.name}`
      if (entry.isDirectory()) await this.walk(path.join(dir, entry.name), key, out)
      else if (entry.isFile() && !TEMP_FILE.test(entry.name)) out.push(key)
    }
  }

  async lock(key: string, opts: LockOptions = {}): Promise<LockHandle> {
    const file = this.file(key)
    const staleMs = opts.staleMs ?? DEFAULT_STALE_MS
    const deadline = Date.now() + Math.max(0, opts.waitMs ?? 0)
    const mine: LockInfo = {
      owner: opts.owner ?? defaultOwner(),
      host: os.hostname(),
      pid: process.pid,
      time: new Date().toISOString(),
      token: randomBytes(12).toString('hex'),
    }
    await mkdirPrivate(path.dirname(file))
    for (;;) {
      mine.time = new Date().toISOString()
      if (await createExclusive(file, JSON.stringify(mine))) return this.handle(file, mine.token)
      const held = await readLock(file)
      if (!held) continue // released meanwhile: try again at once
      if (isStaleLock(held.info, held.ageMs, staleMs)) {
        await takeOver(file, held.info)
        continue
      }
      const left = deadline - Date.now()
      if (left <= 0) throw lockHeldError(key, held.info, this.url)
      await sleep(Math.min(LOCK_POLL_MS, left))
    }
  }

  private handle(file: string, token: string): LockHandle {
    let released = false
    return {
      release: async () => {
        if (released) return
        released = true
        const held = await readLock(file)
        if (held?.info?.token === token) await fs.rm(file, {force: true})
      },
    }
  }

  async breakLock(key: string): Promise<boolean> {
    const file = this.file(key)
    try {
      await fs.unlink(file)
      return true
    } catch (error: any) {
      if (error?.code === 'ENOENT') return false
      throw error
    }
  }
}

/** Creates file holding text only if it does not exist; false when it does. */
async function createExclusive(file: string, text: string): Promise<boolean> {
  const tmp = `${path.dirname(file)}/.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await fs.writeFile(tmp, text, {mode: 0o600, flag: 'wx'})
  try {
    await fs.link(tmp, file)
    return true
  } catch (error: any) {
    if (error?.code === 'EEXIST') return false
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP', 'EXDEV'].includes(error?.code)) throw error
    return createWithOExcl(file, text)
  } finally {
    await fs.rm(tmp, {force: true})
  }
}

async function createWithOExcl(file: string, text: string): Promise<boolean> {
  let handle
  try {
    handle = await fs.open(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600)
  } catch (error: any) {
    if (error?.code === 'EEXIST') return false
    throw error
  }
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  return true
}

async function readLock(file: string): Promise<{info: LockInfo | undefined; ageMs: number} | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)])
    return {info: parseLockInfo(text), ageMs: Date.now() - stat.mtimeMs}
  } catch (error: any) {
    if (error?.code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Removes a stale lock without racing another process doing the same: the lock file is renamed aside (atomic, only
 * one process wins), and removed only if it is still the stale lock that was judged; a fresh lock moved aside by
 * mistake is put back.
 */
async function takeOver(file: string, judged: LockInfo | undefined): Promise<void> {
  const aside = `${file}.stale-${randomBytes(4).toString('hex')}`
  try {
    await fs.rename(file, aside)
  } catch (error: any) {
    if (error?.code === 'ENOENT') return
    throw error
  }
  let moved: LockInfo | undefined
  try {
    moved = parseLockInfo(await fs.readFile(aside, 'utf8'))
  } catch {
    moved = undefined
  }
  if (moved && moved.token !== judged?.token) {
    try {
      await fs.link(aside, file)
    } catch {
      // another process took the lock meanwhile; the moved lock's owner will find its token gone on release
    }
  }
  await fs.rm(aside, {force: true})
}
