import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {csvCell, duration, fieldHistoryCsv, formatFieldHistory, formatItemHistory, resolutionText} from '../../src/cli/history.js'
import {fieldHistory, itemHistory, parseItemSelector, resolutionOf} from '../../src/journal/history.js'
import {type Journal, openJournal} from '../../src/journal/journal.js'
import type {ProjectState} from '../../src/model/state.js'
import {LocalBackend} from '../../src/storage/local.js'
import {isUserError} from '../../src/util/errors.js'
import {PROJECT_ID, buildState, captureAs} from '../helpers/states.js'
import {rejection} from '../helpers/rejection.js'

const DAY = 86_400_000
const T0 = Date.parse('2026-11-02T09:00:00Z')
const at = (days: number) => new Date(T0 + days * DAY).toISOString()
const K = 'https://github.com/acme/api/issues/10'
const OPT = {Todo: 'atusopt0', 'In Progress': 'atusopt1', Done: 'atusopt2'} as const

function withStatus(state: ProjectState, key: string, name: keyof typeof OPT): ProjectState {
  const s = structuredClone(state)
  s.items![key].values.PVTSSF_status = {type: 'singleSelect', optionId: OPT[name], name}
  return s
}

describe('backup history (journal/history)', () => {
  let dir: string
  let journal: Journal
  let draftKey: string

  /** Appends each state at its day (a full backup named b<day>). */
  async function build(steps: Array<[number, ProjectState]>): Promise<Journal> {
    let now = new Date(T0)
    const j = await openJournal(new LocalBackend(dir), PROJECT_ID, {now: () => now})
    for (const [day, state] of steps) {
      now = new Date(T0 + day * DAY)
      await j.append(captureAs(state, 'full'), {name: `b${day}`, type: 'full'})
    }
    return j
  }

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-history-'))
    // K: Todo (day 0) -> In Progress (1) -> Done (3) -> archived (4) -> removed (5) -> re-added, unarchived (7)
    const s0 = withStatus(buildState(1), K, 'Todo')
    draftKey = Object.keys(s0.items!).find((k) => k.startsWith('draft:'))!
    s0.items![draftKey].draft!.title = 'Plan, the "launch"'
    const s1 = withStatus(s0, K, 'In Progress')
    const s3 = withStatus(s1, K, 'Done')
    const s4 = structuredClone(s3)
    s4.items![K].archived = true
    s4.items![draftKey].draft!.title = 'Plan the launch (renamed)'
    const s5 = structuredClone(s4)
    delete s5.items![K]
    s5.itemOrder = s5.itemOrder!.filter((k) => k !== K)
    const s7 = structuredClone(s3)
    s7.items![draftKey].draft!.title = 'Plan the launch (renamed)'
    journal = await build([
      [0, s0],
      [1, s1],
      [3, s3],
      [4, s4],
      [5, s5],
      [7, s7],
    ])
  })
  afterEach(async () => fs.rm(dir, {recursive: true, force: true}))

  it("follows one item: first seen, each Status change, archived, removed, re-added, at the backups' times", async () => {
    const h = await itemHistory(journal, parseItemSelector('https://github.com/acme/api/issues/10'))
    expect(h.key).to.equal(K)
    expect(h.ref).to.equal('acme/api#10')
    const seen = h.entries.map((e) => [e.backup.time, e.kind, e.kind === 'changed' ? `${e.field}: ${e.from} -> ${e.to}` : ''])
    expect(seen).to.deep.equal([
      [at(0), 'first-seen', ''],
      [at(1), 'changed', 'Status: Todo -> In Progress'],
      [at(3), 'changed', 'Status: In Progress -> Done'],
      [at(4), 'archived', ''],
      [at(5), 'removed', ''],
      [at(7), 're-added', ''],
      [at(7), 'unarchived', ''],
    ])
    const first = h.entries[0]
    expect(first.kind === 'first-seen' && first.values.Status).to.equal('Todo')
    const text = formatItemHistory(h)
    expect(text).to.include('Status: "In Progress" → "Done"').and.include('removed from the project').and.include("backups' times")
  })

  it('--field keeps only that field (any case) and the archive/remove entries; a number, a ref and a URL name the same item', async () => {
    const h = await itemHistory(journal, parseItemSelector('acme/api#10'), {field: 'status'})
    expect(h.entries.filter((e) => e.kind === 'changed').map((e) => e.kind === 'changed' && e.field)).to.deep.equal(['Status', 'Status'])
    expect(h.entries.map((e) => e.kind)).to.include.members(['archived', 'removed', 're-added'])
    expect((await itemHistory(journal, parseItemSelector('10'))).key).to.equal(K)
    expect((await itemHistory(journal, parseItemSelector('#10'))).key).to.equal(K)
  })

  it('finds a draft by a title it had at any backup, and shows its rename', async () => {
    const h = await itemHistory(journal, {kind: 'draft', title: 'plan, the "LAUNCH"'})
    expect(h.key).to.equal(draftKey)
    expect(h.title).to.equal('Plan the launch (renamed)')
    const rename = h.entries.find((e) => e.kind === 'changed' && e.field === 'Title')
    expect(rename).to.include({from: 'Plan, the "launch"', to: 'Plan the launch (renamed)', kind: 'changed'})
  })

  it('refuses an item no backup holds, and a bare number two repositories share', async () => {
    const missing = await rejection(itemHistory(journal, parseItemSelector('acme/api#999')))
    expect(isUserError(missing) && missing.code).to.equal('ENOTFOUND')
    await fs.rm(dir, {recursive: true, force: true})
    const s = buildState(1)
    const twin = structuredClone(s.items![K])
    twin.content!.url = 'https://github.com/acme/web/issues/10'
    twin.content!.repository = 'acme/web'
    s.items![twin.content!.url] = twin
    s.itemOrder!.push(twin.content!.url)
    const j = await build([[0, s]])
    const ambiguous = await rejection(itemHistory(j, parseItemSelector('10')))
    expect(isUserError(ambiguous) && ambiguous.message).to.include('acme/api#10').and.include('acme/web#10')
    expect((await itemHistory(j, parseItemSelector('acme/web#10'))).key).to.equal(twin.content!.url)
    expect(() => parseItemSelector('not an issue')).to.throw(/not an issue/)
  })

  it("lists every change of a field over the project, in a --since window, with the backup before each one", async () => {
    const all = await fieldHistory(journal, {field: 'status'})
    expect(all.field).to.equal('Status')
    expect(all.changes.map((c) => [c.backup.name, c.ref, c.kind, c.from, c.to])).to.deep.equal([
      ['b1', 'acme/api#10', 'changed', 'Todo', 'In Progress'],
      ['b3', 'acme/api#10', 'changed', 'In Progress', 'Done'],
      ['b5', 'acme/api#10', 'removed', 'Done', null],
      ['b7', 'acme/api#10', 'added', null, 'Done'],
    ])
    expect(all.changes[1].previous?.name).to.equal('b1')
    const window = await fieldHistory(journal, {field: 'Status', since: new Date(at(2)), until: new Date(at(5))})
    expect(window.changes.map((c) => c.backup.name)).to.deep.equal(['b3', 'b5'])
    expect(window.backups.map((b) => b.name)).to.deep.equal(['b3', 'b4', 'b5'])
    const missing = await rejection(fieldHistory(journal, {field: 'Colour'}))
    expect(isUserError(missing) && missing.message).to.include('no backup').and.include('Status')
  })

  it('time in each value and cycle time (first leaving the first value -> first Done), by the backups', async () => {
    const h = await fieldHistory(journal, {field: 'Status'})
    const k = h.timeInValue.find((t) => t.item === K)!
    // Todo day 0-1, In Progress 1-3, Done 3-5 (removed at 5; re-added at 7, the last backup)
    expect(k.ms).to.deep.equal({Todo: DAY, 'In Progress': 2 * DAY, Done: 2 * DAY})
    expect(h.doneValues).to.deep.equal(['Done'])
    expect(h.cycleTimes.map((c) => [c.ref, c.firstValue, c.started, c.done, c.ms])).to.deep.equal([['acme/api#10', 'Todo', at(1), at(3), 2 * DAY]])
    // window clipped: from day 2 only 1 day of In Progress counts
    const window = await fieldHistory(journal, {field: 'Status', since: new Date(at(2))})
    expect(window.timeInValue.find((t) => t.item === K)!.ms).to.deep.equal({'In Progress': DAY, Done: 2 * DAY})
    // --done names another value: In Progress is reached at day 1, the same backup that saw it leave Todo
    const custom = await fieldHistory(journal, {field: 'Status', done: ['in progress']})
    expect(custom.cycleTimes.find((c) => c.item === K)?.ms).to.equal(0)
    expect(formatFieldHistory(h)).to.include('cycle time').and.include('2d').and.include('median interval 1d, longest 2d')
  })

  it('resolution: median and longest interval between the backups of the range', async () => {
    const h = await fieldHistory(journal, {field: 'Status'})
    expect(h.resolution).to.deep.equal({backups: 6, medianMs: DAY, maxMs: 2 * DAY})
    expect(resolutionOf([0, 10, 40, 50])).to.deep.equal({backups: 4, medianMs: 10, maxMs: 30})
    expect(resolutionOf([5])).to.deep.equal({backups: 1, medianMs: null, maxMs: null})
    expect(resolutionText(resolutionOf([5]))).to.include('no interval')
    expect(duration(DAY + 3 * 3_600_000 + 60_000)).to.equal('1d 3h')
    expect(duration(90_000)).to.equal('1m 30s')
  })

  it('CSV: RFC 4180 quoting of commas, quotes and line breaks', async () => {
    expect(csvCell('a,"b"\nc')).to.equal('"a,""b""\nc"')
    expect(csvCell('plain')).to.equal('plain')
    expect(csvCell(null)).to.equal('')
    const h = await fieldHistory(journal, {field: 'Status'})
    h.changes[0].title = 'Fix, "now"'
    const text = fieldHistoryCsv(h)
    const lines = text.split('\r\n')
    expect(lines[0]).to.equal('seen_at,backup,previous_backup_at,previous_backup,item,ref,title,field,kind,from,to')
    expect(lines[1]).to.equal(`${at(1)},b1,${at(0)},b0,${K},acme/api#10,"Fix, ""now""",Status,changed,Todo,In Progress`)
    expect(lines).to.have.length(h.changes.length + 2)
  })
})
