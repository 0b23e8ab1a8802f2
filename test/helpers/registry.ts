/**
 * A private npm registry on loopback for install tests: verdaccio (a devDependency) in a child process, on
 * 127.0.0.1 and a port the kernel picks, with a temp storage and NO uplink, so it serves only what a test publishes
 * to it and never forwards a request anywhere.
 *
 * It serves nothing but what a test publishes, so a plugin's own dependencies (@oclif/core, @octokit/*, the AWS SDK,
 * ...) travel inside the plugin's tarball: `packBundled` stages a copy of the package with `bundleDependencies`
 * and the installed production tree, and `installEnv` points every request of the installing npm at this registry,
 * with a fresh npm cache, so the install works on a machine whose npm cache is empty.
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
      '# a tarball that bundles its dependencies is tens of MB once base64-encoded in the publish request',
      'max_body_size: 500mb',
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

/**
 * The installed production dependency tree of the package in `dir`: every package directory `npm ls --omit=dev
 * --all --parseable` lists, relative to `dir` (`node_modules/a`, `node_modules/a/node_modules/b`, ...), without `dir`
 * itself. npm fails the listing when the tree is missing or has an invalid package, so a bundle is never built from
 * a broken tree.
 */
export async function productionTree(dir: string): Promise<string[]> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-ls-'))
  try {
    const {stdout} = await execOk('npm', ['ls', '--omit=dev', '--all', '--parseable'], {cwd: dir, env: npmEnv(home)})
    const root = await fs.realpath(dir)
    const dirs = stdout.split('\n').filter(Boolean).map((line) => path.relative(root, line)).filter((rel) => rel !== '')
    const outside = dirs.filter((rel) => rel.split(path.sep)[0] !== 'node_modules')
    if (outside.length > 0) throw new Error(`production dependencies outside ${dir}/node_modules (linked?) cannot be bundled: ${outside.join(', ')}`)
    return [...new Set(dirs)].sort()
  } finally {
    await fs.rm(home, {recursive: true, force: true})
  }
}

/**
 * Packs the package in `dir` the way it is published, plus its whole production dependency tree bundled, so that
 * installing the tarball needs no registry but the one serving the tarball itself. `dir`'s package.json is not
 * touched: the bundle is built in a staged copy.
 *
 * 1. `npm pack` of `dir` (honours `files`), extracted into a temp `package/` directory;
 * 2. in the staged package.json, `bundleDependencies` lists every production dependency;
 * 3. every directory of `productionTree(dir)` is copied into the staged `node_modules` at the same relative place
 *    (each package without its own nested node_modules: the nested ones are listed, and copied, in their own right),
 *    so the bundle is exactly the installed, hoisted tree `npm ci` made, with nothing from the devDependencies;
 * 4. `tar -czf` of `package/` (the layout of an npm tarball) into `dest`, under the name `npm pack` gave.
 *
 * Step 4 is `tar` and not a second `npm pack`: npm pack walks and re-reads the ~5000 bundled files through its
 * JavaScript tar in about 25 s on a 2-core machine, `tar` takes about 1 s, and the files are the same (the installed
 * packages are already what their own tarballs contained). Answers the tarball's path.
 */
export async function packBundled(dir: string, dest: string): Promise<string> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-stage-'))
  try {
    const plain = await pack(dir, work)
    const stage = path.join(work, 'stage')
    await fs.mkdir(stage)
    await execOk('tar', ['-xzf', plain, '-C', stage])
    const pkg = path.join(stage, 'package')
    const manifestPath = path.join(pkg, 'package.json')
    const manifest = JSON.parse(await fs.readFile(manifestPath, 'utf8')) as {dependencies?: Record<string, string>; bundleDependencies?: string[]}
    manifest.bundleDependencies = Object.keys(manifest.dependencies ?? {})
    await fs.writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n')

    const root = await fs.realpath(dir)
    for (const rel of await productionTree(dir)) {
      const source = path.join(root, rel)
      await fs.cp(source, path.join(pkg, rel), {
        recursive: true,
        dereference: true,
        filter: (file) => !path.relative(source, file).split(path.sep).includes('node_modules'),
      })
    }
    const missing: string[] = []
    for (const name of manifest.bundleDependencies) {
      await fs.access(path.join(pkg, 'node_modules', name, 'package.json')).catch(() => missing.push(name))
    }
    if (missing.length > 0) throw new Error(`not installed in ${dir}/node_modules, cannot bundle: ${missing.join(', ')} (run npm ci)`)

    const tarball = path.join(dest, path.basename(plain))
    await execOk('tar', ['-czf', tarball, '-C', stage, 'package'])
    return tarball
  } finally {
    await fs.rm(work, {recursive: true, force: true})
  }
}

/**
 * Environment for an `npm install` (e.g. the one `plugins install` runs) that can reach nothing but the local
 * registry, with its own npm cache:
 * - `registry` is the local registry for every package, scoped or not; it has no uplink, so a dependency that is
 *   not bundled is a 404 there, never a download;
 * - `cache` should be a fresh empty directory: nothing can come from packuments or tarballs an earlier `npm install`
 *   left in the user's cache, as on a brand-new CI machine, and afterwards its index lists every URL npm fetched;
 * - `https-proxy` and `proxy` are a closed loopback port, a second guard: any URL that is not loopback (a tarball
 *   URL pointing elsewhere) fails at once instead of reaching the internet; `noproxy` keeps loopback direct;
 * - no retries, so a failure is reported at once rather than after a minute of back-off.
 */
export function installEnv(registry: LocalRegistry, cache: string): NodeJS.ProcessEnv {
  return {
    npm_config_registry: registry.url,
    npm_config_cache: cache,
    npm_config_https_proxy: 'http://127.0.0.1:9',
    npm_config_proxy: 'http://127.0.0.1:9',
    npm_config_noproxy: '127.0.0.1,localhost,::1',
    npm_config_fetch_retries: '0',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  }
}

/**
 * Every URL npm fetched through the npm cache in `cache` (`installEnv`'s cache after an install): the keys of
 * cacache's index that make-fetch-happen wrote, one per stored response, deduplicated.
 */
export async function fetchedUrls(cache: string): Promise<string[]> {
  const index = path.join(cache, '_cacache', 'index-v5')
  const files = await fs.readdir(index, {recursive: true, withFileTypes: true}).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw error
  })
  const urls = new Set<string>()
  const prefix = 'make-fetch-happen:request-cache:'
  for (const entry of files) {
    if (!entry.isFile()) continue
    const text = await fs.readFile(path.join(entry.parentPath, entry.name), 'utf8')
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t')
      if (tab < 0) continue
      const {key} = JSON.parse(line.slice(tab + 1)) as {key: string}
      if (key.startsWith(prefix)) urls.add(key.slice(prefix.length))
    }
  }
  return [...urls].sort()
}
