import {expect} from 'chai'
import {parse, validate} from 'graphql'
import {createClient, type GitHubClient} from '../../src/github/client.js'
import {GitHubError} from '../../src/github/errors.js'
import {
  listOwnerProjects,
  parseProjectRef,
  PROJECT_REF_DOCUMENTS,
  resolveProject,
} from '../../src/github/project-ref.js'
import {githubSchema} from '../../src/sandbox/schema.js'
import {UserError} from '../../src/util/errors.js'
import {gqlData, gqlError, sequence, startStub, type Stub, type StubHandler} from './stub-server.js'

const TOKEN = 'ghp_TESTTOKEN1234567890abcdef'

function projectNode(n: number, owner = 'octo-org', type = 'Organization') {
  return {
    id: `PVT_kwDO${n}`,
    number: n,
    title: `Project ${n}`,
    url: `https://github.com/orgs/${owner}/projects/${n}`,
    public: n % 2 === 0,
    closed: false,
    owner: {__typename: type, login: owner},
  }
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

describe('github/project-ref', () => {
  describe('parseProjectRef', () => {
    it('accepts organization and user project URLs, with trailing view paths', () => {
      expect(parseProjectRef('https://github.com/orgs/octo-org/projects/12')).to.deep.equal({
        kind: 'number',
        owner: 'octo-org',
        ownerType: 'Organization',
        number: 12,
        host: 'github.com',
      })
      expect(parseProjectRef('https://github.com/users/b-coman/projects/3/views/2?layout=board')).to.deep.equal({
        kind: 'number',
        owner: 'b-coman',
        ownerType: 'User',
        number: 3,
        host: 'github.com',
      })
    })

    it('keeps the host of a GHES URL', () => {
      expect(parseProjectRef('https://ghe.example.com/orgs/eng/projects/7/')).to.deep.include({host: 'ghe.example.com', owner: 'eng', number: 7})
    })

    it('accepts OWNER/NUMBER and node ids', () => {
      expect(parseProjectRef(' octocat/5 ')).to.deep.equal({kind: 'number', owner: 'octocat', number: 5})
      expect(parseProjectRef('PVT_kwDOBQfyVc4AAh8M')).to.deep.equal({kind: 'id', id: 'PVT_kwDOBQfyVc4AAh8M'})
    })

    it('refuses anything else with a UserError listing the accepted forms', () => {
      for (const bad of ['', 'octocat', 'octocat/0', 'octocat/x', 'https://github.com/octocat/repo', 'https://github.com/orgs/x/projects/', 'I_kwDOissue', '-bad/3']) {
        const error = (() => {
          try {
            parseProjectRef(bad)
          } catch (e) {
            return e as Error
          }
          return undefined
        })()
        expect(error, bad).to.be.instanceOf(UserError)
        expect(error!.message).to.include('OWNER/N').and.include('PVT_').and.include('/orgs/ORG/projects/N')
      }
    })
  })

  describe('GraphQL documents', () => {
    it('all validate against GitHub’s schema', () => {
      const schema = githubSchema()
      for (const [name, document] of Object.entries(PROJECT_REF_DOCUMENTS)) {
        const errors = validate(schema, parse(document))
        expect(errors.map((e) => e.message), name).to.deep.equal([])
      }
    })
  })

  describe('against a stub', () => {
    let stub: Stub | undefined
    afterEach(async () => {
      await stub?.close()
      stub = undefined
    })
    async function clientFor(handler: StubHandler, env: NodeJS.ProcessEnv = {}): Promise<GitHubClient> {
      stub = await startStub(handler)
      return createClient({token: TOKEN, env: {GITHUB_API_URL: stub.url, ...env}, retryBaseMs: 1, retryAfterUnitMs: 1})
    }

    it('resolves OWNER/N through repositoryOwner in one query', async () => {
      const client = await clientFor(sequence(gqlData({repositoryOwner: {__typename: 'Organization', projectV2: projectNode(4)}})))
      const info = await resolveProject(client, parseProjectRef('octo-org/4'))
      expect(info).to.deep.equal({
        id: 'PVT_kwDO4',
        number: 4,
        title: 'Project 4',
        url: 'https://github.com/orgs/octo-org/projects/4',
        owner: {login: 'octo-org', type: 'Organization'},
        public: true,
        closed: false,
      })
      expect(stub!.requests).to.have.length(1)
      expect(stub!.requests[0].json.query).to.include('repositoryOwner(login: $login)')
      expect(stub!.requests[0].json.variables).to.deep.equal({login: 'octo-org', number: 4})
    })

    it('uses organization(...) for org URLs, user(...) for user URLs and node(...) for ids', async () => {
      const client = await clientFor(
        sequence(
          gqlData({organization: {projectV2: projectNode(1)}}),
          gqlData({user: {projectV2: projectNode(2, 'octocat', 'User')}}),
          gqlData({node: {__typename: 'ProjectV2', ...projectNode(3)}}),
        ),
      )
      await resolveProject(client, parseProjectRef('http://127.0.0.1/orgs/octo-org/projects/1'))
      const user = await resolveProject(client, parseProjectRef('https://github.com/users/octocat/projects/2'))
      await resolveProject(client, parseProjectRef('PVT_kwDO3'))
      expect(user.owner).to.deep.equal({login: 'octocat', type: 'User'})
      expect(stub!.requests.map((r) => /query (\w+)/.exec(r.json.query)?.[1])).to.deep.equal(['ProjectByOrganization', 'ProjectByUser', 'ProjectById'])
      expect(stub!.requests[2].json.variables).to.deep.equal({id: 'PVT_kwDO3'})
    })

    it('says "not found, or your token cannot see it" for a missing project, owner or node', async () => {
      const client = await clientFor(
        sequence(
          gqlError('NOT_FOUND', 'Could not resolve to a ProjectV2 with the number 9.', {organization: {projectV2: null}}),
          gqlData({repositoryOwner: null}),
          gqlData({node: {__typename: 'Issue'}}),
        ),
      )
      const a = await caught(resolveProject(client, parseProjectRef('https://github.com/orgs/octo-org/projects/9')))
      const b = await caught(resolveProject(client, parseProjectRef('nobody/1')))
      const c = await caught(resolveProject(client, parseProjectRef('PVT_notaproject')))
      expect(a.message).to.equal('project octo-org/9 not found, or your token cannot see it')
      expect(b.message).to.equal('project nobody/1 not found, or your token cannot see it')
      expect(c.message).to.equal('project PVT_notaproject not found, or your token cannot see it')
      for (const e of [a, b, c]) expect(e).to.be.instanceOf(GitHubError).and.have.property('kind', 'not-found')
    })

    it('keeps FORBIDDEN and INSUFFICIENT_SCOPES distinct from not found, naming the project', async () => {
      const client = await clientFor(
        sequence(
          gqlError('FORBIDDEN', 'Resource not accessible by integration'),
          gqlError('INSUFFICIENT_SCOPES', "The 'projectV2' field requires one of the following scopes: ['read:project'], but your token has only been granted the: ['repo'] scopes."),
        ),
      )
      const forbidden = await caught(resolveProject(client, parseProjectRef('octo-org/4')))
      const scopes = await caught(resolveProject(client, parseProjectRef('octo-org/4')))
      expect(forbidden.message).to.match(/^Your token cannot access project octo-org\/4 .*ask an owner to grant access$/)
      expect(scopes.message).to.include('read:project').and.include('gh auth refresh -s read:project').and.include('project octo-org/4')
      expect(forbidden.message).to.not.include('not found')
      expect(scopes.message).to.not.include('not found')
    })

    it('refuses a project URL on another host than the client’s', async () => {
      stub = await startStub(sequence())
      const client = await createClient({token: TOKEN, env: {GH_HOST: 'ghe.example.com'}})
      const error = await caught(resolveProject(client, parseProjectRef('https://github.com/orgs/octo-org/projects/1')))
      expect(error).to.be.instanceOf(UserError)
      expect(error.message).to.equal('project URL is on github.com but the client talks to ghe.example.com: set GH_HOST=github.com')
      expect(stub.requests).to.have.length(0)
    })

    it('lists every project of an owner across pages (250 projects, 3 pages)', async () => {
      const all = Array.from({length: 250}, (_, i) => projectNode(i + 1))
      const client = await clientFor((request) => {
        const start = request.json.variables.after ? Number(request.json.variables.after) : 0
        const nodes = all.slice(start, start + 100)
        const end = start + nodes.length
        return gqlData({
          repositoryOwner: {
            __typename: 'Organization',
            projectsV2: {totalCount: all.length, pageInfo: {hasNextPage: end < all.length, endCursor: String(end)}, nodes},
          },
        })
      })
      const projects = await listOwnerProjects(client, 'octo-org')
      expect(projects).to.have.length(250)
      expect(projects.map((p) => p.number)).to.deep.equal(all.map((p) => p.number))
      expect(stub!.requests.map((r) => r.json.variables.after)).to.deep.equal([null, '100', '200'])
      expect(client.stats.graphqlRequests).to.equal(3)
    })

    it('reports an unknown owner when listing', async () => {
      const client = await clientFor(sequence(gqlData({repositoryOwner: null})))
      const error = await caught(listOwnerProjects(client, 'ghost-org'))
      expect(error.message).to.equal('owner ghost-org not found, or your token cannot see it')
    })
  })
})
