import {expect} from 'chai'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {benchSize, parseArgs} from '../../bench/run.js'
import {bigSeed} from '../../bench/seed.js'
import {COMMAND_RSS, RSS_TARGET_MB, checks, minimumPoints, parseBaseline, peakRss, printBaseline, printTable, requestLimit, type SizeResult} from '../../bench/table.js'
import {githubTime, type LoggedRequest} from '../../bench/github-time.js'

// The benchmark machinery on a 200-item project: every figure is produced and the behaviour the targets rest on holds
// (request count, points, stored bytes, one mutation per value). No timing is asserted anywhere.
describe('bench (smoke, 200 items; needs `npx tsc -b` for the sandbox process)', function () {
  this.timeout(240_000)
  let dir: string
  let result: SizeResult

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'github-pm-bench-smoke-'))
    // the read-only steps side by side: their times overlap, their peak RSS (each process's own) does not
    result = await benchSize(200, {events: 5, dir, log: () => {}, parallelReads: true})
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('generates the seed the issue describes', () => {
    const {seed} = bigSeed(200)
    const project = seed.projects![0]
    const items = project.items!
    expect(items).to.have.length(200)
    expect(project.fields!.filter((f) => f.name !== 'Status').map((f) => f.type).sort()).to.deep.equal(
      ['DATE', 'DATE', 'ITERATION', 'ITERATION', 'NUMBER', 'NUMBER', 'SINGLE_SELECT', 'SINGLE_SELECT', 'TEXT', 'TEXT'],
    )
    expect(project.views).to.have.length(20)
    expect(items.filter((i) => i.draft)).to.have.length(10)
    expect(items.filter((i) => i.archived)).to.have.length(10)
    expect(items.filter((i) => i.values?.Status)).to.have.length(20)
    const issues = seed.repositories!.flatMap((r) => r.issues ?? [])
    expect(issues.some((i) => i.subIssues?.length)).to.equal(true)
    expect(Math.min(...issues.map((i) => i.body!.length))).to.be.at.least(1024)
  })

  it('a full backup reads the project in ceil(items/100)+20 GraphQL requests at the minimum points', () => {
    expect(result.full.items).to.equal(200)
    expect(result.full.graphqlRequests).to.be.at.most(requestLimit(200))
    expect(result.full.points).to.be.at.most(Math.ceil(1.1 * minimumPoints(200, result.full.graphqlRequests)))
    expect(result.full.maxRssMB).to.be.greaterThan(0)
    expect(result.full.kind).to.equal('base')
  })

  it('incremental backups store what changed: a small patch after 1%, an empty one after nothing', () => {
    expect(result.changed).to.equal(2)
    expect(result.incremental.kind).to.equal('patch')
    expect(result.incremental.bytes).to.be.at.most(0.03 * result.full.bytes)
    expect(result.unchanged.unchanged).to.equal(true)
    expect(result.unchanged.bytes).to.be.at.most(2048)
  })

  it('incremental backups read only the changed items in full, after a light pass of ceil(items/100) requests', () => {
    expect(result.full.capture).to.include({mode: 'full', read: 200})
    expect(result.incremental.capture).to.include({mode: 'incremental', read: 2, reused: 198, lightRequests: 2})
    // the items changed within a minute before the previous backup are read again (GitHub's stamps are whole seconds)
    expect(result.unchanged.capture).to.include({mode: 'incremental', lightRequests: 2})
    expect(result.unchanged.capture!.read).to.be.at.most(result.changed)
    // each of the 2 items pages costs 1 point instead of 7; the look-up of the changed items by id 1 more (at 200
    // items the fixed requests, head, configuration, milestones, weigh more than the 25% target allows for big projects)
    expect(result.full.points - result.unchanged.points).to.be.at.least(2 * 6 - 1)
  })

  it('rebuilds the oldest and newest events of the history', () => {
    expect(result.history.events).to.equal(5)
    expect(result.history.oldest.items).to.equal(200)
    expect(result.history.newest.items).to.equal(200)
  })

  it('restores exactly one value mutation per orphaned Status, batched, and converges', () => {
    expect(result.restore.operations).to.deep.equal({setValue: 20})
    expect(result.restore.mutations).to.equal(20)
    // batches start at 10 aliased mutations (GitHub's 10-second limit), then grow: 10 + 10
    expect(result.restore.mutationRequests).to.equal(2)
    expect(result.restore.remaining).to.equal(0)
    expect(result.restore.failed).to.equal(0)
    expect(result.restore.naiveRequests).to.equal(20)
    expect(result.restore.estimate.seconds).to.be.a('number')
  })

  it('prints the table with every target', () => {
    const table = printTable([result], {machine: 'test', totalSeconds: 1})
    for (const c of checks(result)) expect(table).to.include(c.what.replace(/\d+ events/, 'N events'))
    expect(table).to.include('### Naive client')
  })

  it('validates, shows and reports the journal of 5 events offline (no token), each step in its own process', () => {
    expect(result.validate).to.include({status: 'valid', eventsChecked: 5, eventsTotal: 5, issues: 0})
    // the newest of the 5 backups; archived items are left out of the board as on GitHub
    expect(result.show.backup).to.equal('h004')
    expect(result.show.total + result.show.archivedHidden).to.equal(200)
    expect(result.show.archivedHidden).to.be.greaterThan(0)
    expect(result.show.groups).to.be.greaterThan(1)
    expect(result.show.bytes).to.be.greaterThan(0)
    // the report's items are those on the board in at least one of the backups: every item shown by the newest one
    expect(result.report).to.include({backups: 5, browserSeconds: null})
    expect(result.report.items).to.be.at.least(result.show.total).and.at.most(200)
    expect(result.report.bytes).to.be.greaterThan(0)
    for (const step of [result.validate, result.show, result.report]) expect(step.maxRssMB).to.be.greaterThan(0)
  })

  it('prints the peak RSS of every command at every size, each met or missed against 512 MiB, in the table and in --json', () => {
    const figures = peakRss([result])
    expect(figures.targetMB).to.equal(RSS_TARGET_MB).and.equal(512)
    expect(figures.commands.map((c) => c.command)).to.deep.equal(['backup', 'incremental-1pct', 'incremental-no-change', 'restore', 'validate', 'show', 'report'])
    for (const c of figures.commands) {
      expect(c.sizes).to.have.length(1)
      expect(c.sizes[0].items).to.equal(200)
      expect(c.sizes[0].maxRssMB).to.be.greaterThan(0)
      expect(c.sizes[0].met).to.equal(c.sizes[0].maxRssMB < 512)
    }
    expect(figures.commands[4].sizes[0].maxRssMB).to.equal(Math.round(result.validate.maxRssMB))
    const table = printTable([result], {machine: 'test', totalSeconds: 1})
    const section = table.slice(table.indexOf('### Peak RSS per command'))
    expect(section).to.include('target: under 512 MiB')
    for (const c of COMMAND_RSS) expect(section).to.include(`| ${c.label.replace('N events', '5 events')} | ${Math.round(c.rss(result)!)} MiB`)
  })

  it('--baseline: an earlier --json output printed beside this run, "-" where it measured less', async () => {
    expect(parseArgs(['--sizes', '1000', '--baseline', 'before.json']).baseline).to.equal('before.json')
    expect(parseArgs(['--sizes', '1000']).sizes).to.deep.equal([1000])
    // a run from before the read-only steps: no validate, show or report figures; a 1% lower full-backup RSS
    const {validate: _v, show: _s, report: _r, ...older} = result
    const file = path.join(dir, 'before.json')
    await writeFile(file, JSON.stringify({machine: 'old machine', results: [{...older, full: {...older.full, maxRssMB: older.full.maxRssMB / 1.01}}]}))
    const {results, machine} = parseBaseline(await import('node:fs/promises').then((fs) => fs.readFile(file, 'utf8')), file)
    const text = printBaseline(results, [result], {file, machine})
    expect(text).to.include('old machine')
    expect(text).to.include('| measure | 200: before | 200: after |')
    const line = (label: string) => text.split('\n').find((l) => l.startsWith(`| ${label} |`))!
    const u = result.unchanged
    expect(line('no change: requests / points')).to.equal(`| no change: requests / points | ${u.graphqlRequests} / ${u.points} | ${u.graphqlRequests} / ${u.points} |`)
    expect(line('no change: light-pass requests (minimum)')).to.equal('| no change: light-pass requests (minimum) | 2 (2) | 2 (2) |')
    expect(line('peak RSS: backup (full)')).to.match(/\| \d+ MiB \| \d+ MiB \(\+1%\) \|$/)
    expect(line('peak RSS: validate (whole journal of 5 events)')).to.match(/\| - \| \d+ MiB \|$/)
    expect(printBaseline(results, [{...result, items: 1000}], {file})).to.include('The baseline has no run at 1,000 items.')
    expect(() => parseBaseline('not json', 'x.json')).to.throw(/--baseline x.json is not JSON/)
    expect(() => parseBaseline('{"hook": {}}', 'x.json')).to.throw(/no "results" of a bench run/)
  })

  it('GitHub time: 5,000 single mutations need 12 minutes or more even unpaced (2,000 points a minute); 100 batches 99.3 s', () => {
    const one: LoggedRequest[] = Array.from({length: 5000}, () => ({kind: 'mutation', content: 0}))
    const batched: LoggedRequest[] = Array.from({length: 100}, () => ({kind: 'mutation', content: 0}))
    expect(githubTime(one).ms).to.be.greaterThan(12 * 60_000)
    const unpaced = githubTime(one, {latencyMs: 0, mutationIntervalMs: 0})
    expect(unpaced.ms).to.be.at.least(12 * 60_000)
    expect(unpaced.refused).to.be.greaterThan(0)
    expect(githubTime(batched).ms).to.equal(99 * 1000 + 300)
  })
})
