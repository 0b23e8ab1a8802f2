import {readBackupIndex, updateBackupIndex} from '../journal/catalog.js'
import {type HeadEntry, type JournalHead, lockKey} from '../journal/events.js'
import {eventKey, readHead, writeHead} from '../journal/store.js'
import {type ValidationReport, validateJournal} from '../journal/validate.js'
import {isEncrypted, passphraseFromEnv} from '../storage/codec.js'
import {inTransaction} from '../storage/open.js'
import {openRepository} from '../storage/repository.js'
import {canonicalJson, sha256} from '../util/canonical.js'
import {UserError} from '../util/errors.js'
import type {Repository, Session} from './session.js'

/**
 * `backup copy`: replicates project journals to another storage location (the "2" and "1" of the 3-2-1 rule). Every
 * object is decoded with the source's codec and encoded with the target's, so a plain repository can be copied into
 * an encrypted one. Event files go first and metadata.json last (the commit point), all in one transaction (one git
 * commit `Copy: …`); then the copy is validated on the target. Event hashes do not depend on the codec, so every
 * copied backup rebuilds the same state (same stateHash) as the original.
 *
 * A target that already holds the project must hold an earlier stage of the same history (its events a prefix of
 * the source's): only the new events are written. A different history (say, after a cleanup on the source) is
 * refused unless `mirror`, which makes the target's journal exactly the source's.
 */
export interface CopyOptions {
  /** allow copying an encrypted repository into an unencrypted one (decrypting every backup) */
  allowUnencrypted?: boolean
  /**
   * make the target's journal exactly the source's even when their histories differ (after a cleanup on the source):
   * backups the source no longer has are removed from the target too
   */
  mirror?: boolean
}

export interface ProjectCopy {
  projectId: string
  title: string
  /** backups written to the target */
  copied: string[]
  /** backups the target already had (the same event) */
  present: number
  /** backups removed from the target because the source no longer has them (mirror only) */
  removed: string[]
  /** stored bytes written to the target (event files) */
  bytes: number
  /** validateJournal on the target after the copy */
  validation: ValidationReport
}

/**
 * Opens the target of a copy. It may have its own secret: GITHUB_PM_TO_PASSPHRASE (or GITHUB_PM_TO_PASSPHRASE_FILE)
 * and GITHUB_PM_TO_KEY_FILE, falling back to the usual GITHUB_PM_PASSPHRASE / _FILE / GITHUB_PM_KEY_FILE.
 * `backup.git.remote` is not applied to the target: give `?remote=` in its URL.
 */
export async function openCopyTarget(session: Session, url: string): Promise<Repository> {
  const env = session.env
  const passphrase = env.GITHUB_PM_TO_PASSPHRASE || (await passphraseFromEnv({GITHUB_PM_PASSPHRASE_FILE: env.GITHUB_PM_TO_PASSPHRASE_FILE})) || undefined
  return openRepository(url, env, {passphrase, keyFile: env.GITHUB_PM_TO_KEY_FILE || undefined})
}

/** Refuses a copy onto itself, and (unless allowed) an encrypted source into an unencrypted target. */
export async function checkCopy(source: Repository, target: Repository, options: CopyOptions = {}): Promise<void> {
  if (source.url === target.url) throw new UserError(`--to-storage is the same location as the source (${source.url}): copy to another storage location`)
  if (!options.allowUnencrypted && (await isEncrypted(source.backend)) && !(await isEncrypted(target.backend))) {
    throw new UserError(
      `${source.url} is encrypted but ${target.url} is not: run \`github-pm backup init --encrypt --storage ${target.url}\` first, or pass --allow-unencrypted`,
      {code: 'EENCRYPTED'},
    )
  }
}

