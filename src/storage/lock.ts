import os from 'node:os'
import {randomBytes} from 'node:crypto'
import {UserError} from '../util/errors.js'

/**
 * The one lock protocol every storage backend shares. A lock is ONE record (a LockInfo as JSON) under a backend
 * specific name, written with the backend's own conditional write, so the protocol needs nothing else:
 *
 * - take: create the record only if absent (local: a hard link / O_EXCL; S3: PutObject `If-None-Match: *`;
 *   git: update-ref with the all-zero old value). Exactly one contender's create succeeds.
 * - held: read the record; it is stale when its own time is older than staleMs, or when its holder ran on this host
 *   and that process is gone (a record that cannot be parsed: by the record's modification time). A stale record is
 *   removed with a conditional delete naming the version that was judged (local: rename aside and compare; S3:
 *   DeleteObject `If-Match: <ETag>`; git: update-ref -d with the old value), so a takeover never removes a fresh lock
 *   that replaced the stale one meanwhile; then the create is tried again.
 * - wait: a fresh record is waited for, polling, until waitMs is spent; then a {@link LockHeldError} names the holder.
 * - release: the same conditional delete with our own version: never removes a lock that is not ours.
 *
 * Backends provide only the three primitives of {@link LockPrimitives}.
 */

/** What a lock record holds. */
export interface LockInfo {
  owner: string
  host: string
  pid: number
  /** ISO time the lock was taken */
  time: string
  /** random, unique per acquisition */
  token: string
}

export interface LockOptions {
  /** who takes the lock, for messages (default `<user>@<host>`) */
  owner?: string
  /** a lock older than this is stale and may be taken over (default 30 minutes) */
  staleMs?: number
  /** how long to wait for a held lock before giving up (default 0: fail at once) */
  waitMs?: number
  /** the time source staleness and waiting are judged by (tests); default the real clock */
  clock?: LockClock
}

export interface LockHandle {
  /** releases the lock if it is still ours; calling it twice is harmless */
  release(): Promise<void>
}

export interface LockClock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const realClock: LockClock = {now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))}

/** A lock record as read back: its bytes, its version (what a conditional delete names), its modification time. */
export interface LockRecord {
  bytes: Uint8Array
  version: string
  /** when the record was written, by the store's clock (for records that cannot be parsed) */
  modifiedMs?: number
}

/** What a backend provides for its locks; every method works on the backend's own name for the lock. */
export interface LockPrimitives {
  /** writes the record only if there is none; its version when written, undefined when a record exists */
  create(bytes: Uint8Array): Promise<string | undefined>
  /** the record, or undefined when there is none */
  read(): Promise<LockRecord | undefined>
  /** removes the record only if it is still at `version`; true when removed */
  removeIf(version: string): Promise<boolean>
}

export const DEFAULT_STALE_MS = 30 * 60_000
export const LOCK_POLL_MS = 50

/** Who holds a lock, as a held-lock error names it. */
export type LockHolder = Omit<LockInfo, 'token'>

/** Marks a LockHeldError across copies of this module (see GITHUB_ERROR in src/github/errors.ts). */
const LOCK_HELD = Symbol.for('github-pm.LockHeldError')

/** The lock named `key` in `url` is held by someone else (code ELOCKED); `holder` is null when the record is unreadable. */
export class LockHeldError extends UserError {
  readonly holder: LockHolder | null
  readonly key: string

  constructor(key: string, info: LockInfo | undefined, url: string) {
    super(`${key} in ${url} is locked by ${holderText(info)}: wait for it to finish, or run \`github-pm backup unlock\` if that process is gone`, {
      code: 'ELOCKED',
    })
    this.name = 'UserError'
    this.key = key
    this.holder = info ? {owner: info.owner, pid: info.pid, host: info.host, time: info.time} : null
    Object.defineProperty(this, LOCK_HELD, {value: true, enumerable: false})
  }
}

export function isLockHeldError(error: unknown): error is LockHeldError {
  return error instanceof LockHeldError || (error instanceof Error && (error as unknown as Record<symbol, unknown>)[LOCK_HELD] === true)
}

function holderText(holder: LockHolder | null | undefined): string {
  return holder ? `${holder.owner} (pid ${holder.pid} on ${holder.host}, since ${holder.time})` : 'another process'
}

/** The one-line error for a lock we could not get. */
export function lockHeldError(key: string, info: LockInfo | undefined, url: string): LockHeldError {
  return new LockHeldError(key, info, url)
}

/**
 * Takes the lock through the backend's primitives: see the protocol at the top of this module. `key` and `url` only
 * name the lock in errors.
 */
export async function acquireLock(primitives: LockPrimitives, key: string, url: string, opts: LockOptions = {}): Promise<LockHandle> {
  const clock = opts.clock ?? realClock
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS
  const deadline = clock.now() + Math.max(0, opts.waitMs ?? 0)
  const mine: LockInfo = {
    owner: opts.owner ?? defaultOwner(),
    host: os.hostname(),
    pid: process.pid,
    time: '',
    token: randomBytes(12).toString('hex'),
  }
  for (;;) {
    mine.time = new Date(clock.now()).toISOString()
    const version = await primitives.create(Buffer.from(JSON.stringify(mine), 'utf8'))
    if (version !== undefined) return lockHandle(primitives, version)
    const held = await primitives.read()
    if (!held) continue // released meanwhile: try again at once
    const info = parseLockInfo(held.bytes)
    const ageMs = held.modifiedMs === undefined ? Number.POSITIVE_INFINITY : clock.now() - held.modifiedMs
    if (isStaleLock(info, ageMs, staleMs, clock.now())) {
      await primitives.removeIf(held.version) // only the record judged stale: a fresh one that replaced it stays
      continue
    }
    const left = deadline - clock.now()
    if (left <= 0) throw new LockHeldError(key, info, url)
    await clock.sleep(Math.min(LOCK_POLL_MS, left))
  }
}

function lockHandle(primitives: LockPrimitives, version: string): LockHandle {
  let released = false
  return {
    release: async () => {
      if (released) return
      released = true
      await primitives.removeIf(version) // only if it is still ours
    },
  }
}

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
 * A lock record that cannot be parsed is treated as stale only once it is older than staleMs (it may be mid-write).
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
