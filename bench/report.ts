/**
 * `backup report --html FILE` measured: `measureReport` runs writeReport (what the command runs: one replay of the
 * journal for the report's data, the page rendered, the file written) and, if asked, opens the page in chromium until
 * it has drawn the board and the charts. `npm run bench` runs it in its own process on each size's journal of N events
 * (bench/child.ts, op `report`; `--browser` adds chromium). Runnable alone on a synthetic journal (N items, E full
 * backups each moving 0.1% of the items to another Status, bench/journal-builder.ts); its peak RSS is then the whole
 * run's, the journal's building included:
 *
 *   npx tsx bench/report.ts [--items 50000] [--events 20] [--browser]
 */
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {writeReport} from '../src/app/report.js'
import type {Journal} from '../src/journal/journal.js'

export interface ReportFigures {
  /** backups and items in the report */
  backups: number
  items: number
  /** writeReport: the report's data (one replay), the page rendered and written */
  writeSeconds: number
  /** the page's size */
  bytes: number
  /** chromium: from navigation to the board and charts drawn (null without a browser) */
  browserSeconds: number | null
  /** this process's peak RSS when the page was written (before chromium, whose memory is its own) */
  maxRssMB: number
}

/** writeReport on `journal` to `file`, then (with `browser`) the page opened in chromium. */
export async function measureReport(journal: Journal, file: string, browser: boolean): Promise<ReportFigures> {
  const t0 = performance.now()
  const written = await writeReport(journal, {file})
  const writeSeconds = (performance.now() - t0) / 1000
  const maxRssMB = process.resourceUsage().maxRSS / 1024
  return {backups: written.backups, items: written.items, writeSeconds, bytes: written.bytes, browserSeconds: browser ? await drawInBrowser(written.file) : null, maxRssMB}
}

/** Seconds from opening the page in chromium to the board and both charts drawn (`body[data-ready="1"]`). */
async function drawInBrowser(file: string): Promise<number> {
  const {chromium} = await import('playwright-core')
  const b = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const page = await b.newPage({viewport: {width: 1280, height: 900}})
    const t = performance.now()
    await page.goto(pathToFileURL(file).href)
    await page.waitForSelector('body[data-ready="1"]', {timeout: 600_000})
    return (performance.now() - t) / 1000
  } finally {
    await b.close()
  }
}

export interface ReportBenchResult extends ReportFigures {
  events: number
  appendSeconds: number
}

/** The standalone bench: a synthetic journal of `items` x `events` in a temporary folder, then measureReport. */
export async function benchReport(items: number, events: number, browser: boolean, log: (line: string) => void = () => {}): Promise<ReportBenchResult> {
  // imported here, not at the top: the report step of `npm run bench` (bench/child.ts) loads only what the command loads
  const {buildJournal, reopen} = await import('./journal-builder.js')
  const dir = await mkdtemp(path.join(os.tmpdir(), 'github-pm-report-bench-'))
  try {
    const {appendSeconds} = await buildJournal(path.join(dir, 'repo'), items, events, 'report', log)
    const figures = await measureReport(await reopen(path.join(dir, 'repo')), path.join(dir, 'report.html'), browser)
    return {...figures, events, appendSeconds}
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(name)
    return i > 0 ? Number(process.argv[i + 1]) : dflt
  }
  const r = await benchReport(arg('--items', 50_000), arg('--events', 20), process.argv.includes('--browser'), (l) => process.stderr.write(`${l}\n`))
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`)
}
