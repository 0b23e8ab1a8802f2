/** The sandbox GitHub in ANOTHER process: `node bin/run.js backup sandbox --seed FILE --limits MODE --port 0` (or `--state FILE`). */
import {spawn, type ChildProcess} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export interface SandboxProcess {
  url: string
  pid: number
  stop(): Promise<void>
}

/** Starts the sandbox and resolves with its URL once it prints `GITHUB_API_URL=...` (the seed may take seconds). */
export function startSandboxProcess(seedFile: string, limits: 'off' | 'fast' | 'github' = 'off', from: 'seed' | 'state' = 'seed'): Promise<SandboxProcess> {
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'backup', 'sandbox', `--${from}`, seedFile, '--limits', limits, '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {...process.env, NODE_OPTIONS: '--max-old-space-size=6144'},
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  return new Promise((resolve, reject) => {
    let out = ''
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = /GITHUB_API_URL=(\S+)/.exec(out)
      if (!m) return
      child.stdout!.off('data', onData)
      child.off('exit', onExit)
      resolve({
        url: m[1],
        pid: child.pid!,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done()
            child.once('exit', () => done())
            child.kill('SIGTERM')
          }),
      })
    }
    const onExit = (code: number | null) => reject(new Error(`the sandbox exited (${code}) before listening: ${stderr.trim()}`))
    child.stdout!.on('data', onData)
    child.once('exit', onExit)
  })
}
