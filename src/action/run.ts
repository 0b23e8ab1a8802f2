/**
 * The GitHub Action (action.yml): reads its inputs the way the Actions runtime hands them over, runs the CLI, and
 * reports through the runtime's files and workflow commands. Plain logic over an injected environment, CLI runner
 * and output sink, so it is tested in-process; src/action/main.ts binds it to the process.
 *
 * The runtime contract (https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands and the
 * metadata syntax): an input `app-id` arrives as env INPUT_APP-ID (upper-cased, spaces to `_`, dashes kept); outputs
 * are `name=value` lines (or `name<<DELIMITER` blocks) appended to the file named by GITHUB_OUTPUT; the job summary is
 * Markdown appended to GITHUB_STEP_SUMMARY; `::add-mask::`, `::warning::` and `::error::` lines on stdout are workflow
 * commands. This layer sits beside commands/ (it is the Action's command line): it calls the CLI as a process, never
 * the app layer, so what runs in a workflow is exactly what a person runs.
 */
import {randomBytes} from 'node:crypto'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `github-pm ARGS` with ENV and returns its exit status and output (stderr is also shown to the log). */
export type CliRunner = (args: string[], env: NodeJS.ProcessEnv) => Promise<CliResult>

export interface ActionIO {
  /** a line on the step's log (stdout): workflow commands go here */
  log(line: string): void
  /** appends to a file of the runtime (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) */
  appendFile(file: string, text: string): Promise<void>
}

export interface ActionInputs {
  mode: 'backup' | 'drill'
  token: string
  appId: string
  appPrivateKey: string
  installationId: string
  owner: string
  /** 'all', or project references (OWNER/NUMBER, URL, node id) */
  projects: 'all' | string[]
  storage: string
  passphrase: string
  /** `backup cleanup` flags made from the retention input (empty: no cleanup) */
  retention: string[]
}

/** One row of the job summary. */
export interface ProjectRow {
  project: string
  url: string
  backup: string
  items: number
  changes: number
  bytes: number
  warnings: string[]
  error?: string
  /** drill mode */
  converged?: boolean
  restoreErrors?: number
  estimate?: string
}

export interface ActionResult {
  exitCode: number
  rows: ProjectRow[]
  outputs: Record<string, string>
  summary: string
}

/** The input named NAME as the runtime passes it: env INPUT_<NAME upper-cased, spaces to _>, trimmed. */
export function getInput(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

export class ActionInputError extends Error {}

const RETENTION_KEYS: Record<string, string> = {
  last: '--keep-last',
  daily: '--keep-daily',
  weekly: '--keep-weekly',
  monthly: '--keep-monthly',
  'older-than': '--older-than',
}

/**
 * `retention`: `daily=14 weekly=8 monthly=12` (any of last, daily, weekly, monthly, older-than; spaces, commas or
 * new lines between them), or a bare age such as `90d` (= older-than=90d). Empty: no cleanup.
 */
export function parseRetention(text: string): string[] {
  const parts = text.split(/[\s,]+/).filter(Boolean)
  if (parts.length === 1 && /^\d+[hdwmy]$/i.test(parts[0])) return ['--older-than', parts[0]]
  const flags: string[] = []
  for (const part of parts) {
    const m = /^([a-z-]+)=(\S+)$/i.exec(part)
    const flag = m ? RETENTION_KEYS[m[1].toLowerCase()] : undefined
    if (!m || !flag) {
      throw new ActionInputError(`retention: "${part}" is not understood: use last=N, daily=N, weekly=N, monthly=N or older-than=AGE (e.g. "daily=14 weekly=8 monthly=12")`)
    }
    if (flag !== '--older-than' && !/^\d+$/.test(m[2])) throw new ActionInputError(`retention: ${m[1]} takes a whole number, not "${m[2]}"`)
    flags.push(flag, m[2])
  }
  return flags
}

export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const mode = getInput(env, 'mode') || 'backup'
  if (mode !== 'backup' && mode !== 'drill') throw new ActionInputError(`mode: "${mode}" is not backup or drill`)
  const inputs: ActionInputs = {
    mode,
    token: getInput(env, 'token'),
    appId: getInput(env, 'app-id'),
    appPrivateKey: getInput(env, 'app-private-key'),
    installationId: getInput(env, 'installation-id'),
    owner: getInput(env, 'owner'),
    projects: parseProjects(getInput(env, 'projects')),
    storage: getInput(env, 'storage'),
    passphrase: getInput(env, 'passphrase'),
    retention: parseRetention(getInput(env, 'retention')),
  }
  if (!inputs.storage) throw new ActionInputError('storage: give the backup storage URL (git?remote=origin, s3://bucket/prefix, gcs://bucket/prefix, file:///path)')
  if (mode === 'backup') {
    if (!inputs.token && !inputs.appId) {
      throw new ActionInputError('give either app-id and app-private-key (a GitHub App that can read the projects) or token (a token with read:project)')
    }
    if (inputs.appId && !inputs.appPrivateKey) throw new ActionInputError('app-id needs app-private-key (the App\'s private key, PEM, from a secret)')
    if (inputs.projects === 'all' && !inputs.owner) throw new ActionInputError('owner: give the organization or user whose projects to back up')
  }
  return inputs
}

