import {expect} from 'chai'
import path from 'node:path'
import {backupsRoot, githubPmHome} from '../../src/storage/home.js'

describe('storage/home', () => {
  it('uses GITHUB_PM_HOME when set, expanding a leading ~', () => {
    expect(githubPmHome({GITHUB_PM_HOME: '/srv/gpm', HOME: '/home/me'})).to.equal(path.resolve('/srv/gpm'))
    expect(githubPmHome({GITHUB_PM_HOME: '~/gpm', HOME: '/home/me'})).to.equal(path.resolve('/home/me/gpm'))
  })

  it('defaults to ~/.github-pm, and backups live in <home>/backups', () => {
    expect(githubPmHome({HOME: '/home/me'})).to.equal(path.resolve('/home/me/.github-pm'))
    expect(githubPmHome({HOME: '/home/me', GITHUB_PM_HOME: '  '})).to.equal(path.resolve('/home/me/.github-pm'))
    expect(backupsRoot({HOME: '/home/me'})).to.equal(path.resolve('/home/me/.github-pm/backups'))
  })
})
