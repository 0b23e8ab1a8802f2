import {constants as fsConstants, promises as fs} from 'node:fs'
import path from 'node:path'
import {atomicWrite} from '../util/fs.js'
import {UserError, oneLine} from '../util/errors.js'
import {redact, registerSecret} from '../util/secrets.js'

/**
 * Monitoring of scheduled backups: a healthchecks.io-style pinger (start, success, failure) and a Prometheus textfile
 * (node_exporter's textfile collector). Neither may fail a backup: a ping that fails is a warning, and the caller
 * decides what a metrics file it cannot write means (the backup is already saved when it is written).
 */

// ---------------------------------------------------------------------------------------------------------------------
// healthcheck pings

export type PingSignal = 'start' | 'success' | 'fail'

/** How long one ping may take: a monitoring endpoint that hangs must not hold a backup job up. */
export const PING_TIMEOUT_MS = 10_000
/** Longest body a ping sends (healthchecks.io keeps the first 100 kB; a few lines say enough). */
export const PING_BODY_MAX = 1000

/**
 * Checks a --healthcheck URL (http or https, no credentials in it are printed) and registers it as a secret: a
 * healthchecks.io URL holds a ping key or UUID, and anyone who has it can ping the check, so it is redacted from every
 * message, log and error. Throws a usage error for anything else.
 */
export function checkHealthcheckUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UserError('--healthcheck must be an http(s) URL such as https://hc-ping.com/<uuid>', {kind: 'usage'})
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`--healthcheck must be an http(s) URL, not ${url.protocol.replace(/:$/, '')}: e.g. https://hc-ping.com/<uuid>`, {kind: 'usage'})
  }
  registerSecret(text)
  // the path (a UUID, or a ping key and a slug) is the secret part; the same URL with or without a trailing slash
  const secretPath = url.pathname.replace(/^\/+|\/+$/g, '')
  if (secretPath.length >= 8) registerSecret(secretPath)
  for (const part of secretPath.split('/')) if (part.length >= 8) registerSecret(part)
  if (url.password) registerSecret(decodeURIComponent(url.password))
  return url
}

/** Where a signal goes, in the manner of healthchecks.io: URL/start, URL (success), URL/fail (query kept). */
export function pingUrl(base: URL, signal: PingSignal): string {
  const url = new URL(base.href)
  const trimmed = url.pathname.replace(/\/+$/, '')
  if (signal !== 'success') url.pathname = `${trimmed}/${signal}`
  return url.href
}

/** What a message may say of a healthcheck URL: its origin, never its path (the secret). */
export function describeHealthcheck(base: URL): string {
  return `${base.origin}/***`
}

export interface PingOptions {
  /** the fetch to use (tests inject one; default the global fetch) */
  fetch?: typeof fetch
  timeoutMs?: number
}

/**
 * Sends one ping: POST with a short plain-text body. Never throws: returns undefined when the endpoint answered 2xx,
 * else a warning (redacted) that says which ping failed and why.
 */
