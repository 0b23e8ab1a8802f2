/**
 * The real install: this package is built, packed and published to a private registry on loopback (verdaccio, no
 * uplink), then `github-pm plugins install backup` in a bare host CLI resolves the friendly name to
 * `@github-pm/plugin-backup` (oclif's scope rule), npm installs it into the host's data dir, and the installed copy
 * backs up a sandbox project and protects another plugin's destructive command.
 *
 * Nothing leaves the machine. The registry has no uplink, so it serves `@github-pm/*` only; the plugin's own
 * dependencies come from the npm cache `npm ci` filled. npm finds them there only under the URLs they were stored
 * with (registry.npmjs.org), so the default registry stays that and `npm_config_@github-pm:registry` sends just
 * the scope to verdaccio; `prefer-offline` serves cached packuments and tarballs without revalidating, and an
 * https-proxy on a closed loopback port makes any cache miss fail at once instead of reaching the internet
 * (plain `--offline` would also cut off the loopback registry). See installEnv in test/helpers/registry.ts.
 */
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {journalFor, openSession, repository} from '../../src/app/session.js'
import {buildPlugin, createHost, PM_PLUGIN, REPO_ROOT, type Host} from '../fixtures/host/index.js'
import {installEnv, npmCacheDir, pack, startRegistry, type LocalRegistry} from '../helpers/registry.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

describe('github-pm plugins install backup (real npm install from a loopback registry)', function () {
  this.timeout(300_000)
  let registry: LocalRegistry
  let sb: TestSandbox
  let host: Host
  let packDir: string
  let version: string

  before(async () => {
    await buildPlugin()
    version = JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')).version
    packDir = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-pack-'))
    const tarball = await pack(REPO_ROOT, packDir)
    registry = await startRegistry()
    await registry.publish(tarball)
    sb = await startTestSandbox()
    host = await createHost({...sb.env, ...installEnv(registry, await npmCacheDir())})
  })

  after(async () => {
    await host?.cleanup()
    await sb?.close()
    await registry?.close()
    if (packDir) await fs.rm(packDir, {recursive: true, force: true})
  })

  it('publishes the packed plugin to the local registry', async () => {
    const response = await fetch(`${registry.url}@github-pm%2fplugin-backup`)
    expect(response.status).to.equal(200)
    const doc = (await response.json()) as {'dist-tags': {latest: string}; versions: Record<string, {dist: {tarball: string}}>}
    expect(doc['dist-tags'].latest).to.equal(version)
    expect(new URL(doc.versions[version].dist.tarball).hostname).to.equal('127.0.0.1')
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
