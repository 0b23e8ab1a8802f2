import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {backupPrefix, isDestructive, normalizeId, payloadProblem, protectCommand, protectEvent, type ProtectOutcome} from '../../src/app/protect.js'
import {projectFromArgv, readArgv, takeNoBackupFlag} from '../../src/app/protect-argv.js'
import {describeChanges} from '../../src/app/protect-backup.js'
import {journalFor, openSession, repository} from '../../src/app/session.js'
import {readAudit} from '../../src/audit/audit.js'
import {setConfig} from '../../src/config/config.js'
import type {ProjectState} from '../../src/model/state.js'
import {startTestSandbox, type TestProject, type TestSandbox} from '../helpers/sandbox.js'

const DEFAULT_LIST = ['setup-complete', 'configure', 'batch', 'restore', 'backup:restore']

describe('protect: which commands are destructive', () => {
  it('normalizes colon and space ids alike', () => {
    expect(normalizeId('backup restore')).to.equal('backup:restore')
    expect(normalizeId(' backup:restore ')).to.equal('backup:restore')
    expect(normalizeId('configure')).to.equal('configure')
  })

  it('takes a command whose class says destructive = true, or whose id is listed in either form', () => {
    expect(isDestructive({id: 'purge', destructive: true}, DEFAULT_LIST)).to.equal(true)
    expect(isDestructive({id: 'purge'}, DEFAULT_LIST)).to.equal(false)
    expect(isDestructive({id: 'purge', destructive: 'yes'}, DEFAULT_LIST)).to.equal(false)
    expect(isDestructive({id: 'configure'}, DEFAULT_LIST)).to.equal(true)
    expect(isDestructive({id: 'backup:restore'}, DEFAULT_LIST)).to.equal(true)
    // a command that takes its own safety backup (this plugin's restore) is left to do so
    expect(isDestructive({id: 'restore', ownSafetyBackup: true}, DEFAULT_LIST)).to.equal(false)
    expect(isDestructive({id: 'purge', destructive: true, ownSafetyBackup: true}, DEFAULT_LIST)).to.equal(false)
    expect(isDestructive({id: 'fields:reset'}, ['fields reset'])).to.equal(true)
    expect(isDestructive({id: 'backup:list'}, DEFAULT_LIST)).to.equal(false)
    expect(isDestructive({id: 'backup'}, DEFAULT_LIST)).to.equal(false)
  })
})

