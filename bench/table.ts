/** The benchmark's figures, the targets they are held to, and the table `npm run bench` prints (markdown). */

export interface BackupFigures {
  seconds: number
  graphqlRequests: number
  restRequests: number
  points: number
  kind: string
  bytes: number
  rawBytes: number
  items: number
  unchanged: boolean
  maxRssMB: number
  /** how the items were read (issue 14): all of them, or a light pass and the changed ones */
  capture?: {mode: string; read: number; reused: number; lightRequests?: number}
}

export interface SizeResult {
  items: number
  changed: number
  full: BackupFigures
  incremental: BackupFigures
  unchanged: BackupFigures
  history: {
    events: number
    bases: number
    editsPerEvent: number
    appendSeconds: number
    storedBytes: number
    oldest: {seconds: number; items: number}
    newest: {seconds: number; items: number}
    maxRssMB: number
  }
  restore: {
    planSeconds: number
    applySeconds: number
    operations: Record<string, number>
    mutations: number
    mutationRequests: number
    applyRequests: number
    estimate: {seconds: number; requests: number; bound: string}
    githubTime: {ms: number; refused: number}
    naiveGithubTime: {ms: number; refused: number}
    naiveRequests: number
    remaining: number
    failed: number
    maxRssMB: number
  }
  naiveSample: {seconds: number; requests: number; bytes: number}
  /** `backup validate` (the whole journal) on the journal of N events, offline, in its own process */
  validate: {seconds: number; status: string; eventsChecked: number; eventsTotal: number; issues: number; bytes: number; maxRssMB: number}
  /** `backup show latest --json` on the journal of N events: its newest backup, the end of the longest chain */
  show: {seconds: number; backup: string; total: number; archivedHidden: number; groups: number; bytes: number; maxRssMB: number}
  /** `backup report --html FILE` over the journal of N events (bench/report.ts: measureReport) */
  report: {seconds: number; backups: number; items: number; writeSeconds: number; bytes: number; browserSeconds: number | null; maxRssMB: number}
  seconds: number
}

/** Issue 14: every command under 512 MiB of peak RSS at 50,000 items (and so at every smaller size). */
export const RSS_TARGET_MB = 512

/** A run's figures as an earlier `--json` output holds them: runs before the read-only steps have none of those. */
export type BaselineResult = Omit<SizeResult, 'validate' | 'show' | 'report'> & Partial<Pick<SizeResult, 'validate' | 'show' | 'report'>>

/** The rows of "peak RSS per command": each command the issue names, and where its figure comes from. */
export const COMMAND_RSS: Array<{command: string; label: string; rss: (r: BaselineResult) => number | undefined}> = [
  {command: 'backup', label: 'backup (full)', rss: (r) => r.full?.maxRssMB},
  {command: 'incremental-1pct', label: 'incremental backup, 1% changed', rss: (r) => r.incremental?.maxRssMB},
  {command: 'incremental-no-change', label: 'incremental backup, no change', rss: (r) => r.unchanged?.maxRssMB},
  {command: 'restore', label: 'restore (plan, apply, verify)', rss: (r) => r.restore?.maxRssMB},
  {command: 'validate', label: 'validate (whole journal of N events)', rss: (r) => r.validate?.maxRssMB},
  {command: 'show', label: 'show latest --json (newest of N events)', rss: (r) => r.show?.maxRssMB},
  {command: 'report', label: 'report --html (N events)', rss: (r) => r.report?.maxRssMB},
]

export interface PeakRss {
  targetMB: number
  commands: Array<{command: string; sizes: Array<{items: number; maxRssMB: number; met: boolean}>}>
}

/** The table's figures for `--json`: every command's peak RSS at every size, met or missed against the target. */
export function peakRss(results: SizeResult[]): PeakRss {
  return {
    targetMB: RSS_TARGET_MB,
    commands: COMMAND_RSS.map((c) => ({
      command: c.command,
      sizes: results.map((r) => {
        const maxRssMB = Math.round(c.rss(r) ?? Number.NaN)
        return {items: r.items, maxRssMB, met: maxRssMB < RSS_TARGET_MB}
      }),
    })),
  }
}

