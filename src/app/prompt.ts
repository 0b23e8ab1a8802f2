import readline from 'node:readline'
import {Writable} from 'node:stream'
import type {StorageBackend} from '../storage/backend.js'
import {
  KEY_RECORD_KEY,
  type KeySource,
  type ScryptParams,
  changePassphrase,
  generateKeyFile,
  initEncryption,
  isEncrypted,
  passphraseFromEnv,
  unwrapDataKey,
} from '../storage/codec.js'
import {inTransaction, openStorage} from '../storage/open.js'
import {UserError} from '../util/errors.js'
import {registerSecret} from '../util/secrets.js'
import {storageUrl, type Session} from './session.js'

/**
 * Passphrases for encryption: from the environment (for scripts and CI), else typed on a terminal with echo off.
 * Nothing here prints except the prompt itself, written to the terminal (stderr) so stdout stays clean for --json.
 */
export interface PromptIO {
  input: NodeJS.ReadableStream & {isTTY?: boolean}
  output: NodeJS.WritableStream
  /** true when a person can answer (default: input and stderr are terminals) */
  interactive: boolean
}

export function terminalIO(): PromptIO {
  return {input: process.stdin, output: process.stderr, interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY)}
}

/** Reads one line without echoing it (the terminal shows nothing while typing). */
export async function readHidden(question: string, io: PromptIO = terminalIO()): Promise<string> {
  let muted = false
  const sink = new Writable({
    write(chunk, encoding, callback) {
      if (!muted) io.output.write(chunk, encoding)
      callback()
    },
  })
  const rl = readline.createInterface({input: io.input, output: sink, terminal: true})
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.on('SIGINT', () => reject(new UserError('cancelled: no passphrase was entered', {exitCode: 130})))
      rl.on('close', () => reject(new UserError('cancelled: no passphrase was entered')))
      rl.question(question, (answer) => {
        io.output.write('\n')
        resolve(answer)
      })
      muted = true
    })
  } finally {
    rl.removeAllListeners('close')
    rl.close()
  }
}

export interface PassphraseRequest {
  /** what the passphrase is for, shown in the prompt ("new passphrase for s3://bucket/prefix") */
  label: string
  /** environment variables tried first, in order; a name ending in _FILE names a file holding the passphrase */
  envVars: string[]
  /** ask twice on a terminal and insist both match (for a passphrase being chosen) */
  confirm: boolean
}

/**
 * A passphrase: from the first of `envVars` that is set, else typed on a terminal (twice when confirming), else a
 * one-line UserError naming the variable to set.
 */
export async function obtainPassphrase(request: PassphraseRequest, env: NodeJS.ProcessEnv = process.env, io: PromptIO = terminalIO()): Promise<string> {
  for (const name of request.envVars) {
    const value = name.endsWith('_FILE') ? await fromFile(name, env) : env[name]
    if (value) {
      registerSecret(value)
      return value
    }
  }
  if (!io.interactive) {
    const main = request.envVars.find((n) => !n.endsWith('_FILE')) ?? request.envVars[0]
    const file = request.envVars.find((n) => n.endsWith('_FILE'))
    throw new UserError(`no ${request.label} given and no terminal to ask on: set ${main}${file ? ` (or ${file})` : ''}`, {code: 'EPASSPHRASE'})
  }
  const first = await readHidden(`Enter ${request.label}: `, io)
  if (first.length === 0) throw new UserError('the passphrase is empty: choose a passphrase', {code: 'EPASSPHRASE'})
  registerSecret(first)
  if (request.confirm) {
    const again = await readHidden(`Repeat ${request.label}: `, io)
    if (again !== first) throw new UserError('the two passphrases differ: run the command again and type the same passphrase twice', {code: 'EPASSPHRASE'})
  }
  return first
}

/** The passphrase that opens an existing repository: GITHUB_PM_PASSPHRASE, GITHUB_PM_PASSPHRASE_FILE, or asked once. */
export function currentPassphrase(url: string, env: NodeJS.ProcessEnv = process.env, io: PromptIO = terminalIO()): Promise<string> {
  return obtainPassphrase({label: `passphrase for ${url}`, envVars: ['GITHUB_PM_PASSPHRASE', 'GITHUB_PM_PASSPHRASE_FILE'], confirm: false}, env, io)
}

