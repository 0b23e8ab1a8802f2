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
  seconds: number
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
  )
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
  return lines.join('\n')
}
