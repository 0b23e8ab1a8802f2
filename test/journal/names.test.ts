import {expect} from 'chai'
import {autoName, validateBackupName} from '../../src/journal/names.js'
import {isUserError} from '../../src/util/errors.js'

describe('journal names', () => {
  it('accepts names of letters, digits, dot, underscore and dash', () => {
    for (const ok of ['before-major-refactor', 'full_2024.12.06', 'a', 'A1', 'x'.repeat(100), 'v1.2-rc_3']) {
      expect(validateBackupName(ok)).to.equal(ok)
    }
  })

  it('rejects anything else with a one-line error saying what is allowed', () => {
    for (const bad of ['', '.hidden', '-flag', 'a..b', '../etc', 'a/b', 'with space', 'x'.repeat(101), 'ünïcode', 'a\nb', 'latest']) {
      let error: unknown
      try {
        validateBackupName(bad)
      } catch (e) {
        error = e
      }
      expect(isUserError(error), JSON.stringify(bad)).to.equal(true)
      const message = (error as Error).message
      expect(message).not.to.contain('\n')
      if (bad !== 'latest') expect(message).to.contain('letters, digits')
    }
  })

  it('rejects names that are not portable file names (Windows device names, a trailing dot), saying why', () => {
    for (const bad of ['CON', 'con', 'nul.json', 'COM1', 'lpt9.backup', 'Aux', 'prn', 'release.']) {
      let error: unknown
      try {
        validateBackupName(bad)
      } catch (e) {
        error = e
      }
      expect(isUserError(error), bad).to.equal(true)
      expect((error as Error).message, bad).to.match(/reserved device name on Windows|may not end with "\."/)
    }
    for (const ok of ['console', 'CONFIG', 'com10', 'auxiliary', 'null', 'lpt']) expect(validateBackupName(ok)).to.equal(ok)
  })

  it('makes automatic names from a prefix and the UTC time', () => {
    expect(autoName('auto', new Date('2026-11-25T10:15:00Z'))).to.equal('auto-20261125-101500')
    expect(autoName('pre-configure', new Date('2026-01-02T03:04:05.678Z'))).to.equal('pre-configure-20260102-030405')
  })
})
