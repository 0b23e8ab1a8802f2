import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {ERROR_KINDS, EXIT_CODES, UserError, failure} from '../../src/util/errors.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The rows of README's "Exit codes" table: [status, meaning]. */
async function readmeTable(): Promise<Array<{status: number; meaning: string}>> {
  const text = await readFile(path.join(ROOT, 'README.md'), 'utf8')
  const start = text.indexOf('\n## Exit codes\n')
  expect(start, 'README.md has an "Exit codes" section').to.be.greaterThan(-1)
  const section = text.slice(start + 1).split(/\n## /)[0]
  return section
    .split('\n')
    .filter((line) => /^\|\s*\d+\s*\|/.test(line))
    .map((line) => {
      const [status, meaning] = line.split('|').slice(1, -1).map((cell) => cell.trim())
      return {status: Number(status), meaning}
    })
}

describe('exit codes: one table', () => {
  it("README's table is the code's table, row for row", async () => {
    expect(await readmeTable()).to.deep.equal(EXIT_CODES.map(({status, meaning}) => ({status, meaning})))
  })

  it('every kind of error exits with a status of the table', () => {
    const statuses = new Set<number>(EXIT_CODES.map((row) => row.status))
    for (const [kind, {exit}] of Object.entries(ERROR_KINDS)) expect(statuses.has(exit), kind).to.equal(true)
  })

  it('keeps the statuses scripts and docs rely on', () => {
    expect(new UserError('x').exitCode).to.equal(1)
    expect(failure('usage', 'x').exitCode).to.equal(2)
    expect(failure('backupFailed', 'x').exitCode).to.equal(2) // BACKUP_FAILED_EXIT of the prerun hook
    expect(failure('damaged', 'x').exitCode).to.equal(3) // `backup validate` on a damaged backup (README, e2e tests)
    expect(failure('incomplete', 'x').exitCode).to.equal(4)
    expect(failure('cancelled', 'x').exitCode).to.equal(130)
    for (const kind of ['notFound', 'locked', 'github', 'batch', 'failed'] as const) expect(failure(kind, 'x').exitCode, kind).to.equal(1)
  })

  it('a typed error is one line, keeps its code and carries the result document for --json', () => {
    const report = {status: 'invalid'}
    const error = failure('damaged', 'backup x is damaged\n  at event 3', {document: report})
    expect(error.message).to.equal('backup x is damaged at event 3')
    expect(error.code).to.equal('EDAMAGED')
    expect(error.document).to.equal(report)
    expect(new UserError('gone', {code: 'ENOTFOUND'}).code).to.equal('ENOTFOUND')
  })
})
