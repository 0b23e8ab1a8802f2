import {mkdtemp} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {loadConfig} from '../config/config.js'
import type {GitHubClient} from '../github/client.js'
import {captureProject} from '../github/capture.js'
import {resolveProject} from '../github/project-ref.js'
import {compareStates} from '../journal/compare.js'
import {normalizeState} from '../model/normalize.js'
import {canonicalJson} from '../util/canonical.js'
import {validateJournal} from '../journal/validate.js'
import {renderPlan} from '../plan/render.js'
import {demoSeed, startSandbox, World} from '../sandbox/index.js'
import {runBackup} from './backup.js'
import {writeReport} from './report.js'
import {applyRestore, prepareRestore} from './restore.js'
import {demoResurrection} from './resurrect-demo.js'
import {connect, journalFor, repository, type Session} from './session.js'

/**
 * The whole story on a laptop, no token: a sandbox GitHub with a realistic project, a backup, a disaster (Status
 * options replaced, a field deleted, items and a draft deleted, the title changed), the dry-run plan, the restore,
 * the proof that the project equals the backup again, and the board's history as an HTML report. Each step is reported
 * through `report`; nothing prints.
 */
export interface DemoStep {
  step: string
  text: string
  data?: unknown
}

export interface DemoOptions {
  /** where backups go (default: a new temporary folder) */
  home?: string
  report: (step: DemoStep) => void
}

export async function runDemo(options: DemoOptions): Promise<{equal: boolean; home: string; sandboxUrl: string; report: string}> {
  const home = options.home ?? (await mkdtemp(path.join(os.tmpdir(), 'github-pm-demo-')))
  const world = World.fromSeed(demoSeed())
  const sandbox = await startSandbox({backend: world, limits: 'off'})
  try {
    const env: NodeJS.ProcessEnv = {...process.env, GITHUB_API_URL: sandbox.url, GH_TOKEN: 'demo-sandbox-token', GITHUB_PM_HOME: home}
    delete env.GITHUB_TOKEN
    delete env.GH_HOST
    for (const key of Object.keys(env)) if (key.startsWith('GITHUB_PM_') && key !== 'GITHUB_PM_HOME') delete env[key]
    const session: Session = {env, config: await loadConfig(env), now: () => new Date()}
    const client = await connect(session)
    const repo = await repository(session, 'local')
    const project = await resolveProject(client, {kind: 'number', owner: 'acme', number: 1})
    const say = options.report
    say({step: 'sandbox', text: `sandbox GitHub at ${sandbox.url} with project "${project.title}" (${project.url}); backups in ${home}`})

    const backup = await runBackup(session, client, repo, {project, name: 'before-experiment'})
    const s = backup.event.stats
    say({
      step: 'backup',
      text: `backup before-experiment: ${s.items} items, ${s.fields} fields, ${s.views} views, ${s.rawBytes} bytes of state in ${backup.api.requests} requests`,
      data: backup.event,
    })

    const damage = await disaster(client, project.id)
    say({step: 'disaster', text: `disaster: ${damage.join('; ')}`})

    const after = await runBackup(session, client, repo, {project, name: 'after-disaster'})
    say({
      step: 'incremental',
      text: `incremental backup after-disaster stored ${after.event.stats.bytes} bytes: ${JSON.stringify(after.incremental.changes)}`,
      data: after.incremental,
    })

    const prepared = await prepareRestore(session, client, repo, {backup: 'before-experiment', project: project.id, diff: {}})
    say({step: 'plan', text: `restore plan (dry run):\n${renderPlan(prepared.plan)}`, data: prepared.plan.summary})

    const outcome = await applyRestore(session, client, repo, prepared)
    say({
      step: 'restore',
      text: `restore applied ${outcome.result.applied} operations (safety backup ${outcome.record.safetyBackup}); ${outcome.remaining.operations.length} differences left`,
    })

    const journal = await journalFor(session, repo, project.id)
    const desired = await journal.takeState(journal.find('before-experiment'))
    const live = (await captureProject(client, project.id)).state
    const same = canonicalJson(normalizeState(desired)) === canonicalJson(normalizeState(live))
    const comparison = compareStates(desired, live)
    const validation = await validateJournal(repo.backend, repo.codec, project.id)
    const equal = same && outcome.remaining.operations.length === 0
    say({
      step: 'proof',
      text: equal
        ? `proof: the project equals backup before-experiment again (issues, fields, views, settings); journal ${validation.status} (${validation.events_checked} events)`
        : `proof FAILED: differences remain: ${JSON.stringify(comparison.differences)}`,
      data: {comparison, validation},
    })

    // ---- issue 17: the project is backed up with a shadow copy (backup before-deletion), DELETED, then rebuilt from
    // that backup (src/app/resurrect-demo.ts). It deletes the demo project: keep it after every step that still uses
    // `project` on GitHub (the report below reads only the storage).
    const resurrection = await demoResurrection({session, client, repo, project, sandboxUrl: sandbox.url, token: env.GH_TOKEN!, say})
    // ---- end of issue 17

    // the end of the story: the board's history as one HTML page (before, disaster, safety backup, after the restore),
    // from the journal of the project as it was backed up, so it needs nothing from GitHub
    const report = await writeReport(await journalFor(session, repo, project.id), {file: path.join(home, 'report.html')})
    say({
      step: 'report',
      text: `backup report --html: the board at each of the ${report.backups} backups, what changed, a cumulative flow; open ${report.file}`,
      data: {file: report.file, backups: report.backups, items: report.items, bytes: report.bytes},
    })
    return {equal: equal && resurrection.equal, home, sandboxUrl: sandbox.url, report: report.file}
  } finally {
    await sandbox.close()
  }
}

