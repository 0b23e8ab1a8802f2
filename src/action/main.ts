/**
 * The entry of the GitHub Action (action.yml runs `node <package>/dist/src/action/main.js` after installing the
 * plugin): binds src/action/run.ts to this process. The CLI it runs is this package's own bin/run.js, with the same
 * Node, so the Action and the CLI are always the same version.
 */
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {appendFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {runAction, type CliRunner} from './run.js'

/** The package's bin/run.js: up from dist/src/action/ (or src/action/ under tsx) to the folder that holds it. */
function cliBin(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!existsSync(path.join(dir, 'bin', 'run.js'))) {
    const up = path.dirname(dir)
    if (up === dir) throw new Error('the github-pm CLI (bin/run.js) is not installed beside the Action')
    dir = up
  }
  return path.join(dir, 'bin', 'run.js')
}
const BIN = cliBin()

const runCli: CliRunner = (args, env) =>
  new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], {env, maxBuffer: 256 * 1024 * 1024}, (error, stdout, stderr) => {
      const code = error ? (typeof (error as {code?: unknown}).code === 'number' ? ((error as {code: number}).code) : 1) : 0
      resolve({code, stdout, stderr})
    })
    // the CLI's messages (warnings, errors) belong in the step's log as they come
    child.stderr?.on('data', (chunk) => process.stderr.write(chunk))
  })

const result = await runAction(process.env, runCli, {
  log: (line) => {
    process.stdout.write(`${line}\n`)
  },
  appendFile: (file, text) => appendFile(file, text, {encoding: 'utf8', mode: 0o600}),
})
process.exitCode = result.exitCode
