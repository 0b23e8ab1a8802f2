import type {BackupType, ProjectState} from '../model/state.js'
import {type LockOptions, type StorageBackend, createOnly, isObjectRetained} from '../storage/backend.js'
import {readRepositoryPolicy} from '../storage/repository.js'
import {sha256} from '../util/canonical.js'
import {UserError} from '../util/errors.js'
import {updateBackupIndex} from './catalog.js'
import {type Delta, applyDelta, applyDeltaInPlace, normalize, verifiedDelta, verifiedDeltaConsuming} from './diff.js'
import {canonicalDigest} from './json-stream.js'
import {
  HEAD_GENERATION,
  headsPrefix,
  CREATOR,
  type Codec,
  type EventCore,
  type EventHeader,
  type BackupOrigin,
  type EventPayload,
  type HeadEntry,
  type JournalHead,
  identityCodec,
  lockKey,
  toolVersion,
  type ShadowRef,
} from './events.js'
import {originOf, validateBackupName} from './names.js'
import {materialize, mergeCapture, stateStats, visibleView} from './sections.js'
import {type BuiltEvent, buildEvent, eventKey, readEvent, readHeadOrFail, writeHead} from './store.js'
import {readLooseEvent} from './strays.js'
import {findStrays, quarantine, straysError, type Strays} from './strays.js'
import {type ValidationReport, validateJournal} from './validate.js'

export interface KeyframePolicy {
  /** at most this many patch events follow a base before the next base (default 50) */
  maxChain: number
  /** a new base when the stored bytes of the patches since the last base would exceed this share of it (default 0.5) */
  maxPatchRatio: number
}

export interface JournalOptions {
  codec?: Codec
  keyframe?: Partial<KeyframePolicy>
  now?: () => Date
  /** the tool version written into events (default: this package's version) */
  version?: string
  /** options of the project lock taken around every write (default: wait up to 30 s) */
  lock?: LockOptions
  /** refresh global/backup-index.json after every write (default true; never in an append-only repository) */
  updateIndex?: boolean
  /**
   * write only new objects (default: as the repository's repository.json says): heads as new generations, event files
   * created only if absent, no index, nothing deleted or quarantined by a backup; cleanup/delete remove what they may.
   */
  appendOnly?: boolean
}

export interface AppendMeta {
  name: string
  type: BackupType
  /**
   * Stored in the event header. A function gets the previous backup (header and the state it materialises, a
   * read-only view of the journal's own copy) before the new state is diffed: callers summarise the change without
   * rebuilding a second whole copy of a large project.
   */
  summary?: unknown | ((previous: {header: EventHeader; state: ProjectState} | undefined) => unknown)
  /** who named it (default: not recorded; originOf infers it from the name) */
  origin?: BackupOrigin
  /** the shadow copy holding this state's views and workflows (stored in the header, hashed) */
  shadow?: ShadowRef
  /**
   * Store a full state whole (a base event) without replaying the journal to diff against it: the writer holds one
   * project, not two, and the event restores on its own. For a restore's safety backup (src/app/restore.ts). Ignored
   * for other types (a config or minimal backup keeps the items of the chain before it).
   */
  whole?: boolean
  /**
   * The chain state after the newest event, already replayed by the caller (takeChain) and handed over: used instead
   * of a second replay when that event is still the newest under the lock, else ignored. The journal patches it.
   */
  previous?: ChainHandoff
}

/** A replayed chain state and the hash of the event it follows, handed from one Journal to the next (takeChain). */
export interface ChainHandoff {
  eventHash: string
  /** emptied by the append that takes it */
  chain: ProjectState | undefined
}

export interface AppendResult {
  event: EventHeader
  /** the delta from the previous chain state (undefined for the first event or when nothing changed) */
  delta: Delta
  /** nothing in the captured sections changed since the previous event */
  unchanged: boolean
}

export interface CompactResult {
  removed: EventHeader[]
  bytesFreed: number
  /** files no longer needed that Object Lock still retains: left in place, removed by a later cleanup */
  retained?: Array<{key: string; until?: string}>
}

