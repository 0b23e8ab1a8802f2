/** Small formatting helpers for human-readable command output (commands print; these only build strings). */

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}

/** Left-aligned columns, two spaces apart. */
export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows
  if (all.length === 0) return ''
  const widths = all[0].map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)))
  return all.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n')
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}

export function list(values: Array<string | number>, max = 20): string {
  if (values.length === 0) return '-'
  const shown = values.slice(0, max).join(', ')
  return values.length > max ? `${shown}, … (${values.length - max} more)` : shown
}

/** A progress line for a wait of the GitHub client: what it waits for, and how long. */
export function waitText(w: {reason: string; waitMs: number; what?: string}): string {
  const s = Math.ceil(w.waitMs / 1000)
  const what = w.what
  switch (w.reason) {
    case 'answer':
      return `waiting for GitHub's answer to ${what ?? 'a request'} (${s} s so far)`
    case 'retry':
      return `waiting ${s} s before retrying ${what ?? 'a request'}`
    case 'secondary':
      return `waiting ${s} s: GitHub asked to slow down (secondary rate limit)${what ? ` before ${what}` : ''}`
    case 'primary':
      return `waiting ${s} s for the hourly rate limit to reset${what ? ` before ${what}` : ''}`
    default:
      return `waiting ${s} s (${w.reason})`
  }
}