describe('protect: reading argv', () => {
  it('finds the project in every form oclif accepts, and not after --', async () => {
    expect(await projectFromArgv(['--project', 'acme/3'])).to.equal('acme/3')
    expect(await projectFromArgv(['--force', '--project=acme/4'])).to.equal('acme/4')
    expect(await projectFromArgv(['-p', 'acme/5', '--x'])).to.equal('acme/5')
    expect(await projectFromArgv(['-pacme/6'])).to.equal('acme/6')
    expect(await projectFromArgv(['-p=acme/7'])).to.equal('acme/7')
    expect(await projectFromArgv(['--', '--project', 'acme/8'])).to.equal(undefined)
    expect(await projectFromArgv(['--project'])).to.equal(undefined)
    expect(await projectFromArgv([])).to.equal(undefined)
  })

  it('leaves -p alone when the command gives -p to another flag, and follows the command project char', async () => {
    expect(await projectFromArgv(['-p', '8080'], {port: {char: 'p'}})).to.equal(undefined)
    expect(await projectFromArgv(['-P', 'acme/2'], {project: {char: 'P'}})).to.equal('acme/2')
  })

  it('removes --no-backup from the same array, keeping everything else in order', async () => {
    const argv = ['--project', 'acme/1', '--no-backup', '--field', 'Status', '--', '--no-backup']
    expect(await takeNoBackupFlag(argv)).to.equal(true)
    expect(argv).to.deep.equal(['--project', 'acme/1', '--field', 'Status', '--', '--no-backup'])
    const clean = ['--project', 'acme/1']
    expect(await takeNoBackupFlag(clean)).to.equal(false)
    expect(clean).to.deep.equal(['--project', 'acme/1'])
  })

  it('keeps --no-backup for a command that defines it itself', async () => {
    const argv = ['--no-backup']
    expect(await takeNoBackupFlag(argv, {backup: {allowNo: true}})).to.equal(true)
    expect(argv).to.deep.equal(['--no-backup'])
    const own = ['--no-backup', '-p', 'acme/1']
    expect(await takeNoBackupFlag(own, {'no-backup': {type: 'boolean'}, project: {type: 'option', char: 'p'}})).to.equal(true)
    expect(own).to.deep.equal(['--no-backup', '-p', 'acme/1'])
  })

  // what the hand-written reader got wrong: it did not know which flags take a value, nor the command's aliases
  const flags = {
    project: {type: 'option', char: 'p', aliases: ['board'], charAliases: ['B']},
    title: {type: 'option', char: 't'},
    labels: {type: 'option', char: 'l', multiple: true},
    force: {type: 'boolean', char: 'f'},
    verbose: {type: 'boolean', char: 'v'},
    archive: {type: 'boolean', allowNo: true},
  }

  it("reads the project through the command's aliases, long and short", async () => {
    expect(await projectFromArgv(['--board', 'acme/10'], flags)).to.equal('acme/10')
    expect(await projectFromArgv(['--board=acme/11'], flags)).to.equal('acme/11')
    expect(await projectFromArgv(['-B', 'acme/12'], flags)).to.equal('acme/12')
  })

  it('does not take the value of another flag for the project', async () => {
    // `-p` here is the value of --title: the command reads no project from it
    expect(await projectFromArgv(['--title', '-p'], {...flags, project: {type: 'option'}})).to.equal(undefined)
    expect(await projectFromArgv(['--title', '--project=x'], flags)).to.equal(undefined)
    expect(await projectFromArgv(['--title', '--project=x', '-p', 'acme/13'], flags)).to.equal('acme/13')
    // oclif refuses a flag name as a value even after `=`: so does the hook (the command would refuse it too)
    expect((await readArgv(['--title=--project', '-p', 'acme/14'], flags)).problem).to.match(/--title expects a value/)
  })

  it('reads grouped boolean short flags and a value glued after them, and --no-X of an allowNo flag', async () => {
    expect(await projectFromArgv(['-fvp', 'acme/15'], flags)).to.equal('acme/15')
    expect(await projectFromArgv(['--no-archive', '-p', 'acme/16', 'positional'], flags)).to.equal('acme/16')
    expect(await projectFromArgv(['-l', 'a', 'b', '-p', 'acme/17'], flags)).to.equal('acme/17')
    // flags the definitions lack (a host's --json) are read as oclif reads an unknown flag, and do not hide the project
    expect(await projectFromArgv(['--json', '-x', '--format=yaml', '-p', 'acme/20'], flags)).to.equal('acme/20')
  })

  it('takes the project from the environment variable its flag names, after the command line', async () => {
    const withEnv = {...flags, project: {...flags.project, env: 'PM_PROJECT'}}
    expect(await projectFromArgv([], withEnv, {PM_PROJECT: 'acme/18'})).to.equal('acme/18')
    expect(await projectFromArgv(['-p', 'acme/19'], withEnv, {PM_PROJECT: 'acme/18'})).to.equal('acme/19')
  })

  it('says why when the command line cannot be read, and still finds --no-backup', async () => {
    const twice = await readArgv(['-p', 'acme/1', '--project', 'acme/2'], flags)
    expect(twice.project).to.equal(undefined)
    expect(twice.problem).to.match(/--project can only be specified once/)
    const missing = await readArgv(['--no-backup', '--title'], flags)
    expect(missing).to.include({noBackup: true})
    expect(missing.problem).to.match(/--title expects a value/)
    expect(missing.problem).to.not.include('\n')
  })

  it('removes only the --no-backup that is a flag: not a value, not after --', async () => {
    const argv = ['--title=--no-backup', '--no-backup', 'x', '--', '--no-backup']
    expect(await takeNoBackupFlag(argv, flags)).to.equal(true)
    expect(argv).to.deep.equal(['--title=--no-backup', 'x', '--', '--no-backup'])
    const asValue = ['--title=--no-backup']
    expect(await takeNoBackupFlag(asValue, flags)).to.equal(false)
    expect(asValue).to.deep.equal(['--title=--no-backup'])
  })
})

