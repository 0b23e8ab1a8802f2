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
