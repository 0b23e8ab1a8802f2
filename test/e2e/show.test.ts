import {expect} from 'chai'
import stringWidth from 'string-width'
import {demoSeed} from '../../src/sandbox/demo-seed.js'
import {backupInProcess, json, startE2E, type E2E} from '../helpers/e2e.js'

const RENAMED = '捕获查询 🚀 capture queries, "quoted"'

describe('backup show through the CLI against the sandbox', function () {
  this.timeout(120_000)
  let e: E2E

  before(async () => {
    // the Board view filters with a term a backup can evaluate and one it cannot (reviewers are not kept)
    const seed = demoSeed()
    seed.projects![0].views!.find((v) => v.name === 'Board')!.filter = '-status:Done reviewers:alice'
    e = await startE2E(seed)
    await backupInProcess(e, 'before')
    const issue3 = (await e.gql(`{ repository(owner: "acme", name: "app") { issue(number: 3) { id } } }`)).repository.issue.id
    await e.gql(`mutation($id: ID!, $t: String!) { updateIssue(input: {id: $id, title: $t}) { issue { id } } }`, {id: issue3, t: RENAMED})
    await backupInProcess(e, 'after')
  })
  after(async () => e.close())

  it('shows the board of a backup grouped by Status, in both command forms, cut to --width by display width', async () => {
    // as a process (bin/run.js): show's smoke test of the bin path; the other runs are in-process
    const r = await e.cliProcess(['backup', 'show', 'before', '--project', 'acme/1', '--width', '200'])
    expect(r.code, r.stderr).to.equal(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).to.match(/^\S.* as of backup before \(\d{4}-\d\d-\d\dT[\d:.]+Z\)$/)
    expect(lines[1]).to.match(/^grouped by Status; 14 items \(1 archived not shown: --archived\)$/)
    expect(lines.filter((l) => /^(Backlog|Doing|Review|Done) \(\d+\)$/.test(l)).map((l) => l.split(' ')[0])).to.deep.equal(['Backlog', 'Doing', 'Review', 'Done'])
    expect(r.stdout).to.contain('Write the capture queries').and.not.contain(RENAMED)

    const narrow = await e.cli(['backup:show', '--project', 'acme/1', '--width', '44'])
    expect(narrow.code, narrow.stderr).to.equal(0)
    expect(narrow.stdout).to.contain('as of backup after').and.contain('捕获查询')
    for (const line of narrow.stdout.trimEnd().split('\n')) expect(stringWidth(line), line).to.be.at.most(44)
  })

  it('--json gives the groups and items as data; --archived adds the archived item; --at picks the backup in force', async () => {
    const r = await e.cli(['backup:show', 'latest', '--project', 'acme/1', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    const board = json(r.stdout)
    expect(board.backup.name).to.equal('after')
    expect(board.groupBy).to.equal('Status')
    expect(board.groups.map((g: any) => g.name)).to.deep.equal(['Backlog', 'Doing', 'Review', 'Done'])
    const items = board.groups.flatMap((g: any) => g.items)
    expect(items.find((i: any) => i.number === 3).title).to.equal(RENAMED)
    expect(items.map((i: any) => i.number)).to.not.include(12)
    expect(board.archivedHidden).to.equal(1)
    const withArchived = json((await e.cli(['backup', 'show', '--archived', '--project', 'acme/1', '--json'])).stdout)
    expect(withArchived.total).to.equal(board.total + 1)
    const at = json((await e.cli(['backup', 'show', '--at', '2099-01-01T00:00:00Z', '--project', 'acme/1', '--json'])).stdout)
    expect(at.backup.name).to.equal('after')
    const early = await e.cli(['backup', 'show', '--at', '2000-01-01T00:00:00Z', '--project', 'acme/1'])
    expect(early.code).to.not.equal(0)
    expect(early.stderr).to.contain('no backup')
  })

  it("--view with --format csv: the view's filter, sort and columns, RFC 4180 quoting", async () => {
    const r = await e.cli(['backup', 'show', '--view', 'Table', '--format', 'csv', '--project', 'acme/1'])
    expect(r.code, r.stderr).to.equal(0)
    const records = r.stdout.split('\r\n').filter(Boolean)
    expect(records[0]).to.equal('Group,Title,Number,Assignees,Status,Priority,Estimate')
    // is:open leaves out the closed #4; sorted by Priority (P0, P1, P2), drafts (no state) left out by is:open
    expect(records.some((l) => l.includes(',#4,'))).to.equal(false)
    const priorities = records.slice(1).map((l) => l.split(',').at(-2))
    expect(priorities).to.deep.equal([...priorities].sort())
    expect(r.stdout).to.contain(`"捕获查询 🚀 capture queries, ""quoted"""`)
    const md = await e.cli(['backup', 'show', '--view', 'Board', '--format', 'markdown', '--project', 'acme/1'])
    expect(md.code, md.stderr).to.equal(0)
    expect(md.stdout).to.contain('## Backlog (').and.contain('| Title | Number | Assignees | Priority |').and.contain('## Done (0)')
    expect(md.stderr.trim().split('\n')).to.deep.equal(['note: filter term reviewers:alice of view "Board" ignored: a backup does not keep reviewers'])
  })

  it('refuses an unknown field or view with one line and a non-zero exit', async () => {
    const r = await e.cli(['backup', 'show', '--group-by', 'Nope', '--project', 'acme/1'])
    expect(r.code).to.equal(2)
    expect(r.stderr.trim().split('\n')).to.have.length(1)
    expect(r.stderr).to.contain('Priority')
    const both = await e.cli(['backup', 'show', 'before', '--at', '1d', '--project', 'acme/1'])
    expect(both.code).to.equal(2)
    expect(both.stderr).to.contain('not both')
    const v = await e.cli(['backup', 'show', '--view', 'Nope', '--project', 'acme/1'])
    expect(v.code).to.not.equal(0)
    expect(v.stderr).to.contain('"Board"')
  })
})
