import os from 'node:os'
import {UserError} from '../util/errors.js'

/**
 * The one interface every storage backend implements (local now; git, S3, GCS later), in the spirit of restic:
 * a flat key space of `/`-separated relative paths holding opaque bytes, plus exclusive locks.
 */
export interface StorageBackend {
  /** where the backend stores, for messages (`file:///home/me/.github-pm/backups`, `s3://bucket/prefix`) */
  readonly url: string
  /** the bytes under key, or undefined when there is none */
  get(key: string): Promise<Uint8Array | undefined>
  /** atomic: a reader sees the old bytes or the new ones, never a torn file */
  put(key: string, data: Uint8Array): Promise<void>
  /** removes key; a missing key is not an error */
  delete(key: string): Promise<void>
  /** every key starting with prefix, sorted (code unit order) */
  list(prefix: string): Promise<string[]>
  /** takes the exclusive lock named key, waiting up to `waitMs`; throws a UserError naming the holder otherwise */
  lock(key: string, opts?: LockOptions): Promise<LockHandle>
  /** removes the lock named key whoever holds it; true when there was one */
  breakLock(key: string): Promise<boolean>
}

export interface LockOptions {
  /** who takes the lock, for messages (default `<user>@<host>`) */
  owner?: string
  /** a lock older than this is stale and may be taken over (default 30 minutes) */
  staleMs?: number
  /** how long to wait for a held lock before giving up (default 0: fail at once) */
  waitMs?: number
}

export interface LockHandle {
  /** releases the lock if it is still ours; calling it twice is harmless */
  release(): Promise<void>
}

/** What a lock file holds. */
export interface LockInfo {
  owner: string
  host: string
  pid: number
  /** ISO time the lock was taken */
  time: string
  /** random, unique per acquisition: release and takeover check it so nobody removes a lock that is not theirs */
  token: string
}

export const DEFAULT_STALE_MS = 30 * 60_000
export const LOCK_POLL_MS = 50

export function defaultOwner(): string {
  let user = 'unknown'
  try {
    user = os.userInfo().username
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return `${user}@${os.hostname()}`
}

/**
 * A lock is stale when its holder ran on this host and that process is gone, or when it is older than staleMs.
 * A lock file that cannot be parsed is treated as stale only once it is older than staleMs (it may be mid-write).
 */
export function isStaleLock(info: LockInfo | undefined, ageMs: number, staleMs: number, now = Date.now()): boolean {
  if (!info) return ageMs > staleMs
  const taken = Date.parse(info.time)
  if (Number.isFinite(taken) && now - taken > staleMs) return true
  if (info.host === os.hostname() && !processAlive(info.pid)) return true
  return false
}

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error: any) {
    return error?.code === 'EPERM'
  }
}

export function parseLockInfo(bytes: Uint8Array | string | undefined): LockInfo | undefined {
  if (bytes === undefined) return undefined
  try {
    const v = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'))
    if (v && typeof v.owner === 'string' && typeof v.host === 'string' && typeof v.pid === 'number' && typeof v.time === 'string' && typeof v.token === 'string') {
      return v as LockInfo
    }
  } catch {
    // fall through
  }
  return undefined
}

/** The one-line error for a lock we could not get. */
export function lockHeldError(key: string, info: LockInfo | undefined, url: string): UserError {
  const holder = info ? `${info.owner} (pid ${info.pid} on ${info.host}, since ${info.time})` : 'another process'
  return new UserError(
    `${key} in ${url} is locked by ${holder}: wait for it to finish, or run \`github-pm backup unlock\` if that process is gone`,
    {code: 'ELOCKED'},
  )
}

/**
 * Checks a backend key: `/`-separated relative path segments, none empty, `.` or `..`, no NUL or backslash, not
 * absolute. Every backend calls it so a key means the same thing everywhere.
 */
export function validateKey(key: string): string {
  const bad = (why: string) => new Error(`invalid storage key ${JSON.stringify(key)}: ${why}`)
  if (typeof key !== 'string' || key.length === 0) throw bad('empty')
  if (key.includes('\0')) throw bad('contains NUL')
  if (key.includes('\\')) throw bad('contains a backslash')
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) throw bad('absolute')
  for (const seg of key.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') throw bad('empty, "." or ".." segment')
  }
  return key
}

/** Checks a list prefix: like a key, but may be empty and may end with `/`. */
export function validatePrefix(prefix: string): string {
  if (prefix === '') return prefix
  validateKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix)
  return prefix
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
