import readline from 'node:readline'
import {Writable} from 'node:stream'
import {passphraseFromEnv} from '../storage/codec.js'
import {UserError, failure} from '../util/errors.js'
import type {IOStreams} from '../util/io.js'
import {registerSecret} from '../util/secrets.js'

/**
 * Questions to the person at the terminal, through the command's IOStreams (never the process's own streams):
 * passphrases (from the environment for scripts and CI, else typed with echo off) and yes/no confirmations.
 * Nothing here prints except the question itself, written to stderr so stdout stays clean for --json.
 */
/** Reads one line without echoing it (the terminal shows nothing while typing). */
export async function readHidden(question: string, io: IOStreams): Promise<string> {
  let muted = false
  const sink = new Writable({
    write(chunk, encoding, callback) {
      if (!muted) io.stderr.write(chunk, encoding)
      callback()
    },
  })
  const rl = readline.createInterface({input: io.stdin, output: sink, terminal: true})
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.on('SIGINT', () => reject(failure('cancelled', 'cancelled: no passphrase was entered')))
      rl.on('close', () => reject(new UserError('cancelled: no passphrase was entered')))
      rl.question(question, (answer) => {
        io.stderr.write('\n')
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
export async function obtainPassphrase(request: PassphraseRequest, env: NodeJS.ProcessEnv, io: IOStreams): Promise<string> {
  for (const name of request.envVars) {
    const value = name.endsWith('_FILE') ? await fromFile(name, env) : env[name]
    if (value) {
      registerSecret(value)
      return value
    }
  }
  if (!io.canPrompt) {
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
export function currentPassphrase(url: string, env: NodeJS.ProcessEnv, io: IOStreams): Promise<string> {
  return obtainPassphrase({label: `passphrase for ${url}`, envVars: ['GITHUB_PM_PASSPHRASE', 'GITHUB_PM_PASSPHRASE_FILE'], confirm: false}, env, io)
}

/** A passphrase being chosen for a new encrypted repository: the usual variables, or typed twice. */
export function chosenPassphrase(url: string, env: NodeJS.ProcessEnv, io: IOStreams): Promise<string> {
  return obtainPassphrase({label: `new passphrase for ${url}`, envVars: ['GITHUB_PM_PASSPHRASE', 'GITHUB_PM_PASSPHRASE_FILE'], confirm: true}, env, io)
}

/** The replacement passphrase of `backup passphrase`: GITHUB_PM_NEW_PASSPHRASE, GITHUB_PM_NEW_PASSPHRASE_FILE, or typed twice. */
export function newPassphrase(url: string, env: NodeJS.ProcessEnv, io: IOStreams): Promise<string> {
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

/** Asks a yes/no question on the terminal; true only for an answer starting with y (an empty answer is no). */
export async function askYesNo(question: string, io: IOStreams): Promise<boolean> {
  const rl = readline.createInterface({input: io.stdin, output: io.stderr, terminal: true})
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
