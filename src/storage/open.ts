import {promises as fs} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {UserError} from '../util/errors.js'
import type {StorageBackend} from './backend.js'
import {DEFAULT_GIT_BRANCH, GitBackend, gitToplevel, isTransactional} from './git.js'
import {backupsRoot} from './home.js'
import {LocalBackend} from './local.js'
import {gcsFromUrl, s3FromUrl} from './s3.js'

export const STORAGE_FORMS = [
  'local',
  'file:///path/to/folder',
  'git',
  'git+file:///path/to/repo[?remote=origin][#branch]',
  's3://bucket/prefix[?endpoint=URL&region=R]',
  'gcs://bucket/prefix',
]

export interface OpenStorageOptions {
  /** where `git` looks for the current repository (default process.cwd()) */
  cwd?: string
  /** git remote to fetch from and push to (config `backup.git.remote`); a `?remote=` in the URL wins */
  remote?: string
}

/**
 * The backend for a storage location (config `backup.storage_location`, flag `--storage`):
 * - `local` (or empty): `<GITHUB_PM_HOME or ~/.github-pm>/backups`
 * - `file:///path`: a folder
 * - `git[?remote=R][#branch]`: the branch `github-pm-backups` (or #branch) of the repository holding the current directory
 * - `git+file:///path/to/repo[?remote=R][#branch]`: the same in another repository (created bare when missing)
 * - `s3://bucket/prefix`: Amazon S3 or an S3-compatible store (see s3FromUrl for credentials and endpoints)
 * - `gcs://bucket/prefix` (or `gs://`): Google Cloud Storage through its XML API with an HMAC key (see gcsFromUrl)
 */
export async function openStorage(url: string, env: NodeJS.ProcessEnv = process.env, options: OpenStorageOptions = {}): Promise<StorageBackend> {
  const location = url.trim()
  if (location === '' || location === 'local') return new LocalBackend(backupsRoot(env))
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(location)?.[1]?.toLowerCase()

  if (location === 'git' || location.startsWith('git?') || location.startsWith('git#')) {
    const {remote, branch} = gitParams(location.slice(3), options)
    return GitBackend.open({repo: await gitToplevel(options.cwd ?? process.cwd(), env), branch, remote, env})
  }
  switch (scheme) {
    case 'file':
      return new LocalBackend(filePath(location, location))
    case 'git+file': {
      const rest = location.slice('git+'.length)
      const cut = rest.search(/[?#]/)
      const repo = filePath(cut < 0 ? rest : rest.slice(0, cut), location)
      const {remote, branch} = gitParams(cut < 0 ? '' : rest.slice(cut), options)
      return GitBackend.open({repo, branch, remote, env, init: true})
    }
    case 's3':
      return s3FromUrl(parseUrl(location), env)
    case 'gcs':
    case 'gs':
      return gcsFromUrl(parseUrl(location), env)
    default:
      throw new UserError(`unknown storage location "${location}": use one of ${STORAGE_FORMS.join(', ')}`, {code: 'ECONFIG'})
  }
}

/**
 * Checks a storage location as openStorage reads it, without creating or contacting anything (`config set`): the
 * form and its parts (file URL, bucket name, endpoint), a folder that could be created (its nearest existing parent
 * is a folder), for `git` a git work tree here. Credentials are not asked for: they may come from the environment later.
 */
export async function checkStorageLocation(url: string, env: NodeJS.ProcessEnv = process.env, options: OpenStorageOptions = {}): Promise<void> {
  const location = url.trim()
  if (location === '' || location === 'local') return
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(location)?.[1]?.toLowerCase()
  if (location === 'git' || location.startsWith('git?') || location.startsWith('git#')) {
    gitParams(location.slice(3), options)
    await gitToplevel(options.cwd ?? process.cwd(), env)
    return
  }
  switch (scheme) {
    case 'file':
      return checkFolder(filePath(location, location), location)
    case 'git+file': {
      const rest = location.slice('git+'.length)
      const cut = rest.search(/[?#]/)
      await checkFolder(filePath(cut < 0 ? rest : rest.slice(0, cut), location), location)
      gitParams(cut < 0 ? '' : rest.slice(cut), options)
      return
    }
    case 's3':
      s3FromUrl(parseUrl(location), env)
      return
    case 'gcs':
    case 'gs':
      // the HMAC key is checked when the storage is used (it may come from the environment of a CI job)
      gcsFromUrl(parseUrl(location), {...env, GITHUB_PM_GCS_HMAC_ACCESS_ID: 'check', GITHUB_PM_GCS_HMAC_SECRET: 'check'})
      return
    default:
      throw new UserError(`unknown storage location "${location}": use one of ${STORAGE_FORMS.join(', ')}`, {code: 'ECONFIG'})
  }
}

/** A folder that exists or can be created: the path, or its nearest existing parent, is a folder. */
async function checkFolder(dir: string, original: string): Promise<void> {
  for (let at = dir; ; at = path.dirname(at)) {
    let stat
    try {
      stat = await fs.stat(at)
    } catch (error: any) {
      if ((error?.code === 'ENOENT' || error?.code === 'ENOTDIR') && path.dirname(at) !== at) continue
      throw new UserError(`storage location "${original}" cannot be opened: ${at}: ${error?.code ?? error}`, {code: 'ECONFIG'})
    }
    if (stat.isDirectory()) return
    throw new UserError(`storage location "${original}" cannot be opened: ${at} is not a folder`, {code: 'ECONFIG'})
  }
}

/**
 * Runs fn with writes grouped into one unit where the backend supports it: on git, ONE commit named `message`
 * (e.g. `Backup: <name>`); elsewhere every put is already durable on its own and fn simply gets the backend.
 */
export async function inTransaction<T>(backend: StorageBackend, message: string, fn: (tx: StorageBackend) => Promise<T>): Promise<T> {
  return isTransactional(backend) ? backend.withTransaction(message, fn) : fn(backend)
}

/** `?remote=R#branch` (either part optional) after a git location. */
function gitParams(rest: string, options: OpenStorageOptions): {remote: string | undefined; branch: string} {
  const hash = rest.indexOf('#')
  const query = hash < 0 ? rest : rest.slice(0, hash)
  const fragment = hash < 0 ? '' : rest.slice(hash + 1)
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query)
  const branch = fragment ? safeDecode(fragment) : DEFAULT_GIT_BRANCH
  return {remote: params.get('remote') || options.remote || undefined, branch}
}

function filePath(fileUrl: string, original: string): string {
  try {
    const u = new URL(fileUrl)
    if (u.search || u.hash) throw new Error('query')
    return fileURLToPath(u)
  } catch {
    throw new UserError(`"${original}" is not a file URL: use file:///absolute/path (three slashes)`, {code: 'ECONFIG'})
  }
}

function parseUrl(location: string): URL {
  try {
    return new URL(location)
  } catch {
    throw new UserError(`"${location}" is not a valid storage URL: use one of ${STORAGE_FORMS.join(', ')}`, {code: 'ECONFIG'})
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
