import {promises as fs, constants} from 'node:fs'
import path from 'node:path'
import {randomBytes} from 'node:crypto'

/** Creates a directory (and parents) readable by the owner only. */
export async function mkdirPrivate(dir: string): Promise<void> {
  await fs.mkdir(dir, {recursive: true, mode: 0o700})
}

/**
 * Writes a file atomically: a private temp file beside the target, fsync, rename, fsync of the directory.
 * A crash at any moment leaves either the old file or the new one, never a torn one.
 */
export async function atomicWrite(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = path.dirname(file)
  await mkdirPrivate(dir)
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const handle = await fs.open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await fs.rename(tmp, file)
  } catch (error) {
    await fs.rm(tmp, {force: true})
    throw error
  }
  await syncDir(dir)
}

export async function syncDir(dir: string): Promise<void> {
  let handle
  try {
    handle = await fs.open(dir, 'r')
    await handle.sync()
  } catch {
    // some file systems refuse fsync on directories; the rename is still atomic there
  } finally {
    await handle?.close()
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file)
    return true
  } catch {
    return false
  }
}

export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T
  } catch (error: any) {
    if (error?.code === 'ENOENT') return undefined
    throw error
  }
}
