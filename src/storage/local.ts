import {promises as fs, constants} from 'node:fs'
import path from 'node:path'
import {randomBytes} from 'node:crypto'
import {pathToFileURL} from 'node:url'
import {atomicWrite, mkdirPrivate} from '../util/fs.js'
import {type StorageBackend, validateKey, validatePrefix} from './backend.js'
import {type LockHandle, type LockOptions, type LockPrimitives, type LockRecord, acquireLock, parseLockInfo} from './lock.js'

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

  /** The shared lock protocol (lock.ts) on a lock file at the key, created exclusively. */
  async lock(key: string, opts: LockOptions = {}): Promise<LockHandle> {
    const file = this.file(key)
    await mkdirPrivate(path.dirname(file))
    const primitives: LockPrimitives = {
      create: async (bytes) => {
        const text = Buffer.from(bytes).toString('utf8')
        return (await createExclusive(file, text)) ? versionOf(text) : undefined
      },
      read: () => readLock(file),
      removeIf: (version) => removeIfUnchanged(file, version),
    }
    return acquireLock(primitives, key, this.url, opts)
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

/** A local lock record's version: its token (records are unique per acquisition); '' when it cannot be parsed. */
function versionOf(text: string | Uint8Array): string {
  return parseLockInfo(text)?.token ?? ''
}

async function readLock(file: string): Promise<LockRecord | undefined> {
  try {
    const [bytes, stat] = await Promise.all([fs.readFile(file), fs.stat(file)])
    return {bytes: new Uint8Array(bytes), version: versionOf(bytes), modifiedMs: stat.mtimeMs}
  } catch (error: any) {
    if (error?.code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Removes the lock file only if it is still at `version`, without racing another process doing the same: the file is
 * renamed aside (atomic, only one process wins), and removed only if it is the version that was judged; a different
 * lock moved aside by mistake is put back.
 */
async function removeIfUnchanged(file: string, version: string): Promise<boolean> {
  const aside = `${file}.stale-${randomBytes(4).toString('hex')}`
  try {
    await fs.rename(file, aside)
  } catch (error: any) {
    if (error?.code === 'ENOENT') return false
    throw error
  }
  let moved: string
  try {
    moved = versionOf(await fs.readFile(aside))
  } catch {
    moved = ''
  }
  let removed = true
  if (moved !== version) {
    removed = false
    try {
      await fs.link(aside, file)
    } catch {
      // another process took the lock meanwhile; the moved lock's owner will find its token gone on release
    }
  }
  await fs.rm(aside, {force: true})
  return removed
}
