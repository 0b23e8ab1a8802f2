import type {StorageBackend} from './backend.js'
import {isEncrypted, openCodec, type Codec} from './codec.js'
import {openStorage} from './open.js'

export interface OpenedRepository {
  url: string
  backend: StorageBackend
  codec: Codec
}

export interface RepositoryOptions {
  /** git remote to fetch from and push to (config `backup.git.remote`) */
  remote?: string
  /** where `git` storage finds the current repository */
  cwd?: string
  passphrase?: string
  keyFile?: string
  /** asked for the passphrase of an encrypted repository when no variable gives one (a terminal prompt) */
  askPassphrase?: (url: string) => Promise<string | undefined>
}

/**
 * Opens a backup repository by storage URL: the backend, plus the codec its stored bytes need (gzip, and NaCl
 * secretbox when the repository is encrypted: the passphrase is checked here, before anything else is read).
 */
export async function openRepository(url: string, env: NodeJS.ProcessEnv, options: RepositoryOptions = {}): Promise<OpenedRepository> {
  const backend = await openStorage(url, env, {remote: options.remote, cwd: options.cwd})
  let passphrase = options.passphrase
  const fromEnv = env.GITHUB_PM_PASSPHRASE || env.GITHUB_PM_PASSPHRASE_FILE || env.GITHUB_PM_KEY_FILE || options.keyFile
  if (!passphrase && !fromEnv && options.askPassphrase && (await isEncrypted(backend))) passphrase = await options.askPassphrase(backend.url)
  const codec = await openCodec(backend, {passphrase, keyFile: options.keyFile}, env)
  return {url: backend.url, backend, codec}
}
