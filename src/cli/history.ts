/** Text, tables and CSV for `backup history` (the data comes from src/journal/history.ts; this only builds strings). */
import stringWidth from 'string-width'
import type {FieldHistory, HistoryBackup, ItemHistory, ItemHistoryEntry, Resolution} from '../journal/history.js'

/** `3d 4h`, `2h 5m`, `12m`, `40s`: the largest unit and the next one (when not zero). */
export function duration(ms: number): string {
  let rest = Math.round(ms / 1000)
  const counts = ([['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const).map(([unit, size]) => {
    const n = Math.floor(rest / size)
    rest -= n * size
    return {unit, n}
  })
  const first = counts.findIndex((c) => c.n > 0)
  if (first < 0) return '0s'
  return counts
    .slice(first, first + 2)
    .filter((c) => c.n > 0)
    .map((c) => `${c.n}${c.unit}`)
    .join(' ')
}

/** The caveat every history prints: whose times these are, and how precise. */
export function resolutionText(r: Resolution): string {
  const base = "times are the backups' times (the backup that first saw a change; it happened after the backup before), not GitHub's own timeline"
  if (r.medianMs === null || r.maxMs === null) return `${base}; resolution: ${r.backups} full backup${r.backups === 1 ? '' : 's'}, no interval to measure`
  return `${base}; resolution: ${r.backups} full backups, median interval ${duration(r.medianMs)}, longest ${duration(r.maxMs)}`
}

/** Cuts text to width display columns (CJK and emoji count two), with `…`. */
export function fit(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ')
  if (stringWidth(flat) <= width) return flat
  let out = ''
  for (const ch of flat) {
    if (stringWidth(out + ch) > width - 1) break
    out += ch
  }
  return `${out}…`
}

/** Left-aligned columns, two spaces apart, measured by display width. */
export function wideTable(rows: string[][], header: string[]): string {
  const all = [header, ...rows]
  const widths = header.map((_, c) => Math.max(...all.map((r) => stringWidth(r[c] ?? ''))))
  return all.map((r) => r.map((cell, c) => cell + ' '.repeat(widths[c] - stringWidth(cell))).join('  ').trimEnd()).join('\n')
}

const show = (v: string | null) => (v === null ? '(none)' : JSON.stringify(v))
const when = (b: HistoryBackup) => `${b.time.replace('.000Z', 'Z')} ${b.name}`

function entryText(e: ItemHistoryEntry): string {
  switch (e.kind) {
    case 'first-seen':
      return `first seen${e.archived ? ' (archived)' : ''}: ${Object.entries(e.values)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ')}`
    case 'changed':
      return `${e.field}: ${show(e.from)} → ${show(e.to)}`
    case 'archived':
      return 'archived'
    case 'unarchived':
      return 'unarchived'
    case 'removed':
      return 'removed from the project'
    case 're-added':
      return 're-added to the project (restored or added again)'
  }
}

/** One item's history, one line per backup that saw something. */
export function formatItemHistory(h: ItemHistory): string {
  const lines = [`${h.ref}${h.ref === h.title ? '' : ` ${h.title}`}${h.field ? ` (field ${h.field})` : ''}`]
  for (const e of h.entries) lines.push(`  ${when(e.backup)}  ${entryText(e)}`)
  if (h.entries.length <= 1) lines.push('  no change since')
  lines.push(`note: ${resolutionText(h.resolution)}`)
  return lines.join('\n')
}

/** The project-wide history of a field: changes, then time in value and cycle time. */
export function formatFieldHistory(h: FieldHistory, opts: {titleWidth?: number} = {}): string {
  const tw = opts.titleWidth ?? 40
  const range = h.since || h.until ? ` from ${h.since ?? 'the first backup'} to ${h.until ?? 'the latest'}` : ''
  const lines = [`${h.field}: ${h.changes.length} change${h.changes.length === 1 ? '' : 's'} in ${h.backups.length} full backup${h.backups.length === 1 ? '' : 's'}${range}`]
  if (h.changes.length) {
    lines.push(
      wideTable(
        h.changes.map((c) => [c.backup.time.replace('.000Z', 'Z'), c.backup.name, c.ref, fit(c.title, tw), c.kind === 'changed' ? `${show(c.from)} → ${show(c.to)}` : `${c.kind}: ${show(c.kind === 'added' ? c.to : c.from)}`]),
        ['SEEN AT', 'BACKUP', 'ITEM', 'TITLE', 'CHANGE'],
      ),
    )
  }
  const changed = new Set(h.changes.map((c) => c.item))
  const times = h.timeInValue.filter((t) => changed.has(t.item))
  if (times.length) {
    lines.push('', `time in each ${h.field} value (items that changed in the range; --json or --format csv for all):`)
    lines.push(wideTable(times.map((t) => [t.ref, fit(t.title, tw), Object.entries(t.ms).map(([v, ms]) => `${v} ${duration(ms)}`).join(', ')]), ['ITEM', 'TITLE', 'TIME IN VALUE']))
  }
  if (h.doneValues.length === 0) lines.push('', `no cycle time: no ${h.field} value looks done (Done, Closed, Complete, Shipped...): name one with --done`)
  else if (h.cycleTimes.length) {
    const sorted = h.cycleTimes.map((c) => c.ms).sort((a, b) => a - b)
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2
    lines.push('', `cycle time (first leaving the first value → first reaching ${h.doneValues.join(' / ')}): ${h.cycleTimes.length} item${h.cycleTimes.length === 1 ? '' : 's'}, median ${duration(median)}, longest ${duration(sorted.at(-1)!)}`)
    lines.push(wideTable(h.cycleTimes.map((c) => [c.ref, fit(c.title, tw), c.started.replace('.000Z', 'Z'), c.done.replace('.000Z', 'Z'), duration(c.ms)]), ['ITEM', 'TITLE', 'STARTED', 'DONE', 'CYCLE TIME']))
  } else lines.push('', `cycle time: no item reached ${h.doneValues.join(' / ')} in the range`)
  lines.push('', `note: ${resolutionText(h.resolution)}`)
  return lines.join('\n')
}

/** One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csv(rows: Array<Array<string | number | null | undefined>>, header: string[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

/** The audit CSV of a field's changes: one row per change, the backup's time and the one before (the window it happened in). */
export function fieldHistoryCsv(h: FieldHistory): string {
  return csv(
    h.changes.map((c) => [c.backup.time, c.backup.name, c.previous?.time, c.previous?.name, c.item, c.ref, c.title, h.field, c.kind, c.from, c.to]),
    ['seen_at', 'backup', 'previous_backup_at', 'previous_backup', 'item', 'ref', 'title', 'field', 'kind', 'from', 'to'],
  )
}

/** One item's history as CSV. */
export function itemHistoryCsv(h: ItemHistory): string {
  return csv(
    h.entries.map((e) => [
      e.backup.time,
      e.backup.name,
      h.key,
      h.ref,
      e.kind,
      e.kind === 'changed' ? e.field : '',
      e.kind === 'changed' ? e.from : '',
      e.kind === 'changed' ? e.to : e.kind === 'first-seen' ? JSON.stringify(e.values) : '',
    ]),
    ['seen_at', 'backup', 'item', 'ref', 'kind', 'field', 'from', 'to'],
  )
}
