import {promises as fs} from 'node:fs'
import path from 'node:path'
import {atomicWrite} from '../util/fs.js'
import {UserError} from '../util/errors.js'
import {githubPmHome} from '../storage/home.js'
import type {Config} from './file-schema.js'
import {CONFIG_KEYS, type ConfigKey, type ConfigValue, type KeySpec, keySpec} from './schema.js'

/**
 * Configuration: `~/.github-pm/config.json` (GITHUB_PM_HOME overrides the folder), a private file of known keys.
 * Environment variables override the file for CI use: the key upper-cased with dots as underscores and a
 * GITHUB_PM_ prefix, e.g. `backup.retention_days` → GITHUB_PM_BACKUP_RETENTION_DAYS.
 */
export {CONFIG_KEYS, type ConfigKey, type ConfigValue, type KeySpec} from './schema.js'
export type {Config} from './file-schema.js'

export {githubPmHome}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(githubPmHome(env), 'config.json')
}

export function envName(key: string): string {
  return 'GITHUB_PM_' + key.toUpperCase().replace(/[.]/g, '_')
}

function spec(key: string): KeySpec {
  const known = keySpec(key)
  if (!known) {
    throw new UserError(`unknown config key "${key}"; valid keys: ${Object.keys(CONFIG_KEYS).join(', ')}`, {code: 'ECONFIG'})
  }
  return known
}

/** Parses a value given as text (command line or environment) for a key; ill-typed values are refused. */
export function parseValue(key: string, text: string): ConfigValue {
  const s = spec(key)
  switch (s.kind) {
    case 'boolean': {
      if (/^(true|1|yes|on)$/i.test(text)) return true
      if (/^(false|0|no|off)$/i.test(text)) return false
      throw new UserError(`${key} takes true or false, not "${text}"`, {code: 'ECONFIG'})
    }
    case 'integer': {
      if (!/^\d+$/.test(text.trim()) || Number(text) < (s.min ?? 0)) {
        throw new UserError(`${key} takes a whole number${s.min ? ` of at least ${s.min}` : ''}, not "${text}"`, {code: 'ECONFIG'})
      }
      return Number(text)
    }
    case 'list':
      return text
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    case 'enum':
      if (!s.values!.includes(text)) throw new UserError(`${key} takes one of ${s.values!.join(', ')}, not "${text}"`, {code: 'ECONFIG'})
      return text
    default:
      if (!text.trim()) throw new UserError(`${key} takes a non-empty value`, {code: 'ECONFIG'})
      return text
  }
}

/** Reads the config file; a corrupted file is a one-line error naming the file. */
export async function readConfigFile(env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const raw = await readRawFile(env)
  if (!raw) return {}
  // zod only when there is a file to check
  const {parseConfigFile} = await import('./file-schema.js')
  return checkedFile(parseConfigFile(raw), configPath(env))
}

/** The config file as JSON (undefined when there is none): a file that is not a JSON object is a one-line error. */
async function readRawFile(env: NodeJS.ProcessEnv): Promise<Record<string, unknown> | undefined> {
  const file = configPath(env)
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error: any) {
    if (error?.code === 'ENOENT') return undefined
    throw error
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new UserError(`config file ${file} is not valid JSON: fix it or delete it to start over`, {code: 'ECONFIG'})
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError(`config file ${file} must hold a JSON object: fix it or delete it to start over`, {code: 'ECONFIG'})
  }
  return raw as Record<string, unknown>
}

/**
 * The file checked as a whole against the schema (src/config/schema.ts): a wrong file is refused, never partly
 * applied; keys of a newer version are kept in the file but not used.
 */
function checkedFile(parsed: {config: Config} | {problem: string}, file: string): Config {
  if ('problem' in parsed) {
    const key = parsed.problem.split(':')[0].replace(/\[\d+\]$/, '')
    const fix = keySpec(key) ? `run \`github-pm config set ${key} VALUE\` (or \`config unset ${key}\`) to fix it` : 'fix it or delete it to start over'
    throw new UserError(`config file ${file}: ${parsed.problem}: ${fix}`, {code: 'ECONFIG'})
  }
  return parsed.config
}

export interface ResolvedConfig {
  get<K extends ConfigKey>(key: K): ConfigValue | undefined
  /** where the value came from */
  source(key: ConfigKey): 'env' | 'file' | 'default' | 'unset'
}

/** File values, then defaults, with environment variables over both. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedConfig> {
  const file = await readConfigFile(env)
  const fromEnv: Partial<Record<ConfigKey, ConfigValue>> = {}
  for (const key of Object.keys(CONFIG_KEYS) as ConfigKey[]) {
    const v = env[envName(key)]
    if (v !== undefined && v !== '') fromEnv[key] = parseValue(key, v)
  }
  return {
    get(key) {
      if (key in fromEnv) return fromEnv[key]
      if (Object.hasOwn(file, key)) return file[key]
      return (CONFIG_KEYS[key] as KeySpec).default
    },
    source(key) {
      if (key in fromEnv) return 'env'
      if (Object.hasOwn(file, key)) return 'file'
      return (CONFIG_KEYS[key] as KeySpec).default === undefined ? 'unset' : 'default'
    },
  }
}

async function writeConfigFile(config: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<void> {
  await atomicWrite(configPath(env), JSON.stringify(config, null, 2) + '\n', 0o600)
}

/**
 * The file's JSON, to change one key in: it must be a JSON object, but its values may be wrong (setting or unsetting
 * a wrong key is how the refusal of a wrong file says to fix it, one key at a time).
 */
async function rawFile(env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  return (await readRawFile(env)) ?? {}
}

export async function setConfig(key: string, text: string, env: NodeJS.ProcessEnv = process.env): Promise<ConfigValue> {
  const value = parseValue(key, text)
  const raw = await rawFile(env)
  raw[key] = value
  await writeConfigFile(raw, env)
  return value
}

export async function unsetConfig(key: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  spec(key)
  const raw = await rawFile(env)
  if (!(key in raw)) return false
  delete raw[key]
  await writeConfigFile(raw, env)
  return true
}

export async function listConfig(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Array<{key: ConfigKey; value: ConfigValue | undefined; source: string; description: string}>> {
  const config = await loadConfig(env)
  return (Object.keys(CONFIG_KEYS) as ConfigKey[]).map((key) => ({
    key,
    value: config.get(key),
    source: config.source(key),
    description: CONFIG_KEYS[key].description,
  }))
}

export function describeKey(key: string): KeySpec {
  return spec(key)
}

/**
 * Checks a value `config set` is about to store as the commands that read it would: a storage location they could
 * open (src/storage/open.ts), a project text that is a project reference, a whole number within safe range. A value
 * that would only fail later fails now, in one line; nothing is contacted (no token, no network).
 */
export async function checkConfigValue(key: string, value: ConfigValue, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const s = spec(key)
  if (s.kind === 'integer' && !Number.isSafeInteger(value)) {
    throw new UserError(`${key} takes a whole number${s.min ? ` of at least ${s.min}` : ''}, not "${String(value)}"`, {code: 'ECONFIG'})
  }
  if (key === 'backup.storage_location') {
    const {checkStorageLocation} = await import('../storage/open.js')
    await checkStorageLocation(String(value), env)
  }
  if (key === 'project') {
    const {parseProjectRef} = await import('../github/project-ref.js')
    parseProjectRef(String(value))
  }
}
