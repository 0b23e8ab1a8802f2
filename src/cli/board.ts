/**
 * Text for `backup show`: a board (src/journal/board.ts) as plain tables per group (cells cut and padded to widths
 * measured in display columns with string-width, so CJK and emoji line up), as CSV (RFC 4180) or as Markdown. Builds
 * strings only; the command prints them.
 *
 * The table layout is done here rather than with cli-table3: it took 3.8 s for 5,000 rows (its own width measure
 * per cell and per line), where padding the already cut cells takes milliseconds; a 50,000-item board must print.
 */
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

/** Display width: printable ASCII is one column a character (most cells, and string-width's slow path avoided). */
export function displayWidth(text: string): number {
  return /^[\x20-\x7e]*$/.test(text) ? text.length : stringWidth(text)
}

/** One line of plain text: control characters (escapes included) and runs of white space become one space. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim()
}

/** Cut to at most `width` display columns, ending in an ellipsis when cut (whole graphemes only). */
export function truncate(text: string, width: number): string {
  return cut(text, width).text
}

/** `truncate`, with the display width of what it returns. */
function cut(text: string, width: number): {text: string; width: number} {
  const ascii = /^[\x20-\x7e]*$/.test(text)
  const full = ascii ? text.length : stringWidth(text)
  if (full <= width) return {text, width: full}
  if (width <= 0) return {text: '', width: 0}
  if (ascii) return {text: text.slice(0, width - 1) + ELLIPSIS, width}
  let out = ''
  let used = 0
  for (const {segment} of segmenter.segment(text)) {
    const w = displayWidth(segment)
    if (used + w > width - 1) break
    out += segment
    used += w
  }
  return {text: out + ELLIPSIS, width: used + 1}
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
  const natural = board.columns.map((c, i) => rows.reduce((m, r) => Math.max(m, displayWidth(r[i])), displayWidth(c)))
  const widths = fitColumns(natural, w)
  const lines = summary(board, heading)
  if (widths.length < board.columns.length) {
    lines.push(`columns left out to fit ${w} columns: ${board.columns.slice(widths.length).join(', ')} (--width, or --format csv for all)`)
  }
  // a row is at most sum(widths) + gaps <= w by construction: each cell cut to its column, padded by its own width
  const line = (cells: string[]) =>
    widths
      .map((cw, i) => {
        const cell = cut(cells[i], cw)
        return i === widths.length - 1 ? cell.text : cell.text + ' '.repeat(cw - cell.width + GAP)
      })
      .join('')
      .trimEnd()
  const out = lines.map((l) => truncate(l, w))
  let row = 0
  for (const g of board.groups) {
    out.push('', truncate(`${plain(g.name)} (${g.items.length})`, w))
    if (g.items.length === 0) continue
    out.push(line(board.columns))
    for (let i = 0; i < g.items.length; i++) out.push(line(rows[row++]))
  }
  return out.join('\n') + '\n'
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