/** `all` (or empty), else references separated by commas or new lines. */
export function parseProjects(text: string): 'all' | string[] {
  const list = text.split(/[\n,]+/).map((s) => s.trim()).filter(Boolean)
  return list.length === 0 || (list.length === 1 && list[0].toLowerCase() === 'all') ? 'all' : list
}

/** A value as a workflow command's message: `%`, CR and LF escaped (the runtime's own escaping). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** The secrets among the inputs, each line of a multi-line one on its own (the runtime masks line by line). */
export function secretsOf(inputs: ActionInputs): string[] {
  const values = [inputs.token, inputs.appPrivateKey, inputs.passphrase]
  const out = new Set<string>()
  for (const v of values) {
    if (!v) continue
    out.add(v)
    for (const line of v.split(/\r?\n/)) if (line.trim().length >= 4) out.add(line.trim())
  }
  return [...out]
}

/** The CLI's environment: the runner's, without the Action's inputs, with the credentials and storage it reads. */
export function cliEnv(env: NodeJS.ProcessEnv, inputs: ActionInputs): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('INPUT_')) out[k] = v
  if (inputs.token) out.GH_TOKEN = inputs.token
  if (inputs.appId) {
    out.GITHUB_PM_APP_ID = inputs.appId
    out.GITHUB_PM_APP_PRIVATE_KEY = inputs.appPrivateKey
    if (inputs.installationId) out.GITHUB_PM_APP_INSTALLATION_ID = inputs.installationId
    // the App's token, not one left in the environment by an earlier step
    if (!inputs.token) {
      delete out.GH_TOKEN
      delete out.GITHUB_TOKEN
    }
  }
  out.GITHUB_PM_BACKUP_STORAGE_LOCATION = inputs.storage
  if (inputs.passphrase) out.GITHUB_PM_PASSPHRASE = inputs.passphrase
  out.NO_COLOR = '1'
  return out
}

