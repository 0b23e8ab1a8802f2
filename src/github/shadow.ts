/**
 * Shadow copies (docs/shadow-copies.md): GitHub keeps views' full configuration, workflows' configuration and
 * insights where no API reads them, and `copyProjectV2` is the one API that carries them ("views, custom fields, draft
 * issues and associated field values, configured workflows (except any auto-add workflows), and insights", GitHub docs
 * "Copying an existing project"). A shadow is such a copy, closed and private, made when a backup sees that what the
 * API CAN read of views, workflows and fields changed since the last shadow (the fingerprint below).
 *
 * This module talks to GitHub only: the fingerprint, making a shadow (ambiguity-safe), checking one, deleting one.
 * The app layer (src/app/shadow.ts) decides when, and records the reference in the journal.
 */
import {CREATABLE_FIELD_TYPES, type ProjectState} from '../model/state.js'
import {hashOf} from '../util/canonical.js'
import type {GitHubClient} from './client.js'
import {GitHubError, isGitHubError} from './errors.js'
import {listOwnerProjects} from './project-ref.js'

export const SHADOW_TITLE_PREFIX = '[backup] '

/** What the shadow's short description says (it is the only place a person browsing the owner's projects reads). */
export function shadowDescription(sourceUrl: string): string {
  return `Shadow copy made by github-pm backup of ${sourceUrl}: it holds that project's views, workflows and insights. Do not edit it; github-pm deletes it when no backup needs it.`
}

/** `[backup] <title> <YYYY-MM-DD>` (UTC date of `now`). */
export function shadowTitle(title: string, now: Date): string {
  return `${SHADOW_TITLE_PREFIX}${title} ${now.toISOString().slice(0, 10)}`
}

/** True for a project that looks like a shadow (by title): a cross-project backup leaves these alone. */
export function looksLikeShadow(project: {title: string; closed?: boolean}): boolean {
  return project.title.startsWith(SHADOW_TITLE_PREFIX) && project.closed !== false
}

/**
 * Auto-add workflows are not copied by copyProjectV2 (GitHub docs): they are left out of the fingerprint, or every
 * shadow of a project with one enabled would look edited.
 */
function isAutoAdd(name: string): boolean {
  return /^auto-add\b/i.test(name.trim())
}

/**
 * `sha256:` of the canonical, id-free form of what the API reads of a state's views (in order: name, layout, filter,
 * visible/sort/group fields by name), workflows (name and enabled, auto-add ones left out) and fields (name, type,
 * options by name/colour/description in order, iteration duration and start day). Ids and numbers are left out: a
 * copy gets new ones. Undefined when the state holds no views (a `minimal` backup): nothing to compare.
 */
export function shadowFingerprint(state: Pick<ProjectState, 'fields' | 'views' | 'workflows'>): string | undefined {
  if (!state.views) return undefined
  const fields = Object.values(state.fields)
    .map((f) => ({
      name: f.name,
      dataType: f.dataType,
      custom: CREATABLE_FIELD_TYPES.includes(f.dataType),
      options: f.options
        ? Object.values(f.options)
            .sort((a, b) => a.position - b.position)
            .map((o) => ({name: o.name, color: o.color, description: o.description}))
        : null,
      iteration: f.iteration ? {duration: f.iteration.duration, startDay: f.iteration.startDay} : null,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.dataType < b.dataType ? -1 : a.dataType > b.dataType ? 1 : 0))
  const views = Object.values(state.views)
    .sort((a, b) => a.number - b.number)
    .map((v) => ({name: v.name, layout: v.layout, filter: v.filter ?? null, visibleFields: v.visibleFields, sortBy: v.sortBy, groupBy: v.groupBy, verticalGroupBy: v.verticalGroupBy}))
  const workflows = Object.values(state.workflows ?? {})
    .filter((w) => !isAutoAdd(w.name))
    .map((w) => ({name: w.name, enabled: w.enabled}))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || Number(a.enabled) - Number(b.enabled))
  return hashOf({fields, views, workflows})
}

export const SHADOW_OWNER = `query ShadowSource($id: ID!) {
  node(id: $id) {
    __typename
    ... on ProjectV2 { id owner { __typename id ... on User { login } ... on Organization { login } } }
  }
}`

export const SHADOW_COPY = `mutation ShadowCopy($projectId: ID!, $ownerId: ID!, $title: String!) {
  copyProjectV2(input: {projectId: $projectId, ownerId: $ownerId, title: $title, includeDraftIssues: false}) {
    projectV2 { id number title url }
  }
}`

export const SHADOW_SEAL = `mutation ShadowSeal($projectId: ID!, $description: String!) {
  updateProjectV2(input: {projectId: $projectId, closed: true, public: false, shortDescription: $description}) {
    projectV2 { id closed public }
  }
}`

export const SHADOW_DELETE = `mutation ShadowDelete($projectId: ID!) {
  deleteProjectV2(input: {projectId: $projectId}) { projectV2 { id } }
}`

export const SHADOW_PROBE = `query ShadowProbe($id: ID!) {
  node(id: $id) {
    __typename
    ... on ProjectV2 { id title closed public }
  }
}`

/** Every GraphQL document this module sends (validated against GitHub's schema by the tests). */
export const SHADOW_DOCUMENTS = {SHADOW_OWNER, SHADOW_COPY, SHADOW_SEAL, SHADOW_DELETE, SHADOW_PROBE}

/** The shadow as made: what a ShadowRef records besides the fingerprint and the time. */
export interface MadeShadow {
  id: string
  number: number
  owner: string
  title: string
  url: string
}

