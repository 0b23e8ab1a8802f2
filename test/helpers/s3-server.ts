import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import net from 'node:net'
import {CreateBucketCommand, S3Client} from '@aws-sdk/client-s3'

/**
 * A real S3 server for the tests: moto (`moto_server`, Python), which honours conditional writes (`If-None-Match: *`,
 * `If-Match`) as S3 does. ONE server serves the whole test run: it is started on first use, on 127.0.0.1 on a free
 * port, and stopped when the test process exits. Each test file (or test) takes its own bucket for isolation.
 * moto checks credentials only inside {@link S3TestServer.checkingCredentials} (its signature check mishandles a `/`
 * in a query parameter such as ListObjectsV2's prefix, so it cannot stay on); the credentials are an IAM user made at
 * start, so a wrong key is refused there as on S3.
 *
 * moto_server is found on PATH or at $MOTO_SERVER; when it is missing the tests FAIL (never skip) saying how to
 * install it.
 */

export interface S3TestServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  /** credentials the server accepts */
  credentials: {accessKeyId: string; secretAccessKey: string}
  /** the buckets asked for at start, each made unique for this caller (same order) */
  buckets: string[]
  /** runs fn with moto checking every request's credentials (one test at a time: the setting is server-wide) */
  checkingCredentials<T>(fn: () => Promise<T>): Promise<T>
  /** a new empty bucket (its name starts with `base`) */
  newBucket(base?: string): Promise<string>
  /** nothing to do: the shared server stops when the test process exits */
  close(): Promise<void>
}

interface Shared {
  endpoint: string
  credentials: {accessKeyId: string; secretAccessKey: string}
  client: S3Client
  /** how long the start took, for the record */
  startMs: number
}

let shared: Promise<Shared> | undefined
let child: ChildProcess | undefined

/** The shared moto server with these buckets created (names made unique: read them from `buckets`). */
export async function startS3Server(buckets: string[] = ['backups']): Promise<S3TestServer> {
  shared ??= startMoto()
  const server = await shared
  const newBucket = async (base = 'test'): Promise<string> => {
    const name = `${base.slice(0, 40)}-${randomBytes(4).toString('hex')}`
    await server.client.send(new CreateBucketCommand({Bucket: name}))
    return name
  }
  const names: string[] = []
  for (const base of buckets) names.push(await newBucket(base))
  const checkingCredentials = async <T>(fn: () => Promise<T>): Promise<T> => {
    await resetAuth(server.endpoint, '0')
    try {
      return await fn()
    } finally {
      await resetAuth(server.endpoint, 'inf')
    }
  }
  return {endpoint: server.endpoint, credentials: server.credentials, buckets: names, newBucket, checkingCredentials, close: async () => {}}
}

/** Sets how many more requests moto serves without checking credentials ('0': check from now on; 'inf': never). */
async function resetAuth(endpoint: string, count: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset-auth`, {method: 'POST', body: count})
  await res.arrayBuffer()
  if (res.status !== 200) throw new Error(`moto reset-auth answered ${res.status}`)
}

/** How long the shared server took to start (undefined before it has). */
export async function s3ServerStartMs(): Promise<number | undefined> {
  return shared ? (await shared).startMs : undefined
}

function motoCommand(): string {
  const explicit = process.env.MOTO_SERVER
  if (explicit) return explicit
  const found = spawnSync('sh', ['-c', 'command -v moto_server'], {encoding: 'utf8'})
  const path = found.status === 0 ? found.stdout.trim() : ''
  if (!path) throw new Error("the S3 tests need moto_server (a local S3 server) on PATH or at $MOTO_SERVER: install it with `pip install 'moto[server]'`")
  return path
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const {port} = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

async function startMoto(): Promise<Shared> {
  const started = Date.now()
  const command = motoCommand()
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  const proc = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env}})
  child = proc
  let stderr = ''
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000)
  })
  let exited: string | undefined
  proc.once('exit', (code, signal) => {
    exited = `moto_server exited (${signal ?? code}): ${stderr.trim().split('\n').pop() ?? ''}`
  })
  proc.once('error', (error) => {
    exited = `moto_server could not start (${error.message}): install it with \`pip install 'moto[server]'\``
  })
  process.once('exit', () => proc.kill('SIGTERM'))
  proc.unref()
  ;(proc.stderr as unknown as {unref?(): void}).unref?.()

  // poll until it answers (no fixed sleep): each probe is a request, and a refused connection comes back at once
  for (;;) {
    if (exited) throw new Error(exited)
    try {
      const res = await fetch(`${endpoint}/moto-api/`)
      await res.arrayBuffer()
      if (res.status < 500) break
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 120_000) throw new Error(`moto_server did not answer on ${endpoint} within 120 s: ${stderr.trim().split('\n').pop() ?? ''}`)
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setTimeout(resolve, 20))
  }

  const credentials = await makeUser(endpoint)
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  return {endpoint, credentials, client, startMs: Date.now() - started}
}

/** An IAM user allowed everything, and its access key: the credentials the tests sign with. */
async function makeUser(endpoint: string): Promise<{accessKeyId: string; secretAccessKey: string}> {
  const iam = async (params: Record<string, string>): Promise<string> => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        // only names the service: moto does not check credentials outside checkingCredentials()
        authorization: 'AWS4-HMAC-SHA256 Credential=bootstrap/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: new URLSearchParams({...params, Version: '2010-05-08'}),
    })
    const body = await res.text()
    if (res.status !== 200) throw new Error(`moto IAM ${params.Action} failed (${res.status}): ${body.slice(0, 300)}`)
    return body
  }
  await iam({Action: 'CreateUser', UserName: 'github-pm-tests'})
  const policy = {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: '*', Resource: '*'}]}
  await iam({Action: 'PutUserPolicy', UserName: 'github-pm-tests', PolicyName: 'all', PolicyDocument: JSON.stringify(policy)})
  const key = await iam({Action: 'CreateAccessKey', UserName: 'github-pm-tests'})
  const accessKeyId = /<AccessKeyId>([^<]+)</.exec(key)?.[1]
  const secretAccessKey = /<SecretAccessKey>([^<]+)</.exec(key)?.[1]
  if (!accessKeyId || !secretAccessKey) throw new Error(`moto IAM CreateAccessKey answered without a key: ${key.slice(0, 300)}`)
  return {accessKeyId, secretAccessKey}
}

/** Stops the shared server now (the exit hook does it otherwise). */
export function stopS3Server(): void {
  child?.kill('SIGTERM')
  child = undefined
  shared = undefined
}
