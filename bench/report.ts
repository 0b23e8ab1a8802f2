/**
 * `backup report --html` on a big journal: N items, E full backups (each moving 0.1% of the items to another Status),
 * appended with Journal.append into a temporary local repository; then `reportData` from a freshly opened journal (one
 * replay), the HTML page rendered and written, and (with --browser) the page opened in chromium until it has drawn the
 * board and the charts. Runnable alone:
 *
 *   npx tsx bench/report.ts [--items 50000] [--events 20] [--browser]
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {renderReportHtml} from '../src/app/report.js'
import {reportData} from '../src/journal/report.js'
import {buildJournal, reopen} from './journal-builder.js'

export interface ReportBenchResult {
  items: number
  events: number
  appendSeconds: number
  dataSeconds: number
  renderSeconds: number
  bytes: number
  /** chromium: from navigation to the board and charts drawn (null without --browser) */
  browserSeconds: number | null
  maxRssMB: number
}

export async function benchReport(items: number, events: number, browser: boolean, log: (line: string) => void = () => {}): Promise<ReportBenchResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'github-pm-report-bench-'))
  try {
    const {appendSeconds} = await buildJournal(path.join(dir, 'repo'), items, events, 'report', log)
    const fresh = await reopen(path.join(dir, 'repo'))
    const t1 = performance.now()
    const data = await reportData(fresh)
    const dataSeconds = (performance.now() - t1) / 1000
    const t2 = performance.now()
    const html = renderReportHtml(data)
    const file = path.join(dir, 'report.html')
    await writeFile(file, html)
    const renderSeconds = (performance.now() - t2) / 1000
    let browserSeconds: number | null = null
    if (browser) {
      const {chromium} = await import('playwright-core')
      const b = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      })
      try {
        const page = await b.newPage({viewport: {width: 1280, height: 900}})
        const t3 = performance.now()
        await page.goto(pathToFileURL(file).href)
        await page.waitForSelector('body[data-ready="1"]', {timeout: 600_000})
        browserSeconds = (performance.now() - t3) / 1000
      } finally {
        await b.close()
      }
    }
    return {items, events, appendSeconds, dataSeconds, renderSeconds, bytes: Buffer.byteLength(html), browserSeconds, maxRssMB: process.resourceUsage().maxRSS / 1024}
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