describe('protect: names and lines', () => {
  it('prefixes automatic backups with the command id', () => {
    expect(backupPrefix('configure')).to.equal('auto-configure')
    expect(backupPrefix('backup:restore')).to.equal('auto-backup-restore')
    expect(backupPrefix('Replace ALL the statuses!')).to.equal('auto-replace-all-the-statuses')
    expect(backupPrefix('!!!')).to.equal('auto-protect')
  })

  it('counts changes the way the incremental summary lists them', () => {
    const summary = (changes: Partial<Record<string, unknown[]>>, base: string | null = 'b1') => ({
      backup_type: 'incremental' as const,
      base_backup: base,
      changes: {modified_issues: [], new_issues: [], removed_issues: [], field_changes: [], ...changes} as any,
    })
    expect(describeChanges({unchanged: true, incremental: summary({})}).text).to.equal('no changes')
    expect(describeChanges({unchanged: false, incremental: summary({field_changes: ['Status', 'Status/Done'], new_issues: [4]})}).text).to.equal('3 changes')
    expect(describeChanges({unchanged: false, incremental: summary({modified_issues: [1]})}).text).to.equal('1 change')
    expect(describeChanges({unchanged: false, incremental: summary({}, null)}).text).to.equal('first backup of this project')
  })

  it('checks the backup:protect payload', () => {
    expect(payloadProblem({project: 'acme/1', reason: 'x'})).to.equal(undefined)
    expect(payloadProblem({reason: 'x'})).to.match(/project is missing/)
    expect(payloadProblem({project: 'acme/1'})).to.match(/reason is missing/)
    expect(payloadProblem(undefined)).to.match(/project is missing/)
  })
})

