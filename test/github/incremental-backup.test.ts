/**
 * Incremental capture through `runBackup` (issue 14): the event stores the capture record the next backup builds on;
 * every `backup.full_capture_every` backups, or after `backup.full_capture_hours`, a backup reads every item and warns
 * about drift it finds.
 */
import {expect} from 'chai'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {runBackup, type BackupResult} from '../../src/app/backup.js'
import {openSession, repository, type Repository, type Session} from '../../src/app/session.js'
import {createClient, type GitHubClient} from '../../src/github/client.js'
import {resolveProject, type ProjectInfo} from '../../src/github/project-ref.js'
import {ManualClock} from '../../src/sandbox/clock.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {World} from '../../src/sandbox/world.js'

const TOKEN = 'ghp_INCBACKUPtoken0123456789abcdefghijkl'
const MINUTE = 60_000

describe('incremental backups: the record in the event, the periodic full capture and its drift warning', function () {
  this.timeout(60_000)
  const clock = new ManualClock(Date.parse('2026-05-04T08:00:00Z'))
  let sandbox: Sandbox
  let home: string
  let session: Session
  let repo: Repository
  let client: GitHubClient
  let project: ProjectInfo
  let n = 0

  before(async () => {
    const world = World.fromSeed(
      {
        orgs: [{login: 'acme', members: {octocat: 'ADMIN'}, issueTypes: [{name: 'Bug'}, {name: 'Task'}]}],
        repositories: [{owner: 'acme', name: 'app', issues: Array.from({length: 12}, (_, i) => ({title: `Issue ${i + 1}`, type: i === 0 ? 'Bug' : undefined}))}],
        projects: [{owner: 'acme', title: 'Plan', items: [...Array.from({length: 12}, (_, i) => ({issue: `acme/app#${i + 1}`})), {draft: {title: 'Idea'}}]}],
      } as any,
      {now: () => new Date(clock.now())},
    )
    sandbox = await startSandbox({backend: world, limits: 'off', clock, tokens: {[TOKEN]: {login: 'octocat', scopes: ['repo', 'project', 'read:org']}}})
    home = await mkdtemp(path.join(os.tmpdir(), 'github-pm-incremental-'))
    const env = {
      HOME: home,
      GITHUB_PM_HOME: path.join(home, '.github-pm'),
      GITHUB_API_URL: sandbox.url,
      GH_TOKEN: TOKEN,
      GITHUB_PM_BACKUP_FULL_CAPTURE_EVERY: '3',
      GITHUB_PM_BACKUP_FULL_CAPTURE_HOURS: '24',
    }
    session = await openSession({env, now: () => new Date(clock.now())})
    repo = await repository(session)
    client = await createClient({apiUrl: sandbox.url, token: TOKEN, env: {}, retryBaseMs: 1, retryAfterUnitMs: 1})
    project = await resolveProject(client, {kind: 'number', owner: 'acme', number: 1})
  })
  after(async () => {
    await sandbox?.close()
    if (home) await rm(home, {recursive: true, force: true})
  })

  async function backup(advance = 10 * MINUTE): Promise<BackupResult> {
    clock.advance(advance)
    return runBackup(session, client, repo, {project, name: `b${++n}`})
  }

  it('reads every item at the first backup, then only what changed; the event keeps the record', async () => {
    const first = await backup()
    expect(first.capture).to.include({mode: 'full', read: 13, reused: 0})
    const second = await backup()
    expect(second.unchanged).to.equal(true)
    expect(second.capture).to.include({mode: 'incremental', read: 0, reused: 13})
    expect((second.event.summary as any).capture).to.deep.equal(second.capture)
    expect(second.api.points).to.be.below(first.api.points)
    const issue = (await client.graphql<any>('{ repository(owner: "acme", name: "app") { issue(number: 5) { id } } }')).repository.issue.id
    clock.advance(MINUTE)
    await client.graphql('mutation($id: ID!) { updateIssue(input: {id: $id, title: "Five"}) { clientMutationId } }', {id: issue})
    const third = await backup()
    expect(third.capture).to.include({mode: 'incremental', read: 1, reused: 12})
    expect(third.incremental.changes.modified_issues).to.have.length(1)
  })

  it('the third backup after a full read reads every item, and warns about drift', async () => {
    const types = (await client.graphql<any>('{ organization(login: "acme") { issueTypes(first: 5) { nodes { id name } } } }')).organization.issueTypes.nodes
    clock.advance(MINUTE)
    await client.graphql('mutation($t: ID!) { updateIssueType(input: {issueTypeId: $t, name: "Defect"}) { clientMutationId } }', {t: types.find((t: any) => t.name === 'Bug').id})
    const full = await backup()
    expect(full.capture).to.deep.include({mode: 'full', read: 13, drift: {items: 1, kinds: {issueType: 1}}})
    expect(full.warnings.join('\n')).to.match(/periodic full capture found 1 item .*issueType 1/)
    expect(full.incremental.changes.modified_issues).to.have.length(1)
  })

  it('reads every item when the last full read is older than backup.full_capture_hours', async () => {
    expect((await backup()).capture!.mode).to.equal('incremental')
    const late = await backup(25 * 60 * MINUTE)
    expect(late.capture).to.include({mode: 'full'})
    expect(late.capture!.drift).to.deep.equal({items: 0, kinds: {}})
    expect(late.warnings).to.deep.equal([])
  })

  it('a config backup in between keeps the incremental chain', async () => {
    clock.advance(10 * MINUTE)
    await runBackup(session, client, repo, {project, name: `c${++n}`, type: 'config'})
    const next = await backup()
    expect(next.capture).to.include({mode: 'incremental', read: 0})
  })
})
