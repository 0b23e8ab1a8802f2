/**
 * The real install: this package is built, packed with its production dependencies bundled and published to a
 * private registry on loopback (verdaccio, no uplink), then `github-pm plugins install backup` in a bare host CLI
 * resolves the friendly name to `@github-pm/plugin-backup` (oclif's scope rule), npm installs it into the host's data
 * dir, and the installed copy backs up a sandbox project and protects another plugin's destructive command.
 *
 * Nothing leaves the machine, and nothing comes from this machine's npm cache: the install runs with a fresh empty
 * npm cache (a temp `npm_config_cache`), as `npm ci && npm test` on a brand-new CI machine would, where `npm ci` fills
 * the cache with tarballs only and never with the packuments an install resolves versions from. Every npm request
 * goes to the loopback registry, and a closed loopback proxy catches any other URL (installEnv in
 * test/helpers/registry.ts).
 *
 * The plugin's dependencies travel inside its tarball (packBundled): a staged copy of the packed package gets
 * `bundleDependencies` for every production dependency and the installed production tree (`npm ls --omit=dev --all
 * --parseable`, about 90 packages, 56 MB unpacked, a 6 MB tarball); the checkout's package.json is never touched.
 * npm extracts bundled dependencies from the tarball and asks no registry for them, which the install test checks
 * in the fresh cache: the only URLs npm fetched are the plugin's packument and tarball. Measured on a busy 2-core
 * machine: staging + tar 5-7 s, `npm publish` 11-18 s (npm extracts the tarball to read it), `plugins install`
 * 6-8 s; this file 30-50 s after `tsc -b`. Without the bundle the same install fails at the first dependency (a 404
 * from the registry for it).
 *
 * The other way, publishing every production dependency to verdaccio at its installed version, was measured and
 * dropped: `npm pack` + `npm publish` of ~90 packages costs 0.7-3 s per pack plus 1-2 s per publish (3-5 min), and
 * writing verdaccio's storage directly would tie the test to verdaccio's private storage format. (A second `npm pack`
 * of the staged package would take ~25 s for its 5000 files; `tar` makes the same tarball in ~1 s.)
 */
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {journalFor, openSession, repository} from '../../src/app/session.js'
import {buildPlugin, createHost, PM_PLUGIN, REPO_ROOT, type Host} from '../fixtures/host/index.js'
import {fetchedUrls, installEnv, packBundled, startRegistry, type LocalRegistry} from '../helpers/registry.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

describe('github-pm plugins install backup (real npm install from a loopback registry)', function () {
  this.timeout(300_000)
  let registry: LocalRegistry
  let sb: TestSandbox
  let host: Host
  let packDir: string
  let npmCache: string
  let version: string
  let dependencies: string[]
  let checkoutManifest: string

  before(async () => {
    await buildPlugin()
    checkoutManifest = await fs.readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')
    const pjson = JSON.parse(checkoutManifest) as {version: string; dependencies: Record<string, string>}
    version = pjson.version
    dependencies = Object.keys(pjson.dependencies)
    packDir = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-pack-'))
    npmCache = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-npm-cache-'))
    // the registry (a process) boots while the package is packed, and the sandbox starts while it is published:
    // neither needs the other. Both settle before a failure is thrown, so `after` closes whatever started.
    const [packed, started] = await Promise.allSettled([packBundled(REPO_ROOT, packDir), startRegistry()])
    if (started.status === 'fulfilled') registry = started.value
    if (packed.status === 'rejected') throw packed.reason
    if (started.status === 'rejected') throw started.reason
    const [published, sandbox] = await Promise.allSettled([registry.publish(packed.value), startTestSandbox()])
    if (sandbox.status === 'fulfilled') sb = sandbox.value
    if (published.status === 'rejected') throw published.reason
    if (sandbox.status === 'rejected') throw sandbox.reason
    host = await createHost({...sb.env, ...installEnv(registry, npmCache)})
  })

  after(async () => {
    await host?.cleanup()
    await sb?.close()
    await registry?.close()
    if (packDir) await fs.rm(packDir, {recursive: true, force: true})
    if (npmCache) await fs.rm(npmCache, {recursive: true, force: true})
  })

  it('publishes the packed plugin, its dependencies bundled, to the local registry', async () => {
    const response = await fetch(`${registry.url}@github-pm%2fplugin-backup`)
    expect(response.status).to.equal(200)
    const doc = (await response.json()) as {
      'dist-tags': {latest: string}
      versions: Record<string, {dist: {tarball: string}; bundleDependencies?: string[]}>
    }
    expect(doc['dist-tags'].latest).to.equal(version)
    expect(new URL(doc.versions[version].dist.tarball).hostname).to.equal('127.0.0.1')
    expect(doc.versions[version].bundleDependencies).to.have.members(dependencies)
    // staged: the checkout's own manifest is left as it was
    expect(await fs.readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')).to.equal(checkoutManifest)
  })

  it('installs it by its friendly name into the host data dir', async () => {
    const result = await host.ok(['plugins', 'install', 'backup'])
    expect(result.stderr).to.include(`installed v${version}`)
    const installed = path.join(host.dataDir, 'node_modules/@github-pm/plugin-backup')
    const pjson = JSON.parse(await fs.readFile(path.join(installed, 'package.json'), 'utf8'))
    expect(pjson).to.include({name: '@github-pm/plugin-backup', version})
    await fs.access(path.join(installed, 'dist/src/hooks/prerun.js'))
    // a real install, not a link to the checkout
    expect(await fs.realpath(installed)).to.not.equal(await fs.realpath(REPO_ROOT))
    const list = await host.ok(['plugins'])
    expect(list.stdout).to.match(new RegExp(`^backup ${version.replace(/\./g, '\\.')}$`, 'm'))
    expect(list.stdout).to.not.include('(link)')
  })

  it('takes every dependency from the bundle: npm fetched nothing but the plugin itself', async () => {
    const installed = path.join(host.dataDir, 'node_modules/@github-pm/plugin-backup')
    for (const name of dependencies) await fs.access(path.join(installed, 'node_modules', name, 'package.json'))
    // the cache started empty, so its index is the list of every response npm fetched for the install
    expect(await fetchedUrls(npmCache)).to.have.members([
      `${registry.url}@github-pm%2fplugin-backup`,
      `${registry.url}@github-pm/plugin-backup/-/plugin-backup-${version}.tgz`,
    ])
  })

  it('runs `github-pm backup` from the installed copy against the sandbox', async () => {
    const project = await sb.createProject()
    const result = await host.ok(['backup', '--project', project.ref])
    expect(result.stdout).to.match(/^backup full-\d{8}-\d{6} saved for Roadmap/)
    const session = await openSession({env: {HOME: host.env.HOME, GITHUB_PM_HOME: host.pmHome}})
    const events = (await journalFor(session, await repository(session), project.id)).headers()
    expect(events).to.have.length(1)
    expect(events[0].stats.items).to.equal(3)
  })

  it('protects another plugin\'s destructive command once installed', async () => {
    await host.ok(['plugins', 'link', '--no-install', PM_PLUGIN])
    const project = await sb.createProject()
    const result = await host.ok(['configure', '-p', project.ref, '--options', 'New'])
    expect(result.stderr.trim()).to.match(/^backup auto-configure-\d{8}-\d{6} saved, first backup of this project$/)
    expect(await sb.statusOptions(project.id)).to.deep.equal(['New'])
  })
})
