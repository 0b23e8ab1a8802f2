import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import {ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3'
import {GCS_ENDPOINT, S3Backend, gcsFromUrl, s3FromUrl} from '../../src/storage/s3.js'
import {openStorage} from '../../src/storage/open.js'
import {isUserError} from '../../src/util/errors.js'
import {type S3TestServer, startS3Server} from '../helpers/s3-server.js'
import {storageConformance} from './conformance.js'
import {rejection} from '../helpers/rejection.js'

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'))
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('utf8'))

/** Environment of a test: only what it sets (no AWS variables of the machine running the tests). */
function s3Env(server: S3TestServer): NodeJS.ProcessEnv {
  return {GITHUB_PM_S3_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: server.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey}
}

function gcsEnv(server: S3TestServer): NodeJS.ProcessEnv {
  return {
    GITHUB_PM_GCS_ENDPOINT: server.endpoint,
    GITHUB_PM_GCS_HMAC_ACCESS_ID: server.credentials.accessKeyId,
    GITHUB_PM_GCS_HMAC_SECRET: server.credentials.secretAccessKey,
  }
}

describe('storage/s3', function () {
  this.timeout(120_000)
  let server: S3TestServer
  let backups: string
  let gcsBucket: string
  const opened: S3Backend[] = []
  before(async () => {
    server = await startS3Server(['backups', 'gcs-bucket'])
    ;[backups, gcsBucket] = server.buckets
  })
  afterEach(() => {
    for (const b of opened.splice(0)) b.destroy()
  })
  after(async () => {
    await server.close()
  })

  /** A backend over a fresh prefix of a bucket, through the same URL parsing users go through. */
  async function open(url: string, env: NodeJS.ProcessEnv): Promise<S3Backend> {
    const backend = (await openStorage(url, env)) as S3Backend
    opened.push(backend)
    return backend
  }

  describe('s3://', () => {
    storageConformance(
      async () => {
        const url = `s3://${await server.newBucket('conformance')}/run-${randomBytes(4).toString('hex')}/`
        const env = s3Env(server)
        return {backend: await open(url, env), reopen: () => open(url, env), cleanup: async () => {}}
      },
      {
        // more keys than one ListObjectsV2 page (1000); written eight at a time, as moto answers requests in parallel
        manyKeys: 1050,
        putMany: async (backend, entries) => {
          const queue = [...entries]
          const worker = async () => {
            for (let next = queue.shift(); next; next = queue.shift()) await backend.put(next[0], next[1])
          }
          await Promise.all(Array.from({length: 8}, worker))
        },
      },
    )
  })

  describe('gcs:// (S3-compatible XML API, endpoint overridden)', () => {
    storageConformance(async () => {
      const url = `gcs://${await server.newBucket('gcs-conformance')}/run-${randomBytes(4).toString('hex')}`
      const env = gcsEnv(server)
      return {backend: await open(url, env), reopen: () => open(url, env), cleanup: async () => {}}
    })
  })

  describe('behaviour', () => {
    it('stores keys under the prefix, and keeps lock objects out of list()', async () => {
      const backend = await open(`s3://${backups}/team/github-pm`, s3Env(server))
      expect(backend.url).to.equal(`s3://${backups}/team/github-pm/`)
      await backend.put('p/head.json', bytes('{}'))
      const lock = await backend.lock('p/lock', {owner: 'alice'})
      const client = new S3Client({region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true, credentials: server.credentials})
      try {
        const raw = await client.send(new ListObjectsV2Command({Bucket: backups, Prefix: 'team/github-pm/'}))
        const keys = (raw.Contents ?? []).map((o) => o.Key!)
        expect(keys).to.include('team/github-pm/p/head.json')
        expect(keys).to.include('team/github-pm/p/lock.lock')
      } finally {
        client.destroy()
      }
      expect(await backend.list('p/')).to.deep.equal(['p/head.json'])
      await lock.release()
    })

    it('pages through more than one ListObjectsV2 page with continuation tokens', async () => {
      const backend = new S3Backend({bucket: backups, prefix: `paged-${randomBytes(3).toString('hex')}`, endpoint: server.endpoint, credentials: server.credentials, pageSize: 7})
      opened.push(backend)
      const keys = Array.from({length: 23}, (_, i) => `k/${String(i).padStart(3, '0')}`)
      for (const k of keys) await backend.put(k, bytes(k))
      expect(await backend.list('k/')).to.deep.equal(keys)
    })

    it('reports a missing bucket and refused credentials as one-line UserErrors', async () => {
      const missing = await open('s3://no-such-bucket/x', s3Env(server))
      const error = await rejection(missing.put('a', bytes('1')))
      expect(isUserError(error)).to.equal(true)
      expect(error.message).to.match(/bucket no-such-bucket does not exist/)

      const wrong = await open(`s3://${backups}/x`, {...s3Env(server), AWS_ACCESS_KEY_ID: 'NOT-A-KEY'})
      const right = await open(`s3://${backups}/x`, s3Env(server))
      const refused = await server.checkingCredentials(async () => {
        await right.put('a', bytes('the right key is accepted'))
        return rejection(wrong.get('a'))
      })
      expect(isUserError(refused)).to.equal(true)
      expect(refused.message).to.contain(`access to s3://${backups}/x/ was refused`).and.match(/AWS_ACCESS_KEY_ID/)
    })

    it('takes the endpoint from ?endpoint=, then GITHUB_PM_S3_ENDPOINT, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL', async () => {
      const creds = {AWS_ACCESS_KEY_ID: server.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey}
      const viaQuery = s3FromUrl(new URL(`s3://${backups}/q?endpoint=${encodeURIComponent(server.endpoint)}`), {...creds, AWS_ENDPOINT_URL: 'http://127.0.0.1:1'})
      const viaS3Env = s3FromUrl(new URL(`s3://${backups}/q`), {...creds, AWS_ENDPOINT_URL_S3: server.endpoint, AWS_ENDPOINT_URL: 'http://127.0.0.1:1'})
      const viaGeneric = s3FromUrl(new URL(`s3://${backups}/q`), {...creds, AWS_ENDPOINT_URL: server.endpoint})
      opened.push(viaQuery, viaS3Env, viaGeneric)
      await viaQuery.put('endpoint.json', bytes('query'))
      expect(text(await viaS3Env.get('endpoint.json'))).to.equal('query')
      expect(text(await viaGeneric.get('endpoint.json'))).to.equal('query')
    })

    it('gcs:// needs an HMAC key, falls back to AWS variables, and defaults to storage.googleapis.com', async () => {
      const error = await rejection(openStorage('gcs://bucket/prefix', {}))
      expect(isUserError(error)).to.equal(true)
      expect(error.message).to.match(/GITHUB_PM_GCS_HMAC_ACCESS_ID and GITHUB_PM_GCS_HMAC_SECRET/)
      const fallback = gcsFromUrl(new URL(`gcs://${gcsBucket}/fallback`), {
        AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
        GITHUB_PM_GCS_ENDPOINT: server.endpoint,
      })
      opened.push(fallback)
      await fallback.put('a.json', bytes('via AWS variables'))
      expect(text(await fallback.get('a.json'))).to.equal('via AWS variables')
      const real = gcsFromUrl(new URL('gcs://my-bucket/p'), {GITHUB_PM_GCS_HMAC_ACCESS_ID: 'GOOG1E', GITHUB_PM_GCS_HMAC_SECRET: 's'})
      opened.push(real)
      expect(real.url).to.equal('gcs://my-bucket/p/')
      const endpoint = await (real as unknown as {client: S3Client}).client.config.endpoint!()
      expect(`${endpoint.protocol}//${endpoint.hostname}`).to.equal(GCS_ENDPOINT)
    })

    it('refuses malformed bucket URLs and endpoints with the form to use', async () => {
      expect((await rejection(openStorage('s3://Bad_Bucket/x', {}))).message).to.match(/not a bucket name/)
      expect((await rejection(openStorage('s3://b-1/a%2F..%2Fb', {}))).message).to.match(/not a valid prefix/)
      expect((await rejection(openStorage('s3://bucket/x?endpoint=ftp://host', {}))).message).to.match(/not an http\(s\) URL/)
    })
  })
})
