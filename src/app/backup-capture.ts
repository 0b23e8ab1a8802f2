/**
 * Which capture a full backup makes (issue 14): incremental from the latest full backup (a light pass over every item,
 * then only changed items read in full), or, periodically, a full read of every item that reconciles and reports drift.
 */
import type {CaptureRecord, PreviousCapture} from '../github/capture-incremental.js'
import type {EventHeader} from '../journal/events.js'
import type {ChainHandoff} from '../journal/journal.js'
import {visibleView} from '../journal/sections.js'
import type {BackupType} from '../model/state.js'
import {journalFor, type Repository, type Session} from './session.js'

export interface CapturePlan {
  previous?: PreviousCapture
  fullItems?: boolean
  /** the previous backup's replayed chain, for the append to diff against without replaying it again */
  handoff?: ChainHandoff
}

/** The capture record a backup stored in its event (absent in backups made before issue 14). */
export function captureRecordOf(header: EventHeader): CaptureRecord | undefined {
  const c = (header.summary as {capture?: unknown} | undefined)?.capture as Partial<CaptureRecord> | undefined
  if (!c || (c.mode !== 'full' && c.mode !== 'incremental')) return undefined
  return c as CaptureRecord
}

/**
 * The previous full backup and whether this one reads every item: every `backup.full_capture_every` backups, or
 * when the last full read is `backup.full_capture_hours` old. Without a previous full backup that recorded its
 * markers, every item is read (and no previous state is loaded).
 */
export async function planCapture(session: Session, repo: Repository, projectId: string, type: BackupType): Promise<CapturePlan> {
  if (type !== 'full') return {}
  // a journal of its own: its replayed chain is handed over (takeChain), so one copy of the previous backup serves
  // the capture (read only: the capture takes unchanged items over as they are) and then the append (which patches it)
  const journal = await journalFor(session, repo, projectId)
  const headers = journal.headers().filter((h) => h.type === 'full')
  const last = headers.at(-1)
  const record = last && captureRecordOf(last)
  if (!last || !record || typeof record.since !== 'string') return {}
  const every = Number(session.config.get('backup.full_capture_every') ?? 20)
  const hours = Number(session.config.get('backup.full_capture_hours') ?? 24)
  // the last backup that read every item (one without a record did: older backups always read everything)
  let sinceFull = 0
  let fullAt: string | undefined
  for (let i = headers.length - 1; i >= 0; i--) {
    if (captureRecordOf(headers[i])?.mode !== 'incremental') {
      fullAt = headers[i].timestamp
      break
    }
    sinceFull++
  }
  const age = fullAt === undefined ? Number.POSITIVE_INFINITY : session.now().getTime() - Date.parse(fullAt)
  const fullItems = sinceFull + 1 >= every || !(age < hours * 3_600_000)
  try {
    const handoff = await journal.takeChain(last)
    return {previous: {state: visibleView(handoff.chain, 'full'), since: record.since}, fullItems, handoff: {eventHash: handoff.eventHash, chain: handoff.chain}}
  } catch {
    // the previous backup cannot be read back: this backup reads every item (the append reports what is wrong)
    return {}
  }
}

/** The warning a full read gives when the incremental captures it replaces had drifted. */
export function driftWarning(record: CaptureRecord | undefined): string | undefined {
  const d = record?.drift
  if (!d || d.items === 0) return undefined
  const kinds = Object.entries(d.kinds)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')
  return (
    `the periodic full capture found ${d.items} item${d.items === 1 ? '' : 's'} that an incremental capture would have taken over unchanged ` +
    `though they had changed (${kinds}); this backup holds them as they are. Changes GitHub marks with no updatedAt (renamed labels, users, ` +
    'issue types) cause this; lower backup.full_capture_every to reconcile more often'
  )
}
