import {expect} from 'chai'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {benchSize} from '../../bench/run.js'
import {bigSeed} from '../../bench/seed.js'
import {checks, minimumPoints, printTable, requestLimit, type SizeResult} from '../../bench/table.js'
import {githubTime, type LoggedRequest} from '../../bench/github-time.js'

// The benchmark machinery on a 200-item project: every figure is produced and the behaviour the targets rest on holds
// (request count, points, stored bytes, one mutation per value). No timing is asserted anywhere.
describe('bench (smoke, 200 items; needs `npx tsc -b` for the sandbox process)', function () {
  this.timeout(240_000)
  let dir: string
  let result: SizeResult

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'github-pm-bench-smoke-'))
    result = await benchSize(200, {events: 5, dir, log: () => {}})
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