/** Copies one project's journal (see the module comment) and validates the copy. */
export async function copyProject(source: Repository, target: Repository, projectId: string, options: CopyOptions = {}): Promise<ProjectCopy> {
  await checkCopy(source, target, options)
  const head = await readHead(source.backend, source.codec, projectId)
  if (head.events.length === 0) {
    throw new UserError(`${source.url} has no backups of project ${projectId}: run \`github-pm backup list --all --storage ${source.url}\``, {code: 'ENOTFOUND'})
  }
  const title = head.project?.title || projectId
  const message = `Copy: ${title} (${head.events.length} backups) from ${source.url}`
  const written = await inTransaction(target.backend, message, async (tx) => {
    const lock = await tx.lock(lockKey(projectId), {waitMs: 30_000})
    try {
      const existing = await readHead(tx, target.codec, projectId)
      if (!options.mirror) checkPrefix(existing, head, target.url)
      const there = new Map(existing.events.map((e) => [e.eventHash, e]))
      const entries: HeadEntry[] = []
      const copied: string[] = []
      let bytes = 0
      for (const entry of head.events) {
        const same = there.get(entry.eventHash)
        if (same) {
          // the target's file is already encoded with the target's codec; pins follow the source
          entries.push({...same, header: {...structuredClone(entry.header), stats: {...entry.header.stats, bytes: same.header.stats.bytes}}})
          continue
        }
        const encoded = await recode(source, target, projectId, entry)
        await tx.put(eventKey(projectId, entry), encoded)
        entries.push({...entry, fileHash: sha256(encoded), header: {...structuredClone(entry.header), stats: {...entry.header.stats, bytes: encoded.byteLength}}})
        copied.push(entry.header.name)
        bytes += encoded.byteLength
      }
      const files = new Set(entries.map((e) => e.file))
      const stale = existing.events.filter((e) => !files.has(e.file))
      const names = new Set(entries.map((e) => e.header.name))
      const next = {...head, events: entries, nextSeq: Math.max(head.nextSeq, existing.nextSeq)}
      if (canonicalJson(next.events) !== canonicalJson(existing.events) || next.nextSeq !== existing.nextSeq || !sameProject(next, existing)) {
        const committed = await writeHead(tx, target.codec, next)
        // after the commit point: the event files of backups the source no longer has (mirror)
        for (const e of stale) await tx.delete(eventKey(projectId, e))
        await updateBackupIndex(tx, target.codec, committed)
      }
      return {
        copied,
        present: entries.length - copied.length,
        removed: existing.events.filter((e) => !names.has(e.header.name)).map((e) => e.header.name),
        bytes,
      }
    } finally {
      await lock.release()
    }
  })
  const validation = await validateJournal(target.backend, target.codec, projectId)
  return {projectId, title, ...written, validation}
}

/** Copies every project the source holds backups of; one failure does not stop the others. */
export async function copyAll(
  source: Repository,
  target: Repository,
  options: CopyOptions = {},
): Promise<Array<{projectId: string; result?: ProjectCopy; error?: string}>> {
  await checkCopy(source, target, options)
  const out: Array<{projectId: string; result?: ProjectCopy; error?: string}> = []
  for (const entry of await readBackupIndex(source.backend, source.codec)) {
    try {
      out.push({projectId: entry.id, result: await copyProject(source, target, entry.id, options)})
    } catch (error) {
      out.push({projectId: entry.id, error: (error as Error).message})
    }
  }
  return out
}

/** The target's events must be the first events of the source's history (same event hashes, in order). */
function checkPrefix(existing: JournalHead, head: JournalHead, targetUrl: string): void {
  for (const [i, there] of existing.events.entries()) {
    const here = head.events[i]
    if (here?.eventHash === there.eventHash) continue
    const what = here ? `backup ${there.header.name} there differs from ${here.header.name} here` : `it has backup ${there.header.name}, which the source no longer has`
    throw new UserError(
      `${targetUrl} already holds a different history of project ${head.projectId} (${what}): pass --mirror to make it the source's, run the same \`backup cleanup\` on both first, or copy to an empty location`,
      {code: 'EDIVERGED'},
    )
  }
}

/** The stored bytes of an event re-encoded for the target, verified against the source head first. */
async function recode(source: Repository, target: Repository, projectId: string, entry: HeadEntry): Promise<Uint8Array> {
  const key = eventKey(projectId, entry)
  const damaged = (why: string) =>
    new UserError(`backup ${entry.header.name} of project ${projectId} in ${source.url} is damaged (${why}): run \`github-pm backup validate\`; it was not copied`, {
      code: 'ECORRUPT',
    })
  const stored = await source.backend.get(key)
  if (!stored) throw damaged(`event file ${entry.file} is missing`)
  if (sha256(stored) !== entry.fileHash) throw damaged(`event file ${entry.file} checksum mismatch`)
  return target.codec.encode(await source.codec.decode(stored, key))
}

function sameProject(a: Pick<JournalHead, 'project'>, b: Pick<JournalHead, 'project'>): boolean {
  return canonicalJson(a.project) === canonicalJson(b.project)
}
