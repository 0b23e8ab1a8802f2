import {createHash} from 'node:crypto'
import {createOnly, type StorageBackend} from '../storage/backend.js'
import {readRepositoryPolicy} from '../storage/repository.js'
import {canonicalText} from '../util/canonical.js'
import {CHUNK_DEPTH, JsonStreamParser, canonicalChunks, parseJsonBytes} from './json-stream.js'
import {sha256} from '../util/canonical.js'
import {UserError} from '../util/errors.js'
import {
  type Codec,
  EVENT_FORMAT,
  type EventCore,
  type EventPayload,
  type EventRecord,
  FORMAT_VERSION,
  HEAD_FORMAT,
  type HeadEntry,
  type JournalHead,
  decodeText,
  emptyHead,
  encodeText,
  eventFileName,
  HEAD_GENERATION,
  headChecksum,
  headGenerationKey,
  headKey,
  headsPrefix,
  projectDir,
} from './events.js'

/** Reading and writing journal files on a backend; every read is verified. */

/** `generation`: the head generation read (append-only repositories; 0 when there is none) */
export type HeadRead = {head: JournalHead; exists: boolean; generation?: number} | {problem: string}

/** The newest head generation of a project (append-only layout), 0 when there is none. */
export async function latestHeadGeneration(backend: StorageBackend, projectId: string): Promise<number> {
  let latest = 0
  for (const key of await backend.list(headsPrefix(projectId))) {
    const m = HEAD_GENERATION.exec(key)
    if (m) latest = Math.max(latest, Number(m[1]))
  }
  return latest
}

/**
 * The journal head of a project, or what is wrong with it: metadata.json, or in an append-only repository (which never
 * writes metadata.json) the newest head generation. A project with neither has an empty head.
 */
export async function readHeadChecked(backend: StorageBackend, codec: Codec, projectId: string): Promise<HeadRead> {
  let key = headKey(projectId)
  let stored = await backend.get(key)
  let generation: number | undefined
  if (!stored) {
    generation = await latestHeadGeneration(backend, projectId)
    if (generation === 0) return {head: emptyHead(projectId), exists: false, generation}
    key = headGenerationKey(projectId, generation)
    stored = await backend.get(key)
    if (!stored) return {problem: `head ${key} vanished while it was read`}
  }
  let head: JournalHead
  try {
    head = JSON.parse(decodeText(await codec.decode(stored, key))) as JournalHead
  } catch (error: any) {
    return {problem: `metadata.json cannot be read: ${error?.message ?? error}`}
  }
  if (!head || typeof head !== 'object' || head.format !== HEAD_FORMAT || !Array.isArray(head.events)) {
    return {problem: 'metadata.json is not a github-pm journal head'}
  }
  if (head.formatVersion > FORMAT_VERSION) {
    return {problem: `metadata.json has format version ${head.formatVersion}; this github-pm reads up to ${FORMAT_VERSION}: upgrade github-pm`}
  }
  if (typeof head.checksum !== 'string' || headChecksum(head) !== head.checksum) return {problem: 'metadata.json checksum mismatch'}
  if (head.projectId !== projectId) return {problem: `metadata.json belongs to project ${head.projectId}, not ${projectId}`}
  return generation === undefined ? {head, exists: true} : {head, exists: true, generation}
}

export async function readHead(backend: StorageBackend, codec: Codec, projectId: string): Promise<JournalHead> {
  return (await readHeadOrFail(backend, codec, projectId)).head
}

/** The head and whether metadata.json exists; a damaged head is a one-line error. */
export async function readHeadOrFail(backend: StorageBackend, codec: Codec, projectId: string): Promise<{head: JournalHead; exists: boolean}> {
  const read = await readHeadChecked(backend, codec, projectId)
  if ('problem' in read) {
    throw new UserError(
      `the backup journal of project ${projectId} in ${backend.url} is damaged (${read.problem}): run \`github-pm backup validate\``,
      {code: 'ECORRUPT'},
    )
  }
  return read
}

export interface WriteHeadOptions {
  /** the repository is append-only (default: as its repository.json says) */
  appendOnly?: boolean
  /** append-only: the generation to create (default: the newest stored + 1) */
  generation?: number
}

/**
 * Writes the head atomically: the commit point of every journal change. In an append-only repository the head is a
 * NEW object, the next generation, created only if absent (a concurrent writer that got there first is an error,
 * never overwritten).
 */
