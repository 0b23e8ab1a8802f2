import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {formatOutputs, getInput, parseRetention, runAction, type CliResult} from '../../src/action/run.js'

/**
 * The Action's logic through the Actions runtime contract, in-process: INPUT_* variables in, a CLI runner that
 * records what it is asked and answers like the CLI's --json, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY as files of a fake
 * sink, workflow commands as stdout lines. (test/action/action-process.test.ts runs the real entry once.)
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAabcdefSECRETLINE\n-----END RSA PRIVATE KEY-----'

function header(name: string, items: number, bytes: number, changes: Record<string, string[]>) {
  return {name, kind: 'patch', stats: {items, bytes}, summary: {changes}}
}

function harness(answers: Record<string, {code?: number; doc: unknown}>) {
  const calls: Array<{args: string[]; env: NodeJS.ProcessEnv}> = []
  const files: Record<string, string> = {}
  const stdout: string[] = []
  const cli = async (args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> => {
    calls.push({args, env})
    const key = args.filter((a) => a !== '--json').join(' ')
    const answer = answers[key]
    if (!answer) return {code: 2, stdout: JSON.stringify({error: {code: 'EUSAGE', message: `unexpected: ${key}`}}), stderr: ''}
    return {code: answer.code ?? 0, stdout: JSON.stringify(answer.doc), stderr: ''}
  }
  const io = {
    log: (line: string) => void stdout.push(line),
    appendFile: async (file: string, text: string) => void (files[file] = (files[file] ?? '') + text),
  }
  const outputsOf = () =>
    Object.fromEntries(
      (files['/gh/output'] ?? '')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    )
  return {calls, files, stdout, cli, io, outputsOf}
}

const RUNTIME = {GITHUB_OUTPUT: '/gh/output', GITHUB_STEP_SUMMARY: '/gh/summary', PATH: '/usr/bin', GITHUB_TOKEN: 'ghs_workflowtoken'}

describe('action: the runtime contract', () => {
  it('reads inputs as the runtime names them: upper-cased, spaces to _, dashes kept', () => {
    const env = {'INPUT_APP-ID': ' 123 ', INPUT_MY_INPUT: 'x', 'INPUT_APP_ID': 'wrong'}
    expect(getInput(env, 'app-id')).to.equal('123')
    expect(getInput(env, 'my input')).to.equal('x')
    expect(getInput(env, 'absent')).to.equal('')
  })

  it('retention becomes backup cleanup flags, and a wrong one says what is understood', () => {
    expect(parseRetention('daily=14 weekly=8, monthly=12')).to.deep.equal(['--keep-daily', '14', '--keep-weekly', '8', '--keep-monthly', '12'])
    expect(parseRetention('90d')).to.deep.equal(['--older-than', '90d'])
    expect(parseRetention('')).to.deep.equal([])
    expect(() => parseRetention('forever')).to.throw(/last=N, daily=N/)
    expect(() => parseRetention('daily=two')).to.throw(/whole number/)
  })

  it('a value with a line break is written to GITHUB_OUTPUT as a delimited block', () => {
    const text = formatOutputs({one: '1', many: 'a\nb'})
    expect(text).to.match(/^one=1\nmany<<(ghadelimiter_[0-9a-f]+)\na\nb\n\1\n$/)
  })

  it('all projects with App auth: masks the key, runs one batch backup, writes outputs and the summary table', async () => {
    const h = harness({
      'backup --owner acme --all-projects': {
        doc: {
          owner: 'acme',
          projects: [
            {project: {title: 'Roadmap', url: 'https://github.com/orgs/acme/projects/1'}, backup: header('auto-1', 12, 2048, {new_issues: ['#1', '#2'], modified_issues: ['#3'], removed_issues: [], field_changes: ['Status']}), warnings: ['field Sprint: 2 iterations skipped']},
            {project: {title: 'Ops | on-call', url: 'https://github.com/orgs/acme/projects/2'}, backup: header('auto-1', 3, 512, {new_issues: [], modified_issues: [], removed_issues: [], field_changes: []}), unchanged: true, warnings: []},
          ],
        },
      },
      'backup cleanup --all --keep-daily 14': {doc: {storage: 'x', projects: [{projectId: 'P1', result: {removed: ['auto-0', 'auto-00']}}]}},
    })
    const result = await runAction(
      {...RUNTIME, 'INPUT_APP-ID': '42', 'INPUT_APP-PRIVATE-KEY': PEM, INPUT_OWNER: 'acme', INPUT_PROJECTS: 'all', INPUT_STORAGE: 's3://b/p', INPUT_RETENTION: 'daily=14', INPUT_PASSPHRASE: 'correct horse'},
      h.cli,
      h.io,
    )
    expect(result.exitCode).to.equal(0)
    expect(h.calls.map((c) => c.args.join(' '))).to.deep.equal(['backup --owner acme --all-projects --json', 'backup cleanup --all --keep-daily 14 --json'])
    const env = h.calls[0].env
    expect(env.GITHUB_PM_APP_ID).to.equal('42')
    expect(env.GITHUB_PM_APP_PRIVATE_KEY).to.equal(PEM)
    expect(env.GITHUB_PM_BACKUP_STORAGE_LOCATION).to.equal('s3://b/p')
    expect(env.GITHUB_PM_PASSPHRASE).to.equal('correct horse')
    // the App's token is used, not the workflow's; and the inputs do not leak into the CLI's environment
    expect(env.GITHUB_TOKEN).to.equal(undefined)
    expect(Object.keys(env).filter((k) => k.startsWith('INPUT_'))).to.deep.equal([])
    // masked before anything else is printed: the whole key, each of its lines, the passphrase
    const masks = h.stdout.filter((l) => l.startsWith('::add-mask::'))
    expect(h.stdout.indexOf(masks[0])).to.equal(0)
    expect(masks).to.include('::add-mask::MIIEowIBAAKCAQEAabcdefSECRETLINE')
    expect(masks).to.include(`::add-mask::${PEM.replace(/\n/g, '%0A')}`)
    expect(masks).to.include('::add-mask::correct horse')
    expect(h.stdout).to.include('::warning title=Roadmap::field Sprint: 2 iterations skipped')

    expect(h.outputsOf()).to.deep.equal({projects: '2', failed: '0', warnings: '1', items: '15', changes: '4', bytes: '2560'})
    const summary = h.files['/gh/summary']
    expect(summary).to.contain('| Project | Backup | Items | Changes | Stored | Warnings |')
    expect(summary).to.contain('| [Roadmap](https://github.com/orgs/acme/projects/1) | auto-1 | 12 | 4 | 2.0 KiB | 1 |')
    expect(summary).to.contain('| [Ops \\| on-call](https://github.com/orgs/acme/projects/2) | auto-1 | 3 | 0 | 512 B | 0 |')
    expect(summary).to.contain('| **Total** | | 15 | 4 | 2.5 KiB | 1 |')
    expect(summary).to.contain('Retention: 2 old backup(s) removed')
    expect(summary).not.to.contain('SECRETLINE')
  })

  it('a list of projects: one backup each; a failed one is an ::error::, a red row, and the step fails', async () => {
    const h = harness({
      'backup --project acme/1': {
        doc: {project: {title: 'Roadmap', url: 'https://github.com/orgs/acme/projects/1'}, event: {name: 'full-1', stats: {items: 5, bytes: 100}}, unchanged: false, incremental: {changes: {new_issues: ['#1'], modified_issues: [], removed_issues: [], field_changes: []}}, warnings: []},
      },
      'backup --project acme/9': {code: 1, doc: {error: {code: 'ENOTFOUND', message: 'project acme/9 not found, or your token cannot see it'}}},
    })
    const result = await runAction({...RUNTIME, INPUT_TOKEN: 'ghp_usertoken123', INPUT_PROJECTS: 'acme/1\nacme/9', INPUT_STORAGE: 'git?remote=origin'}, h.cli, h.io)
    expect(result.exitCode).to.equal(1)
    expect(h.calls.map((c) => c.args.join(' '))).to.deep.equal(['backup --project acme/1 --json', 'backup --project acme/9 --json'])
    expect(h.calls[0].env.GH_TOKEN).to.equal('ghp_usertoken123')
    expect(h.stdout[0]).to.equal('::add-mask::ghp_usertoken123')
    expect(h.stdout).to.include('::error title=backup of acme/9::project acme/9 not found, or your token cannot see it')
    expect(h.outputsOf()).to.include({projects: '2', failed: '1', items: '5', changes: '1'})
    expect(h.files['/gh/summary']).to.contain('| acme/9 | **failed** | 0 | 0 | 0 B | 0 |')
    expect(h.files['/gh/summary']).to.contain('❌ 1 of 2 failed')
  })

  it('drill mode: runs backup drill, reports restore errors, and fails the step with the drill status', async () => {
    const h = harness({
      'backup drill --owner acme': {
        code: 6,
        doc: {
          projects: [
            {project: {title: 'Roadmap', url: 'https://github.com/orgs/acme/projects/1'}, backup: {name: 'auto-9'}, converged: true, restoreErrors: 0, estimate: {human: '42 s'}, failed: [], remaining: [], unrestorable: [], manualSteps: ['view View 1: delete it by hand']},
            {project: {title: 'Ops', url: 'https://github.com/orgs/acme/projects/2'}, backup: {name: 'auto-9'}, converged: false, restoreErrors: 1, estimate: {human: '3 s'}, failed: [], remaining: [], unrestorable: ["field 'Tracks' (TRACKS) is built in and cannot be created"], manualSteps: []},
          ],
          restoreErrors: 1,
        },
      },
    })
    const result = await runAction({...RUNTIME, INPUT_MODE: 'drill', INPUT_OWNER: 'acme', INPUT_STORAGE: 'file:///backups'}, h.cli, h.io)
    expect(result.exitCode).to.equal(6)
    expect(h.outputsOf()).to.deep.equal({projects: '2', failed: '1', warnings: '1', 'restore-errors': '1'})
    const summary = h.files['/gh/summary']
    expect(summary).to.contain('restore errors: 1')
    expect(summary).to.contain('| [Ops](https://github.com/orgs/acme/projects/2) | auto-9 | no | 1 | 3 s | 0 |')
    expect(h.stdout.some((l) => l.startsWith('::error title=restore drill of Ops::') && l.includes('Tracks'))).to.equal(true)
  })

  it('missing credentials or storage: one ::error:: that says what to give, and nothing runs', async () => {
    const h = harness({})
    const result = await runAction({...RUNTIME, INPUT_OWNER: 'acme', INPUT_STORAGE: 'local'}, h.cli, h.io)
    expect(result.exitCode).to.equal(2)
    expect(h.calls).to.have.length(0)
    expect(h.stdout).to.deep.equal(['::error title=github-pm backup action::give either app-id and app-private-key (a GitHub App that can read the projects) or token (a token with read:project)'])
    const noStorage = await runAction({...RUNTIME, INPUT_TOKEN: 't0ken'}, h.cli, h.io)
    expect(noStorage.exitCode).to.equal(2)
    expect(h.stdout.at(-1)).to.match(/storage: give the backup storage URL/)
  })
})

describe('action.yml and the example workflow agree with the runner', () => {
  const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8')
  const inputsOf = (yml: string) => [...yml.split(/^outputs:/m)[0].matchAll(/^ {2}([a-z][a-z-]*):\s*$/gm)].map((m) => m[1])

  it('every input is handed to the runner as INPUT_<NAME>, under the name it reads', () => {
    const yml = read('action.yml')
    const declared = inputsOf(yml).filter((n) => !['version', 'node-version'].includes(n))
    const mapped = [...yml.matchAll(/^ +INPUT_([A-Z-]+): \$\{\{ inputs\.([a-z-]+) \}\}$/gm)].map((m) => [m[1], m[2]])
    expect(mapped.map(([, name]) => name).sort()).to.deep.equal([...declared].sort())
    for (const [env, name] of mapped) expect(env).to.equal(name.toUpperCase())
    // and the runner reads each of them (an input it ignored would be a silent no-op for the user)
    const source = read('src/action/run.ts')
    for (const name of declared) expect(source, name).to.contain(`getInput(env, '${name}')`)
    // the outputs are the runner's
    for (const m of yml.matchAll(/value: \$\{\{ steps\.run\.outputs\.([a-z-]+) \}\}/g)) {
      expect(['projects', 'failed', 'items', 'changes', 'bytes', 'warnings', 'restore-errors']).to.include(m[1])
    }
  })

  it('the example workflow passes only inputs the Action has', () => {
    const declared = inputsOf(read('action.yml'))
    const workflow = read('docs/examples/backup-workflow.yml')
    const blocks = workflow.split(/uses: github-pm\/plugin-backup@v1\n/).slice(1)
    expect(blocks).to.have.length(2)
    for (const block of blocks) {
      const withBlock = /^ +with:\n((?: {10}[a-z-]+:.*\n)+)/.exec(block)![1]
      for (const m of withBlock.matchAll(/^ {10}([a-z-]+):/gm)) expect(declared, m[1]).to.include(m[1])
    }
  })
})
