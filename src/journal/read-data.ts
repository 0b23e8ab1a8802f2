import type {StorageBackend} from '../storage/backend.js'
import {KEY_RECORD_KEY} from '../storage/codec.js'
import {canonicalJson} from '../util/canonical.js'
import {checkBackupIndex} from './catalog.js'
import {
  type Codec,
  type HeadEntry,
  type JournalHead,
  INDEX_KEY,
  coreOf,
  decodeText,
  eventFileName,
  eventHashOf,
  headChecksum,
  headGenerationKey,
  headKey,
  projectDir,
} from './events.js'
import {readEventChecked, readHeadChecked} from './store.js'
import {readLooseEvent} from './strays.js'
import {mulberry32} from '../util/random.js'

/**
 * `backup validate --read-data[=PERCENT]`: every stored object that makes up a project's backups is downloaded,
 * decoded (decrypted, decompressed) and checked on its own, so that EVERY damaged object is named, not only the first
 * one a replay reaches. The objects: the key record and the backup index (always), the journal head (always), the
 * event files the head lists (up to `upto`), and, when the whole journal is validated, every other file in the
 * project's folder (superseded event files, the file of an interrupted backup, quarantine). Lock files are not data.
 *
 * With `percent` below 100 a random sample of the event files is read (the key record, index and head always are):
 * the sample is drawn from `seed`, so the same seed reads the same objects again.
 *
 * Each object's checks: the head's own checksum; a listed event file's sha256 (the head's fileHash), that it decodes,
 * that its header is the head's, its event hash (the head's eventHash, and the one in its file name) and its link to
 * the previous event listed (prevEventHash); an unlisted event file, that its content matches the hash in its name;
 * the backup index's checksum; that the key record parses. The chain's state hashes need a replay:
 * validateJournal (src/journal/validate.ts) does it.
 */

export interface ReadDataOptions {
  /** the seq of the newest event being validated (default: the whole journal) */
  upto?: number
  /** share of the event files read, in (0, 100] (default 100) */
  percent?: number
  /** the seed of the sample (default: a random one, reported) */
  seed?: number
}

export interface DamagedObject {
  key: string
  problem: string
  /** the backup the object holds, when it is a listed event file */
  seq?: number
  name?: string
}

export interface ReadDataReport {
  percent: number
  /** the sample's seed; null when every object was read */
  seed: number | null
  objects_total: number
  objects_read: number
  bytes_read: number
  damaged: DamagedObject[]
}

/** Lock files: the lock of a writer, never data (`…/lock`, `*.lock`). */
const isLockKey = (key: string) => /(^|\/)lock$/.test(key) || key.endsWith('.lock')

