import {expect} from 'chai'
import {runBackup} from '../../src/app/backup.js'
import {applyRestore, prepareRestore} from '../../src/app/restore.js'
import {openSession, repository} from '../../src/app/session.js'
import {createClient, type GitHubClient} from '../../src/github/client.js'
import {resolveProject} from '../../src/github/project-ref.js'
import {startE2E, TOKEN, type E2E} from '../helpers/e2e.js'

/** A client whose mutations fail once `failAfter` of them went through: GitHub going away halfway. */
function breakingClient(client: GitHubClient, failAfter: number): GitHubClient {
  let mutations = 0
  return {
    ...client,
    stats: client.stats,
    endpoints: client.endpoints,
    rest: (route, params) => client.rest(route, params),
    graphql: async (query, variables) => {
      if (/^\s*mutation/.test(query) && ++mutations > failAfter) throw new Error('connection reset by peer')
      return client.graphql(query, variables)
    },
  }
}

describe('restore into a new project, interrupted', function () {
  this.timeout(120_000)
  let e: E2E
  before(async () => {
    e = await startE2E()
  })
  after(async () => e.close())

  it('resumes into the project the first run created instead of creating another', async () => {
    const session = await openSession({env: e.env})
    const repo = await repository(session)
    const client = await createClient({apiUrl: e.sandbox.url, token: TOKEN})
    const project = await resolveProject(client, {kind: 'number', owner: 'acme', number: 1})
    await runBackup(session, client, repo, {project, name: 'source'})
    const request = {backup: 'source', project: project.id, to: 'new:octocat', adaptEnvironment: true, diff: {}}

    const first = await applyRestore(session, breakingClient(client, 5), repo, await prepareRestore(session, client, repo, request))
    expect(first.record.status).to.equal('failed')
    expect(first.result.failed.length).to.be.greaterThan(0)
    const created = first.target.url

    const second = await applyRestore(session, client, repo, await prepareRestore(session, client, repo, request))
    expect(second.target.url).to.equal(created)
    expect(second.resumed).to.equal(true)
    expect(second.record.status).to.equal('done')
    const projects = await e.gql(`{ user(login: "octocat") { projectsV2(first: 10) { totalCount } } }`)
    expect(projects.user.projectsV2.totalCount).to.equal(1)
  })
})