/** Opens the journal of one project on a backend (an empty journal when there are no backups yet). */
export async function openJournal(backend: StorageBackend, projectId: string, opts: JournalOptions = {}): Promise<Journal> {
  const journal = new Journal(backend, projectId, opts)
  await journal.reload()
  return journal
}

/**
 * The event-sourced history of one project: BASE events hold a whole state, PATCH events the jsondiffpatch delta from
 * the previous one. metadata.json (the head) lists the events with the hash of each event file and is the commit
 * point: event files are written first, the head last, so a crash leaves at most an orphan file that is ignored and
 * removed by the next write.
 */
export class Journal {
  readonly backend: StorageBackend
  readonly projectId: string
  private readonly codec: Codec
  private readonly policy: KeyframePolicy
  private readonly now: () => Date
  private readonly version: string
  private readonly lockOpts: LockOptions
  private readonly updateIndex: boolean
  private appendOnly: boolean | undefined
  /** append-only: the head generation read at the last reload */
  private generation = 0
  private head!: JournalHead
  /** whether metadata.json existed at the last reload */
  private headExists = false
  /** the chain state of the last event replayed */
  private cache: {seq: number; chain: ProjectState} | undefined

  constructor(backend: StorageBackend, projectId: string, opts: JournalOptions = {}) {
    if (!projectId) throw new Error('openJournal: empty project id')
    this.backend = backend
    this.projectId = projectId
    this.codec = opts.codec ?? identityCodec
    this.policy = {maxChain: opts.keyframe?.maxChain ?? 50, maxPatchRatio: opts.keyframe?.maxPatchRatio ?? 0.5}
    this.now = opts.now ?? (() => new Date())
    this.version = opts.version ?? toolVersion()
    this.lockOpts = {waitMs: 30_000, ...opts.lock}
    this.updateIndex = opts.updateIndex ?? true
    this.appendOnly = opts.appendOnly
  }

  /** Re-reads metadata.json (other processes may have written since). */
  async reload(): Promise<void> {
    this.appendOnly ??= (await readRepositoryPolicy(this.backend)).appendOnly
    const read = await readHeadOrFail(this.backend, this.codec, this.projectId)
    this.head = read.head
    this.headExists = read.exists
    this.generation = (read as {generation?: number}).generation ?? 0
  }

  /** The one-line error (as text) for backup files the head lost. */
  straysWarning(beyond: string[]): string {
    return straysError(this.head, this.headExists, beyond).message
  }

  /** Event files the head does not list, sorted by what may be done with them (src/journal/strays.ts). */
  async strays(): Promise<Strays> {
    return findStrays(this.backend, this.codec, this.head)
  }

  /** Every event, oldest first, as of the last reload (no I/O). */
  headers(): EventHeader[] {
    return this.head.events.map((e) => structuredClone(e.header))
  }

  /** Every event, oldest first, freshly read. */
  async list(): Promise<EventHeader[]> {
    await this.reload()
    return this.headers()
  }

  /** `latest`, an exact name, or a unique prefix of one. */
  find(nameOrLatest: string): EventHeader {
    return structuredClone(this.entryNamed(nameOrLatest, true).header)
  }

  /** The newest event taken at or before time. */
  at(time: Date): EventHeader {
    const t = time.getTime()
    if (Number.isNaN(t)) throw new UserError('the time to recover to is not a valid date: use ISO 8601, e.g. 2026-11-25T10:00:00Z')
    const events = this.chosen()
    const found = [...events].reverse().find((e) => Date.parse(e.header.timestamp) <= t)
    if (!found) {
      const oldest = events.reduce((a, b) => (Date.parse(b.header.timestamp) < Date.parse(a.header.timestamp) ? b : a))
      throw new UserError(
        `no backup of project ${this.projectId} at or before ${time.toISOString()}: the oldest is ${oldest.header.name} (${oldest.header.timestamp})`,
        {code: 'ENOTFOUND'},
      )
    }
    return structuredClone(found.header)
  }

  /** The state an event materialises: only the sections of its type. Replays from the nearest base at or before it. */
  async state(ref: number | Pick<EventHeader, 'seq'>): Promise<ProjectState> {
    const index = await this.indexOf(ref)
    const chain = await this.sharedChainAt(this.head.events, index)
    return materialize(chain, this.head.events[index].header.type)
  }