describe('protect: backups against the sandbox', function () {
  this.timeout(60_000)
  let sb: TestSandbox
  let project: TestProject
  let home: string
  let env: NodeJS.ProcessEnv

  before(async () => {
    sb = await startTestSandbox()
    project = await sb.createProject()
  })

  after(async () => {
    await sb.close()
  })

  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'protect-test-'))
    env = {...sb.env, HOME: home, GITHUB_PM_HOME: path.join(home, 'pm')}
  })

  afterEach(async () => {
    await fs.rm(home, {recursive: true, force: true})
  })

  const events = async (projectId = project.id) => {
    const session = await openSession({env})
    return (await journalFor(session, await repository(session), projectId)).headers()
  }

  const stateOf = async (seq: number): Promise<ProjectState> => {
    const session = await openSession({env})
    return (await journalFor(session, await repository(session), project.id)).state(seq)
  }

  const saved = (outcome: ProtectOutcome) => {
    if (outcome.status !== 'saved') throw new Error(`expected a saved backup, got ${JSON.stringify(outcome)}`)
    return outcome
  }

  it('backs up the project of a destructive command before it runs, names it after the command, audits it', async () => {
    const outcome = saved(await protectCommand(['--project', project.ref], {id: 'configure'}, {env}))
    expect(outcome.backup).to.match(/^auto-configure-\d{8}-\d{6}$/)
    expect(outcome.line).to.equal(`backup ${outcome.backup} saved, first backup of this project`)
    const [event] = await events()
    expect(event.name).to.equal(outcome.backup)
    const state = await stateOf(event.seq)
    const status = Object.values(state.fields).find((f) => f.name === 'Status')!
    expect(Object.values(status.options!).map((o) => o.name)).to.have.members(['Todo', 'In Progress', 'Done'])
    const audit = await readAudit({}, env)
    expect(audit).to.have.length(1)
    expect(audit[0]).to.include({command: 'configure', project: project.id, backup: outcome.backup, outcome: 'ok'})
  })

  it('stores the next one incrementally and reports the changes, or no changes', async () => {
    saved(await protectCommand(['--project', project.ref], {id: 'configure'}, {env}))
    const again = saved(await protectCommand(['-p', project.ref], {id: 'batch'}, {env}))
    expect(again.line).to.match(/^backup auto-batch-\d{8}-\d{6}(-\d+)? saved, no changes$/)
    await sb.gql(`mutation($p: ID!) { createProjectV2Field(input: {projectId: $p, dataType: NUMBER, name: "Points"}) { clientMutationId } }`, {p: project.id})
    const third = saved(await protectCommand(['--project=' + project.ref], {id: 'purge', destructive: true}, {env}))
    expect(third.line).to.match(/saved, 1 change$/)
    const list = await events()
    // (whether the journal stores the third as a patch or a new keyframe is the journal's policy, not the hook's)
    expect(list).to.have.length(3)
    expect(list[1]).to.include({kind: 'patch', name: again.backup})
    expect(list[2].name).to.match(/^auto-purge-/)
  })

  it('uses the configured project when argv names none', async () => {
    await setConfig('project', project.ref, env)
    const outcome = saved(await protectCommand([], {id: 'setup-complete'}, {env}))
    expect(outcome.project.id).to.equal(project.id)
  })

  it('does nothing for a command that is not destructive, and leaves its argv alone', async () => {
    const argv = ['--project', project.ref, '--no-backup']
    expect(await protectCommand(argv, {id: 'backup:list'}, {env})).to.deep.equal({status: 'not-destructive'})
    expect(argv).to.have.length(3)
    expect(await events()).to.deep.equal([])
  })

  it('skips when auto_before_destructive is false, with --no-backup (removed from argv) and with GITHUB_PM_NO_BACKUP=1', async () => {
    const argv = ['--project', project.ref, '--no-backup']
    expect(await protectCommand(argv, {id: 'configure'}, {env})).to.deep.equal({status: 'skipped', why: 'no-backup-flag'})
    expect(argv).to.deep.equal(['--project', project.ref])
    expect(await protectCommand([...argv], {id: 'configure'}, {env: {...env, GITHUB_PM_NO_BACKUP: '1'}})).to.deep.equal({
      status: 'skipped',
      why: 'no-backup-env',
    })
    await setConfig('backup.auto_before_destructive', 'false', env)
    const disabled = ['--project', project.ref, '--no-backup']
    expect(await protectCommand(disabled, {id: 'configure'}, {env})).to.deep.equal({status: 'skipped', why: 'disabled'})
    expect(disabled).to.deep.equal(['--project', project.ref])
    expect(await events()).to.deep.equal([])
    const audit = await readAudit({}, env)
    expect(audit.map((a) => a.outcome)).to.deep.equal(['refused', 'refused'])
  })

  it('fails, and says how to skip once, when the project does not exist; continue lets it proceed', async () => {
    const failed = await protectCommand(['--project', 'acme/999'], {id: 'configure'}, {env})
    expect(failed.status).to.equal('failed')
    if (failed.status !== 'failed') return
    expect(failed.proceed).to.equal(false)
    expect(failed.line).to.match(/^automatic backup before configure failed: .*acme\/999.*not found.*configure did not run.*--no-backup.*GITHUB_PM_NO_BACKUP=1$/)
    expect(failed.line).to.not.include('\n')
    expect((await readAudit({}, env))[0]).to.include({command: 'configure', outcome: 'failed'})
    await setConfig('backup.on_backup_failure', 'continue', env)
    const going = await protectCommand(['--project', 'acme/999'], {id: 'configure'}, {env})
    expect(going).to.include({status: 'failed', proceed: true})
    expect((going as {line: string}).line).to.match(/^warning: .*going on without it/)
  })

  it('leaves -p alone for a command that gives it to another flag', async () => {
    const flags = {port: {char: 'p'}}
    const failed = await protectCommand(['-p', project.ref], {id: 'configure', flags}, {env})
    expect((failed as {line: string}).line).to.match(/cannot tell which project/)
  })

  it('fails when no project can be determined', async () => {
    const failed = await protectCommand(['--force'], {id: 'configure'}, {env})
    expect(failed).to.include({status: 'failed', proceed: false})
    expect((failed as {line: string}).line).to.match(/cannot tell which project configure changes: pass --project/)
  })

  it('fails, saying why, when the command line does not parse as the command reads it; --no-backup still skips', async () => {
    await setConfig('project', project.ref, env)
    const flags = {title: {type: 'option'}, project: {type: 'option', char: 'p'}}
    // `--title` without a value: the command would stop on it too, and the configured project is no guess
    const failed = await protectCommand(['--title'], {id: 'configure', flags}, {env})
    expect(failed).to.include({status: 'failed', proceed: false})
    expect((failed as {line: string}).line).to.match(/^automatic backup before configure failed: cannot tell which project configure changes: its command line does not parse \(Flag --title expects a value\)/)
    const argv = ['--no-backup', '--title']
    expect(await protectCommand(argv, {id: 'configure', flags}, {env})).to.deep.equal({status: 'skipped', why: 'no-backup-flag'})
    expect(argv).to.deep.equal(['--title'])
    expect(await events()).to.deep.equal([])
  })

  it('fails without a token', async () => {
    const failed = await protectCommand(['--project', project.ref], {id: 'configure'}, {env: {...env, GH_TOKEN: '', GITHUB_TOKEN: '', PATH: ''}})
    expect(failed).to.include({status: 'failed', proceed: false})
    expect((failed as {line: string}).line).to.match(/token/i)
  })

  it('shows a topic command id the way the user typed it', async () => {
    const failed = await protectCommand(['--project', 'acme/999'], {id: 'backup:restore'}, {env, topicSeparator: ' '})
    expect((failed as {line: string}).line).to.match(/^automatic backup before backup restore failed/)
  })

  it('backup:protect backs up under a name from the firing command or the reason', async () => {
    const byReason = saved(await protectEvent({project: project.ref, reason: 'bulk edit'}, {env}))
    expect(byReason.backup).to.match(/^auto-bulk-edit-\d{8}-\d{6}$/)
    const byCommand = saved(await protectEvent({project: project.id, reason: 'bulk edit', command: 'pm:bulk'}, {env}))
    expect(byCommand.backup).to.match(/^auto-pm-bulk-/)
    const audit = await readAudit({}, env)
    expect(audit.map((a) => a.command)).to.deep.equal(['backup:protect', 'pm:bulk'])
    expect(audit[0].message).to.include('bulk edit')
  })

  it('backup:protect twice in the same second keeps both backups', async () => {
    const fixed = new Date('2026-11-25T10:15:00Z')
    const session = {...(await openSession({env})), now: () => fixed}
    const one = saved(await protectEvent({project: project.ref, reason: 'x'}, {session}))
    const two = saved(await protectEvent({project: project.ref, reason: 'x'}, {session}))
    expect(one.backup).to.equal('auto-x-20261125-101500')
    expect(two.backup).to.equal('auto-x-20261125-101500-2')
  })

  it('backup:protect fails for a missing project and honours the skip switches', async () => {
    const failed = await protectEvent({project: 'acme/999', reason: 'x'}, {env})
    expect(failed).to.include({status: 'failed', proceed: false})
    expect((failed as {line: string}).line).to.match(/the change was stopped.*GITHUB_PM_NO_BACKUP=1$/)
    expect(await protectEvent({project: project.ref, reason: 'x'}, {env: {...env, GITHUB_PM_NO_BACKUP: 'true'}})).to.deep.equal({
      status: 'skipped',
      why: 'no-backup-env',
    })
    expect(await events()).to.deep.equal([])
  })
})