/**
 * Copies a project into a closed, private shadow of the same owner. A copy whose answer is lost (ambiguous: 5xx,
 * dropped connection) is looked for by its title among the owner's projects (excluding `knownIds`, the shadows already
 * recorded) before the copy is sent once more (GITHUB-FACTS: ambiguous mutations). If sealing it (closed, private,
 * described) fails, the copy is deleted again and the error thrown: an open, unlabelled copy is never left behind
 * knowingly.
 */
export async function makeShadow(
  client: Pick<GitHubClient, 'graphql'>,
  source: {id: string; title: string; url: string},
  options: {now: Date; knownIds?: Iterable<string>},
): Promise<MadeShadow> {
  const node = (await client.graphql(SHADOW_OWNER, {id: source.id}))?.node
  const owner = node?.owner
  if (!owner?.id) throw new GitHubError('not-found', `project ${source.url} not found, or your token cannot see it`)
  const title = shadowTitle(source.title, options.now)
  const known = new Set(options.knownIds ?? [])
  let made: {id: string; number: number; title: string; url: string} | undefined
  for (let attempt = 0; attempt < 2 && !made; attempt++) {
    try {
      made = (await client.graphql(SHADOW_COPY, {projectId: source.id, ownerId: owner.id, title}))?.copyProjectV2?.projectV2
    } catch (error) {
      if (!isGitHubError(error, 'ambiguous') && !isGitHubError(error, 'network') && !isGitHubError(error, 'deadline')) throw error
      // the copy may exist: re-read before re-sending; the newest project of that title that no backup records yet
      const found = (await listOwnerProjects(client, owner.login))
        .filter((p) => p.title === title && !known.has(p.id))
        .sort((a, b) => b.number - a.number)[0]
      if (found) made = {id: found.id, number: found.number, title: found.title, url: found.url}
      else if (attempt === 1) throw error
    }
  }
  if (!made?.id) throw new GitHubError('graphql', `copyProjectV2 of ${source.url} answered no project`)
  try {
    await seal(client, made.id, shadowDescription(source.url))
  } catch (error) {
    await deleteShadow(client, made.id).catch(() => undefined)
    throw error
  }
  return {id: made.id, number: made.number, owner: owner.login, title: made.title, url: made.url}
}

/** updateProjectV2 is idempotent: an ambiguous answer is simply sent once more. */
async function seal(client: Pick<GitHubClient, 'graphql'>, projectId: string, description: string): Promise<void> {
  try {
    await client.graphql(SHADOW_SEAL, {projectId, description})
  } catch (error) {
    if (!isGitHubError(error, 'ambiguous')) throw error
    await client.graphql(SHADOW_SEAL, {projectId, description})
  }
}

/**
 * Deletes a shadow project. Already gone (not found) counts as deleted: `deleted: false` says so. A lost answer is
 * settled by asking whether the project still exists.
 */
export async function deleteShadow(client: Pick<GitHubClient, 'graphql'>, projectId: string): Promise<{deleted: boolean}> {
  try {
    await client.graphql(SHADOW_DELETE, {projectId})
    return {deleted: true}
  } catch (error) {
    if (isGitHubError(error, 'not-found') || notFoundInGraphql(error)) return {deleted: false}
    if (isGitHubError(error, 'ambiguous') && !(await exists(client, projectId))) return {deleted: true}
    throw error
  }
}

function notFoundInGraphql(error: unknown): boolean {
  return isGitHubError(error) && (error.errors ?? []).some((e) => e.type === 'NOT_FOUND')
}

async function exists(client: Pick<GitHubClient, 'graphql'>, id: string): Promise<boolean> {
  try {
    const node = (await client.graphql(SHADOW_PROBE, {id}))?.node
    return node?.__typename === 'ProjectV2'
  } catch (error) {
    if (isGitHubError(error, 'not-found') || notFoundInGraphql(error)) return false
    throw error
  }
}

/** True when the shadow project still exists (one cheap query); a shadow that someone deleted is never reused. */
export async function shadowExists(client: Pick<GitHubClient, 'graphql'>, id: string): Promise<boolean> {
  return exists(client, id)
}

export interface ShadowCheck {
  state: 'ok' | 'missing' | 'edited'
  /** one line a person can act on */
  details: string
}

/**
 * Is a recorded shadow still what it was when made? `missing`: deleted (or hidden from the token); `edited`: what the
 * API reads of its views, workflows and fields no longer matches the fingerprint recorded for it (someone changed
 * it, so what it holds beyond the API cannot be trusted either); `ok` otherwise. Reads the shadow's configuration
 * (a `config` capture: a few requests, no items).
 */
export async function checkShadow(
  client: Pick<GitHubClient, 'graphql' | 'rest'>,
  ref: {id: string; url: string; fingerprint: string},
): Promise<ShadowCheck> {
  if (!(await exists(client, ref.id))) {
    return {state: 'missing', details: `shadow ${ref.url} no longer exists (or the token cannot see it): views and workflows of the backups that name it can only be restored from what the API reads; the next backup with shadows on makes a fresh one`}
  }
  // the capture (and graphql with it) only here: `backup validate`, `cleanup` and `delete` reach this module, and
  // load it only when there is a shadow to check
  const {captureProject} = await import('./capture.js')
  const captured = await captureProject(client, ref.id, {type: 'config', dependencies: 'none'})
  const now = shadowFingerprint(captured.state)
  if (now !== ref.fingerprint) {
    return {
      state: 'edited',
      details: `shadow ${ref.url} was changed after it was made (its views, workflows or fields differ from the fingerprint recorded): do not trust it for a restore; delete it on GitHub and the next backup with shadows on makes a fresh one`,
    }
  }
  return {state: 'ok', details: `shadow ${ref.url} is as it was made`}
}
