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
import {openJournal} from '../src/journal/journal.js'
import {LocalBackend} from '../src/storage/local.js'
import {PROJECT_ID, buildState, rng} from '../test/helpers/states.js'

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
    const state = buildState(1, {items})
    const keys = state.itemOrder!
    const options = Object.values(state.fields.PVTSSF_status.options!)
    const rand = rng(events)
    const perEvent = Math.max(1, Math.round(items / 1000))
    let now = Date.parse('2026-09-01T00:00:00Z')
    const journal = await openJournal(new LocalBackend(dir), PROJECT_ID, {now: () => new Date(now), updateIndex: false})
    const t0 = performance.now()
    for (let i = 0; i < events; i++) {
      for (let k = 0; i > 0 && k < perEvent; k++) {
        const o = options[Math.floor(rand() * options.length)]
        state.items![keys[Math.floor(rand() * keys.length)]].values.PVTSSF_status = {type: 'singleSelect', optionId: o.id, name: o.name}
      }
      now += 6 * 3_600_000 + Math.floor(rand() * 3_600_000)
      await journal.append(state, {name: `h${String(i).padStart(3, '0')}`, type: 'full'})
      if (i % 10 === 9) log(`[history ${items}] ${i + 1}/${events} events appended`)
    }
    const appendSeconds = (performance.now() - t0) / 1000
    const bases = journal.headers().filter((h) => h.kind === 'base').length
    const fresh = await openJournal(new LocalBackend(dir), PROJECT_ID, {updateIndex: false})
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
