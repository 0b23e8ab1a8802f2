import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {expect} from 'chai'
import {openCodec} from '../../src/storage/codec.js'
import {GitBackend} from '../../src/storage/git.js'
import {openStorage} from '../../src/storage/open.js'
import type {S3Backend} from '../../src/storage/s3.js'
import {type S3TestServer, startS3Server} from '../helpers/s3-server.js'
import {PASSPHRASE, assertEveryFlipNamed, fillRepository} from './read-data-helpers.js'

/** `validate --read-data` names a flipped byte in every stored object on S3 (moto) and on git, as on local storage. */
describe('validate --read-data on S3 and git', function () {
  this.timeout(180_000)

  it('S3 (moto), encrypted: every object, one byte flipped in its middle, is named', async () => {
    const server: S3TestServer = await startS3Server([])
    const bucket = await server.newBucket('read-data')
    const env = {GITHUB_PM_S3_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: server.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey}
    const backend = (await openStorage(`s3://${bucket}/rd-${randomBytes(4).toString('hex')}/`, env)) as S3Backend
    try {
      const codec = await fillRepository(backend, true)
      const flips = await assertEveryFlipNamed(backend, codec, () => openCodec(backend, {passphrase: PASSPHRASE}, {}), (n) => [n >> 1])
      expect(flips).to.equal(9)
    } finally {
      backend.destroy()
    }
  })

  it('git, plain: every object, one byte flipped in its middle (a new commit of damaged bytes), is named', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-rd-git-'))
    const backend = await GitBackend.open({repo: path.join(dir, 'backups.git'), init: true})
    try {
      const codec = await fillRepository(backend, false)
      const flips = await assertEveryFlipNamed(backend, codec, async () => codec, (n) => [n >> 1])
      expect(flips).to.equal(8)
    } finally {
      backend.close()
      await fs.rm(dir, {recursive: true, force: true})
    }
  })
})
