import {expect} from 'chai'
import {testSuiteSection} from '../../bench/test-times.js'
import {classify, groups, runtimeImports, SERIAL, testFiles, TIERS} from '../../scripts/test.js'

describe('the test tiers (scripts/test.js)', () => {
  it('puts every test file of the repository in exactly one tier, and none is left out', () => {
    const files = testFiles()
    const {byTier, problems} = classify(files)
    expect(problems).to.deep.equal([])
    const placed = Object.values(byTier).flat()
    expect(placed.sort()).to.deep.equal(files)
    expect(files).to.include('test/scripts/test-tiers.test.ts')
    expect(byTier.unit).to.include('test/scripts/test-tiers.test.ts')
    expect(byTier.e2e).to.include('test/e2e/restore.test.ts')
  })

  it('refuses a file in no tier and a file in two, naming them', () => {
    const tiers = {unit: ['test/a/', 'test/b/x.test.ts'], e2e: ['test/b/x.test.ts', 'test/c/']}
    const {byTier, problems} = classify(['test/a/1.test.ts', 'test/b/x.test.ts', 'test/d/lost.test.ts', 'test/c/2.test.ts'], tiers, () => '')
    expect(byTier).to.deep.equal({unit: ['test/a/1.test.ts'], e2e: ['test/c/2.test.ts']})
    expect(problems).to.have.length(2)
    expect(problems[0]).to.match(/^test\/b\/x\.test\.ts is in two tiers \(unit, e2e\)/)
    expect(problems[1]).to.match(/^test\/d\/lost\.test\.ts is in no tier/)
  })

  it('a file entry wins over a folder entry, and an entry naming no file is reported', () => {
    const tiers = {unit: ['test/a/fast.test.ts', 'test/a/gone.test.ts'], e2e: ['test/a/']}
    const {byTier, problems} = classify(['test/a/fast.test.ts', 'test/a/slow.test.ts'], tiers, () => '')
    expect(byTier).to.deep.equal({unit: ['test/a/fast.test.ts'], e2e: ['test/a/slow.test.ts']})
    expect(problems).to.deep.equal(['test/a/gone.test.ts (tier unit) names no test file: remove it from TIERS'])
  })

  it('a unit test that starts a server or a process is sent to a higher tier', () => {
    const tiers = {unit: ['test/u/'], integration: ['test/i/']}
    const sources: Record<string, string> = {
      'test/u/pure.test.ts': "import {diff} from '../../src/plan/diff.js'",
      'test/u/server.test.ts': "import {startSandbox} from '../../src/sandbox/server.js'",
      'test/u/process.test.ts': "import {spawn} from 'node:child_process'",
      'test/i/server.test.ts': "import {startSandbox} from '../../src/sandbox/server.js'",
    }
    const {byTier, problems} = classify(Object.keys(sources).sort(), tiers, (f) => sources[f])
    expect(byTier.integration).to.deep.equal(['test/i/server.test.ts'])
    expect(problems).to.have.length(2)
    expect(problems.join('\n')).to.contain("test/u/process.test.ts is listed as a unit test but imports 'node:child_process'")
    expect(problems.join('\n')).to.contain("test/u/server.test.ts is listed as a unit test but imports '../../src/sandbox/server.js'")
  })

  it('reads run-time imports only: a type import starts nothing', () => {
    const text = [
      "import type {Sandbox} from '../../src/sandbox/server.js'",
      'import {',
      '  startE2E,',
      '  type E2E,',
      "} from '../helpers/e2e.js'",
      // split, so that this file's own text imports nothing
      'const later = await imp' + "ort('node:child_process')",
      "  // import {x} from 'not-at-line-start.js'",
    ].join('\n')
    expect(runtimeImports(text)).to.deep.equal(['../helpers/e2e.js', 'node:child_process'])
  })

  it('runs the kill and stall suites one at a time after the tier\'s other files, which run in workers', () => {
    const {byTier} = classify(testFiles())
    const e2e = groups(byTier.e2e)
    expect(e2e.serial).to.include.members(['test/robustness/crash.test.ts', 'test/robustness/faults.test.ts', 'test/robustness/concurrency.test.ts', 'test/robustness/recovery.test.ts', 'test/install/plugins-install.test.ts'])
    expect(e2e.serial.some((f) => f.startsWith('test/hooks/'))).to.equal(true)
    expect(e2e.parallel).to.include.members(['test/e2e/restore.test.ts', 'test/robustness/bad-input.test.ts', 'test/e2e/in-process.test.ts'])
    expect([...e2e.parallel, ...e2e.serial].sort()).to.deep.equal([...byTier.e2e].sort())
    expect(groups(['test/a/1.test.ts', 'test/b/2.test.ts', 'test/b/c/3.test.ts'], ['test/b/'])).to.deep.equal({parallel: ['test/a/1.test.ts'], serial: ['test/b/2.test.ts', 'test/b/c/3.test.ts']})
    expect(SERIAL.length).to.be.greaterThan(0)
  })

  it('has the three tiers, in the order they run', () => {
    expect(Object.keys(TIERS)).to.deep.equal(['unit', 'integration', 'e2e'])
  })

  it('the bench prints the tier times of the last run, or how to get them', () => {
    expect(testSuiteSection(undefined)).to.contain('no figures yet')
    const text = testSuiteSection({
      at: '2026-12-02T10:00:00.000Z',
      tiers: {unit: {files: 30, jobs: 2, passed: 400, failed: 0, seconds: 12.34}, e2e: {files: 10, passed: 90, failed: 1, seconds: 100}},
    })
    expect(text).to.contain('## test suite')
    expect(text).to.contain('| unit | 30 | 2 | 400 | 0 | 12.3 |')
    expect(text).to.contain('| e2e | 10 | 1 | 90 | 1 | 100.0 |')
    expect(text).to.contain('| total | | | | | 112.3 |')
  })
})
