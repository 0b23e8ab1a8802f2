import type {DrillReport} from '../app/drill.js'
import {plural, table} from './format.js'

/** `backup drill` for a person: one row per project, the headline, then what failed and what is left to do by hand. */
export function renderDrill(report: DrillReport): string {
  const rows = report.projects.map((p) => [
    p.project.url || p.project.id,
    p.backup ? p.backup.name : '-',
    p.error ? 'error' : p.converged ? 'converges' : 'FAILS',
    String(p.restoreErrors),
    p.error ? '-' : `${p.operations}`,
    p.estimate.human,
  ])
  const lines = [table(rows, ['PROJECT', 'LATEST BACKUP', 'DRILL', 'ERRORS', 'OPERATIONS', 'RESTORE WOULD TAKE'])]
  for (const p of report.projects) {
    const name = p.project.url || p.project.id
    if (p.error) lines.push(`${name}: the drill could not run: ${p.error}`)
    for (const f of p.failed.slice(0, 10)) lines.push(`${name}: failed: ${f.op} ${f.id}: ${f.error}`)
    for (const r of p.remaining) lines.push(`${name}: left after the restore: ${r}`)
    for (const u of p.unrestorable) lines.push(`${name}: cannot be restored: ${u}`)
    for (const m of p.manualSteps) lines.push(`${name}: by hand after a restore: ${m}`)
  }
  const failing = report.failedProjects ? `; ${plural(report.failedProjects, 'project')} would not restore cleanly` : ''
  lines.push(`restore errors: ${report.restoreErrors} (${plural(report.projects.length, 'project')} drilled${failing})`)
  return lines.join('\n')
}
