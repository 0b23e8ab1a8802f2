import {UserError} from '../util/errors.js'
import {stamp} from '../util/time.js'

const ALLOWED = /^[A-Za-z0-9._-]{1,100}$/

/**
 * A backup name: 1 to 100 characters of letters, digits, `.`, `_` and `-`, not starting with `.` or `-`, without `..`.
 * Names are safe in file names, URLs and shells, and `latest` is reserved (it always means the newest backup).
 */
export function validateBackupName(name: string): string {
  const allowed = 'use 1-100 letters, digits, ".", "_" or "-", not starting with "." or "-" and without ".."'
  if (typeof name !== 'string' || !ALLOWED.test(name) || name.startsWith('.') || name.startsWith('-') || name.includes('..')) {
    throw new UserError(`backup name ${JSON.stringify(String(name).slice(0, 120))} is not allowed: ${allowed}`, {code: 'EBADNAME'})
  }
  if (name === 'latest') throw new UserError('backup name "latest" is reserved (it means the newest backup): choose another name', {code: 'EBADNAME'})
  return name
}

/** `auto-20261125-101500`: prefix and the UTC stamp of date. */
export function autoName(prefix: string, date: Date = new Date()): string {
  return validateBackupName(`${prefix}-${stamp(date)}`)
}
