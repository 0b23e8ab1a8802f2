/**
 * `backup report --html FILE`: one self-contained HTML file of the board's history. The report's data
 * (journal/report.ts, one replay of the journal) is embedded as JSON, chart.js (a runtime dependency) and the page's
 * own script and stylesheet (app/report-page.ts) are inlined: the file needs no network and works from disk or as a CI
 * artifact. A Content-Security-Policy in the page forbids every request.
 */
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import type {Journal} from '../journal/journal.js'
import {reportData, type ReportData, type ReportOptions} from '../journal/report.js'
import {atomicWrite} from '../util/fs.js'
import {PAGE_CSS, PAGE_SCRIPT} from './report-page.js'

export interface ReportRequest extends ReportOptions {
  /** where to write the HTML file (written 0600, atomically) */
  file: string
  /** the time printed as "generated at" (default: now) */
  now?: Date
}

export interface ReportSummary {
  /** the absolute path of the file written */
  file: string
  /** full backups in the report */
  backups: number
  /** distinct items that were on the board at some backup of the report */
  items: number
  /** size of the file */
  bytes: number
}

/** The Content-Security-Policy of the page: no request of any kind; inline script and style only; data: images. */
export const REPORT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"

let chartJs: string | undefined

/** chart.js's UMD bundle (sets window.Chart), read from the installed package once. */
export function chartJsSource(): string {
  if (chartJs === undefined) {
    const require = createRequire(import.meta.url)
    // the package's exports do not list the UMD file: find it beside the CommonJS entry point
    const main = require.resolve('chart.js')
    const text = readFileSync(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8')
    chartJs = inlineScript(text, 'chart.js')
  }
  return chartJs
}

/** A script's text made safe inside `<script>`: `</script` and `<!--` would end or confuse the element. */
function inlineScript(text: string, what: string): string {
  if (/<\/script|<!--/i.test(text)) throw new Error(`${what} contains "</script" or "<!--" and cannot be inlined`)
  return text
}

/** JSON that cannot end its `<script>` element: `<`, `>`, `&` and the JS line separators as \u escapes. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)
}

function duration(ms: number | null): string {
  if (ms === null) return 'n/a'
  const h = ms / 3_600_000
  if (h < 1) return `${Math.max(1, Math.round(ms / 60_000))} min`
  if (h < 48) return `${Math.round(h * 10) / 10} h`
  return `${Math.round((h / 24) * 10) / 10} days`
}

/** The page for a report's data: one HTML string with everything inlined. */
export function renderReportHtml(data: ReportData, now = new Date()): string {
  const first = data.backups[0]
  const last = data.backups.at(-1)!
  const r = data.resolution
  const title = `${data.project.title}: the board's history`
  const range = first === last ? `one backup, ${first.name}` : `${data.backups.length} backups from ${first.time.slice(0, 10)} to ${last.time.slice(0, 10)}`
  const resolution =
    r.medianMs === null
      ? 'With a single backup the report shows one board and no changes.'
      : `Backups are ${duration(r.medianMs)} apart (median; longest gap ${duration(r.maxMs)}): a change happened somewhere between the backup that first shows it and the one before.`
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="github-pm backup report">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="muted">${escapeHtml(range)}; grouped by ${escapeHtml(data.groupBy ?? '(no single-select field)')}. Generated ${escapeHtml(now.toISOString().slice(0, 16).replace('T', ' '))} UTC by <code>github-pm backup report</code>.</p>
<p class="note">Every time here is a backup's time, not GitHub's own timeline. ${escapeHtml(resolution)} Archived items are not on the board (as GitHub's views leave them out); config and minimal backups hold no items and are not shown.</p>
</header>
<div class="controls">
<div><label for="slider">Backup</label> <input type="range" id="slider" min="0" max="0" step="1" value="0" aria-describedby="backup-label"> <span id="backup-label"></span></div>
<div><label for="from">Changes from</label> <select id="from"></select> <label for="to">to</label> <select id="to"></select></div>
</div>
<h2 id="board-heading">The board</h2>
<div class="legend" aria-label="legend"><span class="l-added">added</span><span class="l-removed">removed or archived</span><span class="l-moved">moved to another column</span><span class="l-edited">edited (title, assignees, labels, milestone, state or a field)</span></div>
<div id="board"></div>
<h2>What changed</h2>
<p id="changes-summary" class="muted"></p>
<ul id="changes"></ul>
<h2>Over time</h2>
<div class="charts">
<div class="chart"><canvas id="cfd" aria-label="cumulative flow: items per ${escapeHtml(data.groupBy ?? 'column')} value at each backup" role="img"></canvas></div>
<div class="chart"><canvas id="counts" aria-label="items on the board and archived at each backup" role="img"></canvas></div>
</div>
<h2 id="schema-heading">Fields and views</h2>
<table id="fields"></table>
<table id="views"></table>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${chartJsSource()}</script>
<script>${inlineScript(PAGE_SCRIPT, 'the page script')}</script>
</body>
</html>
`
}

/** Builds the report of a journal and writes it to `request.file` (0600, atomically). */
export async function writeReport(journal: Journal, request: ReportRequest): Promise<ReportSummary & {data: ReportData}> {
  const data = await reportData(journal, request)
  const html = renderReportHtml(data, request.now)
  const file = path.resolve(request.file)
  await atomicWrite(file, html)
  return {file, backups: data.backups.length, items: data.items.length, bytes: Buffer.byteLength(html), data}
}
