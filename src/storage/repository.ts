import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {identityCodec, type Codec} from '../journal/events.js'
import {UserError} from '../util/errors.js'
import type {StorageBackend} from './backend.js'
import {backupsRoot} from './home.js'
import {LocalBackend} from './local.js'

export interface OpenedRepository {
  url: string
  backend: StorageBackend
  codec: Codec
}

/** Opens a backup repository by storage URL: the backend plus the codec its stored bytes need. */
export async function openRepository(url: string, env: NodeJS.ProcessEnv): Promise<OpenedRepository> {
  if (url === 'local' || url === '') {
    const root = backupsRoot(env)
    return {url: 'local', backend: new LocalBackend(root), codec: identityCodec}
  }
  if (url.startsWith('file://')) {
    return {url, backend: new LocalBackend(path.resolve(fileURLToPath(url))), codec: identityCodec}
  }
  throw new UserError(`storage "${url}" is not supported: use local or file:///path`, {code: 'ESTORAGE'})
}
