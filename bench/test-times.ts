/**
 * The "test suite" section of `npm run bench`: the time of each tier of the last `node scripts/test.js` run (unit,
 * integration, e2e), read from .test-times.json. The bench never runs the suite itself.
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'

export interface TierFigures {
  files: number
  /** mocha workers (1: files one after the other) */
  jobs?: number
  passed: number
  failed: number
  pending?: number
  seconds: number
}

export interface TestTimes {
  at: string
  node?: string
  tiers: Record<string, TierFigures>
}

/** The section's lines; says how to get the figures when there are none yet. */
export function testSuiteSection(times: TestTimes | undefined): string {
  const lines = ['', '## test suite', '']
  if (!times || Object.keys(times.tiers).length === 0) {
    lines.push('no figures yet: run `npm test` (or `node scripts/test.js`) to time the tiers')
    return lines.join('\n')
  }
  lines.push(`last run ${times.at}${times.node ? ` (Node ${times.node})` : ''}`, '', '| tier | files | workers | passed | failed | seconds |', '| --- | ---: | ---: | ---: | ---: | ---: |')
  let total = 0
  for (const [tier, t] of Object.entries(times.tiers)) {
    total += t.seconds
    lines.push(`| ${tier} | ${t.files} | ${t.jobs ?? 1} | ${t.passed} | ${t.failed} | ${t.seconds.toFixed(1)} |`)
  }
  lines.push(`| total | | | | | ${total.toFixed(1)} |`)
  return lines.join('\n')
}

/** .test-times.json under root, or undefined when no run wrote it (or it cannot be read). */
export async function readTestTimes(root: string): Promise<TestTimes | undefined> {
  try {
    return JSON.parse(await readFile(path.join(root, '.test-times.json'), 'utf8')) as TestTimes
  } catch {
    return undefined
  }
}
