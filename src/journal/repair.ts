/**
 * `backup repair`: rebuilds a project's journal head (metadata.json) from its event files, which carry everything the
 * head holds about them (header, chain hash, payload). The newest chain that replays whole, from a first event
 * (prevEventHash null) to its tip, with every stateHash holding, becomes the journal; every other file is moved to the
 * quarantine folder. Nothing is ever deleted.
 */
import type {ProjectState} from '../model/state.js'
import type {LockOptions, StorageBackend} from '../storage/backend.js'
import {sha256} from '../util/canonical.js'
import {updateBackupIndex} from './catalog.js'
import {applyDeltaInPlace} from './diff.js'
import {canonicalDigest} from './json-stream.js'
import {type Codec, type EventRecord, FORMAT_VERSION, HEAD_FORMAT, type HeadEntry, eventsPrefix, lockKey, projectDir} from './events.js'
import {visibleView} from './sections.js'
import {readHeadChecked, writeHead} from './store.js'
import {findStrays, quarantine, quarantinePrefix, readLooseEvent, seqOfEventKey} from './strays.js'
import {validateJournal} from './validate.js'

export interface RepairReport {
  projectId: string
  /** 'rebuilt': a new head was written; 'unchanged': the head already listed every readable event file */
  outcome: 'rebuilt' | 'unchanged'
  /** backups the rebuilt head lists, oldest first */
  backups: string[]
  /** backups the old head did not list and the new one does */
  recovered: string[]
  /** files moved to the quarantine folder (keys), with why */
  quarantined: Array<{file: string; reason: string}>
}

interface Loose {
  key: string
  record: EventRecord
  eventHash: string
  bytes: Uint8Array
}

export async function repairJournal(backend: StorageBackend, codec: Codec, projectId: string, lock: LockOptions = {}): Promise<RepairReport> {
  const handle = await backend.lock(lockKey(projectId), {waitMs: 30_000, ...lock})
  try {
    return await repairLocked(backend, codec, projectId, lock)
  } finally {
    await handle.release()
  }
}