/** Runs the Action: masks, runs the CLI, writes outputs and the job summary, and returns the exit status. */
export async function runAction(env: NodeJS.ProcessEnv, cli: CliRunner, io: ActionIO): Promise<ActionResult> {
  let inputs: ActionInputs
  try {
    inputs = readInputs(env)
  } catch (error) {
    if (!(error instanceof ActionInputError)) throw error
    io.log(`::error title=github-pm backup action::${escapeData(error.message)}`)
    return {exitCode: 2, rows: [], outputs: {}, summary: ''}
  }
  for (const secret of secretsOf(inputs)) io.log(`::add-mask::${escapeData(secret)}`)
  const childEnv = cliEnv(env, inputs)

  const rows: ProjectRow[] = []
  let exitCode = 0
  const notes: string[] = []
  const run = async (args: string[]) => {
    const result = await cli([...args, '--json'], childEnv)
    if (result.code !== 0 && exitCode === 0) exitCode = result.code
    return {result, doc: parseJson(result.stdout)}
  }

  if (inputs.mode === 'backup') {
    if (inputs.projects === 'all') {
      const {result, doc} = await run(['backup', '--owner', inputs.owner, '--all-projects'])
      if (Array.isArray(doc?.projects)) rows.push(...doc.projects.map((p: any) => backupRowOfBatch(p)))
      else rows.push(errorRow(`all projects of ${inputs.owner}`, failureText(result, doc)))
    } else {
      for (const project of inputs.projects) {
        const {result, doc} = await run(['backup', '--project', project])
        rows.push(result.code === 0 && doc?.event ? backupRowOfOne(doc) : errorRow(project, failureText(result, doc)))
      }
    }
    if (inputs.retention.length && exitCode === 0) {
      const {result, doc} = await run(['backup', 'cleanup', '--all', ...inputs.retention])
      if (result.code === 0) notes.push(`Retention: ${removedCount(doc)} old backup(s) removed (${inputs.retention.join(' ')}).`)
      else notes.push(`Retention cleanup failed (the backups are saved): ${failureText(result, doc)}`)
    }
  } else {
    const targets = inputs.projects === 'all' ? [inputs.owner ? ['--owner', inputs.owner] : []] : inputs.projects.map((p) => ['--project', p])
    for (const target of targets) {
      const {result, doc} = await run(['backup', 'drill', ...target])
      if (Array.isArray(doc?.projects)) rows.push(...doc.projects.map((p: any) => drillRow(p)))
      else rows.push(errorRow(target[1] ?? 'every project', failureText(result, doc)))
    }
  }

  for (const row of rows) {
    if (row.error) io.log(`::error title=${escapeProperty(`${inputs.mode === 'drill' ? 'restore drill' : 'backup'} of ${row.project}`)}::${escapeData(row.error)}`)
    for (const w of row.warnings) io.log(`::warning title=${escapeProperty(row.project)}::${escapeData(w)}`)
  }
  if (rows.some((r) => r.error) && exitCode === 0) exitCode = 1

  const outputs = outputsOf(inputs.mode, rows)
  const summary = summaryOf(inputs, rows, notes)
  if (env.GITHUB_OUTPUT) await io.appendFile(env.GITHUB_OUTPUT, formatOutputs(outputs))
  if (env.GITHUB_STEP_SUMMARY) await io.appendFile(env.GITHUB_STEP_SUMMARY, summary)
  return {exitCode, rows, outputs, summary}
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function failureText(result: CliResult, doc: any): string {
  const message = doc?.error?.message ?? result.stderr.trim().split('\n').filter(Boolean).at(-1) ?? ''
  return message.replace(/^Error:\s*/, '') || `the CLI exited with ${result.code}`
}

function errorRow(project: string, error: string): ProjectRow {
  return {project, url: '', backup: '-', items: 0, changes: 0, bytes: 0, warnings: [], error}
}

/** How many issues and fields a backup's incremental summary says changed. */
function changesOf(summary: any): number {
  const c = summary?.changes
  if (!c) return 0
  return ['new_issues', 'modified_issues', 'removed_issues', 'field_changes'].reduce((n, k) => n + (Array.isArray(c[k]) ? c[k].length : 0), 0)
}

function backupRowOfOne(doc: any): ProjectRow {
  return {
    project: doc.project?.title ?? doc.project?.url ?? '?',
    url: doc.project?.url ?? '',
    backup: doc.event.name,
    items: doc.event.stats?.items ?? 0,
    changes: doc.unchanged ? 0 : changesOf(doc.incremental),
    bytes: doc.event.stats?.bytes ?? 0,
    warnings: Array.isArray(doc.warnings) ? doc.warnings : [],
  }
}

function backupRowOfBatch(p: any): ProjectRow {
  const project = p.project?.title ?? p.project?.url ?? '?'
  if (!p.backup) return {...errorRow(project, p.error ?? 'not backed up'), url: p.project?.url ?? ''}
  return {
    project,
    url: p.project?.url ?? '',
    backup: p.backup.name,
    items: p.backup.stats?.items ?? 0,
    changes: p.unchanged ? 0 : changesOf(p.backup.summary),
    bytes: p.backup.stats?.bytes ?? 0,
    warnings: Array.isArray(p.warnings) ? p.warnings : [],
  }
}

function drillRow(p: any): ProjectRow {
  const problems: string[] = [...(p.failed ?? []).map((f: any) => `failed: ${f.op} ${f.id}: ${f.error}`), ...(p.remaining ?? []), ...(p.unrestorable ?? [])]
  return {
    project: p.project?.title || p.project?.url || p.project?.id || '?',
    url: p.project?.url ?? '',
    backup: p.backup?.name ?? '-',
    items: 0,
    changes: 0,
    bytes: 0,
    warnings: p.manualSteps ?? [],
    error: p.error ?? (p.converged ? undefined : `the restore drill did not converge: ${problems.slice(0, 3).join('; ')}`),
    converged: Boolean(p.converged),
    restoreErrors: p.restoreErrors ?? 0,
    estimate: p.estimate?.human ?? '-',
  }
}

function removedCount(doc: any): number {
  const results: any[] = Array.isArray(doc?.projects) ? doc.projects : []
  return results.reduce((n: number, r: any) => n + (Array.isArray(r?.result?.removed) ? r.result.removed.length : 0), 0)
}

export function outputsOf(mode: ActionInputs['mode'], rows: ProjectRow[]): Record<string, string> {
  const sum = (f: (r: ProjectRow) => number) => String(rows.reduce((n, r) => n + f(r), 0))
  const common = {
    projects: String(rows.length),
    failed: String(rows.filter((r) => r.error).length),
    warnings: sum((r) => r.warnings.length),
  }
  if (mode === 'drill') return {...common, 'restore-errors': sum((r) => r.restoreErrors ?? 0)}
  return {...common, items: sum((r) => r.items), changes: sum((r) => r.changes), bytes: sum((r) => r.bytes)}
}

/** GITHUB_OUTPUT lines; a value with a line break goes in a `name<<DELIMITER` block. */
export function formatOutputs(outputs: Record<string, string>): string {
  let text = ''
  for (const [name, value] of Object.entries(outputs)) {
    if (/[\r\n]/.test(value)) {
      const delimiter = `ghadelimiter_${randomBytes(8).toString('hex')}`
      text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`
    } else {
      text += `${name}=${value}\n`
    }
  }
  return text
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ')
}

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}

/** The job summary: a Markdown table of the projects, the totals, then what went wrong and what to look at. */
export function summaryOf(inputs: Pick<ActionInputs, 'mode' | 'owner' | 'storage'>, rows: ProjectRow[], notes: string[] = []): string {
  const lines: string[] = []
  const failed = rows.filter((r) => r.error)
  const name = (r: ProjectRow) => (r.url ? `[${cell(r.project)}](${r.url})` : cell(r.project))
  if (inputs.mode === 'drill') {
    const errors = rows.reduce((n, r) => n + (r.restoreErrors ?? 0), 0)
    lines.push(`## Restore drill${inputs.owner ? ` of ${cell(inputs.owner)}` : ''}: ${failed.length ? '❌' : '✅'} restore errors: ${errors}`, '')
    lines.push('| Project | Latest backup | Converges | Restore errors | Restore would take | Manual steps |', '| --- | --- | --- | ---: | --- | ---: |')
    for (const r of rows) {
      lines.push(`| ${name(r)} | ${cell(r.backup)} | ${r.error ? 'no' : 'yes'} | ${r.restoreErrors ?? '-'} | ${cell(r.estimate ?? '-')} | ${r.warnings.length} |`)
    }
  } else {
    lines.push(`## Project backup${inputs.owner ? ` of ${cell(inputs.owner)}` : ''}: ${failed.length ? `❌ ${failed.length} of ${rows.length} failed` : `✅ ${rows.length} project(s)`}`, '')
    lines.push('| Project | Backup | Items | Changes | Stored | Warnings |', '| --- | --- | ---: | ---: | ---: | ---: |')
    for (const r of rows) {
      lines.push(`| ${name(r)} | ${r.error ? '**failed**' : cell(r.backup)} | ${r.items} | ${r.changes} | ${humanBytes(r.bytes)} | ${r.warnings.length} |`)
    }
    const total = (f: (r: ProjectRow) => number) => rows.reduce((n, r) => n + f(r), 0)
    lines.push(`| **Total** | | ${total((r) => r.items)} | ${total((r) => r.changes)} | ${humanBytes(total((r) => r.bytes))} | ${total((r) => r.warnings.length)} |`)
  }
  lines.push('', `Storage: \`${cell(inputs.storage)}\``)
  for (const note of notes) lines.push('', cell(note))
  if (failed.length) {
    lines.push('', '### Errors', '')
    for (const r of failed) lines.push(`- **${cell(r.project)}**: ${cell(r.error!)}`)
  }
  const warned = rows.filter((r) => r.warnings.length)
  if (warned.length) {
    lines.push('', `### ${inputs.mode === 'drill' ? 'Steps a person finishes after a restore' : 'Warnings'}`, '')
    for (const r of warned) for (const w of r.warnings.slice(0, 20)) lines.push(`- **${cell(r.project)}**: ${cell(w)}`)
  }
  return lines.join('\n') + '\n'
}
