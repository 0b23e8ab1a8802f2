import {expect} from 'chai'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {runBackup} from '../../src/app/backup.js'
import {applyRestore, prepareRestore} from '../../src/app/restore.js'
import {openSession, repository} from '../../src/app/session.js'
import {createClient} from '../../src/github/client.js'
import {resolveProject} from '../../src/github/project-ref.js'
import {ManualClock} from '../../src/sandbox/clock.js'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import type {FaultOptions} from '../../src/sandbox/faults.js'
import {startSandbox, type Sandbox, type SandboxOptions} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'

const TOKEN = 'ghp_AMBIGUOUStoken0123456789abcdefghijk'

/** The demo project with 20 more drafts and 4 more status updates: plenty of things a blind re-send would duplicate. */
function seed() {
  const s = demoSeed()
  const project = s.projects![0]
  for (let i = 1; i <= 20; i++) project.items!.push({draft: {title: `Draft ${i}`, body: `body ${i}`}, values: {Notes: `n${i}`}})
  for (let i = 1; i <= 4; i++) project.statusUpdates!.push({body: `Week ${i}`, status: i % 2 ? 'AT_RISK' : 'ON_TRACK', startDate: '2026-11-16'})
  return s
}

interface Counted {
  drafts: string[]
  views: string[]
  statusUpdates: string[]
}

/**
 * A restore into an empty project (acme/2) on a sandbox where GitHub loses answers AFTER it applied them, or cuts
 * requests off at 10 seconds after part of them ran. The restore must end equal to the backup with nothing twice.
 */
async function restoreUnder(options: Partial<SandboxOptions>, faults: FaultOptions): Promise<{source: Counted; target: Counted; sandbox: Sandbox; status: string; timeouts: number}> {
  const clock = new ManualClock(Date.parse('2026-07-24T00:00:00Z'))
  const sandbox = await startSandbox({backend: World.fromSeed(seed()), limits: 'github', clock, ...options})
  const home = await mkdtemp(path.join(os.tmpdir(), 'github-pm-ambiguous-'))
  try {
    const env = {HOME: home, GITHUB_PM_HOME: path.join(home, '.github-pm'), GITHUB_API_URL: sandbox.url, GH_TOKEN: TOKEN}
    const session = await openSession({env})
    const repo = await repository(session)
    // waits GitHub asks for are taken on the sandbox's clock, not in real time
    const client = await createClient({
      apiUrl: sandbox.url,
      token: TOKEN,
      env: {},
      retryBaseMs: 1,
      retryAfterUnitMs: 1,
      onWait: (w) => (w.reason === 'retry' ? undefined : clock.advance(w.waitMs * 1000)),
    })
    const source = await resolveProject(client, {kind: 'number', owner: 'acme', number: 1})
    await runBackup(session, client, repo, {project: source, name: 'source'})
    const org = await client.graphql<any>('{ organization(login: "acme") { id } }')
    await client.graphql('mutation($o: ID!) { createProjectV2(input: {ownerId: $o, title: "Copy"}) { projectV2 { id } } }', {o: org.organization.id})

    sandbox.faults.set(faults)
    const request = {backup: 'source', project: source.id, to: 'acme/2', adaptEnvironment: true, diff: {}}
    const prepared = await prepareRestore(session, client, repo, request)
    const outcome = await applyRestore(session, client, repo, prepared, {now: () => clock.now(), sleep: async (ms) => clock.advance(ms)})
    sandbox.faults.clear()
    return {
      source: await count(client, 1),
      target: await count(client, 2),
      sandbox,
      status: outcome.record.status,
      timeouts: sandbox.stats.serverTime.timeouts,
    }
  } finally {
    await sandbox.close()
    await rm(home, {recursive: true, force: true})
  }
}

async function count(client: Awaited<ReturnType<typeof createClient>>, number: number): Promise<Counted> {
  const data = await client.graphql<any>(
    `query($n: Int!) { organization(login: "acme") { projectV2(number: $n) {
      items(first: 100) { nodes { content { __typename ... on DraftIssue { title } } } }
      views(first: 50) { nodes { name } }
      statusUpdates(first: 50) { nodes { body status } } } } }`,
    {n: number},
  )
  const p = data.organization.projectV2
  return {
    drafts: p.items.nodes.filter((i: any) => i.content?.__typename === 'DraftIssue').map((i: any) => i.content.title).sort(),
    views: p.views.nodes.map((v: any) => v.name).sort(),
    statusUpdates: p.statusUpdates.nodes.map((u: any) => `${u.status}: ${u.body}`).sort(),
  }
}

describe('restore when GitHub loses answers: re-read, never re-send blindly', function () {
  this.timeout(180_000)

  it('answers lost after the mutation ran (502 and dropped connections): converges with no draft, view or status update twice', async () => {
    const r = await restoreUnder({}, {status5xxAfter: 0.12, dropAfter: 0.08, seed: 5})
    expect(r.status).to.equal('done')
    expect(r.sandbox.faults.counters.status5xxAfter + r.sandbox.faults.counters.droppedAfter, 'faults struck').to.be.greaterThan(3)
    expect(r.target.drafts).to.deep.equal(r.source.drafts)
    expect(r.target.drafts).to.have.length(22)
    expect(r.target.statusUpdates).to.deep.equal(r.source.statusUpdates)
    // the new project's default view stays; every view of the backup exists once
    for (const name of r.source.views) expect(r.target.views.filter((v) => v === name), name).to.have.length(1)
  })

  it('requests cut off at 10 seconds after part of them ran: batches shrink, the restore converges with nothing twice', async () => {
    // slow mutations: 10 plain ones or 4 content creations already pass the limit
    const r = await restoreUnder({serverTime: {mutationMs: 1200, contentMutationMs: 2500}}, {})
    expect(r.status).to.equal('done')
    expect(r.timeouts, 'requests were cut off').to.be.greaterThan(0)
    expect(r.target.drafts).to.deep.equal(r.source.drafts)
    expect(r.target.statusUpdates).to.deep.equal(r.source.statusUpdates)
    for (const name of r.source.views) expect(r.target.views.filter((v) => v === name), name).to.have.length(1)
  })

  it('content refused as "submitted too quickly" did not run: after a wait only it is sent again, and nothing is twice', async () => {
    const r = await restoreUnder({}, {submittedTooQuickly: {limit: 8, windowMs: 60_000}})
    expect(r.status).to.equal('done')
    expect(r.sandbox.faults.counters.tooQuickly, 'creations were refused').to.be.greaterThan(0)
    expect(r.target.drafts).to.deep.equal(r.source.drafts)
    expect(r.target.statusUpdates).to.deep.equal(r.source.statusUpdates)
  })
})
