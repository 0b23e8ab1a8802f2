/**
 * One measured step in its own process, so that its peak RSS is its own: `node --import tsx bench/child.ts JSON`.
 * Talks to the sandbox named by GITHUB_API_URL (another process) with GH_TOKEN, keeps backups in GITHUB_PM_HOME, and
 * prints one JSON line with its figures (process.resourceUsage().maxRSS included).
 *   {"op":"backup","name":"b1"}                full or incremental backup of acme/1 (runBackup, as `backup create`)
 *   {"op":"restore","backup":"b1"}              prepareRestore + applyRestore, the apply's requests logged
 *   {"op":"history","events":100,"home":DIR}    a journal of N events in DIR from the latest backup, then rebuilds
 *   {"op":"validate","home":DIR}                `backup validate` (latest: the whole journal) on the repository in DIR
 *   {"op":"show","home":DIR,"name":"latest"}    `backup show NAME --json`: the backup's state, its board, the JSON text
 *   {"op":"report","home":DIR,"browser":false}  `backup report --html FILE` (bench/report.ts), with chromium if asked
 * The read-only ops (validate, show, report) work offline, as the commands do on a repository whose index names the
 * project: they find it with backedUpProjectId, never ask GitHub.
 * Run from dist/ (dist/bench/child.js, built with `npx tsc -b`) when it is built, as the CLI runs: tsx's loader would
 * add about 30 MiB and 1.5 s to every step; `npx tsx bench/child.ts JSON` works too.
 */
import path from 'node:path'
import {parse, Kind, type OperationDefinitionNode} from 'graphql'
import {loadConfig} from '../src/config/config.js'
import {runBackup} from '../src/app/backup.js'
import {applyRestore, prepareRestore} from '../src/app/restore.js'
import {backedUpProjectId, connect, journalFor, repository, type Session} from '../src/app/session.js'
import {checkShadows} from '../src/app/shadow.js'
import {showBoard} from '../src/app/show.js'
import type {GitHubClient} from '../src/github/client.js'
import {resolveProject} from '../src/github/project-ref.js'
import {checkBackupIndex} from '../src/journal/catalog.js'
import {openJournal} from '../src/journal/journal.js'
import {validateJournal} from '../src/journal/validate.js'
import type {ProjectState} from '../src/model/state.js'
import {openRepository} from '../src/storage/repository.js'
import {githubTime, type LoggedRequest} from './github-time.js'
import {measureReport} from './report.js'
import {rng} from './seed.js'
import {countObjects, GITHUB_SERVER_TIME} from '../src/sandbox/servertime.js'

/** the project every step works on (bench/seed.ts) */
const PROJECT = 'acme/1'

const RATE = `query BenchRate { rateLimit(dryRun: true) { used } }`

async function session(env: NodeJS.ProcessEnv = process.env): Promise<Session> {
  return {env, config: await loadConfig(env), now: () => new Date()}
}

async function used(client: GitHubClient): Promise<number> {
  return (await client.graphql<any>(RATE)).rateLimit.used
}

/** Root fields of the document's operation (the mutation fields when it is a mutation). */
function mutationFields(query: string): {mutation: boolean; fields: string[]} {
  const doc = parse(query)
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode | undefined
  return {mutation: op?.operation === 'mutation', fields: op?.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])) ?? []}
}

/** GitHub's server time for a request and its answer, by the model the sandbox and the estimate use. */
function serverMs(m: {mutation: boolean; fields: string[]}, answer: unknown): number {
  const t = GITHUB_SERVER_TIME
  const fields = m.mutation ? m.fields.reduce((sum, f) => sum + (CONTENT.has(f) ? t.contentMutationMs : t.mutationMs), 0) : m.fields.length * t.rootFieldMs
  return Math.min(t.limitMs, t.baseMs + fields + countObjects(answer) * t.nodeMs)
}

const CONTENT = new Set(['addProjectV2ItemById', 'addProjectV2DraftIssue', 'createIssue', 'createProjectV2StatusUpdate', 'createProjectV2'])

async function backup(name: string) {
  const s = await session()
  const client = await connect(s)
  const repo = await repository(s, 'local')
  const project = await resolveProject(client, {kind: 'number', owner: 'acme', number: 1})
  const before = {stats: client.stats, used: await used(client)}
  const started = performance.now()
  const result = await runBackup(s, client, repo, {project, name})
  const seconds = (performance.now() - started) / 1000
  const after = client.stats
  const points = (await used(client)) - before.used
  return {
    seconds,
    graphqlRequests: after.graphqlRequests - before.stats.graphqlRequests - 1, // the rateLimit probe before it
    restRequests: after.restRequests - before.stats.restRequests,
    points,
    kind: result.event.kind,
    bytes: result.event.stats.bytes,
    rawBytes: result.event.stats.rawBytes,
    items: result.event.stats.items,
    unchanged: result.unchanged,
    warnings: result.warnings,
    capture: result.capture,
  }
}

