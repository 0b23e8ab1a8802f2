import type {ProjectState} from '../model/state.js'
import type {StorageBackend} from '../storage/backend.js'
import {canonicalJson} from '../util/canonical.js'
import {applyDeltaInPlace} from './diff.js'
import {canonicalDigest} from './json-stream.js'
import {type Codec, coreOf, eventHashOf} from './events.js'
import type {ReadDataReport} from './read-data.js'
import {visibleView} from './sections.js'
import {readEventChecked, readHeadChecked} from './store.js'
import {findStrays, straysProblem} from './strays.js'

export interface ValidationIssue {
  /** the event's seq, or null for the journal head (metadata.json) */
  seq: number | null
  name: string
  problem: string
}

/** The spec's validation shape, plus counts. */
export interface ValidationReport {
  status: 'valid' | 'invalid'
  checksums: 'verified' | 'failed'
  data_integrity: 'confirmed' | 'failed'
  issues: ValidationIssue[]
  events_checked: number
  events_total: number
  /** what is not damage but worth knowing (the file of an interrupted backup, waiting for quarantine) */
  notes?: string[]
  /** with `--read-data`: what was downloaded and decoded (src/journal/read-data.ts) */
  read_data?: Omit<ReadDataReport, 'damaged'>
}

/**
 * The chain's report with what reading every object found: each damaged object becomes an issue (after the chain's
 * own, which it does not repeat), so every damaged object is named, not only the first the replay reached.
 */
export function withReadData(report: ValidationReport, data: ReadDataReport): ValidationReport {
  const {damaged, ...read} = data
  const issues = [...report.issues]
  for (const object of damaged) {
    const issue: ValidationIssue = object.name === undefined ? {seq: null, name: object.key, problem: object.problem} : {seq: object.seq ?? null, name: object.name, problem: object.problem}
    if (!issues.some((i) => i.name === issue.name && i.seq === issue.seq)) issues.push(issue)
  }
  const bad = issues.length > 0
  return {
    ...report,
    status: bad ? 'invalid' : report.status,
    checksums: damaged.length ? 'failed' : report.checksums,
    data_integrity: bad ? 'failed' : report.data_integrity,
    issues,
    read_data: read,
  }
}

/**
 * Replays a project's chain from its first event up to the event with seq `upto` (default: all) and checks, for every
 * event: the stored file's sha256 against the head, that the file's header is the head's header, the event hash, the
 * link to the previous event (prevEventHash), that the patch applies, and the stateHash of the state it rebuilds.
 * Stops at the first bad event and names it: everything after it depends on it.
 */
export async function validateJournal(backend: StorageBackend, codec: Codec, projectId: string, upto?: number): Promise<ValidationReport> {
  const notes: string[] = []
  const report = (checked: number, total: number, issue?: ValidationIssue, checksumFailed = false): ValidationReport => ({
    status: issue ? 'invalid' : 'valid',
    checksums: issue && checksumFailed ? 'failed' : 'verified',
    data_integrity: issue ? 'failed' : 'confirmed',
    issues: issue ? [issue] : [],
    events_checked: checked,
    events_total: total,
    ...(notes.length ? {notes} : {}),
  })

  const read = await readHeadChecked(backend, codec, projectId)
  if ('problem' in read) return report(0, 0, {seq: null, name: 'metadata.json', problem: read.problem}, true)
  const events = read.head.events
  // event files the head does not list: lost backups are damage (repair recovers them), never "0 events, valid"
  const strays = await findStrays(backend, codec, read.head)
  if (strays.beyond.length) {
    return report(0, events.length, {seq: null, name: 'metadata.json', problem: `${straysProblem(read.exists, strays.beyond)}: run \`github-pm backup repair\``}, false)
  }
  if (strays.interrupted) notes.push(`${strays.interrupted.split('/').pop()} is the file of an interrupted backup; the next backup moves it to quarantine`)
  const last = upto === undefined ? events.length - 1 : events.findIndex((e) => e.header.seq === upto)
  const total = last + 1
  let prevHash: string | null = null
  let chain: ProjectState | undefined
  const seqs = new Set<number>()
  const names = new Set<string>()
  for (let i = 0; i <= last; i++) {
    const entry = events[i]
    const h = entry.header
    const bad = (problem: string, checksum: boolean) => report(i, total, {seq: h.seq, name: h.name, problem}, checksum)
    if (seqs.has(h.seq) || names.has(h.name) || h.seq >= read.head.nextSeq) return bad('duplicate or out-of-range sequence number or name in metadata.json', false)
    seqs.add(h.seq)
    names.add(h.name)
    const ev = await readEventChecked(backend, codec, projectId, entry)
    if ('problem' in ev) return bad(ev.problem, ev.checksum)
    const {header: core, payload} = ev.record
    if (canonicalJson(core) !== canonicalJson(coreOf(h))) return bad('event file header differs from metadata.json', true)
    if (eventHashOf(core, payload) !== entry.eventHash) return bad('event hash mismatch', true)
    if (core.prevEventHash !== prevHash) return bad('chain broken: prevEventHash does not match the previous event', true)
    if (core.kind === 'base' ? !('state' in payload) : !('delta' in payload)) return bad(`a ${core.kind} event without its payload`, false)
    try {
      if ('state' in payload) chain = payload.state
      else if (!chain) return bad('a patch with no base before it', false)
      // the record was just read and is ours: patch it in place (no copy of the project per event)
      else chain = applyDeltaInPlace(chain, payload.delta ?? undefined)
    } catch (error: any) {
      return bad(`the patch does not apply: ${error?.message ?? error}`, false)
    }
    if (canonicalDigest(visibleView(chain, core.type)).hash !== core.stateHash) return bad('the rebuilt state does not match its stateHash', false)
    prevHash = entry.eventHash
  }
  return report(total, total)
}
