import {expect} from 'chai'
import {startE2E, type E2E} from '../helpers/e2e.js'

/** One CLI run: the flag is wired and the human report says what became of the shadow (the rest is in test/app/shadow.test.ts). */
describe('backup create --shadow through the CLI', function () {
  this.timeout(60_000)
  let e: E2E

  before(async () => {
    e = await startE2E()
  })
  after(async () => e.close())

  it('makes a closed, private shadow copy and says so', async () => {
    const r = await e.cli(['backup', 'create', 'first', '--shadow', '--project', 'acme/1'])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.match(/shadow: made \[backup\] .+ \d{4}-\d{2}-\d{2} \(https?:\/\/.+\/orgs\/acme\/projects\/\d+\)/)
    const data = await e.gql('{ organization(login: "acme") { projectsV2(first: 20) { nodes { title closed public } } } }')
    const shadows = data.organization.projectsV2.nodes.filter((p: {title: string}) => p.title.startsWith('[backup] '))
    expect(shadows).to.have.length(1)
    expect(shadows[0]).to.deep.include({closed: true, public: false})
  })
})