/** A passphrase being chosen for a new encrypted repository: the usual variables, or typed twice. */
export function chosenPassphrase(url: string, env: NodeJS.ProcessEnv = process.env, io: PromptIO = terminalIO()): Promise<string> {
  return obtainPassphrase({label: `new passphrase for ${url}`, envVars: ['GITHUB_PM_PASSPHRASE', 'GITHUB_PM_PASSPHRASE_FILE'], confirm: true}, env, io)
}

/** The replacement passphrase of `backup passphrase`: GITHUB_PM_NEW_PASSPHRASE, GITHUB_PM_NEW_PASSPHRASE_FILE, or typed twice. */
export function newPassphrase(url: string, env: NodeJS.ProcessEnv = process.env, io: PromptIO = terminalIO()): Promise<string> {
  return obtainPassphrase({label: `new passphrase for ${url}`, envVars: ['GITHUB_PM_NEW_PASSPHRASE', 'GITHUB_PM_NEW_PASSPHRASE_FILE'], confirm: true}, env, io)
}

async function fromFile(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const file = env[name]
  if (!file) return undefined
  try {
    // the rules of GITHUB_PM_PASSPHRASE_FILE (one trailing newline dropped), with this variable's name in errors
    return await passphraseFromEnv({GITHUB_PM_PASSPHRASE_FILE: file})
  } catch {
    throw new UserError(`cannot read ${name} ${file}: fix the path or its permissions`, {code: 'EPASSPHRASE'})
  }
}

// ---------------------------------------------------------------------------------------------------------------
// `backup init --encrypt` and `backup passphrase`

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
export async function initRepositoryEncryption(session: Session, request: InitRequest, io: PromptIO = terminalIO()): Promise<InitResult> {
  const backend = await openBackend(session, request.storage)
  if (await isEncrypted(backend)) throw new UserError(`${backend.url} is already encrypted: change its passphrase with \`github-pm backup passphrase\``, {code: 'EENCRYPTED'})
  const source: KeySource = request.keyFile ? {keyFile: request.keyFile} : {passphrase: await chosenPassphrase(backend.url, session.env, io)}
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
export async function changeRepositoryPassphrase(session: Session, storage?: string, io: PromptIO = terminalIO()): Promise<{url: string}> {
  const backend = await openBackend(session, storage)
  if (!(await isEncrypted(backend))) throw new UserError(`${backend.url} is not encrypted: there is no passphrase to change (see \`github-pm backup init --encrypt\`)`)
  const record = JSON.parse(Buffer.from((await backend.get(KEY_RECORD_KEY))!).toString('utf8')) as {kdf?: {name?: string}}
  if (record.kdf?.name === 'keyfile') throw new UserError(`${backend.url} is encrypted with a key file, not a passphrase: keep that key file safe; there is no passphrase to change`)
  const old = await currentPassphrase(backend.url, session.env, io)
  await unwrapDataKey(backend, {passphrase: old}, {}) // a wrong passphrase fails here, before anything else
  const next = await newPassphrase(backend.url, session.env, io)
  if (next === old) throw new UserError('the new passphrase is the same as the current one: choose a different passphrase', {code: 'EPASSPHRASE'})
  await inTransaction(backend, 'Passphrase: changed', (tx) => changePassphrase(tx, old, next))
  return {url: backend.url}
}

/** Asks a yes/no question on the terminal; true only for an answer starting with y (an empty answer is no). */
export async function askYesNo(question: string, io: PromptIO = terminalIO()): Promise<boolean> {
  const rl = readline.createInterface({input: io.input, output: io.output, terminal: true})
  try {
    return await new Promise<boolean>((resolve) => {
      rl.on('SIGINT', () => resolve(false))
      rl.on('close', () => resolve(false))
      rl.question(question, (answer) => resolve(/^\s*y(es)?\s*$/i.test(answer)))
    })
  } finally {
    rl.removeAllListeners('close')
    rl.close()
  }
}