export async function ping(base: URL, signal: PingSignal, body: string, options: PingOptions = {}): Promise<string | undefined> {
  const doFetch = options.fetch ?? fetch
  const text = redact(body).slice(0, PING_BODY_MAX)
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? PING_TIMEOUT_MS)
  try {
    const response = await doFetch(pingUrl(base, signal), {
      method: 'POST',
      headers: {'content-type': 'text/plain; charset=utf-8', 'user-agent': 'github-pm-backup'},
      body: text,
      signal: controller.signal,
    })
    // the body is not needed; reading it frees the connection
    await response.arrayBuffer().catch(() => undefined)
    if (response.ok) return undefined
    return redact(`healthcheck ping (${signal}) to ${describeHealthcheck(base)} answered HTTP ${response.status}; the backup is not affected`)
  } catch (error: any) {
    const ms = options.timeoutMs ?? PING_TIMEOUT_MS
    const why = controller.signal.aborted ? `no answer within ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}` : oneLine(String(error?.cause?.message ?? error?.message ?? error))
    return redact(`healthcheck ping (${signal}) to ${describeHealthcheck(base)} failed: ${why}; the backup is not affected`)
  } finally {
    clearTimeout(timer)
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Prometheus textfile

/** One project's part of a backup run, as the metrics report it. */
export interface ProjectRunMetrics {
  project: {id: string; url: string}
  ok: boolean
  /** when the attempt ended */
  at: Date
  /** the last success: this attempt's time when it worked, else from the run record (undefined: none known) */
  lastSuccess?: Date
  seconds?: number
  items?: number
  /** bytes the backup stored (the event, after compression/encryption) */
  bytes?: number
  /** bytes of the captured state */
  stateBytes?: number
  /** primary rate-limit points the capture spent */
  points?: number
}

/** A whole run: one project (`backup`) or every project of an owner (`--all-projects`). */
export interface RunMetrics {
  startedAt: Date
  endedAt: Date
  ok: boolean
  /**
   * the run's projects; undefined when the run failed before it knew them (the owner's list or the project could not
   * be read): then the previous file's per-project last-success series are kept as they were
   */
  projects?: ProjectRunMetrics[]
  /** points and requests of the whole run (listing included) */
  points?: number
  requests?: number
}

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const PREFIX = 'github_pm_backup_'

const FAMILIES: Record<string, string> = {
  last_success_timestamp_seconds: 'Unix time of the last successful backup of the project (kept when a later attempt fails).',
  last_attempt_timestamp_seconds: 'Unix time at which the last backup attempt of the project ended.',
  last_attempt_success: '1 when the last backup attempt of the project succeeded, else 0.',
  duration_seconds: 'Seconds the last backup attempt of the project took.',
  items: 'Items in the project at its last successful backup.',
  stored_bytes: 'Bytes the last backup of the project stored (after compression and encryption).',
  state_bytes: 'Bytes of the project state captured by the last backup.',
  api_points: 'GitHub rate-limit points the last backup of the project spent.',
  run_last_success_timestamp_seconds: 'Unix time of the last run in which every project was backed up (kept when a run fails).',
  run_timestamp_seconds: 'Unix time at which the last run ended.',
  run_success: '1 when the last run backed up every project, else 0.',
  run_duration_seconds: 'Seconds the last run took.',
  run_projects: 'Projects in the last run, by outcome.',
  run_api_points: 'GitHub rate-limit points the last run spent.',
  run_api_requests: 'HTTP requests the last run sent to GitHub.',
}

/** `acme/3` from a project URL (`https://github.com/orgs/acme/projects/3`), else the URL itself. */
export function projectLabel(url: string): string {
  const m = /\/(?:orgs|users)\/([^/]+)\/projects\/(\d+)/.exec(url)
  return m ? `${m[1]}/${m[2]}` : url
}

const seconds = (d: Date) => Math.round(d.getTime() / 1000)

/**
 * The Prometheus text exposition (format 0.0.4) of a run. `previous` is what the file held before: a project whose
 * attempt failed keeps its last-success time (this run's record, else the previous file's), and so does the run, so
 * `time() - github_pm_backup_last_success_timestamp_seconds > X` keeps working through failures.
 */
export function renderMetrics(run: RunMetrics, previous: Sample[] = []): string {
  const prevSuccess = new Map<string, number>()
  for (const s of previous) if (s.name === `${PREFIX}last_success_timestamp_seconds` && s.labels.project_id) prevSuccess.set(s.labels.project_id, s.value)
  const prevRunSuccess = previous.find((s) => s.name === `${PREFIX}run_last_success_timestamp_seconds`)?.value

  const samples = new Map<string, Array<{labels: Record<string, string>; value: number}>>()
  const add = (family: string, labels: Record<string, string>, value: number | undefined) => {
    if (value === undefined || !Number.isFinite(value)) return
    samples.set(family, [...(samples.get(family) ?? []), {labels, value}])
  }
  if (run.projects) {
    for (const p of run.projects) {
      const labels = {project: projectLabel(p.project.url), project_id: p.project.id}
      add('last_success_timestamp_seconds', labels, p.ok ? seconds(p.at) : p.lastSuccess ? seconds(p.lastSuccess) : prevSuccess.get(p.project.id))
      add('last_attempt_timestamp_seconds', labels, seconds(p.at))
      add('last_attempt_success', labels, p.ok ? 1 : 0)
      add('duration_seconds', labels, p.seconds === undefined ? undefined : Math.round(p.seconds * 1000) / 1000)
      if (p.ok) {
        add('items', labels, p.items)
        add('stored_bytes', labels, p.bytes)
        add('state_bytes', labels, p.stateBytes)
        add('api_points', labels, p.points)
      }
    }
  } else {
    for (const s of previous) {
      if (s.name === `${PREFIX}last_success_timestamp_seconds`) add('last_success_timestamp_seconds', s.labels, s.value)
    }
  }
  add('run_last_success_timestamp_seconds', {}, run.ok ? seconds(run.endedAt) : prevRunSuccess)
  add('run_timestamp_seconds', {}, seconds(run.endedAt))
  add('run_success', {}, run.ok ? 1 : 0)
  add('run_duration_seconds', {}, Math.round((run.endedAt.getTime() - run.startedAt.getTime()) / 10) / 100)
  if (run.projects) {
    add('run_projects', {outcome: 'ok'}, run.projects.filter((p) => p.ok).length)
    add('run_projects', {outcome: 'failed'}, run.projects.filter((p) => !p.ok).length)
  }
  add('run_api_points', {}, run.points)
  add('run_api_requests', {}, run.requests)

  const lines: string[] = []
  for (const [family, help] of Object.entries(FAMILIES)) {
    const rows = samples.get(family)
    if (!rows?.length) continue
    lines.push(`# HELP ${PREFIX}${family} ${help}`, `# TYPE ${PREFIX}${family} gauge`)
    for (const row of rows) lines.push(`${PREFIX}${family}${labelText(row.labels)} ${row.value}`)
  }
  return `${lines.join('\n')}\n`
}

function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels)
  if (entries.length === 0) return ''
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`
}

/** Reads the samples of an exposition text (what renderMetrics writes; comments and malformed lines are skipped). */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = []
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/.exec(line)
    if (!m || line.startsWith('#')) continue
    const labels: Record<string, string> = {}
    const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/g
    let l: RegExpExecArray | null
    while ((l = labelRe.exec(m[2] ?? '')) !== null) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
    const value = Number(m[3])
    if (!Number.isNaN(value)) out.push({name: m[1], labels, value})
  }
  return out
}

/**
 * Writes the run's metrics to `file` for node_exporter's textfile collector: into a temporary file in the same folder,
 * then renamed over the old one, so the collector never reads half a file. The file is world-readable (0644): the
 * collector runs as its own user, and the file holds no secret (project references and figures, no titles).
 */
export async function writeMetricsFile(file: string, run: RunMetrics): Promise<void> {
  let previous: Sample[] = []
  try {
    previous = parseMetrics(await fs.readFile(file, 'utf8'))
  } catch (error: any) {
    if (error?.code !== 'ENOENT') throw error
  }
  await atomicWrite(path.resolve(file), renderMetrics(run, previous), 0o644)
}

/** Fails early (a usage error) when the metrics file's folder does not exist or cannot be written. */
export async function checkMetricsFolder(file: string): Promise<void> {
  const dir = path.dirname(path.resolve(file))
  try {
    const stat = await fs.stat(dir)
    if (!stat.isDirectory()) throw new Error('not a folder')
    await fs.access(dir, fsConstants.W_OK)
  } catch {
    throw new UserError(`--metrics: cannot write in ${dir}: create the folder (node_exporter's --collector.textfile.directory) or choose another`, {
      kind: 'usage',
    })
  }
  if (!file.endsWith('.prom')) {
    throw new UserError(`--metrics: "${path.basename(file)}" must end in .prom: node_exporter's textfile collector reads only *.prom files`, {kind: 'usage'})
  }
}
