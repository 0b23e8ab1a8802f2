/**
 * Shadow copies, the app side (docs/shadow-copies.md): when a backup makes one, which reference each event carries,
 * and when a shadow that no kept backup names is deleted. GitHub is reached through src/github/shadow.ts; nothing
 * here prints. A shadow is a bonus: no backup ever fails because of one (it warns and records nothing).
 */
import type {GitHubClient} from '../github/client.js'
import {isGitHubError} from '../github/errors.js'
import {checkShadow, deleteShadow, makeShadow, shadowExists, shadowFingerprint} from '../github/shadow.js'
import {decodeText, encodeText, projectDir, type EventHeader, type ShadowRef} from '../journal/events.js'
import type {ProjectState} from '../model/state.js'
import {inTransaction} from '../storage/open.js'
import {connect, journalFor, type Repository, type Session} from './session.js'

export {checkShadow, type ShadowCheck} from '../github/shadow.js'

/** Shadows are opt-in: `--shadow` (or `--no-shadow`) on a backup command, else config `backup.shadow_copies`. */
export function shadowsWanted(session: Session, flag?: boolean): boolean {
  if (flag !== undefined) return flag
  return session.config.get('backup.shadow_copies') === true
}

/** The newest shadow a project's journal records (the one the next event reuses when nothing changed). */
export function latestShadow(headers: EventHeader[]): ShadowRef | undefined {
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i].shadow) return headers[i].shadow
  return undefined
}

export interface ShadowOutcome {
  /** the reference the new event carries; absent when no shadow could be made or reused */
  ref?: ShadowRef
  /** a new shadow was made by this backup */
  created: boolean
  warning?: string
}

/** clients already told that their token cannot write projects: the scope warning is given once per run */
const warnedNoScope = new WeakSet<object>()

/**
 * Decides the shadow for a captured state: the newest recorded shadow when its fingerprint matches and it still
 * exists; otherwise a new copy. Never throws: a failure is a warning and no reference.
 */
export async function prepareShadow(
  session: Session,
  client: GitHubClient,
  headers: EventHeader[],
  state: ProjectState,
): Promise<ShadowOutcome> {
  const fingerprint = shadowFingerprint(state)
  if (!fingerprint) {
    return {created: false, warning: 'no shadow copy: a minimal backup does not read views or workflows (use --type config or full)'}
  }
  try {
    const previous = latestShadow(headers)
    // reusing needs only read access: a token without the `project` scope still names the shadow it already has
    if (previous && previous.fingerprint === fingerprint && (await shadowExists(client, previous.id))) return {ref: previous, created: false}
    if (warnedNoScope.has(client)) return {created: false}
    const now = session.now()
    const known = headers.flatMap((h) => (h.shadow ? [h.shadow.id] : []))
    const made = await makeShadow(client, {id: state.project.id, title: state.project.title, url: state.project.url}, {now, knownIds: known})
    return {ref: {...made, fingerprint, createdAt: now.toISOString()}, created: true}
  } catch (error) {
    if (isGitHubError(error, 'scopes') || isGitHubError(error, 'forbidden')) {
      warnedNoScope.add(client)
      return {
        created: false,
        warning: 'no shadow copy: shadows need a token that can write projects (the `project` scope); the backup itself is complete. Shadows are skipped for the rest of this run',
      }
    }
    return {created: false, warning: `no shadow copy: ${(error as Error).message}; the backup itself is complete`}
  }
}

/** A shadow made for a backup that then failed to be written: deleted again, best effort. */
export async function discardShadow(client: GitHubClient, outcome: ShadowOutcome): Promise<void> {
  if (outcome.created && outcome.ref) await deleteShadow(client, outcome.ref.id).catch(() => undefined)
}

// ---------------------------------------------------------------------------------------------------------------
// retention: a shadow is deleted once no kept backup names it

const PENDING_FORMAT = 'github-pm-shadow-deletes'
export const pendingShadowsKey = (projectId: string) => `${projectDir(projectId)}/shadows-pending.json`

export interface ShadowRelease {
  /** shadows deleted on GitHub (or found already gone) */
  deleted: ShadowRef[]
  /** shadows whose delete failed: kept in the pending list, tried again by the next cleanup or delete */
  failed: Array<{shadow: ShadowRef; error: string}>
  /** with dryRun: `deleted` lists the shadows that would be deleted */
  dryRun?: boolean
  /** releasing failed as a whole (the backups were removed all the same) */
  error?: string
}

async function readPending(repo: Repository, projectId: string): Promise<ShadowRef[]> {
  const key = pendingShadowsKey(projectId)
  const bytes = await repo.backend.get(key)
  if (!bytes) return []
  try {
    const doc = JSON.parse(decodeText(await repo.codec.decode(bytes, key))) as {format?: string; shadows?: ShadowRef[]}
    return doc.format === PENDING_FORMAT && Array.isArray(doc.shadows) ? doc.shadows : []
  } catch {
    return []
  }
}

