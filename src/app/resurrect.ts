/**
 * Resurrection: a project that was deleted (or `--to new:OWNER`) is rebuilt from its backup. GitHub's API cannot
 * read or write what makes a project's views and workflows its own (a view's hidden UI configuration, a workflow's
 * configuration and enabling), and deleting a project is permanent. `copyProjectV2` copies views, custom fields and
 * configured workflows (auto-add aside) and insights, but no items, collaborators or links: a backup that has a
 * SHADOW (a copy of the project made at backup time, holding its views and workflows) is restored by copying the
 * shadow, then letting the usual plan make the copy equal to the backup (title, settings, fields and options by
 * name, items, values, archive, links, status updates). Without a shadow the restore creates an empty project and
 * says what it could not bring back.
 *
 * This module decides whether the shadow can be used, copies it (re-reading before re-sending when the answer to the
 * copy is lost), and describes the copy as a live state for the dry-run plan. It never prints.
 */
import type {GitHubClient} from '../github/client.js'
import {captureProject} from '../github/capture.js'
import {listOwnerProjects, PROJECT_FIELDS, toProjectInfo, type ProjectInfo} from '../github/project-ref.js'
import type {EventHeader, ShadowRef} from '../journal/events.js'
import type {ProjectState} from '../model/state.js'
import {UserError} from '../util/errors.js'

export type {ShadowRef}

export type ShadowState = 'ok' | 'missing' | 'edited'

export interface ShadowCheck {
  state: ShadowState
  details: string[]
}

/** How a shadow is checked: the backup side's `checkShadow(client, ref)` (src/github/shadow.ts); tests pass their own. */
export type CheckShadow = (client: GitHubClient, ref: ShadowRef) => Promise<{state: ShadowState; details?: string[] | string}>

/** What a restore did with the backup's shadow: reported by the restore (text and --json). */
export interface Resurrection {
  /** the backup's shadow, or null when the backup has none; `details` are the check's own words */
  shadow: {url: string; id: string; state: ShadowState; details: string[]} | null
  /** true when the new project is a copy of the shadow */
  used: boolean
  /** why the shadow was not used, or what to know about it (edited since the backup) */
  note: string | null
  /** what this restore cannot bring back, in words a user acts on */
  notRestorable: string[]
}

/** The shadow recorded in a backup's header, when there is one. */
export function shadowOf(header: EventHeader | undefined): ShadowRef | undefined {
  const ref = header?.shadow
  return ref && typeof ref.id === 'string' && typeof ref.url === 'string' ? ref : undefined
}

/** What no restore brings back, with a shadow or without. */
const COLLABORATORS = "the project's collaborators (no API reads them): add them again in the project's settings"

/** What even a shadow does not bring back. */
const NOT_IN_SHADOW = [COLLABORATORS, 'auto-add workflows (copyProjectV2 does not copy them): set them up again by hand']

/** What only a shadow holds: lost when the restore starts from an empty project. */
const ONLY_IN_SHADOW = [
  "views' hidden configuration (column widths, field sums, slice-by, board column limits): only the view settings the API reads are recreated",
  "workflows' configuration, auto-add ones included: the built-in workflows are as GitHub makes them; enable and configure them by hand",
  'insights charts: recreate them by hand',
  COLLABORATORS,
]

/**
 * Decides what a restore into a new project does with the backup's shadow: `ok` → copy it; `missing` → an empty
 * project, and the note says so; `edited` (someone changed the shadow after the backup: what it holds beyond the API
 * may no longer be the backup's) → an empty project unless `useEdited` (`--use-edited-shadow`): then it is copied all
 * the same (it is the only place views' hidden configuration and workflows live; the plan makes fields, settings and
 * items equal to the backup and names each view that differs), with a note.
 */
export async function decideResurrection(
  client: GitHubClient,
  ref: ShadowRef | undefined,
  check: CheckShadow,
  settings: {useEdited?: boolean} = {},
): Promise<Resurrection> {
  if (!ref) {
    return {shadow: null, used: false, note: 'the backup has no shadow project', notRestorable: [...ONLY_IN_SHADOW]}
  }
  const result = await check(client, ref)
  const details = typeof result.details === 'string' ? [result.details] : [...(result.details ?? [])]
  const shadow = {url: ref.url, id: ref.id, state: result.state, details}
  if (result.state === 'missing') {
    return {
      shadow,
      used: false,
      note: `the backup's shadow ${ref.url} is gone: starting from an empty project`,
      notRestorable: [...ONLY_IN_SHADOW],
    }
  }
  if (result.state === 'edited' && !settings.useEdited) {
    return {
      shadow,
      used: false,
      note:
        `the backup's shadow ${ref.url} was changed since the backup: ` +
        'starting from an empty project; to start from the shadow as it is now, run again with --use-edited-shadow',
      notRestorable: [...ONLY_IN_SHADOW],
    }
  }
  const note =
    result.state === 'edited'
      ? `the backup's shadow ${ref.url} was changed since the backup: ` +
        'its views and workflows are copied as they are now (--use-edited-shadow); the plan names each view that differs from the backup'
      : null
  return {shadow, used: true, note, notRestorable: [...NOT_IN_SHADOW]}
}

/** The title a copy carries until the plan renames it: recognisable, so a copy whose answer was lost is found again. */
export function copyTitle(title: string, backupName: string): string {
  return `${title} (restoring ${backupName})`
}

const COPY_PROJECT = `mutation RestoreCopyShadow($input: CopyProjectV2Input!) {
  copyProjectV2(input: $input) { projectV2 {${PROJECT_FIELDS}} }
}`

/**
 * Copies the shadow into a new project of `owner` titled `copyTitle(...)`, without its drafts (the backup's drafts
 * come back from the backup, with their values). A copy an earlier run made (killed before recording it) or whose
 * answer was lost is found by its title and used instead of copying twice.
 */
export async function copyShadow(
  client: GitHubClient,
  owner: {login: string},
  ref: ShadowRef,
  title: string,
): Promise<ProjectInfo> {
  const existing = async () => (await listOwnerProjects(client, owner.login)).find((p) => p.title === title)
  const earlier = await existing()
  if (earlier) return earlier
  const data = await client.graphql<any>(`query RestoreOwnerId($login: String!) { repositoryOwner(login: $login) { id } }`, {login: owner.login})
  const ownerId = data?.repositoryOwner?.id
  if (!ownerId) throw new UserError(`owner ${owner.login} not found, or your token cannot see it`, {code: 'ENOTFOUND'})
  try {
    const copied = await client.graphql<any>(COPY_PROJECT, {input: {projectId: ref.id, ownerId, title, includeDraftIssues: false}})
    return toProjectInfo(copied.copyProjectV2.projectV2)
  } catch (error) {
    // the copy may have been made: re-read before anything is sent again
    const made = await existing().catch(() => undefined)
    if (made) return made
    throw error
  }
}

/**
 * The dry-run's picture of the copy to be made: the shadow's fields, views and workflows and its description and
 * readme, without items, links or status updates (copyProjectV2 copies none), titled and owned as the copy will be.
 * The apply plans again against the real copy.
 */
export async function shadowAsCopy(client: GitHubClient, ref: ShadowRef, owner: ProjectState['project']['owner'], title: string): Promise<ProjectState> {
  const shadow = (await captureProject(client, ref.id, {type: 'config'})).state
  return {
    ...shadow,
    type: 'full',
    project: {...shadow.project, id: 'new', number: 0, url: '', owner, title, public: false, closed: false, template: false},
    repositories: [],
    teams: [],
    statusUpdates: {},
    items: {},
    itemOrder: [],
    milestones: {},
  }
}
