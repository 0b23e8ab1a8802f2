/**
 * `backup history --field Status` on a big journal: N items, E full backups (each moving 0.1% of the items to another
 * Status), appended with Journal.append into a temporary local repository; then `fieldHistory` from a freshly opened
 * journal (one replay, no cache) and `itemHistory` of one item. Runnable alone:
 *
 *   npx tsx bench/history.ts [--items 50000] [--events 100]
 */
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fieldHistory, itemHistory} from '../src/journal/history.js'
import {buildJournal, reopen} from './journal-builder.js'

export interface HistoryBenchResult {
  items: number
  events: number
  bases: number
  appendSeconds: number
  fieldSeconds: number
  changes: number
  itemSeconds: number
  maxRssMB: number
}

export async function benchHistory(items: number, events: number, log: (line: string) => void = () => {}): Promise<HistoryBenchResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'github-pm-history-bench-'))
  try {
    const {state, appendSeconds, bases} = await buildJournal(dir, items, events, 'history', log)
    const keys = state.itemOrder!
    const fresh = await reopen(dir)
    const t1 = performance.now()
    const field = await fieldHistory(fresh, {field: 'Status'})
    const fieldSeconds = (performance.now() - t1) / 1000
    const t2 = performance.now()
    const first = state.items![keys[0]].content!
    await itemHistory(fresh, {kind: 'ref', repository: first.repository, number: first.number})
    const itemSeconds = (performance.now() - t2) / 1000
    return {items, events, bases, appendSeconds, fieldSeconds, changes: field.changes.length, itemSeconds, maxRssMB: process.resourceUsage().maxRSS / 1024}
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

export function printHistory(r: HistoryBenchResult): string {
  return [
    `## backup history on a journal of ${r.events} events (${r.items} items, ${r.bases} bases)`,
    '',
    `| measure | value |`,
    `|---|---:|`,
    `| building the journal (append) | ${r.appendSeconds.toFixed(1)} s |`,
    `| history --field Status (one replay, ${r.changes} changes) | ${r.fieldSeconds.toFixed(1)} s |`,
    `| history ISSUE (one replay) | ${r.itemSeconds.toFixed(1)} s |`,
    `| peak RSS (whole run) | ${Math.round(r.maxRssMB)} MiB |`,
  ].join('\n')
}

if (process.argv[1]?.endsWith('bench/history.ts')) {
  const argv = process.argv.slice(2)
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(name)
    return i >= 0 ? Number(argv[i + 1]) : fallback
  }
  benchHistory(value('--items', 50_000), value('--events', 100), (line) => process.stderr.write(line + '\n'))
    .then((r) => process.stdout.write(printHistory(r) + '\n'))
    .catch((error) => {
      process.stderr.write(`${error?.stack ?? error}\n`)
      process.exitCode = 1
    })
}