async function restore(name: string) {
  const s0 = await session()
  let applying = false
  const log: LoggedRequest[] = []
  const s: Session = {
    ...s0,
    onProgress: (p) => {
      if (p.phase === 'restore' && p.total !== undefined && p.done >= p.total) applying = false
    },
  }
  const inner = await connect(s)
  const client: GitHubClient = {
    endpoints: inner.endpoints,
    get stats() {
      return inner.stats
    },
    graphql: async (query, variables) => {
      if (!applying) return inner.graphql(query, variables)
      const m = mutationFields(query)
      const entry: LoggedRequest = {kind: m.mutation ? 'mutation' : 'query', content: m.fields.filter((f) => CONTENT.has(f)).length}
      log.push(entry)
      if (m.mutation) counts.mutations += m.fields.length
      const answer = await inner.graphql(query, variables)
      entry.serverMs = serverMs(m, answer)
      return answer
    },
    rest: async (route, params) => {
      if (applying) {
        const write = !/^\s*(GET|HEAD)\s/i.test(route)
        const content = write && /views$/.test(route) ? 1 : 0
        log.push({kind: write ? 'restWrite' : 'restRead', content, serverMs: GITHUB_SERVER_TIME.baseMs + (write ? (content ? GITHUB_SERVER_TIME.contentMutationMs : GITHUB_SERVER_TIME.mutationMs) : 0)})
        if (write) counts.mutations++
      }
      return inner.rest(route, params)
    },
  }
  const counts = {mutations: 0}
  const repo = await repository(s, 'local')
  const project = await resolveProject(client, {kind: 'number', owner: 'acme', number: 1})
  const t0 = performance.now()
  const prepared = await prepareRestore(s, client, repo, {backup: name, project: project.id, diff: {}})
  const planSeconds = (performance.now() - t0) / 1000
  const ops: Record<string, number> = {}
  for (const op of prepared.plan.operations) ops[op.op] = (ops[op.op] ?? 0) + 1
  const before = inner.stats
  applying = true
  const t1 = performance.now()
  const outcome = await applyRestore(s, client, repo, prepared)
  const applySeconds = (performance.now() - t1) / 1000
  applying = false
  const mutationRequests = log.filter((r) => r.kind === 'mutation').length
  // the naive client: the same look-ups, then one request per mutation
  const naive: LoggedRequest[] = [
    ...log.filter((r) => r.kind === 'query'),
    ...Array.from({length: counts.mutations}, (): LoggedRequest => ({kind: 'mutation', content: 0, serverMs: GITHUB_SERVER_TIME.baseMs + GITHUB_SERVER_TIME.mutationMs})),
  ]
  return {
    planSeconds,
    applySeconds,
    operations: ops,
    mutations: counts.mutations,
    mutationRequests,
    applyRequests: log.length,
    requestsWithVerify: inner.stats.graphqlRequests - before.graphqlRequests,
    estimate: prepared.plan.estimate,
    githubTime: githubTime(log),
    naiveGithubTime: githubTime(naive),
    naiveRequests: naive.length,
    remaining: outcome.remaining.operations.length,
    failed: outcome.result.failed.length,
  }
}

/** Small edits a team makes between backups: a title here, a value there. */
function edit(state: ProjectState, rand: () => number, count: number): void {
  const keys = state.itemOrder ?? Object.keys(state.items ?? {})
  for (let i = 0; i < count; i++) {
    const item = state.items![keys[Math.floor(rand() * keys.length)]]
    if (item.content) item.content.title = `${item.content.title.replace(/ \(rev \d+\)$/, '')} (rev ${i})`
    else if (item.draft) item.draft.body += `\nrev ${i}`
    item.archived = rand() < 0.05 ? !item.archived : item.archived
  }
}

