import {UserError} from '../util/errors.js'
import {stamp} from '../util/time.js'
import type {BackupOrigin, EventHeader} from './events.js'

const ALLOWED = /^[A-Za-z0-9._-]{1,100}$/
const WINDOWS_RESERVED = /^(?:CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(?:\..*)?$/i

/**
 * A backup name: 1 to 100 characters of letters, digits, `.`, `_` and `-`, not starting with `.` or `-`, without `..`.
 * Names are safe in file names, URLs and shells, and `latest` is reserved (it always means the newest backup).
 */
export function validateBackupName(name: string): string {
  const allowed = 'use 1-100 letters, digits, ".", "_" or "-", not starting with "." or "-" and without ".."'
  if (typeof name !== 'string' || !ALLOWED.test(name) || name.startsWith('.') || name.startsWith('-') || name.includes('..')) {
    throw new UserError(`backup name ${JSON.stringify(String(name).slice(0, 120))} is not allowed: ${allowed}`, {code: 'EBADNAME'})
  }
  // names that cannot be files everywhere (Windows device names, with or without an extension): a backup name may
  // become a file name (exports, restore records) on any machine the backups are copied to
  if (WINDOWS_RESERVED.test(name)) {
    throw new UserError(`backup name "${name}" is not allowed: ${name.split('.')[0].toUpperCase()} is a reserved device name on Windows; choose another name`, {code: 'EBADNAME'})
  }
  if (name.endsWith('.')) throw new UserError(`backup name "${name}" is not allowed: a name may not end with "." (not a portable file name)`, {code: 'EBADNAME'})
  if (name === 'latest') throw new UserError('backup name "latest" is reserved (it means the newest backup): choose another name', {code: 'EBADNAME'})
  return name
}

/** `auto-20261125-101500`: prefix and the UTC stamp of date. */
export function autoName(prefix: string, date: Date = new Date()): string {
  return validateBackupName(`${prefix}-${stamp(date)}`)
}

/** The shape of every generated name: a lower-case prefix, the UTC stamp, and `-N` when the second was taken. */
const GENERATED = /^[a-z][a-z0-9-]*-\d{8}-\d{6}(?:-\d+)?$/

/** Who named a backup; events written before `origin` existed are judged by their name. */
export function originOf(header: Pick<EventHeader, 'name' | 'origin'>): BackupOrigin {
  if (header.origin) return header.origin
  if (/^pre-restore-\d{8}-\d{6}(?:-\d+)?$/.test(header.name)) return 'safety'
  return GENERATED.test(header.name) ? 'auto' : 'named'
}
