import {expect} from 'chai'
import {startE2E, json, type E2E} from '../helpers/e2e.js'

/**
 * Two CLI runs: a deleted project's restore says, in words and in --json, that it rebuilds the project from the
 * backup's shadow and what it cannot bring back (the behaviour itself is in test/app/resurrect.test.ts).
 */
describe('restore of a deleted project through the CLI', function () {
  this.timeout(90_000)
  let e: E2E

  before(async () => {
    e = await startE2E()
  })
  after(async () => e.close())

  it('rebuilds it from the shadow, and says so', async () => {
    const b = await e.cli(['backup', 'create', 'before-deletion', '--shadow', '--project', 'acme/1'])
    expect(b.code, b.stderr).to.equal(0)
    const {organization} = await e.gql('{ organization(login: "acme") { projectV2(number: 1) { id url } } }')
    const old = organization.projectV2
    await e.gql(`mutation($p: ID!) { deleteProjectV2(input: {projectId: $p}) { projectV2 { id } } }`, {p: old.id})

    const dry = await e.cli(['restore', 'before-deletion', '--dry-run', '--project', old.url])
    expect(dry.code, dry.stderr).to.equal(0)
    expect(dry.stdout).to.include(`project ${old.url} no longer exists: it is rebuilt as a new project under acme`)
    expect(dry.stdout).to.match(/starting from the backup's shadow https?:\/\/\S+\/projects\/\d+/)
    expect(dry.stdout).to.match(/cannot be brought back:\n {2}- the project's collaborators/)

    const r = await e.cli(['restore', 'before-deletion', '--yes', '--json', '--project', old.url])
    expect(r.code, r.stderr + r.stdout).to.equal(0)
    const out = json(r.stdout)
    expect(out.verified, JSON.stringify(out.differences)).to.equal(true)
    expect(out.resurrection.used).to.equal(true)
    expect(out.resurrection.shadow.state).to.equal('ok')
    expect(out.record.target.url).to.not.equal(old.url)
  })
})
