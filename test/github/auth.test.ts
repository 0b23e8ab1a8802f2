import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {ghAuthToken, resolveToken} from '../../src/github/auth.js'
import {UserError} from '../../src/util/errors.js'
import {redact} from '../../src/util/secrets.js'

describe('github/auth', () => {
  const gh = (token: string | undefined) => {
    const calls: number[] = []
    return {calls, run: async () => (calls.push(1), token)}
  }

  it('takes GH_TOKEN over GITHUB_TOKEN over gh', async () => {
    const g = gh('gh-token-value')
    expect(await resolveToken({GH_TOKEN: 'gh-env-token', GITHUB_TOKEN: 'github-env-token'}, {gh: g.run})).to.equal('gh-env-token')
    expect(await resolveToken({GITHUB_TOKEN: 'github-env-token'}, {gh: g.run})).to.equal('github-env-token')
    expect(g.calls).to.have.length(0) // gh is not asked when the environment has a token
    expect(await resolveToken({GH_TOKEN: '  ', GITHUB_TOKEN: ''}, {gh: g.run})).to.equal('gh-token-value')
    expect(g.calls).to.have.length(1)
  })

  it('explains how to provide a token, and which scopes, when none is found', async () => {
    const error = await resolveToken({}, {gh: async () => undefined}).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).to.be.instanceOf(UserError)
    const message = (error as Error).message
    expect(message).to.not.include('\n')
    for (const hint of ['GH_TOKEN', 'GITHUB_TOKEN', 'gh auth login', 'read:project', 'project to restore', 'repo']) {
      expect(message).to.include(hint)
    }
  })

  it('registers the token so redact() strips it', async () => {
    const token = 'plain-token-without-github-shape-42'
    await resolveToken({GH_TOKEN: token})
    expect(redact(`Authorization failed for ${token}!`)).to.equal('Authorization failed for ***!')
  })

  describe('gh auth token', () => {
    let dir: string
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gh-stub-'))
    })
    afterEach(async () => {
      await fs.rm(dir, {recursive: true, force: true})
    })

    it('runs gh from PATH, passing GH_HOST as --hostname', async function () {
      if (process.platform === 'win32') this.skip()
      const script = path.join(dir, 'gh')
      // prints its arguments, so the test sees exactly what was asked
      await fs.writeFile(script, '#!/bin/sh\necho "tok-$1-$2-$3-$4"\n', {mode: 0o755})
      expect(await ghAuthToken({PATH: dir})).to.equal('tok-auth-token--')
      expect(await ghAuthToken({PATH: dir, GH_HOST: 'ghe.example.com'})).to.equal('tok-auth-token---hostname-ghe.example.com')
      expect(await resolveToken({PATH: dir, GH_HOST: 'ghe.example.com'})).to.equal('tok-auth-token---hostname-ghe.example.com')
    })

    it('gives nothing when gh is missing or fails', async function () {
      if (process.platform === 'win32') this.skip()
      expect(await ghAuthToken({PATH: dir})).to.equal(undefined)
      await fs.writeFile(path.join(dir, 'gh'), '#!/bin/sh\necho "not logged in" >&2\nexit 1\n', {mode: 0o755})
      expect(await ghAuthToken({PATH: dir})).to.equal(undefined)
      const error = await resolveToken({PATH: dir}).catch((e: unknown) => e)
      expect(error).to.be.instanceOf(UserError)
    })
  })
})
