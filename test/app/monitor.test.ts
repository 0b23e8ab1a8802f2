import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {
  checkHealthcheckUrl,
  checkMetricsFolder,
  parseMetrics,
  ping,
  pingUrl,
  renderMetrics,
  writeMetricsFile,
  type RunMetrics,
} from '../../src/app/monitor.js'
import {isUserError} from '../../src/util/errors.js'
import {redact} from '../../src/util/secrets.js'

interface Ping {
  method: string
  url: string
  type: string
  body: string
}

/** A healthchecks.io stand-in on loopback: records every request; answers `status`, or never when `hang`. */
async function pingServer() {
  const pings: Ping[] = []
  const state = {status: 200, hang: false}
  const held: http.ServerResponse[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      pings.push({method: req.method!, url: req.url!, type: String(req.headers['content-type']), body})
      if (state.hang) return void held.push(res)
      res.writeHead(state.status, {'content-type': 'text/plain'}).end('OK')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    pings,
    state,
    base,
    close: async () => {
      for (const r of held) r.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

// one line of the text exposition format: a comment, or a sample `name{labels} value`
const HELP = /^# HELP [a-z_]+ \S.*$/
const TYPE = /^# TYPE [a-z_]+ gauge$/
const SAMPLE = /^[a-z_][a-z0-9_]*(\{[a-z_]+="(?:[^"\\\n]|\\.)*"(,[a-z_]+="(?:[^"\\\n]|\\.)*")*\})? -?\d+(\.\d+)?$/

describe('monitoring: healthcheck pings and the Prometheus textfile', function () {
  this.timeout(20_000)

  describe('--healthcheck', () => {
    let server: Awaited<ReturnType<typeof pingServer>>
    before(async () => (server = await pingServer()))
    after(async () => server.close())
    beforeEach(() => {
      server.pings.length = 0
      server.state.status = 200
      server.state.hang = false
    })

    it('pings URL/start, URL and URL/fail with a POST and a short plain-text body', async () => {
      const url = checkHealthcheckUrl(`${server.base}/ping/pingkey-abcdef123/nightly-backup`)
      expect(await ping(url, 'start', 'started: every project of acme')).to.equal(undefined)
      expect(await ping(url, 'success', 'acme: 2 projects backed up')).to.equal(undefined)
      expect(await ping(url, 'fail', `failed (EGITHUB): ${'x'.repeat(5000)}`)).to.equal(undefined)
      expect(server.pings.map((p) => [p.method, p.url])).to.deep.equal([
        ['POST', '/ping/pingkey-abcdef123/nightly-backup/start'],
        ['POST', '/ping/pingkey-abcdef123/nightly-backup'],
        ['POST', '/ping/pingkey-abcdef123/nightly-backup/fail'],
      ])
      expect(server.pings[0].type).to.match(/^text\/plain/)
      expect(server.pings[1].body).to.equal('acme: 2 projects backed up')
      expect(server.pings[2].body.length).to.equal(1000)
      // a trailing slash and a query string are kept in their place
      const q = checkHealthcheckUrl(`${server.base}/0b6f1c9e-uuid-check/?rid=1`)
      expect(pingUrl(q, 'fail')).to.equal(`${server.base}/0b6f1c9e-uuid-check/fail?rid=1`)
    })

    it('a ping that fails, is refused or hangs is a warning without the secret URL; it never throws', async () => {
      const secretUrl = `${server.base}/ab12cd34-5678-90ef-secret-uuid`
      const url = checkHealthcheckUrl(secretUrl)
      server.state.status = 500
      const refused = await ping(url, 'success', 'ok')
      expect(refused).to.match(/healthcheck ping \(success\) .* answered HTTP 500; the backup is not affected/)
      server.state.hang = true
      const slow = await ping(url, 'start', 'started', {timeoutMs: 200})
      expect(slow).to.match(/healthcheck ping \(start\) .* failed: no answer within 200 ms/)
      const closed = await ping(checkHealthcheckUrl('http://127.0.0.1:1/cd34ef56-closed-port-key'), 'fail', 'x', {timeoutMs: 2000})
      expect(closed).to.match(/failed: /)
      for (const w of [refused, slow, closed]) {
        expect(w).to.not.contain('ab12cd34-5678-90ef-secret-uuid').and.not.contain('cd34ef56-closed-port-key')
      }
      // registered as secrets: any later message that quotes the URL is redacted
      expect(redact(`could not reach ${secretUrl}`)).to.not.contain('secret-uuid')
    })

    it('an injected fetch is used, and a bad URL is a usage error', async () => {
      const seen: string[] = []
      const fake = (async (input: string | URL | Request) => {
        seen.push(String(input))
        return new Response('OK')
      }) as typeof fetch
      expect(await ping(checkHealthcheckUrl('https://hc-ping.com/11111111-2222'), 'start', 's', {fetch: fake})).to.equal(undefined)
      expect(seen).to.deep.equal(['https://hc-ping.com/11111111-2222/start'])
      for (const bad of ['not a url', 'ftp://example.com/x']) {
        let error: unknown
        try {
          checkHealthcheckUrl(bad)
        } catch (e) {
          error = e
        }
        expect(isUserError(error) && (error as any).exitCode).to.equal(2)
      }
    })
  })

  describe('--metrics', () => {
    let dir: string
    before(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-metrics-'))))
    after(async () => fs.rm(dir, {recursive: true, force: true}))

    const T = (h: number) => new Date(Date.UTC(2026, 2, 2, h))
    const okRun: RunMetrics = {
      startedAt: T(2),
      endedAt: new Date(T(2).getTime() + 12_500),
      ok: true,
      points: 17,
      requests: 21,
      projects: [
        {project: {id: 'PVT_a', url: 'https://github.com/orgs/acme/projects/1'}, ok: true, at: T(2), seconds: 8.25, items: 16, bytes: 2048, stateBytes: 9000, points: 12},
        {project: {id: 'PVT_b', url: 'https://github.com/users/bob"o/projects/2'}, ok: true, at: T(2), seconds: 4, items: 0, bytes: 300, stateBytes: 700, points: 5},
      ],
    }

    it('writes the text exposition format, line by line, with per-project labels', async () => {
      const file = path.join(dir, 'github-pm.prom')
      await writeMetricsFile(file, okRun)
      const text = await fs.readFile(file, 'utf8')
      expect(text.endsWith('\n')).to.equal(true)
      const lines = text.trimEnd().split('\n')
      for (const line of lines) expect(HELP.test(line) || TYPE.test(line) || SAMPLE.test(line), line).to.equal(true)
      // every family: HELP, then TYPE, then its samples, together
      const families = lines.filter((l) => l.startsWith('# TYPE')).map((l) => l.split(' ')[2])
      expect(new Set(families).size).to.equal(families.length)
      const v = (name: string, labels: Record<string, string> = {}) =>
        parseMetrics(text).find((s) => s.name === name && Object.entries(labels).every(([k, x]) => s.labels[k] === x))?.value
      const t2 = T(2).getTime() / 1000
      expect(v('github_pm_backup_last_success_timestamp_seconds', {project: 'acme/1', project_id: 'PVT_a'})).to.equal(t2)
      expect(v('github_pm_backup_last_attempt_success', {project_id: 'PVT_a'})).to.equal(1)
      expect(v('github_pm_backup_duration_seconds', {project_id: 'PVT_a'})).to.equal(8.25)
      expect(v('github_pm_backup_items', {project_id: 'PVT_a'})).to.equal(16)
      expect(v('github_pm_backup_stored_bytes', {project_id: 'PVT_a'})).to.equal(2048)
      expect(v('github_pm_backup_api_points', {project_id: 'PVT_b'})).to.equal(5)
      expect(v('github_pm_backup_run_success')).to.equal(1)
      expect(v('github_pm_backup_run_duration_seconds')).to.equal(12.5)
      expect(v('github_pm_backup_run_api_points')).to.equal(17)
      expect(v('github_pm_backup_run_projects', {outcome: 'ok'})).to.equal(2)
      expect(v('github_pm_backup_run_last_success_timestamp_seconds')).to.equal(t2 + 13)
      // a label value with a quote is escaped, and reads back as it was
      expect(text).to.contain('project="bob\\"o/2"')
      expect(parseMetrics(text).some((s) => s.labels.project === 'bob"o/2')).to.equal(true)
      // readable by node_exporter's user; no temporary file left beside it
      expect((await fs.stat(file)).mode & 0o777).to.equal(0o644)
      expect(await fs.readdir(dir)).to.deep.equal(['github-pm.prom'])
    })

    it('a failed run keeps the last success times, so `time() - last_success > X` alerts fire', async () => {
      const file = path.join(dir, 'github-pm.prom')
      await writeMetricsFile(file, okRun)
      const t2 = T(2).getTime() / 1000
      // next night: project a fails (its run record knows no success: the previous file's value is kept), b works
      await writeMetricsFile(file, {
        startedAt: T(26),
        endedAt: T(26),
        ok: false,
        projects: [
          {project: okRun.projects![0].project, ok: false, at: T(26), seconds: 1},
          {project: okRun.projects![1].project, ok: true, at: T(26), seconds: 2, items: 1, bytes: 10, stateBytes: 20, points: 3},
        ],
      })
      let samples = parseMetrics(await fs.readFile(file, 'utf8'))
      const v = (name: string, id?: string) => samples.find((s) => s.name === name && (!id || s.labels.project_id === id))?.value
      expect(v('github_pm_backup_last_success_timestamp_seconds', 'PVT_a')).to.equal(t2)
      expect(v('github_pm_backup_last_attempt_timestamp_seconds', 'PVT_a')).to.equal(T(26).getTime() / 1000)
      expect(v('github_pm_backup_last_attempt_success', 'PVT_a')).to.equal(0)
      expect(v('github_pm_backup_items', 'PVT_a')).to.equal(undefined)
      expect(v('github_pm_backup_last_success_timestamp_seconds', 'PVT_b')).to.equal(T(26).getTime() / 1000)
      expect(v('github_pm_backup_run_success')).to.equal(0)
      expect(v('github_pm_backup_run_last_success_timestamp_seconds')).to.equal(t2 + 13)

      // a run that failed before it knew its projects (GitHub down): every project's last success is kept as it was
      await writeMetricsFile(file, {startedAt: T(50), endedAt: T(50), ok: false})
      samples = parseMetrics(await fs.readFile(file, 'utf8'))
      expect(v('github_pm_backup_last_success_timestamp_seconds', 'PVT_a')).to.equal(t2)
      expect(v('github_pm_backup_last_success_timestamp_seconds', 'PVT_b')).to.equal(T(26).getTime() / 1000)
      expect(v('github_pm_backup_run_timestamp_seconds')).to.equal(T(50).getTime() / 1000)
      expect(v('github_pm_backup_run_last_success_timestamp_seconds')).to.equal(t2 + 13)

      // the run record's last success wins over the file's (a fresh runner has no file)
      const text = renderMetrics({startedAt: T(3), endedAt: T(3), ok: false, projects: [{project: okRun.projects![0].project, ok: false, at: T(3), lastSuccess: T(1)}]})
      expect(parseMetrics(text).find((s) => s.name === 'github_pm_backup_last_success_timestamp_seconds')?.value).to.equal(T(1).getTime() / 1000)
    })

    it('refuses a folder that does not exist and a file that is not *.prom before the backup starts', async () => {
      for (const bad of [path.join(dir, 'missing', 'x.prom'), path.join(dir, 'x.txt')]) {
        let error: unknown
        try {
          await checkMetricsFolder(bad)
        } catch (e) {
          error = e
        }
        expect(isUserError(error) && (error as any).exitCode, bad).to.equal(2)
      }
      await checkMetricsFolder(path.join(dir, 'ok.prom'))
    })
  })
})
