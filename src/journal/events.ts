import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type {BackupType, ProjectState} from '../model/state.js'
import {hashOf} from '../util/canonical.js'
import {canonicalText} from '../util/canonical.js'
import {CHUNK_DEPTH, canonicalDigest} from './json-stream.js'
import type {Delta} from './diff.js'
import type {Codec} from '../storage/codec.js'

/** Event files and the journal head: types, keys, hashing and the byte codec. The format is docs/journal-format.md. */

export type BackupOrigin = 'named' | 'auto' | 'safety'

export const EVENT_FORMAT = 'github-pm-journal-event'
export const HEAD_FORMAT = 'github-pm-journal'
export const INDEX_FORMAT = 'github-pm-backup-index'
export const FORMAT_VERSION = 1
export const CREATOR = 'github-pm-cli'

export interface EventStats {
  /** issue items (not pull requests or drafts) in the event's state */
  issues: number
  items: number
  fields: number
  views: number
  /** bytes the event file takes in storage (after the codec) */
  bytes: number
  /** bytes of the event's whole state in canonical JSON: what a non-incremental backup would hold */
  rawBytes: number
}

/**
 * A shadow copy of the project (docs/shadow-copies.md): a closed, private project made by `copyProjectV2` that holds
 * what the API cannot read (views' full configuration, workflows' configuration, insights). CONTRACT shared with the
 * resurrection (restore) side: do not rename.
 */
export interface ShadowRef {
  /** the shadow project's node id */
  id: string
  number: number
  /** login of the shadow's owner (the backed-up project's owner) */
  owner: string
  title: string
  url: string
  /** `sha256:` of the canonical API-readable views + workflows + fields of the state it was copied from (shadowFingerprint, src/github/shadow.ts) */
  fingerprint: string
  /** ISO 8601 time the shadow was made */
  createdAt: string
}

export interface EventHeader {
  seq: number
  name: string
  kind: 'base' | 'patch'
  /** ISO 8601 time of the capture */
  timestamp: string
  type: BackupType
  creator: typeof CREATOR
  version: string
  projectId: string
  /** hash of the previous event (canonical header + payload), null for the first */
  prevEventHash: string | null
  /** hashOf the state this event materialises (only the sections of its type) */
  stateHash: string
  stats: EventStats
  /**
   * who named it: `named` (the user gave the name), `auto` (a generated name: schedules, `backup auto`, the protect
   * hook), `safety` (a restore's own pre-restore backup). Absent in older events: see originOf (src/journal/names.ts).
   */
  origin?: BackupOrigin
  /** pinned events are never removed by compact (cleanup) */
  pinned?: boolean
  summary?: unknown
  /**
   * the shadow copy holding this event's views and workflows (a new one, or the previous one when they did not
   * change); absent when shadows were off or the shadow could not be made. Part of the hashed core.
   */
  shadow?: ShadowRef
}

/** The immutable part of a header, stored in the event file: everything but `pinned` and `stats.bytes`. */
export type EventCore = Omit<EventHeader, 'pinned' | 'stats'> & {stats: Omit<EventStats, 'bytes'>}

export type EventPayload = {state: ProjectState} | {delta: Delta | null}

/** What an event file holds (before the codec). */
export interface EventRecord {
  format: typeof EVENT_FORMAT
  formatVersion: number
  header: EventCore
  payload: EventPayload
}

/** One event in the journal head. */
export interface HeadEntry {
  header: EventHeader
  /** key of the event file, relative to the project directory (`events/000007-1a2b3c4d5e6f.json`) */
  file: string
  /** sha256 of canonicalJson({header: core, payload}) */
  eventHash: string
  /** sha256 of the stored bytes of the event file */
  fileHash: string
}

export interface ProjectInfo {
  id: string
  title: string
  url: string
  owner: string
}

