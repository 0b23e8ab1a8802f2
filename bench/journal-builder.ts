/**
 * A big journal for the read-side benches (history, report): N items, E full backups six to seven hours apart, each
 * moving 0.1% of the items to another Status (seeded), appended with Journal.append into a local repository at `dir`.
 */
import type {ProjectState} from '../src/model/state.js'
import {openJournal} from '../src/journal/journal.js'
import {LocalBackend} from '../src/storage/local.js'
import {PROJECT_ID, buildState, rng} from '../test/helpers/states.js'

export interface BuiltJournal {
  /** the state of the last backup */
  state: ProjectState
  appendSeconds: number
  bases: number
}

export async function buildJournal(dir: string, items: number, events: number, label: string, log: (line: string) => void): Promise<BuiltJournal> {
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
    await journal.append(state, {name: `${label[0]}${String(i).padStart(3, '0')}`, type: 'full'})
    if (i % 10 === 9) log(`[${label} ${items}] ${i + 1}/${events} events appended`)
  }
  return {state, appendSeconds: (performance.now() - t0) / 1000, bases: journal.headers().filter((h) => h.kind === 'base').length}
}

/** The journal at `dir` opened afresh (no cache): what a command reading it sees. */
export const reopen = (dir: string) => openJournal(new LocalBackend(dir), PROJECT_ID, {updateIndex: false})