async function history(events: number, home: string) {
  const s = await session()
  const repo = await repository(s, 'local')
  const client = await connect(s)
  const project = await resolveProject(client, {kind: 'number', owner: 'acme', number: 1})
  const source = await journalFor(s, repo, project.id)
  let state = await source.state(source.headers().at(-1)!)
  const target = await openRepository('local', {...process.env, GITHUB_PM_HOME: home})
  // the backup index is written as every backup writes it: validate, show and report then find the project offline
  const journal = await openJournal(target.backend, project.id, {codec: target.codec})
  const rand = rng(events)
  const perEvent = Math.max(1, Math.round(Object.keys(state.items ?? {}).length / 1000))
  const t0 = performance.now()
  for (let i = 0; i < events; i++) {
    if (i > 0) edit(state, rand, perEvent)
    await journal.append(state, {name: `h${String(i).padStart(3, '0')}`, type: 'full'})
  }
  const appendSeconds = (performance.now() - t0) / 1000
  state = undefined as unknown as ProjectState
  const headers = journal.headers()
  const rebuild = async (seq: number) => {
    const fresh = await openJournal(target.backend, project.id, {codec: target.codec, updateIndex: false})
    const t = performance.now()
    const st = await fresh.state(seq)
    const seconds = (performance.now() - t) / 1000
    return {seconds, items: Object.keys(st.items ?? {}).length}
  }
  const oldest = await rebuild(headers[0].seq)
  const newest = await rebuild(headers.at(-1)!.seq)
  return {
    events: headers.length,
    bases: headers.filter((h) => h.kind === 'base').length,
    editsPerEvent: perEvent,
    appendSeconds,
    storedBytes: headers.reduce((n, h) => n + h.stats.bytes, 0),
    oldest,
    newest,
  }
}

/** A session and repository on the local repository under `home`, and the project as a command finds it (offline). */
async function offline(home: string) {
  const s = await session({...process.env, GITHUB_PM_HOME: home})
  const repo = await repository(s, 'local')
  const projectId = await backedUpProjectId(s, repo, PROJECT)
  return {s, repo, projectId}
}

/** `backup validate` (no NAME: latest, the whole journal), as src/commands/backup/validate.ts runs it without --read-data. */
async function validate(home: string) {
  const t0 = performance.now()
  const {s, repo, projectId} = await offline(home)
  const report = await validateJournal(repo.backend, repo.codec, projectId)
  const indexProblem = report.status === 'valid' ? await checkBackupIndex(repo.backend, repo.codec) : undefined
  const journal = await journalFor(s, repo, projectId)
  const shadows = await checkShadows(s, journal.headers())
  const text = JSON.stringify(shadows.length ? {...report, shadows} : report, null, 2)
  return {
    seconds: (performance.now() - t0) / 1000,
    status: indexProblem ? 'invalid' : report.status,
    eventsChecked: report.events_checked,
    eventsTotal: report.events_total,
    issues: report.issues.length + (indexProblem ? 1 : 0),
    bytes: Buffer.byteLength(text),
  }
}

/** `backup show NAME --json`: the backup's state replayed, its board, and the JSON document oclif prints. */
async function show(home: string, name: string) {
  const t0 = performance.now()
  const {s, repo, projectId} = await offline(home)
  const journal = await journalFor(s, repo, projectId)
  const {backup, board} = await showBoard(journal, {name})
  const text = JSON.stringify({backup, ...board}, null, 2)
  return {seconds: (performance.now() - t0) / 1000, backup: backup.name, total: board.total, archivedHidden: board.archivedHidden, groups: board.groups.length, bytes: Buffer.byteLength(text)}
}

/** `backup report --html FILE` over the whole journal (bench/report.ts: measureReport). */
async function report(home: string, browser: boolean) {
  const t0 = performance.now()
  const {s, repo, projectId} = await offline(home)
  const journal = await journalFor(s, repo, projectId)
  const measured = await measureReport(journal, path.join(home, 'report.html'), browser)
  return {...measured, seconds: (performance.now() - t0) / 1000}
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}')
  let out: unknown
  if (args.op === 'backup') out = await backup(args.name)
  else if (args.op === 'restore') out = await restore(args.backup)
  else if (args.op === 'history') out = await history(args.events ?? 100, args.home)
  else if (args.op === 'validate') out = await validate(args.home)
  else if (args.op === 'show') out = await show(args.home, args.name ?? 'latest')
  else if (args.op === 'report') out = await report(args.home, args.browser === true)
  else throw new Error(`unknown op ${args.op}`)
  // the report's figure is taken before chromium opens the page (bench/report.ts): the page is chromium's memory
  const maxRssMB = (out as {maxRssMB?: number}).maxRssMB ?? process.resourceUsage().maxRSS / 1024
  process.stdout.write(JSON.stringify({...(out as object), maxRssMB}) + '\n')
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`)
  process.exit(1)
})
