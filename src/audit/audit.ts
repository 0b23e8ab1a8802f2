import {promises as fs, constants} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {githubPmHome} from '../config/config.js'
import {mkdirPrivate} from '../util/fs.js'
import {redact} from '../util/secrets.js'

/**
 * The audit trail: one JSON line per backup, restore, delete, cleanup and validate, appended to
 * `<GITHUB_PM_HOME>/audit.log` (a private file opened with O_APPEND, so concurrent writers interleave whole lines).
 * Every line passes through `redact`: no token or passphrase is ever written.
 */
export interface AuditEntry {
  time: string
  user: string
  host: string
  command: string
  project?: string
  backup?: string
  outcome: 'ok' | 'failed' | 'refused'
  counts?: Record<string, number>
  message?: string
}

export function auditPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(githubPmHome(env), 'audit.log')
}

export async function appendAudit(
  entry: Omit<AuditEntry, 'time' | 'user' | 'host'> & Partial<Pick<AuditEntry, 'time'>>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const line: AuditEntry = {
    time: entry.time ?? new Date().toISOString(),
    user: safeUser(),
    host: os.hostname(),
    ...entry,
  }
  const file = auditPath(env)
  await mkdirPrivate(path.dirname(file))
  const handle = await fs.open(file, constants.O_APPEND | constants.O_CREAT | constants.O_WRONLY, 0o600)
  try {
    await handle.write(redact(JSON.stringify(line)) + '\n')
  } finally {
    await handle.close()
  }
}

export async function readAudit(
  options: {limit?: number; project?: string; command?: string} = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<AuditEntry[]> {
  let text: string
  try {
    text = await fs.readFile(auditPath(env), 'utf8')
  } catch (error: any) {
    if (error?.code === 'ENOENT') return []
    throw error
  }
  const entries: AuditEntry[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      const e = JSON.parse(line) as AuditEntry
      if (options.project && e.project !== options.project) continue
      if (options.command && e.command !== options.command) continue
      entries.push(e)
    } catch {
      // a torn last line (power loss mid-write) is skipped, never fatal
    }
  }
  return options.limit ? entries.slice(-options.limit) : entries
}

function safeUser(): string {
  try {
    return os.userInfo().username
  } catch {
    return process.env.USER ?? 'unknown'
  }
}