  /**
   * The state an event materialises, handed over: the journal keeps no copy (its cached replay goes to the caller),
   * so a caller that needs one state holds one project in memory, not two. For restore, show, export and the capture;
   * a caller reading several states of one journal in turn is better served by `state` (it replays from the cache).
   */
  async takeState(ref: number | Pick<EventHeader, 'seq'>): Promise<ProjectState> {
    const {chain, header} = await this.takeChain(ref)
    return visibleView(chain, header.type)
  }

  /**
   * The chain state after an event, handed over with the event's hash (see takeState). Given back to `append` as
   * `previous`, it spares the append a second replay when that event is still the newest.
   */
  async takeChain(ref: number | Pick<EventHeader, 'seq'>): Promise<{chain: ProjectState; eventHash: string; header: EventHeader}> {
    const index = await this.indexOf(ref)
    const entry = this.head.events[index]
    return {chain: await this.takeChainAt(this.head.events, index), eventHash: entry.eventHash, header: structuredClone(entry.header)}
  }

  /** The position of an event in the head (re-read once when it is not there: another process may have added it). */
  private async indexOf(ref: number | Pick<EventHeader, 'seq'>): Promise<number> {
    const seq = typeof ref === 'number' ? ref : ref.seq
    let index = this.head.events.findIndex((e) => e.header.seq === seq)
    if (index < 0) {
      await this.reload()
      index = this.head.events.findIndex((e) => e.header.seq === seq)
    }
    if (index < 0) throw new UserError(`project ${this.projectId} has no backup with sequence number ${seq}: run \`github-pm backup list\``, {code: 'ENOTFOUND'})
    return index
  }

  /**
   * Replays the whole journal ONCE, oldest first, calling visit with each event's header and the chain state after it
   * (every section as last captured: a config backup keeps the items of the full one before it). The state is patched
   * in place from one event to the next: read it during the call, never keep or modify it. For history and reports
   * that look at every backup without rebuilding each from its base.
   */
  async walk(visit: (header: EventHeader, chain: ProjectState) => void | Promise<void>): Promise<void> {
    const events = this.head.events
    this.cache = undefined
    let chain: ProjectState | undefined
    for (const entry of events) {
      const record = await readEvent(this.backend, this.codec, this.projectId, entry)
      chain = applyPayloadInPlace(chain, record.payload, entry.header)
      await visit(structuredClone(entry.header), chain)
    }
  }

