import {execFile} from 'node:child_process'
import {mkdtemp, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {bigSeed} from './seed.js'
import {ROOT, startSandboxProcess} from './sandbox.js'
import {World} from '../src/sandbox/world.js'
import {TOKEN, changeItems, projectRefs} from './world-ops.js'

function child(args: object, env: NodeJS.ProcessEnv, heap: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'child.ts'), JSON.stringify(args)], {cwd: ROOT, env: {...process.env, ...env, NODE_OPTIONS: `--max-old-space-size=${heap}`}, maxBuffer: 64 << 20}, (e, out, err) => resolve(e ? `FAIL ${heap}: ${err.slice(-600)}` : out.trim().split('\n').at(-1)!))
  })
}
const items = Number(process.argv[2] ?? 50000)
const dir = await mkdtemp(path.join(os.tmpdir(), 'memexp-'))
const stateFile = path.join(dir, 'state.json')
const generated = bigSeed(items)
const world = World.fromSeed(generated.seed as any, {now: () => new Date(Date.now() - 3_600_000)})
await writeFile(stateFile, JSON.stringify(world.toJSON()))
const sandbox = await startSandboxProcess(stateFile, 'off', 'state')
const env = {GITHUB_API_URL: sandbox.url, GH_TOKEN: TOKEN, GITHUB_PM_HOME: path.join(dir, 'home'), GITHUB_TOKEN: '', GH_HOST: ''}
const log = (s: string) => process.stdout.write(s + '\n')
log('full ' + await child({op: 'backup', name: 'full'}, env, 4096))
const refs = await projectRefs(sandbox.url)
await changeItems(sandbox.url, refs, 0.01)
log('incr ' + await child({op: 'backup', name: 'inc'}, env, 4096))
log('nochange ' + await child({op: 'backup', name: 'nochange'}, env, 4096))
log('restore ' + await child({op: 'restore', backup: 'inc'}, env, 4096))
await sandbox.stop()
log('dir ' + dir)
