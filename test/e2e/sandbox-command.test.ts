import {expect} from 'chai'
import {spawn, type ChildProcess} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {BIN} from '../helpers/e2e.js'

/** Starts `github-pm backup sandbox ARGS` and resolves with the URL it prints once it listens. */
function startProcess(args: string[]): Promise<{child: ChildProcess; url: string; stderr: () => string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'backup', 'sandbox', ...args], {stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stderr!.on('data', (d) => (err += d))
    child.stdout!.on('data', (d) => {
      out += d
      const m = /^GITHUB_API_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out)
      if (m) resolve({child, url: m[1], stderr: () => err})
    })
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code} before listening: ${err}`)))
  })
}

function stopped(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

async function gql(url: string, query: string): Promise<any> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {authorization: 'bearer any-token', 'content-type': 'application/json'},
    body: JSON.stringify({query}),
  })
  return res.json()
}

describe('github-pm backup sandbox (as a process)', function () {
  this.timeout(60_000)
  let dir: string
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'github-pm-sandbox-cmd-'))
  })
  after(async () => fs.rm(dir, {recursive: true, force: true}))

  it('prints GITHUB_API_URL once it listens, serves GitHub GraphQL, saves its world at SIGTERM and loads it again', async () => {
    const state = path.join(dir, 'world.json')
    const first = await startProcess(['--port', '0', '--state', state, '--limits', 'off'])
    const org = (await gql(first.url, '{ organization(login: "acme") { id } }')).data.organization.id
    const created = await gql(first.url, `mutation { createProjectV2(input: {ownerId: "${org}", title: "Kept"}) { projectV2 { number } } }`)
    expect(created.data.createProjectV2.projectV2.number).to.equal(1)
    const invalid = await gql(first.url, '{ viewer { noSuchField } }')
    expect(invalid.errors[0].message).to.match(/noSuchField/)
    const exit = stopped(first.child)
    first.child.kill('SIGTERM')
    expect(await exit).to.equal(0)
    expect((await fs.stat(state)).mode & 0o777).to.equal(0o600)

    const second = await startProcess(['--port', '0', '--state', state, '--limits', 'off'])
    try {
      const again = await gql(second.url, '{ organization(login: "acme") { projectV2(number: 1) { title } } }')
      expect(again.data.organization.projectV2.title).to.equal('Kept')
    } finally {
      const done = stopped(second.child)
      second.child.kill('SIGINT')
      await done
    }
  })

  it('starts from a seed file', async () => {
    const seed = path.join(dir, 'seed.json')
    await fs.writeFile(seed, JSON.stringify({projects: [{owner: 'acme', title: 'Seeded', items: [{draft: {title: 'Hello'}}]}]}))
    const s = await startProcess(['--port', '0', '--seed', seed, '--limits', 'fast'])
    try {
      const data = await gql(s.url, '{ organization(login: "acme") { projectV2(number: 1) { title items(first: 5) { totalCount } } } }')
      expect(data.data.organization.projectV2).to.deep.equal({title: 'Seeded', items: {totalCount: 1}})
    } finally {
      const done = stopped(s.child)
      s.child.kill('SIGTERM')
      await done
    }
  })
})
