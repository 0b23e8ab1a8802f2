import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {REPORT_CSP, renderReportHtml, scriptJson, writeReport} from '../../src/app/report.js'
import {type Journal, openJournal} from '../../src/journal/journal.js'
import {boardAt, reportData} from '../../src/journal/report.js'
import {itemKey, type ProjectState} from '../../src/model/state.js'
import {LocalBackend} from '../../src/storage/local.js'
import {isUserError} from '../../src/util/errors.js'
import {PROJECT_ID, buildState, captureAs} from '../helpers/states.js'
import {rejection} from '../helpers/rejection.js'

const DAY = 86_400_000
const T0 = Date.parse('2026-11-02T09:00:00Z')
const at = (days: number) => new Date(T0 + days * DAY).toISOString()
const OPT = {Todo: 'atusopt0', 'In Progress': 'atusopt1', Done: 'atusopt2'} as const
const EVIL = 'Evil </script><script>alert(1)</script> 捕获 🚀'

function setStatus(s: ProjectState, key: string, name: keyof typeof OPT): void {
  s.items![key].values.PVTSSF_status = {type: 'singleSelect', optionId: OPT[name], name}
}

describe('backup report data (journal/report) and its HTML page (app/report)', () => {
  let dir: string
  let journal: Journal
  let keys: string[]
  let added: string

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-report-'))
    // day 0: every item Todo (item 6 is archived); day 1: K to In Progress, item 1 renamed, item 2 gets a Priority;
    // day 2: a config backup (no items); day 3: K to Done, item 3 deleted, item 4 archived, a new item without Status,
    // a new field
    const s0 = buildState(1)
    keys = s0.itemOrder!
    for (const k of keys) setStatus(s0, k, 'Todo')
    delete s0.items![keys[2]].values.PVTSSF_prio
    const s1 = structuredClone(s0)
    setStatus(s1, keys[0], 'In Progress')
    s1.items![keys[1]].content!.title = EVIL
    s1.items![keys[2]].values.PVTSSF_prio = {type: 'singleSelect', optionId: 'prioopt0', name: 'P0'}
    const s3 = structuredClone(s1)
    setStatus(s3, keys[0], 'Done')
    delete s3.items![keys[3]]
    s3.itemOrder = s3.itemOrder!.filter((k) => k !== keys[3])
    s3.items![keys[4]].archived = true
    const fresh = structuredClone(s3.items![keys[0]])
    fresh.id = 'PVTI_new'
    fresh.content = {...fresh.content!, url: 'https://github.com/acme/api/issues/99', number: 99, title: 'A new issue'}
    fresh.values = {}
    added = itemKey(fresh)
    s3.items![added] = fresh
    s3.itemOrder!.push(added)
    s3.fields.PVTSSF_risk = {id: 'PVTSSF_risk', name: 'Risk', dataType: 'SINGLE_SELECT', options: {r1: {id: 'r1', name: 'High', description: '', color: 'RED', position: 0}}}

    let now = new Date(T0)
    journal = await openJournal(new LocalBackend(dir), PROJECT_ID, {now: () => now})
    for (const [day, state, type] of [[0, s0, 'full'], [1, s1, 'full'], [2, s1, 'config'], [3, s3, 'full']] as const) {
      now = new Date(T0 + day * DAY)
      await journal.append(captureAs(state, type), {name: `b${day}`, type})
    }
  })
  afterEach(async () => fs.rm(dir, {recursive: true, force: true}))

  it('holds the first board, then each full backup’s changes: moved, edited (with the fields), removed, archived, added', async () => {
    const data = await reportData(journal)
    expect(data.groupBy).to.equal('Status')
    expect(data.backups.map((b) => [b.name, b.time])).to.deep.equal([
      ['b0', at(0)],
      ['b1', at(1)],
      ['b3', at(3)],
    ])
    expect(data.groups.map((g) => [g.name, g.noValue])).to.deep.equal([
      ['Todo', false],
      ['In Progress', false],
      ['Done', false],
      ['No Status', true],
    ])
    const ref = (i: number) => data.items[i].key
    const [b0, b1, b3] = data.backups
    expect(b0.changes.every((c) => c.kind === 'added')).to.equal(true)
    expect(b0.changes.map((c) => ref(c.item))).to.deep.equal(keys.filter((_, i) => i !== 6))
    expect(b1.changes.map((c) => [c.kind, ref(c.item), c.kind === 'moved' ? [c.from, c.to] : c.kind === 'edited' ? c.fields : null])).to.deep.equal([
      ['moved', keys[0], [0, 1]],
      ['edited', keys[1], ['Title']],
      ['edited', keys[2], ['Priority']],
    ])
    expect(b1.changes[1]).to.include({title: EVIL})
    expect(b3.changes.map((c) => [c.kind, ref(c.item), c.kind === 'removed' ? c.archived : null])).to.deep.equal([
      ['moved', keys[0], null],
      ['removed', keys[4], true],
      ['added', added, null],
      ['removed', keys[3], false],
    ])
  })

  it('counts the items per Status value at each backup (the cumulative flow), the archived apart, and replays any board', async () => {
    const data = await reportData(journal)
    expect(data.backups.map((b) => b.counts)).to.deep.equal([
      [11, 0, 0, 0],
      [10, 1, 0, 0],
      [8, 0, 1, 1],
    ])
    expect(data.backups.map((b) => [b.total, b.archived])).to.deep.equal([
      [11, 1],
      [11, 1],
      [10, 2],
    ])
    expect(data.backups.map((b) => b.columns)).to.deep.equal([[0, 1, 2], [0, 1, 2], [0, 1, 2, 3]])
    const board = boardAt(data, 1)
    expect(board.size).to.equal(11)
    const evil = data.items.findIndex((i) => i.key === keys[1])
    expect(board.get(evil)).to.deep.equal({group: 0, title: EVIL})
    expect(data.items[evil].ref).to.equal(`acme/web#11`)
    // fields and views as they were: the new field from b3 on, the same table shared before it
    expect(data.backups.map((b) => b.schema)).to.deep.equal([0, 0, 1])
    expect(data.schemas[1].fields.find((f) => f.name === 'Risk')).to.deep.equal({name: 'Risk', type: 'SINGLE_SELECT', options: ['High']})
    expect(data.schemas[0].views.map((v) => [v.name, v.groupBy])).to.deep.equal([
      ['Table', []],
      ['Board', ['Status']],
      ['Roadmap', ['Sprint']],
    ])
    expect(data.resolution).to.include({backups: 3, maxMs: 2 * DAY})
  })

  it('--since starts from the board of the first backup in range; an empty range or no backup is a clear error', async () => {
    const data = await reportData(journal, {since: new Date(at(1))})
    expect(data.backups.map((b) => b.name)).to.deep.equal(['b1', 'b3'])
    expect(data.backups[0].changes).to.have.length(11)
    expect(data.items.find((i) => i.key === keys[1])!.title).to.equal(EVIL)
    expect((await reportData(journal, {until: new Date(at(1))})).backups.map((b) => b.name)).to.deep.equal(['b0', 'b1'])
    const none = await rejection(reportData(journal, {since: new Date(at(5))}))
    expect(isUserError(none) && none.message).to.match(/no full backup of project .* is in the range from 2026-11-07/)
    const backwards = await rejection(reportData(journal, {since: new Date(at(3)), until: new Date(at(1))}))
    expect(isUserError(backwards) && backwards.message).to.contain('--since is after --until')
  })

  it('writes one private self-contained page: a no-network CSP, chart.js inlined, titles that cannot end a script', async () => {
    const file = path.join(dir, 'out', 'report.html')
    const summary = await writeReport(journal, {file, now: new Date(at(4))})
    expect(summary).to.include({file, backups: 3, items: 12})
    const html = await fs.readFile(file, 'utf8')
    expect(summary.bytes).to.equal(Buffer.byteLength(html))
    expect((await fs.stat(file)).mode & 0o777).to.equal(0o600)
    expect(html).to.contain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`)
    expect(REPORT_CSP).to.match(/^default-src 'none';/)
    // nothing loads from elsewhere: no src or href attribute at all, chart.js inlined
    expect(html).to.not.match(/<[a-z]+[^>]*\s(src|href)=/i)
    expect(html).to.contain('Chart.js v4')
    // the hostile title is in the data, escaped: exactly three </script> (data, chart.js, the page's script)
    expect(html).to.not.contain('<script>alert(1)')
    expect(html.match(/<\/script>/g)).to.have.length(3)
    const json = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)![1]
    expect(JSON.parse(json).backups[1].changes.map((c: {title?: string}) => c.title)).to.include(EVIL)
    expect(scriptJson({t: '</script>\u2028&'})).to.equal('{"t":"\\u003c/script\\u003e\\u2028\\u0026"}')
    expect(renderReportHtml(summary.data, new Date(at(4)))).to.equal(html)
  })
})
