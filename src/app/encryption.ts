import type {StorageBackend} from '../storage/backend.js'
import {
  KEY_RECORD_KEY,
  type KeySource,
  type ScryptParams,
  changePassphrase,
  generateKeyFile,
  initEncryption,
  isEncrypted,
  unwrapDataKey,
} from '../storage/codec.js'
import {inTransaction, openStorage} from '../storage/open.js'
import {UserError} from '../util/errors.js'
import {noTerminal} from '../util/io.js'
import {chosenPassphrase, currentPassphrase, newPassphrase} from './prompt.js'
import {storageUrl, type Session} from './session.js'

/**
 * Encryption of a repository: `backup init --encrypt` and `backup passphrase`. The passphrases come from the
 * environment or are asked through the session's terminal (app/prompt.ts).
 */
/** The storage backend a command names (flag, else config), with `backup.git.remote`; no codec is opened. */
export async function openBackend(session: Session, storageFlag?: string): Promise<StorageBackend> {
  return openStorage(storageUrl(session, storageFlag), session.env, {remote: session.config.get('backup.git.remote') as string | undefined})
}

export interface InitRequest {
  storage?: string
  /** encrypt with this key file (created with a random key when missing) instead of a passphrase */
  keyFile?: string
  /** scrypt cost for the passphrase (tests use a small N); default codec.ts DEFAULT_SCRYPT */
  scrypt?: ScryptParams
}

export interface InitResult {
  url: string
  encrypted: boolean
  kdf?: 'scrypt' | 'keyfile'
  keyFile?: string
}

/**
 * Turns on encryption for a NEW, empty repository: keys/key.json holds a random data key wrapped under the passphrase
 * (environment, or typed twice) or the key file. On git storage this is one commit `Init: encryption`.
 */
export async function initRepositoryEncryption(session: Session, request: InitRequest): Promise<InitResult> {
  const backend = await openBackend(session, request.storage)
  if (await isEncrypted(backend)) throw new UserError(`${backend.url} is already encrypted: change its passphrase with \`github-pm backup passphrase\``, {code: 'EENCRYPTED'})
  const source: KeySource = request.keyFile ? {keyFile: request.keyFile} : {passphrase: await chosenPassphrase(backend.url, session.env, session.io ?? noTerminal())}
  await inTransaction(backend, 'Init: encryption', (tx) => initEncryption(tx, source, {scrypt: request.scrypt}))
  return {url: backend.url, encrypted: true, kdf: request.keyFile ? 'keyfile' : 'scrypt', ...(request.keyFile ? {keyFile: request.keyFile} : {})}
}

/** Whether a storage location is encrypted (it is created when it does not exist yet, e.g. a git+file repository). */
export async function repositoryStatus(session: Session, storage?: string): Promise<InitResult> {
  const backend = await openBackend(session, storage)
  return {url: backend.url, encrypted: await isEncrypted(backend)}
}

/** Writes a new random key file (owner-only), refusing to overwrite one. */
export async function writeKeyFile(file: string): Promise<void> {
  try {
    await generateKeyFile(file)
  } catch (error: any) {
    if (error?.code === 'EEXIST') throw new UserError(`${file} already exists: github-pm never overwrites a key file; choose another path`, {code: 'EEXIST'})
    throw new UserError(`cannot write key file ${file} (${error?.code ?? 'error'}): fix the path or its permissions`)
  }
}

/**
 * `backup passphrase`: the current passphrase is checked first (before the new one is asked for), then the data key is
 * re-wrapped under the new one. No backup is rewritten. One commit `Passphrase: changed` on git storage.
 */
export async function changeRepositoryPassphrase(session: Session, storage?: string): Promise<{url: string}> {
  const backend = await openBackend(session, storage)
  if (!(await isEncrypted(backend))) throw new UserError(`${backend.url} is not encrypted: there is no passphrase to change (see \`github-pm backup init --encrypt\`)`)
  const record = JSON.parse(Buffer.from((await backend.get(KEY_RECORD_KEY))!).toString('utf8')) as {kdf?: {name?: string}}
  if (record.kdf?.name === 'keyfile') throw new UserError(`${backend.url} is encrypted with a key file, not a passphrase: keep that key file safe; there is no passphrase to change`)
  const old = await currentPassphrase(backend.url, session.env, session.io ?? noTerminal())
  await unwrapDataKey(backend, {passphrase: old}, {}) // a wrong passphrase fails here, before anything else
  const next = await newPassphrase(backend.url, session.env, session.io ?? noTerminal())
  if (next === old) throw new UserError('the new passphrase is the same as the current one: choose a different passphrase', {code: 'EPASSPHRASE'})
  await inTransaction(backend, 'Passphrase: changed', (tx) => changePassphrase(tx, old, next))
  return {url: backend.url}
}
