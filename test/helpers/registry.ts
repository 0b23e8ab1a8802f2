/**
 * A private npm registry on loopback for install tests: verdaccio (a devDependency) in a child process, on
 * 127.0.0.1 and a port the kernel picks, with a temp storage and NO uplink, so it serves only what a test publishes
 * to it and never forwards a request anywhere.
 *
 * What it cannot serve is everything else a plugin depends on (@oclif/core, @octokit/*, the AWS SDK, ...). Those
 * come from the npm cache `npm ci` filled on this machine: see `installEnv`.
 */
import {execFile, spawn, type ChildProcess} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface LocalRegistry {
  /** http://127.0.0.1:PORT/ */
  url: string
  /** where verdaccio keeps what is published */
  storage: string
  /** publishes a tarball from `npm pack` */
  publish(tarball: string): Promise<void>
  close(): Promise<void>
}

export interface ExecResult {
  code: number
  stdout: string
  stderr: string
}

export function exec(command: string, args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(command, args, {cwd: options.cwd, env: options.env, maxBuffer: 64 * 1024 * 1024, timeout: 300_000}, (error, stdout, stderr) => {
      const code = error ? (typeof (error as {code?: unknown}).code === 'number' ? (error as {code: number}).code : 1) : 0
      resolve({code, stdout: String(stdout), stderr: String(stderr)})
    })
  })
}

async function execOk(command: string, args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Promise<ExecResult> {
  const result = await exec(command, args, options)
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`)
  return result
}

/** Environment for the npm we run ourselves: no user config, no inherited npm settings. */
function npmEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_|^NODE_OPTIONS$/i.test(k)) env[k] = v
  return {...env, HOME: home, npm_config_userconfig: path.join(home, '.npmrc'), npm_config_update_notifier: 'false', ...extra}
}

/** Starts verdaccio with `@github-pm/*` publishable by anyone and nothing proxied. */
export async function startRegistry(): Promise<LocalRegistry> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-registry-'))
  const storage = path.join(root, 'storage')
  await fs.mkdir(storage)
  const config = path.join(root, 'config.yaml')
  await fs.writeFile(
    config,
    [
      `storage: ${JSON.stringify(storage)}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(path.join(root, 'htpasswd'))}`,
      '    max_users: -1',
      '# no uplinks: nothing is ever fetched from another registry',
      'uplinks: {}',
      'packages:',
      "  '@github-pm/*':",
      '    access: $all',
      '    publish: $anonymous',
      "  '**':",
      '    access: $all',
      'web:',
      '  enable: false',
      'log: {type: stdout, format: json, level: error}',
      '',
    ].join('\n'),
  )
  // a small launcher: listen on port 0 and report the port the kernel picked (no free-port race)
  const launcher = `
    const {runServer} = require('verdaccio')
    runServer(process.argv[1]).then((server) => {
      server.listen(0, '127.0.0.1', () => process.stdout.write('LISTENING ' + server.address().port + '\\n'))
    }, (error) => { console.error(error); process.exit(1) })`
  const child: ChildProcess = spawn(process.execPath, ['-e', launcher, config], {cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: npmEnv(root)})
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /LISTENING (\d+)/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('exit', (code) => reject(new Error(`verdaccio exited ${code} before listening: ${err || out}`)))
  })
  child.stdout!.resume()
  const url = `http://127.0.0.1:${port}/`
  const home = path.join(root, 'home')
  await fs.mkdir(home)

  return {
    url,
    storage,
    async publish(tarball) {
      // anonymous publish is allowed by the config; npm still wants a token for the registry, any value will do
      await fs.writeFile(path.join(home, '.npmrc'), `//127.0.0.1:${port}/:_authToken=anonymous\n`)
      await execOk('npm', ['publish', tarball, '--registry', url, '--access', 'public', '--ignore-scripts'], {cwd: root, env: npmEnv(home)})
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      await fs.rm(root, {recursive: true, force: true})
    },
  }
}

/**
 * `npm pack` of a package directory into `dest`, without lifecycle scripts (this package's `prepack` would rebuild
 * and write the manifest in the shared checkout); the caller builds first. Answers the tarball's path.
 */
export async function pack(dir: string, dest: string): Promise<string> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-pack-'))
  try {
    const {stdout} = await execOk('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], {cwd: dir, env: npmEnv(home)})
    const [info] = JSON.parse(stdout) as Array<{filename: string}>
    return path.join(dest, info.filename)
  } finally {
    await fs.rm(home, {recursive: true, force: true})
  }
}

/** The npm cache `npm ci` filled (npm's own answer, asked with the real HOME before any test changes it). */
export async function npmCacheDir(): Promise<string> {
  const {stdout} = await execOk('npm', ['config', 'get', 'cache'], {cwd: REPO_ROOT})
  return stdout.trim()
}

/**
 * Environment for an `npm install` (e.g. the one `plugins install` runs) that resolves `@github-pm/*` from the local
 * registry and every other package from the local npm cache, and can reach nothing but loopback:
 * - `@github-pm:registry` sends the scope to verdaccio; the default registry stays registry.npmjs.org because the
 *   cache is keyed by URL: only requests for that registry find the packuments and tarballs `npm ci` stored;
 * - `prefer-offline` answers those requests from the cache without asking the registry whether they are fresh;
 * - `https-proxy` is a closed loopback port: a package missing from the cache fails the install at once instead of
 *   being fetched from the internet (plain `offline` would also stop the loopback registry), and `noproxy` keeps
 *   loopback direct.
 */
export function installEnv(registry: LocalRegistry, cache: string): NodeJS.ProcessEnv {
  return {
    'npm_config_@github-pm:registry': registry.url,
    npm_config_registry: 'https://registry.npmjs.org/',
    npm_config_cache: cache,
    npm_config_prefer_offline: 'true',
    npm_config_https_proxy: 'http://127.0.0.1:9',
    npm_config_proxy: '',
    npm_config_noproxy: '127.0.0.1,localhost,::1',
    // fail at once on a cache miss rather than retrying the closed proxy for a minute
    npm_config_fetch_retries: '0',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  }
}
