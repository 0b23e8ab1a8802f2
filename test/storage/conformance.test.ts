import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {LocalBackend} from '../../src/storage/local.js'
import {inTransaction, openStorage} from '../../src/storage/open.js'
import {isUserError} from '../../src/util/errors.js'
import {storageConformance} from './conformance.js'
import {rejection} from '../helpers/rejection.js'

describe('storage/local conformance', () => {
  storageConformance(async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-conf-local-'))
    const root = path.join(dir, 'root')
    return {backend: new LocalBackend(root), reopen: async () => new LocalBackend(root), cleanup: () => fs.rm(dir, {recursive: true, force: true})}
  })
})

describe('storage/open', () => {
  let dir: string
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-open-'))
  })
  afterEach(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })

  it('opens `local` (and an empty location) under GITHUB_PM_HOME/backups', async () => {
    const env = {GITHUB_PM_HOME: path.join(dir, 'home')}
    const local = await openStorage('local', env)
    expect(local).to.be.instanceOf(LocalBackend)
    expect((local as LocalBackend).root).to.equal(path.join(dir, 'home', 'backups'))
    expect(((await openStorage('', env)) as LocalBackend).root).to.equal(path.join(dir, 'home', 'backups'))
  })

  it('opens file:///path as a local folder, and refuses a file URL that is not one', async () => {
    const backend = await openStorage(`file://${dir}/store`, {})
    expect((backend as LocalBackend).root).to.equal(path.join(dir, 'store'))
    await backend.put('a.json', new Uint8Array([1]))
    expect(await fs.readFile(path.join(dir, 'store', 'a.json'))).to.have.length(1)
    expect((await rejection(openStorage('file://relative/path', {}))).message).to.match(/file:\/\/\/absolute\/path/)
  })

  it('refuses an unknown scheme with a UserError listing every accepted form', async () => {
    const error = await rejection(openStorage('ftp://example.com/backups', {}))
    expect(isUserError(error)).to.equal(true)
    for (const form of ['local', 'file:///', 'git', 'git+file:///', 's3://bucket/prefix', 'gcs://bucket/prefix']) expect(error.message).to.contain(form)
    expect(error.message).to.not.contain('\n')
  })

  it('inTransaction simply runs the function on backends without transactions', async () => {
    const backend = new LocalBackend(path.join(dir, 'tx'))
    const result = await inTransaction(backend, 'Backup: x', async (tx) => {
      expect(tx).to.equal(backend)
      await tx.put('k', new Uint8Array([7]))
      return 'done'
    })
    expect(result).to.equal('done')
    expect(await backend.get('k')).to.deep.equal(new Uint8Array([7]))
  })
})