/** "Peak RSS per command": rows the commands, columns the sizes, each cell met or missed against 512 MiB. */
export function printRssTable(results: SizeResult[]): string {
  const figures = peakRss(results)
  const events = results[0]?.history.events
  const lines = [
    `### Peak RSS per command (target: under ${RSS_TARGET_MB} MiB; each in its own process)`,
    '',
    `| command | ${results.map((r) => `${r.items.toLocaleString('en-US')} items`).join(' | ')} |`,
    `|---|${results.map(() => '---:').join('|')}|`,
  ]
  for (const [i, c] of figures.commands.entries()) {
    lines.push(`| ${COMMAND_RSS[i].label.replace('N events', `${events} events`)} | ${c.sizes.map((x) => (x.met ? `${x.maxRssMB} MiB met` : `**${x.maxRssMB} MiB MISSED**`)).join(' | ')} |`)
  }
  const missed = figures.commands.flatMap((c) => c.sizes.filter((x) => !x.met).map((x) => `${c.command} at ${x.items.toLocaleString('en-US')}`))
  lines.push('', missed.length ? `Missed: ${missed.join(', ')}.` : `Every command stays under ${RSS_TARGET_MB} MiB at every size measured.`)
  return lines.join('\n')
}

/**
 * Before and after: an earlier run's figures (`--baseline FILE`, a `--json` output) beside this run's, for the sizes
 * this run measured: requests and points of every backup, the light pass against its minimum, each command's peak RSS.
 * A figure the earlier run did not measure is `-`.
 */
export function printBaseline(before: BaselineResult[], after: SizeResult[], meta: {file: string; machine?: string}): string {
  const old = (items: number) => before.find((b) => b.items === items)
  const cols = after.map((r) => r.items.toLocaleString('en-US'))
  const lines = [
    `### Before and after (before: ${meta.file}${meta.machine ? `, ${meta.machine}` : ''})`,
    '',
    `| measure | ${cols.map((c) => `${c}: before | ${c}: after`).join(' | ')} |`,
    `|---|${cols.map(() => '---:|---:').join('|')}|`,
  ]
  const row = (label: string, f: (r: BaselineResult) => string | undefined) => {
    const cells = after.flatMap((r) => {
      const b = old(r.items)
      return [(b && f(b)) ?? '-', f(r) ?? '-']
    })
    lines.push(`| ${label} | ${cells.join(' | ')} |`)
  }
  const reqPoints = (f: BackupFigures | undefined) => (f ? `${f.graphqlRequests} / ${f.points}` : undefined)
  row('full backup: requests / points', (r) => reqPoints(r.full))
  row('1% changed: requests / points', (r) => reqPoints(r.incremental))
  row('no change: requests / points', (r) => reqPoints(r.unchanged))
  row('no change: light-pass requests (minimum)', (r) => (r.unchanged?.capture?.lightRequests === undefined ? undefined : `${r.unchanged.capture.lightRequests} (${lightMinimum(r.items)})`))
  const events = after[0]?.history.events
  for (const c of COMMAND_RSS) {
    row(`peak RSS: ${c.label.replace('N events', `${events} events`)}`, (r) => {
      const now = c.rss(r)
      if (now === undefined) return undefined
      const b = old(r.items)
      const was = b && r !== b ? c.rss(b) : undefined
      const change = was === undefined ? '' : ` (${now >= was ? '+' : ''}${(((now - was) / was) * 100).toFixed(0)}%)`
      return `${Math.round(now)} MiB${change}`
    })
  }
  const missing = after.filter((r) => !old(r.items)).map((r) => r.items.toLocaleString('en-US'))
  if (missing.length) lines.push('', `The baseline has no run at ${missing.join(', ')} items.`)
  return lines.join('\n')
}