/** metadata.json: the journal head, its commit point. */
export interface JournalHead {
  format: typeof HEAD_FORMAT
  formatVersion: number
  projectId: string
  project: ProjectInfo | null
  /** the seq the next event gets (seqs are never reused, even after deletes) */
  nextSeq: number
  events: HeadEntry[]
  /** hashOf this object without `checksum` */
  checksum: string
}

/** The byte codec is declared where it is implemented (src/storage/codec.ts): storage sits below the journal. */
export type {Codec}

/** The identity codec: stored bytes are the plain bytes. */
export const identityCodec: Codec = {
  encode: async (bytes) => bytes,
  decode: async (bytes) => bytes,
}

// ---------------------------------------------------------------------------------------------------------------
// keys

/**
 * A project id as a path segment: letters, digits, `_` and `-` are kept; every other character becomes `~` and two
 * hex digits per UTF-8 byte, so distinct ids never share a directory.
 */
export function sanitizeId(id: string): string {
  if (!id) throw new Error('empty project id')
  let out = ''
  for (const ch of id) {
    if (/[A-Za-z0-9_-]/.test(ch)) out += ch
    else for (const b of Buffer.from(ch, 'utf8')) out += '~' + b.toString(16).padStart(2, '0')
  }
  return out
}

export const projectDir = (projectId: string) => `project-${sanitizeId(projectId)}`
export const headKey = (projectId: string) => `${projectDir(projectId)}/metadata.json`
export const lockKey = (projectId: string) => `${projectDir(projectId)}/lock`
/** append-only repositories: each head is a new object, the highest generation is the current head */
export const headsPrefix = (projectId: string) => `${projectDir(projectId)}/heads/`
export const headGenerationKey = (projectId: string, generation: number) => `${headsPrefix(projectId)}${String(generation).padStart(12, '0')}.json`
export const HEAD_GENERATION = /\/heads\/(\d{12})\.json$/
export const eventsPrefix = (projectId: string) => `${projectDir(projectId)}/events/`
export const INDEX_KEY = 'global/backup-index.json'
export const INDEX_LOCK_KEY = 'global/lock'

/** Event files are named by seq and event hash, so a rewritten event never overwrites the file the head points at. */
export function eventFileName(seq: number, eventHash: string): string {
  return `events/${String(seq).padStart(6, '0')}-${eventHash.replace(/^sha256:/, '').slice(0, 12)}.json`
}

// ---------------------------------------------------------------------------------------------------------------
// hashing and encoding

export function coreOf(header: EventHeader): EventCore {
  const {pinned: _pinned, stats, ...rest} = header
  const {bytes: _bytes, ...coreStats} = stats
  return {...rest, stats: coreStats}
}

export function eventHashOf(core: EventCore, payload: EventPayload): string {
  // {header, payload} > payload > state > section > entry: hashed in pieces, never one whole-project string
  return canonicalDigest({header: core, payload}, CHUNK_DEPTH + 2).hash
}

export function encodeText(value: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(canonicalText(value), 'utf8'))
}

export function decodeText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
}

export function headChecksum(head: Omit<JournalHead, 'checksum'> & {checksum?: string}): string {
  const {checksum: _c, ...rest} = head
  return hashOf(rest)
}

export function emptyHead(projectId: string): JournalHead {
  const head = {format: HEAD_FORMAT, formatVersion: FORMAT_VERSION, projectId, project: null, nextSeq: 1, events: []} as const
  return {...head, events: [], checksum: headChecksum({...head, events: []})}
}

// ---------------------------------------------------------------------------------------------------------------
// the version written into events

let cachedVersion: string | undefined

/** This package's version, from the nearest package.json named @github-pm/plugin-backup above this module. */
export function toolVersion(): string {
  if (cachedVersion) return cachedVersion
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const file = path.join(dir, 'package.json')
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8'))
        if (pkg?.name === '@github-pm/plugin-backup' && typeof pkg.version === 'string') return (cachedVersion = pkg.version as string)
      } catch {
        // keep looking
      }
    }
    const up = path.dirname(dir)
    if (up === dir) break
    dir = up
  }
  return (cachedVersion = '0.0.0')
}
