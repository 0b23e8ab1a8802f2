import {UserError} from '../util/errors.js'
import type {LockHandle, LockOptions} from './lock.js'

export {
  DEFAULT_STALE_MS,
  LOCK_POLL_MS,
  LockHeldError,
  type LockHandle,
  type LockHolder,
  type LockInfo,
  type LockOptions,
  defaultOwner,
  isStaleLock,
  lockHeldError,
  parseLockInfo,
  processAlive,
} from './lock.js'

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
  /**
   * writes key only when there is no such key (S3 `If-None-Match: *`): true when written, false when one exists.
   * Optional: {@link createOnly} falls back to get-then-put on backends without it (append-only writers use it).
   */
  create?(key: string, data: Uint8Array): Promise<boolean>
  /** removes key; a missing key is not an error; an object still under retention throws an {@link ObjectRetainedError} */
  delete(key: string): Promise<void>
  /** every key starting with prefix, sorted (code unit order) */
  list(prefix: string): Promise<string[]>
  /** takes the exclusive lock named key, waiting up to `waitMs`; throws a LockHeldError (ELOCKED) naming the holder otherwise */
  lock(key: string, opts?: LockOptions): Promise<LockHandle>
  /** removes the lock named key whoever holds it; true when there was one */
  breakLock(key: string): Promise<boolean>
}

/** Writes key only when it is absent: the backend's conditional create, else get-then-put. True when written. */
export async function createOnly(backend: StorageBackend, key: string, data: Uint8Array): Promise<boolean> {
  if (backend.create) return backend.create(key, data)
  if ((await backend.get(key)) !== undefined) return false
  await backend.put(key, data)
  return true
}

/** A delete the store refused because Object Lock still retains the object (until `until`, when known). */
export class ObjectRetainedError extends UserError {
  readonly key: string
  readonly until: Date | undefined

  constructor(key: string, until: Date | undefined, url: string) {
    super(`${key} in ${url} is retained by Object Lock${until ? ` until ${until.toISOString()}` : ''}: it cannot be removed before then`, {code: 'ERETAINED'})
    this.name = 'UserError'
    this.key = key
    this.until = until
  }
}

export function isObjectRetained(error: unknown): error is ObjectRetainedError {
  return error instanceof ObjectRetainedError
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
