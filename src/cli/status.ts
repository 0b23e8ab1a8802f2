import {STATE_TEXT, type ProjectStatus} from '../app/status.js'
import {table} from './format.js'

/** `3d 4h`, `5h 12m`, `42m`, `30s`: an age as a person reads it. */
export function ageText(seconds: number | null): string {
  if (seconds === null) return '-'
  const d = Math.floor(seconds / 86_400)
  const h = Math.floor((seconds % 86_400) / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  if (d > 0) return `${d}d ${h}h`
  if (h > 0) return `${h}h ${m}m`
  if (m > 0) return `${m}m`
  return `${seconds}s`
}

/** The status table of `backup status`: one row per project, the worst first, and the last error under it. */
export function statusTable(rows: ProjectStatus[]): string {
  if (rows.length === 0) return ''
  const body: string[][] = []
  for (const r of rows) {
    const when = r.lastBackup ? r.lastBackup.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-'
    body.push([STATE_TEXT[r.state].toUpperCase(), r.title || '(untitled)', r.project, when, ageText(r.age)])
    if (r.lastError) body.push(['', `  last attempt ${r.lastAttempt?.replace('T', ' ').replace(/\.\d+Z$/, 'Z') ?? ''}: ${r.lastError}`, '', '', ''])
  }
  return table(body, ['STATE', 'PROJECT', 'URL', 'LAST BACKUP', 'AGE'])
}

/** One line under the table: how many projects are in each state. */
export function statusSummary(rows: ProjectStatus[], maxAge: string): string {
  const count = (s: ProjectStatus['state']) => rows.filter((r) => r.state === s).length
  const parts = [`${count('protected')} protected (backup younger than ${maxAge})`]
  if (count('stale')) parts.push(`${count('stale')} stale`)
  if (count('never')) parts.push(`${count('never')} never backed up`)
  if (count('failing')) parts.push(`${count('failing')} failing`)
  return `${rows.length} project${rows.length === 1 ? '' : 's'}: ${parts.join(', ')}`
}