  /** Appends one event for a captured state. */
  async append(state: ProjectState, meta: AppendMeta): Promise<AppendResult> {
    validateBackupName(meta.name)
    if (!['full', 'config', 'minimal'].includes(meta.type)) throw new UserError(`backup type "${meta.type}" is not known: use full, config or minimal`)
    if (state?.project?.id !== this.projectId) {
      throw new Error(`journal of project ${this.projectId} cannot store a state of project ${state?.project?.id}`)
    }
    return this.withLock(async () => {
      await this.reload()
      const events = this.head.events
      if (events.some((e) => e.header.name === meta.name)) {
        throw new UserError(`a backup named "${meta.name}" already exists for project ${this.projectId}: choose another name or delete that one first`, {code: 'EEXIST'})
      }
      await this.settleStrays()

      // The captured state is diffed as it is (a capture is already in canonical order), never copied: the chain
      // state to diff against is taken from the cache (or replayed) and patched in place by the verification, which
      // leaves it equal to the new chain state, owned by the journal, ready to be the cache for the next event.
      // a handoff is taken once: the append patches it in place, so a retried append must not meet it again
      const handed = meta.previous?.chain && events.at(-1)?.eventHash === meta.previous.eventHash ? meta.previous.chain : undefined
      if (meta.previous) meta.previous.chain = undefined
      // stored whole: a full state needs nothing of the chain before it, so none is replayed (one project in memory)
      const whole = meta.whole === true && meta.type === 'full'
      const prevChain = events.length > 0 && !whole ? (handed ?? (await this.takeChainAt(events, events.length - 1))) : undefined
      if (handed || whole) this.cache = undefined
      const chain = sortTopLevel(mergeCapture(prevChain && {...prevChain}, state, meta.type))
      // hashed and measured in pieces: never the whole project as one string (issue 14)
      const visible = canonicalDigest(visibleView(chain, meta.type))
      const last = events.at(-1)
      const summary =
        typeof meta.summary === 'function'
          ? meta.summary(last && prevChain ? {header: structuredClone(last.header), state: visibleView(prevChain, last.header.type)} : undefined)
          : meta.summary
      const core: EventCore = {
        seq: this.head.nextSeq,
        name: meta.name,
        kind: 'patch',
        timestamp: this.now().toISOString(),
        type: meta.type,
        creator: CREATOR,
        version: this.version,
        projectId: this.projectId,
        prevEventHash: last?.eventHash ?? null,
        stateHash: visible.hash,
        stats: stateStats(visibleView(chain, meta.type), visible.bytes),
        ...(summary === undefined ? {} : {summary: normalize(summary)}),
        ...(meta.origin ? {origin: meta.origin} : {}),
        ...(meta.shadow ? {shadow: normalize(meta.shadow) as ShadowRef} : {}),
      }

      let delta: Delta
      let unchanged = false
      let built
      let next: ProjectState | undefined
      if (prevChain) {
        const verified = verifiedDeltaConsuming(prevChain, chain)
        delta = verified.delta
        unchanged = verified.delta === undefined
        if (verified.ok) next = verified.patched as ProjectState
        if (verified.ok && !this.chainTooLong(events)) {
          const candidate = await buildEvent(this.codec, core, {delta: verified.delta ?? null})
          if (unchanged || !this.patchesTooHeavy(events, candidate.bytes.byteLength)) built = candidate
        }
      }
      if (!built) built = await buildEvent(this.codec, {...core, kind: 'base'}, {state: chain})
      const entry = await this.storeEvent(built)
      await this.commit({
        ...this.head,
        project: {id: state.project.id, title: state.project.title, url: state.project.url, owner: state.project.owner.login},
        nextSeq: this.head.nextSeq + 1,
        events: [...events, entry],
      })
      // the patched previous chain equals the new one and belongs to the journal; the captured state does not
      this.cache = next ? {seq: entry.header.seq, chain: next} : undefined
      return {event: structuredClone(entry.header), delta, unchanged}
    })
  }

  /**
   * Removes one event (exact name). Every other event still rebuilds byte-identically: its successor becomes a base
   * when the removed event was a base (or the first), otherwise its delta is recomputed from the new predecessor.
   */
  async delete(name: string, options: {force?: boolean} = {}): Promise<CompactResult> {
    return this.withLock(async () => {
      await this.reload()
      const target = this.entryNamed(name, false)
      if (target.header.pinned && !options.force) {
        throw new UserError(
          `backup ${target.header.name} is pinned: unpin it first (\`github-pm backup pin ${target.header.name} --unpin\`) or pass --force`,
          {code: 'EPINNED'},
        )
      }
      return this.rewrite(this.head.events.map((e) => e !== target))
    })
  }

  /**
   * Removes every event `keep` rejects, folding the chain as `delete` does; pinned events are always kept.
   * Returns the removed headers and the stored bytes freed.
   */
  async compact(keep: (header: EventHeader) => boolean): Promise<CompactResult> {
    return this.withLock(async () => {
      await this.reload()
      return this.rewrite(this.head.events.map((e) => e.header.pinned === true || keep(structuredClone(e.header))))
    })
  }

  /** Pins (cleanup never removes it) or unpins an event. */
  async pin(name: string, pinned: boolean): Promise<EventHeader> {
    return this.withLock(async () => {
      await this.reload()
      const target = this.entryNamed(name, false)
      const events = this.head.events.map((e) => {
        if (e !== target) return e
        const header = {...e.header}
        if (pinned) header.pinned = true
        else delete header.pinned
        return {...e, header}
      })
      await this.commit({...this.head, events})
      return structuredClone(events.find((e) => e.header.seq === target.header.seq)!.header)
    })
  }

