import os from 'node:os'
import {INDEX_LOCK_KEY, lockKey} from '../journal/events.js'
import type {StorageBackend} from '../storage/backend.js'
import {type LockHolder, isLockHeldError, processAlive} from '../storage/lock.js'
import {UserError} from '../util/errors.js'
import type {Repository} from './session.js'

/** `backup unlock`: breaking the lock a crashed backup or cleanup left behind. */

export type {LockHolder} from '../storage/lock.js'

export interface UnlockResult {
  key: string
  url: string
  /** a live-looking lock was there (and was removed) */
  broken: boolean
  /** who held it; null when the lock record could not be read */
  holder?: LockHolder | null
}

/**
 * Breaks a stale lock (a crashed backup on another machine, a killed CI job). The lock is probed first: a lock whose
 * holder ran on this host and is gone is cleared by the probe itself, as any writer would. A holder still running on
 * this host is refused unless `force`; a holder on another host cannot be checked and is trusted to be gone.
 */
export async function breakStaleLock(backend: StorageBackend, key: string, options: {force?: boolean} = {}): Promise<UnlockResult> {
  let holder: LockHolder | null
  try {
    const probe = await backend.lock(key, {waitMs: 0, staleMs: Number.MAX_SAFE_INTEGER, owner: 'github-pm backup unlock'})
    await probe.release()
    return {key, url: backend.url, broken: false}
  } catch (error) {
    if (!isLockHeldError(error)) throw error
    holder = error.holder
  }
  if (holder && holder.host === os.hostname() && processAlive(holder.pid) && !options.force) {
    throw new UserError(
      `${key} in ${backend.url} is held by ${describeHolder(holder)}, which is still running: wait for it to finish, or pass --force`,
      {code: 'ELOCKED'},
    )
  }
  const broken = await backend.breakLock(key)
  return {key, url: backend.url, broken, holder}
}

export function describeHolder(holder: LockHolder | null | undefined): string {
  return holder ? `${holder.owner} (pid ${holder.pid} on ${holder.host}, since ${holder.time})` : 'an unreadable lock record'
}

/**
 * `backup unlock`: the project's journal lock (when a project is given) and the storage's index lock
 * (global/lock), each probed and broken as {@link breakStaleLock} says.
 */
export async function unlockStorage(repo: Repository, projectId: string | undefined, options: {force?: boolean} = {}): Promise<UnlockResult[]> {
  const keys = [...(projectId ? [lockKey(projectId)] : []), INDEX_LOCK_KEY]
  const out: UnlockResult[] = []
  for (const key of keys) out.push(await breakStaleLock(repo.backend, key, options))
  return out
}
