import type {LockOptions, StorageBackend} from '../storage/backend.js'
import {readRepositoryPolicy} from '../storage/repository.js'
import {hashOf} from '../util/canonical.js'
import {type Codec, FORMAT_VERSION, INDEX_FORMAT, INDEX_KEY, INDEX_LOCK_KEY, type JournalHead, decodeText, encodeText, identityCodec} from './events.js'
import {readHeadChecked} from './store.js'

/**
 * global/backup-index.json: the projects a backend holds backups of, for `backup list` across projects. It is derived
 * data: every journal write refreshes its project's entry, and a missing or damaged index is rebuilt from the heads.
 */
export interface BackupIndexEntry {
  id: string
  title: string
  url: string
  owner: string
  events: number
  latest: {name: string; timestamp: string} | null
  /** stored bytes of all the project's event files */
  bytes: number
}

interface IndexFile {
  format: typeof INDEX_FORMAT
  formatVersion: number
  projects: BackupIndexEntry[]
  checksum: string
}

export function indexEntryOf(head: JournalHead): BackupIndexEntry {
  const last = head.events.at(-1)?.header
  return {
    id: head.projectId,
    title: head.project?.title ?? '',
    url: head.project?.url ?? '',
    owner: head.project?.owner ?? '',
    events: head.events.length,
    latest: last ? {name: last.name, timestamp: last.timestamp} : null,
    bytes: head.events.reduce((n, e) => n + e.header.stats.bytes, 0),
  }
}

async function readIndexFile(backend: StorageBackend, codec: Codec): Promise<BackupIndexEntry[] | undefined> {
  const stored = await backend.get(INDEX_KEY)
  if (!stored) return undefined
  try {
    const file = JSON.parse(decodeText(await codec.decode(stored, INDEX_KEY))) as IndexFile
    if (file?.format !== INDEX_FORMAT || !Array.isArray(file.projects)) return undefined
    const {checksum, ...rest} = file
    return hashOf(rest) === checksum ? file.projects : undefined
  } catch {
    return undefined
  }
}

/**
 * What is wrong with the stored index, or undefined when it is absent or sound. A damaged index is never trusted (it is
 * rebuilt from the journal heads), but `backup validate` still reports it: every stored file is checked.
 */
export async function checkBackupIndex(backend: StorageBackend, codec: Codec = identityCodec): Promise<string | undefined> {
  if (!(await backend.get(INDEX_KEY))) return undefined
  return (await readIndexFile(backend, codec)) ? undefined : `${INDEX_KEY} is damaged (checksum mismatch or unreadable); the next backup rebuilds it from the journal heads`
}

async function writeIndexFile(backend: StorageBackend, codec: Codec, projects: BackupIndexEntry[]): Promise<void> {
  const sorted = [...projects].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const rest = {format: INDEX_FORMAT, formatVersion: FORMAT_VERSION, projects: sorted}
  await backend.put(INDEX_KEY, await codec.encode(encodeText({...rest, checksum: hashOf(rest)})))
}

/** The index rebuilt from every project's journal head (damaged heads are skipped). */
export async function rebuildBackupIndex(backend: StorageBackend, codec: Codec = identityCodec): Promise<BackupIndexEntry[]> {
  const out: BackupIndexEntry[] = []
  const seen = new Set<string>()
  for (const key of await backend.list('')) {
    // metadata.json, or (append-only repositories) a head generation: one per project is enough to learn its id
    const dir = /^(project-[^/]+)\/(?:metadata\.json|heads\/\d{12}\.json)$/.exec(key)?.[1]
    if (!dir || seen.has(dir)) continue
    seen.add(dir)
    const stored = await backend.get(key)
    if (!stored) continue
    let projectId: string | undefined
    try {
      projectId = (JSON.parse(decodeText(await codec.decode(stored, key))) as JournalHead).projectId
    } catch {
      continue
    }
    if (typeof projectId !== 'string') continue
    const read = await readHeadChecked(backend, codec, projectId)
    if ('head' in read && read.head.events.length > 0) out.push(indexEntryOf(read.head))
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** The projects with backups; rebuilt from the journals when the index is missing or damaged. */
export async function readBackupIndex(backend: StorageBackend, codec: Codec = identityCodec): Promise<BackupIndexEntry[]> {
  return (await readIndexFile(backend, codec)) ?? rebuildBackupIndex(backend, codec)
}

/**
 * Refreshes one project's entry (removed when it has no events left), under the index lock. An append-only repository
 * keeps no index (it would be overwritten at every backup): readers rebuild it from the heads.
 */
export async function updateBackupIndex(backend: StorageBackend, codec: Codec, head: JournalHead, lock: LockOptions = {}, appendOnly?: boolean): Promise<void> {
  if (appendOnly ?? (await readRepositoryPolicy(backend)).appendOnly) return
  const handle = await backend.lock(INDEX_LOCK_KEY, {waitMs: 30_000, ...lock})
  try {
    const current = (await readIndexFile(backend, codec)) ?? (await rebuildBackupIndex(backend, codec))
    const others = current.filter((p) => p.id !== head.projectId)
    if (head.events.length > 0) others.push(indexEntryOf(head))
    await writeIndexFile(backend, codec, others)
  } finally {
    await handle.release()
  }
}
