import {expect} from 'chai'
import {execFile} from 'node:child_process'
import path from 'node:path'
import {promisify} from 'node:util'
import {ESLint} from 'eslint'
import {ROOT} from '../helpers/e2e.js'

/**
 * The layer checks of docs/architecture.md are not vacuous: run with the project's own configuration on code that
 * breaks them, they report exactly the breaks (and nothing for the allowed arrows beside them).
 */
const run = promisify(execFile)
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')
const FIXTURE = path.join(ROOT, 'test/fixtures/layers')

interface Violation {
  from: string
  to: string
  rule: {name: string}
}

describe('layer checks', () => {
  it('dependency-cruiser reports an upward import (type-only too), a cycle and the sandbox reached around its entry point', async function () {
    this.timeout(60_000)
    // `--output-type err` is what `npm run lint:layers` runs: its exit status fails the build; json lists the violations
    const cruise = (outputType: string) =>
      run(process.execPath, [DEPCRUISE, 'src', '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', outputType], {cwd: FIXTURE, maxBuffer: 16 << 20}).then(
        ({stdout}) => ({stdout, code: 0}),
        (error: {stdout: string; code: number}) => ({stdout: error.stdout, code: error.code}),
      )
    const [json, err] = await Promise.all([cruise('json'), cruise('err')])
    const violations = (JSON.parse(json.stdout).summary.violations as Violation[]).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort()
    expect(violations).to.deep.equal([
      'app-imports-only-the-layers-below: src/app/demo.ts -> src/sandbox/world/store.ts',
      'no-circular: src/util/ring-a.ts -> src/util/ring-b.ts',
      'sandbox-only-through-its-entry-point: src/app/demo.ts -> src/sandbox/world/store.ts',
      'storage-below-the-domain: src/storage/codec.ts -> src/journal/events.ts',
    ])
    expect(err.code, 'the check fails the build').to.equal(violations.length)
    expect(err.stdout).to.include('storage-below-the-domain: src/storage/codec.ts → src/journal/events.ts')
  })

  it('ESLint forbids process.stdout/stderr/stdin/exit outside the CLI layer, and allows them in it', async function () {
    this.timeout(60_000)
    const code = [
      "import {stdout} from 'node:process'",
      'const {stderr} = process',
      "process.stdout.write('x')",
      'process.stdin.resume()',
      'process.exit(3)',
      'export const streams = [stdout, stderr]',
      '',
    ].join('\n')
    const eslint = new ESLint({cwd: ROOT})
    const problems = async (file: string) => {
      const [report] = await eslint.lintText(code, {filePath: path.join(ROOT, file)})
      return report.messages.map((m) => `${m.line} ${m.ruleId}`)
    }
    const forbidden = ['1 no-restricted-imports', '2 no-restricted-properties', '3 no-restricted-properties', '4 no-restricted-properties', '5 no-restricted-properties']
    for (const file of ['src/app/example.ts', 'src/journal/example.ts', 'src/sandbox/example.ts', 'src/util/example.ts']) {
      expect(await problems(file), file).to.deep.equal(forbidden)
    }
    for (const file of ['src/commands/backup/example.ts', 'src/hooks/example.ts', 'src/cli/example.ts', 'src/base-command.ts']) {
      expect(await problems(file), file).to.deep.equal([])
    }
  })
})
