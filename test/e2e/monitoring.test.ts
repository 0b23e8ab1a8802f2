import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import path from 'node:path'
import {parseMetrics} from '../../src/app/monitor.js'
import {json, startE2E, type E2E} from '../helpers/e2e.js'

const KEY = 'pk-3f9a1c7e5b2d4680'

/**
 * The monitoring contract through the CLI: a scheduled `backup --all-projects` pings a healthchecks.io-style endpoint
 * and writes a Prometheus textfile; a failed backup pings /fail, keeps the last success time and leaves a run record
 * that `backup status --max-age` turns into exit status 5.
 */
describe('monitoring through the CLI: --healthcheck, --metrics, backup status --max-age', function () {
  this.timeout(120_000)
  let e: E2E
  let server: http.Server
  let base: string
  const pings: Array<{url: string; body: string}> = []

  before(async () => {
    e = await startE2E()
    server = http.createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        pings.push({url: req.url!, body})
        res.end('OK')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${KEY}/nightly`
  })
  after(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await e.close()
  })

  it('pings start and success, writes the metrics; a failed backup pings /fail and status --max-age exits 5', async () => {
    const prom = path.join(e.home, 'github-pm.prom')
    const ok = await e.cli(['backup', '--owner', 'acme', '--all-projects', '--type', 'config', '--healthcheck', base, '--metrics', prom, '--json'])
    expect(ok.code, ok.stderr).to.equal(0)
    expect(pings.map((p) => p.url)).to.deep.equal([`/${KEY}/nightly/start`, `/${KEY}/nightly`])
    expect(pings[0].body).to.equal('github-pm backup started: every project of acme')
    expect(pings[1].body).to.match(/^github-pm backup succeeded: acme: 1 project backed up; \d+ items, .* stored, \d+ points?, [\d.]+ s$/)
    let samples = parseMetrics(await fs.readFile(prom, 'utf8'))
    const value = (name: string) => samples.find((s) => s.name === `github_pm_backup_${name}`)?.value
    expect(value('run_success')).to.equal(1)
    const lastSuccess = value('last_success_timestamp_seconds')!
    expect(lastSuccess).to.be.closeTo(Date.now() / 1000, 120)
    expect(value('api_points')).to.be.greaterThan(0)
    expect(samples.find((s) => s.name === 'github_pm_backup_items')?.labels.project).to.equal('acme/1')
    const name = json(ok.stdout).projects[0].backup.name as string

    // the same name again: the backup fails after the project was found (a failing attempt on record)
    pings.length = 0
    const failed = await e.cli(['backup', 'create', name, '--project', 'acme/1', '--healthcheck', base, '--metrics', prom])
    expect(failed.code).to.equal(1)
    expect(pings.map((p) => p.url)).to.deep.equal([`/${KEY}/nightly/start`, `/${KEY}/nightly/fail`])
    expect(pings[1].body).to.match(/^github-pm backup:create failed \(EEXIST\): project .* already has a backup named/)
    samples = parseMetrics(await fs.readFile(prom, 'utf8'))
    expect(value('last_success_timestamp_seconds')).to.equal(lastSuccess)
    expect(value('last_attempt_success')).to.equal(0)
    expect(value('run_success')).to.equal(0)

    const alert = await e.cli(['backup', 'status', '--owner', 'acme', '--max-age', '26h', '--json'])
    expect(alert.code, alert.stderr).to.equal(5)
    const rows = json(alert.stdout)
    expect(rows).to.have.length(1)
    expect(rows[0]).to.include({title: 'Roadmap', state: 'failing', lastBackupName: name})
    expect(rows[0].lastError).to.match(/already has a backup named/)
    expect(alert.stderr).to.match(/1 of 1 projects are not protected/)

    // the ping key is a secret: no output of any run shows it
    for (const r of [ok, failed, alert]) expect(r.stdout + r.stderr).to.not.contain(KEY)
  })
})
