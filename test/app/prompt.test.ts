import {expect} from 'chai'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {PassThrough} from 'node:stream'
import {initRepositoryEncryption} from '../../src/app/encryption.js'
import {askYesNo, obtainPassphrase} from '../../src/app/prompt.js'
import {openSession, repository} from '../../src/app/session.js'
import type {IOStreams} from '../../src/util/io.js'

/** A terminal a test drives: what the person types goes in `type`, what they see comes out of `screen()`. */
function fakeTerminal(): IOStreams & {type(text: string): void; screen(): string} {
  const stdin = new PassThrough()
  const stderr = new PassThrough()
  let shown = ''
  stderr.on('data', (chunk) => (shown += chunk.toString('utf8')))
  return {
    stdin,
    stdout: new PassThrough().resume(),
    stderr,
    stdinIsTTY: true,
    stdoutIsTTY: true,
    stderrIsTTY: true,
    colorEnabled: false,
    progressEnabled: true,
    canPrompt: true,
    type: (text) => stdin.write(text),
    screen: () => shown,
  }
}

/**
 * Answers questions the way a person does: each line is typed once its question is on the screen (every question
 * opens its own reader, which would swallow answers typed ahead). `qa` pairs a piece of each question with the answer.
 */
function answer(io: ReturnType<typeof fakeTerminal>, qa: Array<[question: string, line: string]>): void {
  let next = 0
  let seen = 0
  const check = () => {
    while (next < qa.length) {
      const at = io.screen().indexOf(qa[next][0], seen)
      if (at < 0) return
      seen = at + qa[next][0].length
      io.type(`${qa[next++][1]}\r`)
    }
  }
  ;(io.stderr as PassThrough).on('data', () => setImmediate(check))
  check()
}

describe('prompts through the injected terminal', () => {
  it('asks a yes/no question on stderr: yes only for y or yes, no for anything else (an empty answer too)', async () => {
    for (const [typed, expected] of [
      ['y', true],
      ['YES', true],
      ['n', false],
      ['', false],
      ['maybe', false],
    ] as const) {
      const io = fakeTerminal()
      const asking = askYesNo('Apply these 3 change(s) to acme/1? [y/N] ', io)
      answer(io, [['[y/N]', typed]])
      expect(await asking, `answer "${typed}"`).to.equal(expected)
      expect(io.screen()).to.contain('Apply these 3 change(s) to acme/1? [y/N] ')
    }
  })

  it('a closed terminal (end of input) is a no', async () => {
    const io = fakeTerminal()
    const asking = askYesNo('Apply? [y/N] ', io)
    ;(io.stdin as PassThrough).end()
    expect(await asking).to.equal(false)
  })

  it('reads a new passphrase twice with echo off; never shows it', async () => {
    const io = fakeTerminal()
    const asking = obtainPassphrase({label: 'new passphrase for file:///x', envVars: ['NO_SUCH_VAR'], confirm: true}, {}, io)
    answer(io, [['Enter', 'sw0rdfish-typed'], ['Repeat', 'sw0rdfish-typed']])
    expect(await asking).to.equal('sw0rdfish-typed')
    expect(io.screen()).to.contain('Enter new passphrase for file:///x: ')
    expect(io.screen()).to.contain('Repeat new passphrase for file:///x: ')
    expect(io.screen()).to.not.contain('sw0rdfish')
  })

  it('refuses two different passphrases, and an empty one', async () => {
    const io = fakeTerminal()
    const differ = obtainPassphrase({label: 'new passphrase', envVars: ['NO_SUCH_VAR'], confirm: true}, {}, io)
    answer(io, [['Enter', 'one passphrase'], ['Repeat', 'another one']])
    await differ.then(
      () => expect.fail('two different passphrases were accepted'),
      (error) => expect(error.message).to.contain('the two passphrases differ'),
    )
    const empty = fakeTerminal()
    const asking = obtainPassphrase({label: 'passphrase', envVars: ['NO_SUCH_VAR'], confirm: false}, {}, empty)
    answer(empty, [['Enter', '']])
    await asking.then(
      () => expect.fail('an empty passphrase was accepted'),
      (error) => expect(error.message).to.contain('the passphrase is empty'),
    )
  })

  it('without a terminal nobody is asked: the error names the variable to set', async () => {
    const io = {...fakeTerminal(), canPrompt: false}
    await obtainPassphrase({label: 'passphrase for s3://b', envVars: ['GITHUB_PM_PASSPHRASE', 'GITHUB_PM_PASSPHRASE_FILE'], confirm: false}, {}, io).then(
      () => expect.fail('asked without a terminal'),
      (error) => expect(error.message).to.equal('no passphrase for s3://b given and no terminal to ask on: set GITHUB_PM_PASSPHRASE (or GITHUB_PM_PASSPHRASE_FILE)'),
    )
  })

  describe("the session's terminal opens an encrypted repository", () => {
    let dir: string
    let storage: string
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'github-pm-prompt-'))
      storage = `file://${path.join(dir, 'repo')}`
      const env = {GITHUB_PM_HOME: path.join(dir, 'home'), GITHUB_PM_PASSPHRASE: 'the right passphrase'}
      await initRepositoryEncryption(await openSession({env}), {storage, scrypt: {N: 1024, r: 8, p: 1}})
    })
    afterEach(async () => rm(dir, {recursive: true, force: true}))

    it('asks the passphrase on the injected terminal when no variable gives it', async () => {
      const io = fakeTerminal()
      const session = await openSession({env: {GITHUB_PM_HOME: path.join(dir, 'home')}, io})
      const opening = repository(session, storage)
      answer(io, [['Enter', 'the right passphrase']])
      const repo = await opening
      expect(repo.url).to.contain(path.join(dir, 'repo'))
      expect(io.screen()).to.contain('Enter passphrase for')
      expect(io.screen()).to.not.contain('the right passphrase')
    })

    it('a session without a terminal asks nobody and says which variable to set', async () => {
      const session = await openSession({env: {GITHUB_PM_HOME: path.join(dir, 'home')}})
      await repository(session, storage).then(
        () => expect.fail('opened an encrypted repository without its passphrase'),
        (error) => expect(error.message).to.contain('GITHUB_PM_PASSPHRASE'),
      )
    })
  })
})