async function writePending(repo: Repository, projectId: string, shadows: ShadowRef[]): Promise<void> {
  const key = pendingShadowsKey(projectId)
  await inTransaction(repo.backend, `Shadows: ${shadows.length} pending delete(s) of ${projectId}`, async (tx) => {
    if (shadows.length === 0) await tx.delete(key)
    else await tx.put(key, await repo.codec.encode(encodeText({format: PENDING_FORMAT, shadows})))
  })
}

/**
 * After backups were removed from a project's journal (cleanup, delete; the journal change is committed first):
 * deletes on GitHub every shadow that the removed backups named and no remaining backup names, plus those whose
 * delete failed before. A failure is reported, remembered and tried again next time; it never undoes the removal.
 * Undefined when there is nothing to do (no shadows involved).
 */
export async function releaseShadows(
  session: Session,
  repo: Repository,
  projectId: string,
  removed: EventHeader[],
  options: {dryRun?: boolean; client?: GitHubClient} = {},
): Promise<ShadowRelease | undefined> {
  const pending = await readPending(repo, projectId)
  const freed = removed.flatMap((h) => (h.shadow ? [h.shadow] : []))
  if (pending.length === 0 && freed.length === 0) return undefined
  const journal = await journalFor(session, repo, projectId)
  const current = journal.headers()
  // in a dry run the removed backups are still in the journal: what stays is what is not removed
  const removedSeqs = new Set(removed.map((h) => h.seq))
  const stillNamed = new Set(current.filter((h) => !(options.dryRun && removedSeqs.has(h.seq))).flatMap((h) => (h.shadow ? [h.shadow.id] : [])))
  const byId = new Map<string, ShadowRef>()
  for (const ref of [...pending, ...freed]) if (!stillNamed.has(ref.id)) byId.set(ref.id, ref)
  const candidates = [...byId.values()]
  if (options.dryRun) return candidates.length ? {deleted: candidates, failed: [], dryRun: true} : undefined
  const out: ShadowRelease = {deleted: [], failed: []}
  if (candidates.length > 0) {
    let client = options.client
    try {
      client ??= await connect(session)
    } catch (error) {
      for (const shadow of candidates) out.failed.push({shadow, error: `no GitHub connection: ${(error as Error).message}`})
    }
    if (client) {
      for (const shadow of candidates) {
        try {
          await deleteShadow(client, shadow.id)
          out.deleted.push(shadow)
        } catch (error) {
          out.failed.push({shadow, error: (error as Error).message})
        }
      }
    }
  }
  const left = out.failed.map((f) => f.shadow)
  const same = left.length === pending.length && left.every((r) => pending.some((p) => p.id === r.id))
  if (!same) await writePending(repo, projectId, left)
  return out.deleted.length || out.failed.length ? out : undefined
}

// ---------------------------------------------------------------------------------------------------------------
// validation: is every shadow the backups name still there and unchanged?

export interface ShadowStatus {
  shadow: ShadowRef
  state: 'ok' | 'missing' | 'edited' | 'unchecked'
  details: string
  /** the backups that name it */
  backups: string[]
}

/**
 * Checks every distinct shadow the given backups name (`backup validate`). Needs GitHub: without a usable token each
 * shadow is `unchecked`, with the reason. A shadow that is missing or edited is a warning with what to do, never
 * damage of the backups themselves (they hold everything the API reads).
 */
export async function checkShadows(session: Session, headers: EventHeader[], options: {client?: GitHubClient} = {}): Promise<ShadowStatus[]> {
  const byId = new Map<string, {shadow: ShadowRef; backups: string[]}>()
  for (const h of headers) {
    if (!h.shadow) continue
    const entry = byId.get(h.shadow.id) ?? {shadow: h.shadow, backups: []}
    entry.backups.push(h.name)
    byId.set(h.shadow.id, entry)
  }
  if (byId.size === 0) return []
  let client = options.client
  let reason: string | undefined
  try {
    client ??= await connect(session)
  } catch (error) {
    reason = `not checked: no GitHub connection (${(error as Error).message})`
  }
  const out: ShadowStatus[] = []
  for (const {shadow, backups} of byId.values()) {
    if (!client) {
      out.push({shadow, backups, state: 'unchecked', details: reason!})
      continue
    }
    try {
      const check = await checkShadow(client, shadow)
      out.push({shadow, backups, ...check})
    } catch (error) {
      out.push({shadow, backups, state: 'unchecked', details: `not checked: ${(error as Error).message}`})
    }
  }
  return out
}