/** An earlier `npm run bench -- --json FILE` output, for --baseline: its results and machine; a clear error otherwise. */
export function parseBaseline(text: string, file: string): {results: BaselineResult[]; machine?: string} {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new Error(`--baseline ${file} is not JSON: give the file an earlier \`npm run bench -- --json FILE\` wrote`)
  }
  const results = (doc as {results?: unknown})?.results
  if (!Array.isArray(results) || !results.every((r) => typeof r?.items === 'number')) {
    throw new Error(`--baseline ${file} has no "results" of a bench run: give the file an earlier \`npm run bench -- --json FILE\` wrote`)
  }
  const machine = (doc as {machine?: unknown}).machine
  return {results: results as BaselineResult[], machine: typeof machine === 'string' ? machine : undefined}
}

/**
 * Items pages are 100 items and cost 7 points: 1 + 100 x 7 nested connections (field values, labels, assignees,
 * sub-issues, blocked-by, issue-field values, draft assignees; src/github/queries.ts); every other request (head,
 * configuration, status updates, milestones) costs 1.
 */
export const ITEMS_PAGE_POINTS = 7

export function requestLimit(items: number): number {
  return Math.ceil(items / 100) + 20
}

/** The least primary points a full read allows: ITEMS_PAGE_POINTS per items page, 1 per other request. */
export function minimumPoints(items: number, graphqlRequests: number): number {
  const pages = Math.ceil(items / 100)
  return pages * ITEMS_PAGE_POINTS + Math.max(0, graphqlRequests - pages)
}

/** What the naive client (one item per request, one mutation per request) would need, from the measured sample. */
export function naive(r: SizeResult) {
  const perRequest = r.naiveSample.seconds / Math.max(1, r.naiveSample.requests)
  const requests = r.items + Math.ceil(r.items / 100) + 5
  return {
    backupRequests: requests,
    backupPoints: requests,
    backupSeconds: requests * perRequest,
    restoreRequests: r.restore.naiveRequests,
    restoreGithubMinutes: r.restore.naiveGithubTime.ms / 60000,
  }
}

/** The light pass reads 100 items a request: its least request count. */
export function lightMinimum(items: number): number {
  return Math.max(1, Math.ceil(items / 100))
}

function share(part: BackupFigures, whole: BackupFigures): number {
  return part.points / Math.max(1, whole.points)
}

export interface Check {
  what: string
  ok: boolean
  detail: string
}

/** The issue's targets, for one size (they are stated for 50,000 items; smaller sizes must meet them too). */
export function checks(r: SizeResult): Check[] {
  const values = r.restore.operations.setValue ?? 0
  const gh = r.restore.githubTime.ms / 1000
  const est = r.restore.estimate.seconds
  const out: Check[] = [
    {what: 'full backup requests <= ceil(items/100)+20', ok: r.full.graphqlRequests <= requestLimit(r.items), detail: `${r.full.graphqlRequests} <= ${requestLimit(r.items)}`},
    {
      what: 'full backup points within 10% of the minimum',
      ok: r.full.points <= 1.1 * minimumPoints(r.items, r.full.graphqlRequests),
      detail: `${r.full.points} vs ${minimumPoints(r.items, r.full.graphqlRequests)}`,
    },
    {what: 'full backup under 60 s', ok: r.full.seconds < 60, detail: `${r.full.seconds.toFixed(1)} s`},
    {what: 'full backup peak RSS under 1 GiB', ok: r.full.maxRssMB < 1024, detail: `${r.full.maxRssMB.toFixed(0)} MiB`},
    {
      what: 'incremental (1% changed) stores <= 3% of the base',
      ok: r.incremental.bytes <= 0.03 * r.full.bytes,
      detail: `${pct(r.incremental.bytes / r.full.bytes)}`,
    },
    {what: 'incremental (no change) stores <= 2 KiB', ok: r.unchanged.bytes <= 2048, detail: `${r.unchanged.bytes} B`},
    {what: 'no-change backup: points <= 25% of a full backup', ok: share(r.unchanged, r.full) <= 0.25, detail: `${r.unchanged.points} of ${r.full.points} (${pct(share(r.unchanged, r.full))})`},
    {what: '1% changed backup: points <= 30% of a full backup', ok: share(r.incremental, r.full) <= 0.3, detail: `${r.incremental.points} of ${r.full.points} (${pct(share(r.incremental, r.full))})`},
    {
      what: 'light pass: requests = ceil(items/100)',
      ok: r.unchanged.capture?.lightRequests === lightMinimum(r.items),
      detail: `${r.unchanged.capture?.lightRequests ?? 'none'} vs ${lightMinimum(r.items)}`,
    },
    {
      what: `rebuilding any of ${r.history.events} events under 5 s`,
      ok: Math.max(r.history.oldest.seconds, r.history.newest.seconds) < 5,
      detail: `${r.history.oldest.seconds.toFixed(2)} s / ${r.history.newest.seconds.toFixed(2)} s`,
    },
    {
      what: 'restore: one mutation per differing value, nothing else',
      ok: r.restore.mutations === values + (r.restore.operations.restoreOptions ?? 0) && Object.keys(r.restore.operations).every((k) => k === 'setValue'),
      detail: `${r.restore.mutations} mutations for ${values} values (${JSON.stringify(r.restore.operations)})`,
    },
    {what: 'restore converges', ok: r.restore.remaining === 0 && r.restore.failed === 0, detail: `${r.restore.remaining} left, ${r.restore.failed} failed`},
    {
      what: 'restore batched (tens of mutations per request)',
      ok: r.restore.mutations === 0 || r.restore.mutations / Math.max(1, r.restore.mutationRequests) >= 10 || r.restore.mutations < 10,
      detail: `${(r.restore.mutations / Math.max(1, r.restore.mutationRequests)).toFixed(1)} per request`,
    },
    {what: 'restore under 2 minutes of GitHub time', ok: gh < 120, detail: `${gh.toFixed(0)} s (naive: ${(r.restore.naiveGithubTime.ms / 60000).toFixed(1)} min)`},
    // the estimate is stated in whole seconds: a 1 s difference is its resolution, not an error
    {what: '--test-only estimate within 25% of the measured time', ok: Math.abs(est - gh) <= Math.max(1, 0.25 * gh), detail: `${est} s vs ${gh.toFixed(1)} s`},
  ]
  return out
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`
}

function mb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`
}

