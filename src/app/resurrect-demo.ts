/**
 * The demo's resurrection step (issue 17): a backup with a shadow copy, the project DELETED (deleteProjectV2), and a
 * plain `restore` that rebuilds it from the shadow and the backup; the proof compares what a user sees (fields, items,
 * values, views, workflows) and, through the sandbox's inspection route (not GitHub's API), what only the web UI
 * holds (views' hidden configuration, workflows' configuration, insights). Nothing prints.
 */
import type {GitHubClient} from '../github/client.js'
import {captureProject} from '../github/capture.js'
import type {ProjectInfo} from '../github/project-ref.js'
import {normalizeState} from '../model/normalize.js'
import type {ProjectState} from '../model/state.js'
import {canonicalJson} from '../util/canonical.js'
import {runBackup} from './backup.js'
import {applyRestore, prepareRestore} from './restore.js'
import {journalFor, type Repository, type Session} from './session.js'

export interface ResurrectionDemo {
  session: Session
  client: GitHubClient
  repo: Repository
  project: ProjectInfo
  /** the sandbox's URL: its `/_sandbox/projects/{id}/ui` route shows what only the web UI holds */
  sandboxUrl: string
  token: string
  say: (step: {step: string; text: string; data?: unknown}) => void
}

/** Deletes the demo project and rebuilds it; true when the rebuilt project equals the backup (auto-add aside). */
export async function demoResurrection(d: ResurrectionDemo): Promise<{equal: boolean; url: string | null}> {
  const {session, client, repo, project, say} = d
  const backup = await runBackup(session, client, repo, {project, name: 'before-deletion', shadow: true})
  const shadow = backup.event.shadow
  const uiBefore = await uiOf(d, project.id)
  await client.graphql(`mutation DemoDeleteProject($input: DeleteProjectV2Input!) { deleteProjectV2(input: $input) { projectV2 { id } } }`, {
    input: {projectId: project.id},
  })
  say({
    step: 'delete',
    text: `backup before-deletion${shadow ? ` with shadow copy ${shadow.url}` : ' (no shadow copy could be made)'}; then project ${project.url} was DELETED (deleteProjectV2 is permanent)`,
    data: {shadow},
  })
  const prepared = await prepareRestore(session, client, repo, {backup: 'before-deletion', project: project.id, diff: {}})
  const outcome = await applyRestore(session, client, repo, prepared)
  const journal = await journalFor(session, repo, project.id)
  const desired = await journal.takeState(journal.find('before-deletion'))
  const rebuilt = (await captureProject(client, outcome.target.id)).state
  const uiAfter = await uiOf(d, outcome.target.id)
  const sameState = seen(rebuilt) === seen(desired)
  const sameUi = uiBefore !== null && canonicalJson(withoutAutoAdd(uiAfter)) === canonicalJson(withoutAutoAdd(uiBefore))
  const equal = outcome.record.status === 'done' && sameState && sameUi
  const r = outcome.resurrection
  say({
    step: 'resurrect',
    text:
      `restore before-deletion rebuilt it as ${outcome.target.url}${r?.used ? ` from the shadow ${r.shadow?.url}` : ' from an empty project'} ` +
      `(${outcome.result.applied} operations): ${equal ? 'fields, items, values, views (hidden configuration included), workflows and insights equal the backup' : 'differences remain'}; ` +
      `not brought back: ${(r?.notRestorable ?? []).map((n) => n.split(' (')[0].split(':')[0]).join(', ')}`,
    data: {resurrection: r, sameState, sameUi, warnings: outcome.plan.warnings},
  })
  return {equal, url: outcome.target.url}
}

/** What a user sees of a project, the auto-add workflow aside (copyProjectV2 never copies one: reported). */
function seen(state: ProjectState): string {
  const s = structuredClone(state)
  for (const [k, w] of Object.entries(s.workflows ?? {})) if (/^auto-add\b/i.test(w.name)) delete s.workflows![k]
  return canonicalJson(normalizeState(s))
}

/** The sandbox's inspection route (NOT GitHub's API: only the sandbox can show what the web UI holds). */
async function uiOf(d: ResurrectionDemo, id: string): Promise<Record<string, unknown> | null> {
  const res = await fetch(`${d.sandboxUrl}/_sandbox/projects/${encodeURIComponent(id)}/ui`, {headers: {authorization: `bearer ${d.token}`}})
  if (!res.ok) return null
  const body = (await res.json()) as Record<string, unknown>
  return {views: body.views, workflows: body.workflows, insights: body.insights}
}

function withoutAutoAdd(ui: Record<string, unknown> | null): unknown {
  if (!ui) return null
  const workflows = (ui.workflows as Array<{name: string; enabled: boolean; config: unknown}> | undefined) ?? []
  const views = (ui.views as Array<{name: string; uiConfig: unknown}> | undefined) ?? []
  return {
    views: views.map((v) => ({name: v.name, uiConfig: v.uiConfig})),
    workflows: workflows.filter((w) => !/^auto-add\b/i.test(w.name)).map((w) => ({name: w.name, enabled: w.enabled, config: w.config})),
    insights: ui.insights,
  }
}