/** What teams do by accident: every step through GitHub's public API. Returns what was done. */
export async function disaster(client: GitHubClient, projectId: string): Promise<string[]> {
  const data = await client.graphql<any>(
    `query DemoProject($id: ID!) { node(id: $id) { ... on ProjectV2 {
      fields(first: 50) { nodes { ... on ProjectV2FieldCommon { id name } ... on ProjectV2SingleSelectField { options { name color description } } } }
      items(first: 50) { nodes { id content { __typename ... on Issue { number } ... on DraftIssue { title } } } }
    } } }`,
    {id: projectId},
  )
  const fields = data.node.fields.nodes as Array<{id: string; name: string; options?: Array<{name: string; color: string; description: string}>}>
  const status = fields.find((f) => f.name === 'Status')!
  const notes = fields.find((f) => f.name === 'Notes')!
  const items = data.node.items.nodes as Array<{id: string; content: {__typename: string; number?: number; title?: string}}>
  const done: string[] = []
  // the option list "tidied up": same names, but GitHub re-ids every option and orphans every card's Status
  await client.graphql(
    `mutation DemoOptions($input: UpdateProjectV2FieldInput!) { updateProjectV2Field(input: $input) { projectV2Field { __typename } } }`,
    {input: {fieldId: status.id, singleSelectOptions: status.options!.map((o) => ({name: o.name, color: o.color, description: o.description}))}},
  )
  done.push('Status options re-saved (every card lost its Status)')
  await client.graphql(`mutation DemoDeleteField($input: DeleteProjectV2FieldInput!) { deleteProjectV2Field(input: $input) { projectV2Field { __typename } } }`, {
    input: {fieldId: notes.id},
  })
  done.push('field Notes deleted with all its values')
  const victims = [items.find((i) => i.content?.number === 2), items.find((i) => i.content?.__typename === 'DraftIssue')].filter(Boolean) as typeof items
  for (const v of victims) {
    await client.graphql(`mutation DemoDeleteItem($input: DeleteProjectV2ItemInput!) { deleteProjectV2Item(input: $input) { deletedItemId } }`, {
      input: {projectId, itemId: v.id},
    })
  }
  done.push(`items deleted: issue #2 and draft "${victims[1]?.content.title}"`)
  await client.graphql(`mutation DemoRename($input: UpdateProjectV2Input!) { updateProjectV2(input: $input) { projectV2 { title } } }`, {
    input: {projectId, title: 'Roadmap (old)'},
  })
  done.push('project renamed')
  return done
}