function s(x: number): string {
  return x >= 100 ? `${x.toFixed(0)} s` : `${x.toFixed(x >= 10 ? 1 : 2)} s`
}

/** The whole report as markdown: figures per size, the naive baseline, and the targets. */
export function printTable(results: SizeResult[], meta: {machine: string; totalSeconds: number}): string {
  const head = (first: string) => `| ${first} | ${results.map((r) => `${r.items.toLocaleString('en-US')} items`).join(' | ')} |\n|---|${results.map(() => '---:').join('|')}|`
  const row = (label: string, f: (r: SizeResult) => string) => `| ${label} | ${results.map(f).join(' | ')} |`
  const lines: string[] = []
  lines.push(`Machine: ${meta.machine}. Whole run: ${s(meta.totalSeconds)}.`, '')
  lines.push('### This client', '', head('measure'))
  lines.push(
    row('full backup: wall time', (r) => s(r.full.seconds)),
    row('full backup: GraphQL requests (limit)', (r) => `${r.full.graphqlRequests} (${requestLimit(r.items)})`),
    row('full backup: REST requests (blocked-by)', (r) => String(r.full.restRequests)),
    row('full backup: primary points (minimum)', (r) => `${r.full.points} (${minimumPoints(r.items, r.full.graphqlRequests)})`),
    row('full backup: peak RSS', (r) => `${r.full.maxRssMB.toFixed(0)} MiB`),
    row('full backup: stored (state)', (r) => `${mb(r.full.bytes)} (${mb(r.full.rawBytes)})`),
    row('1% changed: items changed', (r) => String(r.changed)),
    row('1% changed: wall time / requests / points', (r) => `${s(r.incremental.seconds)} / ${r.incremental.graphqlRequests} / ${r.incremental.points}`),
    row('1% changed: peak RSS', (r) => `${r.incremental.maxRssMB.toFixed(0)} MiB`),
    row('1% changed: stored (share of base)', (r) => `${mb(r.incremental.bytes)} (${pct(r.incremental.bytes / r.full.bytes)})`),
    row('1% changed: items read in full / taken over', (r) => `${r.incremental.capture?.read ?? '-'} / ${r.incremental.capture?.reused ?? '-'}`),
    row('1% changed: points, share of a full backup', (r) => pct(share(r.incremental, r.full))),
    row('no change: wall time / requests / points', (r) => `${s(r.unchanged.seconds)} / ${r.unchanged.graphqlRequests} / ${r.unchanged.points}`),
    row('no change: points, share of a full backup', (r) => pct(share(r.unchanged, r.full))),
    row('no change: light-pass requests (minimum)', (r) => `${r.unchanged.capture?.lightRequests ?? '-'} (${lightMinimum(r.items)})`),
    row('no change: peak RSS', (r) => `${r.unchanged.maxRssMB.toFixed(0)} MiB`),
    row('no change: stored', (r) => mb(r.unchanged.bytes)),
    row('journal: events (bases), stored', (r) => `${r.history.events} (${r.history.bases}), ${mb(r.history.storedBytes)}`),
    row('rebuild oldest event', (r) => s(r.history.oldest.seconds)),
    row('rebuild newest event', (r) => s(r.history.newest.seconds)),
    row('restore: values to restore (setValue)', (r) => String(r.restore.operations.setValue ?? 0)),
    row('restore: plan time', (r) => s(r.restore.planSeconds)),
    row('restore: mutations / mutation requests', (r) => `${r.restore.mutations} / ${r.restore.mutationRequests}`),
    row('restore: GraphQL requests (apply)', (r) => String(r.restore.applyRequests)),
    row('restore: GitHub time (sandbox limiter)', (r) => s(r.restore.githubTime.ms / 1000)),
    row('restore: --test-only estimate', (r) => `${s(r.restore.estimate.seconds)} (${pct(Math.abs(r.restore.estimate.seconds * 1000 - r.restore.githubTime.ms) / Math.max(1, r.restore.githubTime.ms))} off)`),
    row('restore: wall time on the sandbox (apply + verify)', (r) => s(r.restore.applySeconds)),
    row('restore: peak RSS', (r) => `${r.restore.maxRssMB.toFixed(0)} MiB`),
    row('validate (journal of N events): wall time', (r) => `${s(r.validate.seconds)} (${r.validate.eventsChecked} of ${r.validate.eventsTotal} events, ${r.validate.status})`),
    row('show latest --json: wall time (items shown)', (r) => `${s(r.show.seconds)} (${r.show.total})`),
    row('report --html: wall time (writeReport) / page', (r) => `${s(r.report.writeSeconds)} / ${mb(r.report.bytes)}`),
  )
  if (results.some((r) => r.report.browserSeconds !== null)) {
    lines.push(row('report: chromium, open to drawn', (r) => (r.report.browserSeconds === null ? '-' : s(r.report.browserSeconds))))
  }
  lines.push('', '### Naive client (one item per request, one mutation per request), extrapolated from a measured sample', '', head('measure'))
  lines.push(
    row('sample: one-item requests timed on the sandbox', (r) => `${r.naiveSample.requests} in ${s(r.naiveSample.seconds)}`),
    row('full backup: requests = points', (r) => String(naive(r).backupRequests)),
    row('full backup: wall time on the sandbox', (r) => s(naive(r).backupSeconds)),
    row('incremental: stored (a whole copy each time)', (r) => mb(r.full.rawBytes)),
    row('restore: requests', (r) => String(naive(r).restoreRequests)),
    row('restore: GitHub time (sandbox limiter)', (r) => `${naive(r).restoreGithubMinutes.toFixed(1)} min`),
  )
  lines.push('', '### Targets', '', `| target | ${results.map((r) => `${r.items.toLocaleString('en-US')}`).join(' | ')} |`, `|---|${results.map(() => '---').join('|')}|`)
  const all = results.map(checks)
  all[0]?.forEach((c, i) => lines.push(`| ${c.what.replace(/\d+ events/, 'N events')} | ${all.map((cs) => `${cs[i].ok ? 'met' : '**MISSED**'}: ${cs[i].detail}`).join(' | ')} |`))
  lines.push('', printRssTable(results))
  return lines.join('\n')
}
