import {expect} from 'chai'
import {backupInProcess, json, startE2E, type E2E} from '../helpers/e2e.js'

describe('backup history through the CLI against the sandbox', function () {
  this.timeout(120_000)
  let e: E2E

  before(async () => {
    e = await startE2E()
    await backupInProcess(e, 'before')
    // acme/app#13 moves from Review to Done on the board, as a person would do it
    const p = (
      await e.gql(`{ organization(login: "acme") { projectV2(number: 1) { id
        fields(first: 50) { nodes { ... on ProjectV2SingleSelectField { id name options { id name } } } }
        items(first: 100) { nodes { id content { ... on Issue { number } ... on PullRequest { number } } } } } } }`)
    ).organization.projectV2
    const status = p.fields.nodes.find((f: any) => f.name === 'Status')
    const done = status.options.find((o: any) => o.name === 'Done')
    const item = p.items.nodes.find((i: any) => i.content?.number === 13)
    await e.gql(
      `mutation($p: ID!, $i: ID!, $f: ID!, $o: String!) { updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: {singleSelectOptionId: $o}}) { projectV2Item { id } } }`,
      {p: p.id, i: item.id, f: status.id, o: done.id},
    )
    await backupInProcess(e, 'after')
  })
  after(async () => e.close())

  it("shows one item's change with the backups' times and the resolution caveat", async () => {
    const r = await e.cli(['backup', 'history', 'acme/app#13', '--project', 'acme/1'])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.match(/after\s+Status: "Review" → "Done"/)
    expect(r.stdout).to.include("times are the backups' times").and.include('resolution: 2 full backups')
    const j = await e.cli(['backup', 'history', '13', '--field', 'Status', '--project', 'acme/1', '--json'])
    expect(j.code, j.stderr).to.equal(0)
    const out = json(j.stdout)
    expect(out.ref).to.equal('acme/app#13')
    expect(out.entries.filter((x: any) => x.kind === 'changed').map((x: any) => [x.backup.name, x.from, x.to])).to.deep.equal([['after', 'Review', 'Done']])
  })

  it('backup:history --field Status writes the audit CSV; an unknown field is one line and a non-zero exit', async () => {
    const r = await e.cli(['backup:history', '--field', 'Status', '--format', 'csv', '--project', 'acme/1'])
    expect(r.code, r.stderr).to.equal(0)
    const lines = r.stdout.trim().split('\r\n')
    expect(lines[0]).to.equal('seen_at,backup,previous_backup_at,previous_backup,item,ref,title,field,kind,from,to')
    expect(lines.slice(1)).to.have.length(1)
    expect(lines[1]).to.match(/^[^,]+,after,[^,]+,before,https:\/\/github\.com\/acme\/app\/(?:issues|pull)\/13,acme\/app#13,.*,Status,changed,Review,Done$/)
    const bad = await e.cli(['backup', 'history', '--field', 'Colour', '--project', 'acme/1'])
    expect(bad.code).to.not.equal(0)
    expect(bad.stderr.trim().split('\n')).to.have.length(1)
    expect(bad.stderr).to.include('no backup of project').and.include('Status')
  })
})