async function repairLocked(backend: StorageBackend, codec: Codec, projectId: string, lock: LockOptions): Promise<RepairReport> {
  const old = await readHeadChecked(backend, codec, projectId)
  const oldHead = 'head' in old && old.exists ? old.head : undefined
  const quarantined: RepairReport['quarantined'] = []
  // a whole head with nothing beyond it is left as it is: repair never rewrites a journal that needs no repair
  if (oldHead && (await findStrays(backend, codec, oldHead)).beyond.length === 0) {
    const report = await validateJournal(backend, codec, projectId)
    if (report.status === 'valid') {
      const names = oldHead.events.map((e) => e.header.name)
      return {projectId, outcome: 'unchanged', backups: names, recovered: [], quarantined}
    }
  }

  // every event file, in events/ and in quarantine/ (an earlier interrupted backup may belong to the chain)
  const byHash = new Map<string, Loose>()
  const keys = [...(await backend.list(eventsPrefix(projectId))), ...(await backend.list(quarantinePrefix(projectId)))]
  const unreadable: Array<{key: string; reason: string}> = []
  for (const key of keys) {
    if (seqOfEventKey(key) === undefined) continue
    const read = await readLooseEvent(backend, codec, key)
    if ('problem' in read) {
      unreadable.push({key, reason: read.problem})
      continue
    }
    if (read.record.header.projectId !== projectId) {
      unreadable.push({key, reason: `an event of project ${read.record.header.projectId}`})
      continue
    }
    const seen = byHash.get(read.eventHash)
    // the same event in events/ and in quarantine/: the copy in events/ is the one to keep
    if (!seen || seen.key.startsWith(quarantinePrefix(projectId))) byHash.set(read.eventHash, {key, ...read})
    else if (key !== seen.key) unreadable.push({key, reason: `a copy of ${seen.key.split('/').pop()}`})
  }

  const {chain, state: tipState} = newestWholeChain([...byHash.values()])
  const inChain = new Set(chain.map((l) => l.eventHash))
  const pinned = new Set((oldHead?.events ?? []).filter((e) => e.header.pinned).map((e) => e.eventHash))
  const listed = new Set((oldHead?.events ?? []).map((e) => e.eventHash))

  const events: HeadEntry[] = []
  for (const loose of chain) {
    let key = loose.key
    if (key.startsWith(quarantinePrefix(projectId))) {
      // back from quarantine into events/, under its own name
      key = `${eventsPrefix(projectId)}${key.split('/').pop()}`
      await backend.put(key, loose.bytes)
    }
    const header = {...loose.record.header, stats: {...loose.record.header.stats, bytes: loose.bytes.byteLength}}
    if (pinned.has(loose.eventHash)) (header as HeadEntry['header']).pinned = true
    events.push({header, file: key.slice(projectDir(projectId).length + 1), eventHash: loose.eventHash, fileHash: sha256(loose.bytes)})
  }

  const sameAsOld =
    oldHead !== undefined && oldHead.events.length === events.length && oldHead.events.every((e, i) => e.eventHash === events[i].eventHash && e.file === events[i].file)
  const maxSeq = Math.max(0, oldHead?.nextSeq ? oldHead.nextSeq - 1 : 0, ...keys.map((k) => seqOfEventKey(k) ?? 0))
  if (!sameAsOld) {
    const project = tipState
      ? {id: tipState.project.id, title: tipState.project.title, url: tipState.project.url, owner: tipState.project.owner.login}
      : oldHead?.project ?? null
    const head = await writeHead(backend, codec, {
      format: HEAD_FORMAT,
      formatVersion: FORMAT_VERSION,
      projectId,
      project,
      // seqs are never reused, not even those of quarantined files
      nextSeq: maxSeq + 1,
      events,
    })
    await updateBackupIndex(backend, codec, head, lock)
  }

  // everything in events/ that the head does not list goes to quarantine, with the reason
  for (const loose of byHash.values()) {
    if (inChain.has(loose.eventHash) || loose.key.startsWith(quarantinePrefix(projectId))) continue
    quarantined.push({file: await quarantine(backend, projectId, loose.key), reason: 'not on the newest whole chain'})
  }
  for (const bad of unreadable) {
    if (bad.key.startsWith(quarantinePrefix(projectId))) continue
    quarantined.push({file: await quarantine(backend, projectId, bad.key), reason: bad.reason})
  }
  for (const loose of chain) {
    if (loose.key.startsWith(quarantinePrefix(projectId))) await backend.delete(loose.key)
  }

  return {
    projectId,
    outcome: sameAsOld ? 'unchanged' : 'rebuilt',
    backups: events.map((e) => e.header.name),
    recovered: events.filter((e) => !listed.has(e.eventHash)).map((e) => e.header.name),
    quarantined,
  }
}

/**
 * The chain to keep: tried from the newest event backwards, the first whose links lead to a first event
 * (prevEventHash null) through events that are all present, and whose replay gives every event's stateHash.
 */
function newestWholeChain(loose: Loose[]): {chain: Loose[]; state?: ProjectState} {
  const byHash = new Map(loose.map((l) => [l.eventHash, l]))
  const tips = [...loose].sort((a, b) => b.record.header.seq - a.record.header.seq)
  for (const tip of tips) {
    const chain: Loose[] = [tip]
    for (let prev = tip.record.header.prevEventHash; prev !== null; ) {
      const at = byHash.get(prev)
      // a missing link, or seqs that do not go down (a loop): not a whole chain
      if (!at || at.record.header.seq >= chain[0].record.header.seq) {
        chain.length = 0
        break
      }
      chain.unshift(at)
      prev = at.record.header.prevEventHash
    }
    const state = chain.length ? replay(chain) : undefined
    if (state) return {chain, state}
  }
  return {chain: []}
}

/** The tip's chain state, or undefined when a patch does not apply or a stateHash does not hold. */
function replay(chain: Loose[]): ProjectState | undefined {
  let state: ProjectState | undefined
  try {
    for (const l of chain) {
      const payload = structuredClone(l.record.payload)
      if ('state' in payload) state = payload.state
      else if (!state) return undefined
      else state = applyDeltaInPlace(state, payload.delta ?? undefined)
      if (canonicalDigest(visibleView(state, l.record.header.type)).hash !== l.record.header.stateHash) return undefined
    }
  } catch {
    return undefined
  }
  return state
}