export async function readData(backend: StorageBackend, codec: Codec, projectId: string, options: ReadDataOptions = {}): Promise<ReadDataReport> {
  const percent = options.percent ?? 100
  if (!(percent > 0 && percent <= 100)) throw new RangeError(`percent must be in (0, 100], not ${percent}`)
  const sampled = percent < 100
  const seed = sampled ? (options.seed ?? randomSeed()) >>> 0 : null
  const damaged: DamagedObject[] = []
  let objectsRead = 0
  let bytesRead = 0
  // every read goes through here: what is reported is what was downloaded
  const counted: StorageBackend = {
    url: backend.url,
    get: async (key) => {
      const bytes = await backend.get(key)
      if (bytes) {
        objectsRead++
        bytesRead += bytes.length
      }
      return bytes
    },
    put: (key, data) => backend.put(key, data),
    delete: (key) => backend.delete(key),
    list: (prefix) => backend.list(prefix),
    lock: (key, opts) => backend.lock(key, opts),
    breakLock: (key) => backend.breakLock(key),
  }

  // the key record and the backup index: repository-wide, read every time
  const always: string[] = []
  const keyRecord = await counted.get(KEY_RECORD_KEY)
  if (keyRecord) {
    always.push(KEY_RECORD_KEY)
    try {
      const record = JSON.parse(decodeText(keyRecord))
      if (record?.format !== 'github-pm-key' || typeof record.wrapped !== 'string') throw new Error('not a key record')
    } catch {
      damaged.push({key: KEY_RECORD_KEY, problem: 'the key record is damaged'})
    }
  }
  const index = await counted.get(INDEX_KEY)
  if (index) {
    always.push(INDEX_KEY)
    // checked from the bytes just read (a backend that holds only them): one download per object
    const problem = await checkBackupIndex({...counted, get: async (key) => (key === INDEX_KEY ? index : undefined)}, codec)
    if (problem) damaged.push({key: INDEX_KEY, problem})
  }

  // the head: without it the listed files have nothing to be checked against
  const head = await readHeadChecked(counted, codec, projectId)
  // metadata.json, or in an append-only repository the newest head generation (heads/<generation>.json)
  const hKey = 'generation' in head && head.generation ? headGenerationKey(projectId, head.generation) : headKey(projectId)
  const dir = `${projectDir(projectId)}/`
  const stored = (await backend.list(dir)).filter((key) => !isLockKey(key) && key !== hKey)
  // a damaged head vouches for nothing: every file is then checked against the hash in its own name
  if ('problem' in head) damaged.push({key: hKey, problem: head.problem})
  else if (head.exists) always.push(hKey)

  const events = 'head' in head ? head.head.events : []
  const last = options.upto === undefined ? events.length - 1 : events.findIndex((e) => e.header.seq === options.upto)
  const listed = events.slice(0, last + 1)
  const listedKeys = new Map(listed.map((entry, i) => [`${dir}${entry.file}`, i]))
  // every listed file is in scope (a missing one is damage); unlisted files only when the whole journal is validated
  const unlisted = options.upto === undefined ? stored.filter((key) => !listedKeys.has(key)) : []
  const candidates = [...listedKeys.keys(), ...unlisted].sort()
  const chosen = sampled ? sample(candidates, percent, seed!) : candidates

  for (const key of chosen) {
    const at = listedKeys.get(key)
    if (at !== undefined) {
      const problem = await checkListed(counted, codec, projectId, listed[at], at === 0 ? null : listed[at - 1].eventHash)
      if (problem) damaged.push({key, problem, seq: listed[at].header.seq, name: listed[at].header.name})
    } else if (/\/heads\/\d+\.json$/.test(key)) {
      // an older head generation of an append-only repository: it must still be a whole, self-consistent head
      const problem = await checkOlderHead(counted, codec, key)
      if (problem) damaged.push({key, problem})
    } else if (/\/(events|quarantine)\//.test(key)) {
      const read = await readLooseEvent(counted, codec, key)
      if ('problem' in read) damaged.push({key, problem: `${key.split('/').pop()} ${read.problem}`})
    } else {
      // a file github-pm does not know: it must at least be readable
      const bytes = await counted.get(key)
      if (bytes) {
        try {
          await codec.decode(bytes, key)
        } catch (error: any) {
          damaged.push({key, problem: `cannot be read: ${error?.message ?? error}`})
        }
      }
    }
  }
  return {percent, seed, objects_total: always.length + candidates.length, objects_read: objectsRead, bytes_read: bytesRead, damaged}
}

/** What is wrong with an older head generation (append-only repositories): undefined when it reads and its checksum holds. */
async function checkOlderHead(backend: StorageBackend, codec: Codec, key: string): Promise<string | undefined> {
  const bytes = await backend.get(key)
  if (!bytes) return 'vanished while it was read'
  try {
    const head = JSON.parse(decodeText(await codec.decode(bytes, key))) as JournalHead
    if (typeof head?.checksum !== 'string' || headChecksum(head) !== head.checksum) return 'head checksum mismatch'
    return undefined
  } catch (error: any) {
    return `cannot be read: ${error?.message ?? error}`
  }
}

/** What is wrong with one listed event file, checked on its own against the head; undefined when it holds. */
async function checkListed(backend: StorageBackend, codec: Codec, projectId: string, entry: HeadEntry, prevHash: string | null): Promise<string | undefined> {
  const read = await readEventChecked(backend, codec, projectId, entry)
  if ('problem' in read) return read.problem
  const {header: core, payload} = read.record
  if (canonicalJson(core) !== canonicalJson(coreOf(entry.header))) return `event file ${entry.file}: its header differs from metadata.json`
  const hash = eventHashOf(core, payload)
  if (hash !== entry.eventHash || !entry.file.endsWith(eventFileName(core.seq, hash).slice('events/'.length))) return `event file ${entry.file}: event hash mismatch`
  if (core.prevEventHash !== prevHash) return `event file ${entry.file}: chain broken (prevEventHash does not match the previous event)`
  return undefined
}

/** ceil(percent% of the items), at least one, drawn without replacement from a generator seeded with `seed`. */
export function sample<T>(items: readonly T[], percent: number, seed: number): T[] {
  const want = Math.min(items.length, Math.max(items.length ? 1 : 0, Math.ceil((items.length * percent) / 100)))
  const pool = [...items]
  const random = mulberry32(seed)
  for (let i = 0; i < want; i++) {
    const j = i + Math.floor(random() * (pool.length - i))
    ;[pool[i], pool[j]] = [pool[j], pool[i]]
  }
  return pool.slice(0, want)
}


function randomSeed(): number {
  return Math.floor(Math.random() * 4_294_967_296)
}
