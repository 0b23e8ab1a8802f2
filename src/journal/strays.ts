/**
 * Event files that the journal head does not list ("strays"), and what may be done with each kind. The rule: history
 * is never deleted unread. A stray is one of
 * - superseded: seq below the head's nextSeq. The head was written after it and deliberately leaves it out: the old
 *   copy of an event that a delete or cleanup rewrote or removed, or a rewrite that never committed. Safe to remove.
 * - interrupted: the one file of a backup killed between writing its event and committing the head: seq = nextSeq,
 *   chained onto the head's newest event. It is moved to quarantine (never deleted) and the next backup goes on.
 * - beyond: anything else at or past nextSeq. The head lost them (metadata.json deleted, or an older copy of it
 *   restored by a partial sync): they may be the only copy of real backups. Nothing may be written over them until
 *   `backup repair` rebuilds the head from them.
 */
import type {StorageBackend} from '../storage/backend.js'
import {UserError} from '../util/errors.js'
import {
  EVENT_FORMAT,
  type Codec,
  type EventRecord,
  type JournalHead,
  decodeText,
  eventFileName,
  eventHashOf,
  eventsPrefix,
  projectDir,
} from './events.js'
import {eventKey} from './store.js'

export const quarantinePrefix = (projectId: string) => `${projectDir(projectId)}/quarantine/`

export interface Strays {
  superseded: string[]
  /** key of the file of an interrupted backup, if there is one */
  interrupted?: string
  beyond: string[]
}

const EVENT_FILE = /(?:^|\/)(\d{6,})-([0-9a-f]{12})\.json$/

/** The seq in an event file's key (`.../events/000007-1a2b3c4d5e6f.json`), or undefined for another file. */
export function seqOfEventKey(key: string): number | undefined {
  const m = EVENT_FILE.exec(key)
  return m ? Number(m[1]) : undefined
}

/** An event file read without a head to vouch for it: decoded, and its name checked against its own hash. */
export async function readLooseEvent(backend: StorageBackend, codec: Codec, key: string): Promise<{record: EventRecord; eventHash: string; bytes: Uint8Array} | {problem: string}> {
  const bytes = await backend.get(key)
  if (!bytes) return {problem: 'missing'}
  let record: EventRecord
  try {
    record = JSON.parse(decodeText(await codec.decode(bytes, key))) as EventRecord
  } catch (error: any) {
    return {problem: `cannot be read: ${error?.message ?? error}`}
  }
  if (!record || record.format !== EVENT_FORMAT || !record.header || !record.payload || typeof record.header.seq !== 'number') {
    return {problem: 'not a github-pm journal event'}
  }
  const eventHash = eventHashOf(record.header, record.payload)
  if (!key.endsWith(eventFileName(record.header.seq, eventHash).replace(/^events\//, '/'))) return {problem: 'its content does not match its name'}
  return {record, eventHash, bytes}
}

/** Sorts the unreferenced event files of a project by what may be done with them (see the module comment). */
export async function findStrays(backend: StorageBackend, codec: Codec, head: JournalHead): Promise<Strays> {
  const referenced = new Set(head.events.map((e) => eventKey(head.projectId, e)))
  const strays: Strays = {superseded: [], beyond: []}
  const late: string[] = []
  for (const key of await backend.list(eventsPrefix(head.projectId))) {
    if (referenced.has(key)) continue
    const seq = seqOfEventKey(key)
    if (seq !== undefined && seq < head.nextSeq) strays.superseded.push(key)
    else late.push(key)
  }
  const tip = head.events.at(-1)
  if (late.length === 1 && tip && seqOfEventKey(late[0]) === head.nextSeq) {
    const read = await readLooseEvent(backend, codec, late[0])
    if ('record' in read && read.record.header.prevEventHash === tip.eventHash) {
      strays.interrupted = late[0]
      return strays
    }
  }
  strays.beyond = late.sort()
  return strays
}

/** What is wrong with a journal whose head lost backups, in words. */
export function straysProblem(headExists: boolean, beyond: string[]): string {
  const n = `${beyond.length} backup file${beyond.length === 1 ? '' : 's'}`
  return headExists ? `its head (metadata.json) does not list ${n} newer than it` : `its head (metadata.json) is missing while ${n} remain`
}

/** The one-line error for a journal whose head lost backups: what happened and the command that recovers them. */
export function straysError(head: JournalHead, headExists: boolean, beyond: string[]): UserError {
  return new UserError(
    `the backup journal of project ${head.projectId} is incomplete: ${straysProblem(headExists, beyond)}; ` +
      'run `github-pm backup repair` to rebuild the head from them (nothing is deleted)',
    {code: 'ESTRAY'},
  )
}

/** Moves one file into the project's quarantine folder: written there first, then removed, so a crash keeps a copy. */
export async function quarantine(backend: StorageBackend, projectId: string, key: string): Promise<string> {
  const bytes = await backend.get(key)
  const target = `${quarantinePrefix(projectId)}${key.split('/').pop()}`
  if (bytes) {
    await backend.put(target, bytes)
    await backend.delete(key)
  }
  return target
}