export async function writeHead(backend: StorageBackend, codec: Codec, head: Omit<JournalHead, 'checksum'>, options: WriteHeadOptions = {}): Promise<JournalHead> {
  const {checksum: _old, ...rest} = head as JournalHead
  const full: JournalHead = {...rest, checksum: headChecksum(rest)}
  const appendOnly = options.appendOnly ?? (await readRepositoryPolicy(backend)).appendOnly
  const bytes = await codec.encode(encodeText(full))
  if (!appendOnly) {
    await backend.put(headKey(head.projectId), bytes)
    return full
  }
  const generation = options.generation ?? (await latestHeadGeneration(backend, head.projectId)) + 1
  const key = headGenerationKey(head.projectId, generation)
  if (!(await createOnly(backend, key, bytes))) {
    throw new UserError(`${key} in ${backend.url} was written by another process meanwhile: run the command again`, {code: 'ECONFLICT'})
  }
  return full
}

export interface BuiltEvent {
  entry: Omit<HeadEntry, 'header'>
  bytes: Uint8Array
  record: EventRecord
}

/**
 * Encodes an event file; nothing is written. The record is rendered in pieces (canonicalChunks: one per item of a
 * state) that feed the event hash and the codec as they are made: a 50,000-item base is never one string or one
 * uncompressed buffer. The plain text is byte-identical to canonicalJson(record).
 */
export async function buildEvent(codec: Codec, core: EventCore, payload: EventPayload): Promise<BuiltEvent> {
  const record: EventRecord = {format: EVENT_FORMAT, formatVersion: FORMAT_VERSION, header: core, payload}
  const coreJson = canonicalText(core)
  // keys in canonical order: format < formatVersion < header < payload
  const hash = createHash('sha256').update(`{"header":${coreJson},"payload":`, 'utf8')
  function* plain(): Generator<string> {
    yield `{"format":${JSON.stringify(EVENT_FORMAT)},"formatVersion":${JSON.stringify(FORMAT_VERSION)},"header":${coreJson},"payload":`
    // payload > state > section > entry
    for (const chunk of canonicalChunks(payload, CHUNK_DEPTH + 1)) {
      hash.update(chunk, 'utf8')
      yield chunk
    }
    hash.update('}', 'utf8')
    yield '}'
  }
  const bytes = codec.encodeChunks ? await codec.encodeChunks(plain()) : await codec.encode(joinUtf8([...plain()]))
  const eventHash = 'sha256:' + hash.digest('hex')
  return {entry: {file: eventFileName(core.seq, eventHash), eventHash, fileHash: sha256(bytes)}, bytes, record}
}

/** The UTF-8 bytes of the concatenated parts, in one buffer (no joined string). */
function joinUtf8(parts: string[]): Uint8Array {
  const lengths = parts.map((p) => Buffer.byteLength(p, 'utf8'))
  const out = Buffer.allocUnsafeSlow(lengths.reduce((a, b) => a + b, 0))
  let at = 0
  parts.forEach((p, i) => {
    out.write(p, at, 'utf8')
    at += lengths[i]
  })
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

export function eventKey(projectId: string, entry: Pick<HeadEntry, 'file'>): string {
  return `${projectDir(projectId)}/${entry.file}`
}

export type EventRead = {record: EventRecord} | {problem: string; checksum: boolean}

/** An event file, verified against the head's file hash, or what is wrong with it. */
export async function readEventChecked(backend: StorageBackend, codec: Codec, projectId: string, entry: HeadEntry): Promise<EventRead> {
  const key = eventKey(projectId, entry)
  const stored = await backend.get(key)
  if (!stored) return {problem: `event file ${entry.file} is missing`, checksum: true}
  if (sha256(stored) !== entry.fileHash) return {problem: `event file ${entry.file} checksum mismatch`, checksum: true}
  let record: EventRecord
  try {
    // parsed member by member as it is decompressed: a base event is never one string or one buffer
    // (src/journal/json-stream.ts)
    if (codec.decodeChunks) {
      const parser = new JsonStreamParser()
      await codec.decodeChunks(stored, key, (piece) => parser.push(piece))
      record = parser.end() as EventRecord
    } else record = parseJsonBytes(await codec.decode(stored, key)) as EventRecord
  } catch (error: any) {
    return {problem: `event file ${entry.file} cannot be read: ${error?.message ?? error}`, checksum: false}
  }
  if (!record || record.format !== EVENT_FORMAT || !record.header || !record.payload) {
    return {problem: `event file ${entry.file} is not a github-pm journal event`, checksum: false}
  }
  return {record}
}

export async function readEvent(backend: StorageBackend, codec: Codec, projectId: string, entry: HeadEntry): Promise<EventRecord> {
  const read = await readEventChecked(backend, codec, projectId, entry)
  if ('problem' in read) {
    throw new UserError(
      `backup ${entry.header.name} of project ${projectId} is damaged (${read.problem}): run \`github-pm backup validate\``,
      {code: 'ECORRUPT'},
    )
  }
  return read.record
}
