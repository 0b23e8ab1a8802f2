/**
 * Text for `backup show`: a board (src/journal/board.ts) as plain tables per group (cli-table3, borderless, cells cut
 * to fit a width measured in display columns with string-width, so CJK and emoji line up), as CSV (RFC 4180) or as
 * Markdown. Builds strings only; the command prints them.
 */
import Table from 'cli-table3'
import stringWidth from 'string-width'
import type {Board} from '../journal/board.js'

/** The width when stdout is not a terminal and no --width is given. */
export const DEFAULT_WIDTH = 100
const GAP = 2
const ELLIPSIS = '…'

export interface BoardHeading {
  /** the backup's name and time */
  backup: {name: string; timestamp: string}
}

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'})

/** One line of plain text: control characters (escapes included) and runs of white space become one space. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim()
}

/** Cut to at most `width` display columns, ending in an ellipsis when cut (whole graphemes only). */
export function truncate(text: string, width: number): string {
  if (stringWidth(text) <= width) return text
  if (width <= 0) return ''
  let out = ''
  let used = 0
  for (const {segment} of segmenter.segment(text)) {
    const w = stringWidth(segment)
    if (used + w > width - 1) break
    out += segment
    used += w
  }
  return out + ELLIPSIS
}

/** Below this a column is not worth showing: columns are left out from the right instead. */
const MIN_COLUMN = 5

const sum = (ws: number[]) => ws.reduce((a, b) => a + b, 0)

/**
 * Column widths that fit `width`: every column its natural width if all fit; else all are capped at one common width,
 * the first (the title) at twice that (water-filling: the widest give way first, narrow ones such as a date stay
 * whole); when that cap would fall below 5, columns are left out from the right.
 */
export function fitColumns(natural: number[], width: number): number[] {
  const cols = natural.map((w) => Math.max(1, w))
  const room = (n: number) => width - GAP * (n - 1)
  const capped = (ws: number[], cap: number) => ws.map((w, i) => Math.min(w, i === 0 ? 2 * cap : cap))
  if (sum(cols) <= room(cols.length)) return cols
  while (cols.length > 1 && sum(capped(cols, MIN_COLUMN)) > room(cols.length)) cols.pop()
  const budget = room(cols.length)
  if (cols.length === 1) return [Math.max(1, Math.min(cols[0], budget))]
  let cap = 0
  while (sum(capped(cols, cap + 1)) <= budget) cap++
  const out = capped(cols, cap)
  // what rounding leaves goes to the columns that were cut, the title first
  let spare = budget - sum(out)
  for (let i = 0; i < out.length && spare > 0; i++) {
    const more = Math.min(spare, cols[i] - out[i])
    out[i] += more
    spare -= more
  }
  return out
}

const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: ' '.repeat(GAP),
}

function summary(board: Board, heading: BoardHeading): string[] {
  const how = [
    board.view ? `view "${board.view}"` : undefined,
    board.groupBy ? `grouped by ${board.groupBy}` : 'ungrouped',
    board.sortBy.length ? `sorted by ${board.sortBy.map((s) => `${s.field}${s.direction === 'DESC' ? ' (descending)' : ''}`).join(', ')}` : undefined,
    board.filter ? `filter ${board.filter}` : undefined,
  ].filter(Boolean)
  const counts = `${board.total} ${board.total === 1 ? 'item' : 'items'}${board.archivedHidden ? ` (${board.archivedHidden} archived not shown: --archived)` : ''}`
  return [`${board.project.title} as of backup ${heading.backup.name} (${heading.backup.timestamp})`, `${how.join(', ')}; ${counts}`]
}

/** The board as plain tables, one per group, every line at most `width` display columns. */
export function renderBoardTable(board: Board, heading: BoardHeading, width: number): string {
  const w = Math.max(10, Math.floor(width))
  const cellsOf = (values: Record<string, string>) => board.columns.map((c) => plain(values[c] ?? ''))
  const rows = board.groups.flatMap((g) => g.items.map((i) => cellsOf(i.values)))
  const natural = board.columns.map((c, i) => Math.max(stringWidth(c), ...rows.map((r) => stringWidth(r[i]))))
  const widths = fitColumns(natural, w)
  const lines = summary(board, heading)
  if (widths.length < board.columns.length) {
    lines.push(`columns left out to fit ${w} columns: ${board.columns.slice(widths.length).join(', ')} (--width, or --format csv for all)`)
  }
  for (const g of board.groups) {
    lines.push('', `${plain(g.name)} (${g.items.length})`)
    if (g.items.length === 0) continue
    const table = new Table({
      head: board.columns.slice(0, widths.length).map((c, i) => truncate(c, widths[i])),
      colWidths: widths,
      chars: BORDERLESS,
      style: {'padding-left': 0, 'padding-right': 0, head: [], border: []},
      wordWrap: false,
    })
    for (const item of g.items) table.push(cellsOf(item.values).slice(0, widths.length).map((cell, i) => truncate(cell, widths[i])))
    lines.push(...table.toString().split('\n'))
  }
  // the final guard: whatever a table library measures, no line is wider than asked
  return lines.map((l) => truncate(l.trimEnd(), w)).join('\n') + '\n'
}

/** RFC 4180: a field with a comma, a double quote, CR or LF is quoted, quotes doubled; records end in CRLF. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One row per item, the group first: `Group,Title,Number,Assignees,...`. */
export function renderBoardCsv(board: Board): string {
  const header = board.groupBy ?? 'Group'
  const records = [[header, ...board.columns]]
  for (const g of board.groups) for (const item of g.items) records.push([g.noValue ? '' : g.name, ...board.columns.map((c) => item.values[c] ?? '')])
  return records.map((r) => r.map(csvField).join(',') + '\r\n').join('')
}

function mdCell(text: string): string {
  return plain(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|')
}

/** A heading per group and a GitHub-flavoured Markdown table of its items. */
export function renderBoardMarkdown(board: Board, heading: BoardHeading): string {
  const [title, how] = summary(board, heading)
  const out = [`# ${mdCell(title)}`, '', mdCell(how)]
  for (const g of board.groups) {
    out.push('', `## ${mdCell(g.name)} (${g.items.length})`, '')
    if (g.items.length === 0) {
      out.push('_no items_')
      continue
    }
    out.push(`| ${board.columns.map(mdCell).join(' | ')} |`, `|${board.columns.map(() => ' --- |').join('')}`)
    for (const item of g.items) out.push(`| ${board.columns.map((c) => mdCell(item.values[c] ?? '')).join(' | ')} |`)
  }
  return out.join('\n') + '\n'
}