  /** Replays the whole chain (or up to the named event) and checks every hash; names the first bad event. */
  async validate(name?: string): Promise<ValidationReport> {
    let upto: number | undefined
    if (name !== undefined) {
      await this.reload()
      upto = this.find(name).seq
    }
    return validateJournal(this.backend, this.codec, this.projectId, upto)
  }

  // -------------------------------------------------------------------------------------------------------------

  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const handle = await this.backend.lock(lockKey(this.projectId), this.lockOpts)
    try {
      return await fn()
    } finally {
      await handle.release()
    }
  }

  private async commit(head: Omit<JournalHead, 'checksum'>): Promise<void> {
    if (this.appendOnly) {
      this.head = await writeHead(this.backend, this.codec, head, {appendOnly: true, generation: this.generation + 1})
      this.generation++
      return // no index: it would be overwritten; readers rebuild it from the heads
    }
    this.head = await writeHead(this.backend, this.codec, head, {appendOnly: false})
    if (this.updateIndex) await updateBackupIndex(this.backend, this.codec, this.head, this.lockOpts, false)
  }

  /**
   * Writes an event file and returns its head entry. Append-only: created only if absent; a file already there under
   * the same name (a rewrite re-run after a crash) is adopted when its content is that event, never overwritten.
   */
  private async storeEvent(built: BuiltEvent, pinned?: boolean): Promise<HeadEntry> {
    const header: EventHeader = {...built.record.header, stats: {...built.record.header.stats, bytes: built.bytes.byteLength}}
    if (pinned) header.pinned = true
    const entry: HeadEntry = {...built.entry, header}
    const key = eventKey(this.projectId, entry)
    if (!this.appendOnly) {
      await this.backend.put(key, built.bytes)
      return entry
    }
    if (await createOnly(this.backend, key, built.bytes)) return entry
    const existing = await readLooseEvent(this.backend, this.codec, key)
    if (!('record' in existing) || existing.eventHash !== built.entry.eventHash) {
      throw new UserError(`${key} in ${this.backend.url} exists with other content and an append-only repository never overwrites: run \`github-pm backup validate\``, {code: 'ECORRUPT'})
    }
    return {...entry, fileHash: sha256(existing.bytes), header: {...header, stats: {...header.stats, bytes: existing.bytes.byteLength}}}
  }

  /**
   * After a rewrite: removes the files the new head no longer needs (superseded event files; in an append-only
   * repository also the older head generations). What Object Lock still retains stays and is returned.
   */
  private async removeSuperseded(): Promise<Array<{key: string; until?: string}>> {
    const doomed = [...(await this.strays()).superseded]
    if (this.appendOnly) {
      for (const key of await this.backend.list(headsPrefix(this.projectId))) {
        const m = HEAD_GENERATION.exec(key)
        if (m && Number(m[1]) < this.generation) doomed.push(key)
      }
    }
    const retained: Array<{key: string; until?: string}> = []
    for (const key of doomed) {
      try {
        await this.backend.delete(key)
      } catch (error) {
        if (!isObjectRetained(error)) throw error
        retained.push({key, ...(error.until ? {until: error.until.toISOString()} : {})})
      }
    }
    return retained
  }

  /**
   * The backups `latest` and `--at` choose from: those the user or a schedule made. A restore's own safety backups are
   * left out (restoring `latest` twice must not undo the first restore); they stay listed and restorable by name.
   */
  private chosen(): HeadEntry[] {
    const events = this.head.events
    if (events.length === 0) throw this.noBackups()
    const chosen = events.filter((e) => originOf(e.header) !== 'safety')
    if (chosen.length === 0) {
      throw new UserError(`project ${this.projectId} has only safety backups (${events.at(-1)!.header.name}, ...): name the one you mean`, {code: 'ENOTFOUND'})
    }
    return chosen
  }

  /** The newest safety backup a restore took, for `restore --undo`. */
  latestSafety(): EventHeader {
    const found = [...this.head.events].reverse().find((e) => originOf(e.header) === 'safety')
    if (!found) throw new UserError(`project ${this.projectId} has no safety backup: no restore has changed it yet, so there is nothing to undo`, {code: 'ENOTFOUND'})
    return structuredClone(found.header)
  }

  private noBackups(): UserError {
    return new UserError(`project ${this.projectId} has no backups in ${this.backend.url} yet: run \`github-pm backup create\` first`, {code: 'ENOTFOUND'})
  }

  private entryNamed(name: string, allowPrefix: boolean): HeadEntry {
    const events = this.head.events
    if (events.length === 0) throw this.noBackups()
    if (name === 'latest') return this.chosen().at(-1)!
    const exact = events.find((e) => e.header.name === name)
    if (exact) return exact
    if (allowPrefix && name.length > 0) {
      const matches = events.filter((e) => e.header.name.startsWith(name))
      if (matches.length === 1) return matches[0]
      if (matches.length > 1) {
        const names = matches.slice(0, 5).map((e) => e.header.name)
        throw new UserError(`"${name}" matches ${matches.length} backups of project ${this.projectId} (${names.join(', ')}${matches.length > 5 ? ', ...' : ''}): give more of the name`, {code: 'EAMBIGUOUS'})
      }
    }
    const closest = closestNames(name, events.map((e) => e.header.name))
    throw new UserError(
      `no backup named "${name}" for project ${this.projectId}; closest: ${closest.join(', ')} (run \`github-pm backup list\` to see all)`,
      {code: 'ENOTFOUND'},
    )
  }

  /** The chain state after events[index], replayed from the nearest base (or the cached replay). A fresh value. */
  private async chainAt(events: HeadEntry[], index: number): Promise<ProjectState> {
    return structuredClone(await this.sharedChainAt(events, index))
  }

  /** The chain state after events[index], kept as the cache: read it, never modify it. */
  private async sharedChainAt(events: HeadEntry[], index: number): Promise<ProjectState> {
    const chain = await this.takeChainAt(events, index)
    this.cache = {seq: events[index].header.seq, chain}
    return chain
  }

  /**
   * The chain state after events[index], handed over to the caller, who may modify it (the cache is emptied). Replays
   * from the nearest base, or from the cache when it lies on the way, patching ONE copy in place: rebuilding the 50th
   * patch after a base costs one parse of the base and 50 small patches, not 50 copies of the project.
   */
  private async takeChainAt(events: HeadEntry[], index: number): Promise<ProjectState> {
    let start = index
    while (start > 0 && events[start].header.kind !== 'base') start--
    let chain: ProjectState | undefined
    let from = start
    const cache = this.cache
    this.cache = undefined
    if (cache) {
      const cached = events.findIndex((e) => e.header.seq === cache.seq)
      if (cached >= start && cached <= index) {
        chain = cache.chain
        from = cached + 1
      }
    }
    for (let i = from; i <= index; i++) {
      const record = await readEvent(this.backend, this.codec, this.projectId, events[i])
      chain = applyPayloadInPlace(chain, record.payload, events[i].header)
    }
    return chain!
  }

  /**
   * Whether one more patch would exceed maxChain. Only patches that changed the state count (their stateHash differs
   * from the event before's): empty patches cost nothing to replay, and counting them would force a whole new base
   * (50,000 items) after a run of unchanged backups.
   */
  private chainTooLong(events: HeadEntry[]): boolean {
    let patches = 0
    for (let i = events.length - 1; i >= 0 && events[i].header.kind === 'patch'; i--) {
      if (i === 0 || events[i].header.stateHash !== events[i - 1].header.stateHash) patches++
    }
    return patches + 1 > this.policy.maxChain
  }

  private patchesTooHeavy(events: HeadEntry[], candidateBytes: number): boolean {
    let patchBytes = candidateBytes
    for (let i = events.length - 1; i >= 0; i--) {
      const h = events[i].header
      if (h.kind === 'base') return patchBytes > this.policy.maxPatchRatio * h.stats.bytes
      patchBytes += h.stats.bytes
    }
    return true
  }

  /**
   * Before a write: superseded copies are removed, the file of an interrupted backup is quarantined, and backups the
   * head lost stop the write (`backup repair` recovers them). Never deletes what the head has not deliberately dropped.
   */
  private async settleStrays(): Promise<void> {
    const strays = await this.strays()
    if (strays.beyond.length) throw straysError(this.head, this.headExists, strays.beyond)
    // append-only: nothing is moved or deleted here; an interrupted backup's file becomes superseded at the next commit
    // (its seq falls below nextSeq) and superseded files wait for `backup cleanup`
    if (this.appendOnly) return
    if (strays.interrupted) await quarantine(this.backend, this.projectId, strays.interrupted)
    for (const key of strays.superseded) await this.backend.delete(key)
  }

  /** Rewrites the journal keeping the events flagged in keep (see delete). */
  private async rewrite(keep: boolean[]): Promise<CompactResult> {
    const events = this.head.events
    const first = keep.indexOf(false)
    if (first < 0) return {removed: [], bytesFreed: 0}
    await this.settleStrays()
    const out: HeadEntry[] = events.slice(0, first)
    const removed: EventHeader[] = []
    const written: string[] = []
    let prevKept: {entry: HeadEntry; chain: ProjectState} | undefined =
      first > 0 ? {entry: events[first - 1], chain: await this.chainAt(events, first - 1)} : undefined
    let chain = prevKept?.chain
    let gap = false
    let gapHadBase = false
    let relink = false
    for (let i = first; i < events.length; i++) {
      const entry = events[i]
      const record = await readEvent(this.backend, this.codec, this.projectId, entry)
      chain = applyPayload(chain, record.payload, entry.header)
      if (!keep[i]) {
        removed.push(structuredClone(entry.header))
        gap = true
        if (entry.header.kind === 'base') gapHadBase = true
        relink = true
        continue
      }
      let core = record.header
      let payload: EventPayload = record.payload
      if (gap && core.kind === 'patch') {
        const verified = prevKept && !gapHadBase ? verifiedDelta(prevKept.chain, chain) : undefined
        if (verified?.ok) payload = {delta: verified.delta ?? null}
        else {
          core = {...core, kind: 'base'}
          payload = {state: chain!}
        }
      }
      let next = entry
      if (relink) {
        const built = await buildEvent(this.codec, {...core, prevEventHash: prevKept?.entry.eventHash ?? null}, payload)
        next = await this.storeEvent(built, entry.header.pinned)
        written.push(next.file)
      }
      out.push(next)
      prevKept = {entry: next, chain: chain!}
      gap = false
      gapHadBase = false
    }
    const before = events.reduce((n, e) => n + e.header.stats.bytes, 0)
    const after = out.reduce((n, e) => n + e.header.stats.bytes, 0)
    await this.commit({...this.head, events: out})
    // what the rewrite replaced or removed is now below nextSeq and unreferenced: superseded
    const retained = await this.removeSuperseded()
    if (this.cache && !out.some((e) => e.header.seq === this.cache!.seq)) this.cache = undefined
    return {removed, bytesFreed: before - after, ...(retained.length ? {retained} : {})}
  }
}

/** applyPayload for a replay that owns `chain` and the payload (freshly read): no copies. */
function applyPayloadInPlace(chain: ProjectState | undefined, payload: EventPayload, header: EventHeader): ProjectState {
  if ('state' in payload) return payload.state
  if (!chain) throw new UserError(`backup ${header.name} is a patch with no base before it: run \`github-pm backup validate\``, {code: 'ECORRUPT'})
  return applyDeltaInPlace(chain, payload.delta ?? undefined)
}

/** The same object with its top-level keys in sorted order (sections are already canonical). */
function sortTopLevel<T extends object>(value: T): T {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = (value as Record<string, unknown>)[key]
  return out as T
}

function applyPayload(chain: ProjectState | undefined, payload: EventPayload, header: EventHeader): ProjectState {
  if ('state' in payload) return structuredClone(payload.state)
  if (!chain) throw new UserError(`backup ${header.name} is a patch with no base before it: run \`github-pm backup validate\``, {code: 'ECORRUPT'})
  return applyDelta(chain, payload.delta ?? undefined)
}

/** Up to three names nearest to name (edit distance), for "did you mean". */
export function closestNames(name: string, names: string[], count = 3): string[] {
  return [...new Set(names)]
    .map((n) => ({n, d: editDistance(name.toLowerCase(), n.toLowerCase())}))
    .sort((a, b) => a.d - b.d || (a.n < b.n ? -1 : 1))
    .slice(0, count)
    .map((x) => x.n)
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]
}

