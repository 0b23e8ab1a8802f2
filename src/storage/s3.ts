import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3'
import {UserError} from '../util/errors.js'
import {ObjectRetainedError, type StorageBackend, validateKey, validatePrefix} from './backend.js'
import {type LockHandle, type LockOptions, type LockRecord, acquireLock} from './lock.js'

export const GCS_ENDPOINT = 'https://storage.googleapis.com'
const DEFAULT_REGION = 'us-east-1'
/** The lock named `<key>` is the object `<key>.lock`; list() never shows lock objects. */
const LOCK_SUFFIX = '.lock'
/**
 * Lock objects list() hides: ours, and the `<key>.lock-<24 hex>` candidates of versions before the conditional-write
 * protocol (breakLock removes those too).
 */
const LOCK_OBJECT = /\.lock(-[0-9a-f]{24})?$/

/** S3 Object Lock retention put on every object the backend writes (lock objects excepted: they must stay removable). */
export interface ObjectLockPolicy {
  mode: 'compliance' | 'governance'
  /** how long each object is retained after it is written */
  retainMs: number
}

export interface S3BackendOptions {
  bucket: string
  /** key prefix inside the bucket: '' or a path; a trailing `/` is added */
  prefix?: string
  /** `s3` or `gcs`: only changes the url shown in messages */
  scheme?: 's3' | 'gcs'
  /** a ready client (tests); otherwise one is made from the fields below */
  client?: S3Client
  endpoint?: string
  region?: string
  credentials?: {accessKeyId: string; secretAccessKey: string; sessionToken?: string}
  /** path-style addressing (`https://host/bucket/key`); default: on when an endpoint is set */
  forcePathStyle?: boolean
  /** ListObjectsV2 page size (default 1000, S3's maximum) */
  pageSize?: number
  /** retention for every object written (see {@link S3Backend.setObjectLock}) */
  objectLock?: ObjectLockPolicy
  /** the clock retain-until dates are computed from (tests); default the real one */
  now?: () => number
}

/**
 * An S3 bucket (or any S3-compatible store: MinIO, Ceph, R2, and Google Cloud Storage's XML API) under a prefix.
 * put is one PutObject (atomic in S3: readers see the old object or the new one), list pages through ListObjectsV2
 * continuation tokens.
 *
 * Locks follow the shared protocol of lock.ts on S3's conditional writes: the lock object `<key>.lock` is created
 * with `PutObject If-None-Match: *` (412 Precondition Failed, or 409 for a concurrent conditional write: held), and
 * removed (takeover of a stale lock, release) with `DeleteObject If-Match: <ETag>`, so only the version that was
 * judged is ever removed. On GCS the create also sends `x-goog-if-generation-match: 0`, its own create-only condition.
 * The store must honour these conditions (AWS S3 since 2024, MinIO, moto; not s3rver).
 */
export class S3Backend implements StorageBackend {
  readonly url: string
  readonly bucket: string
  readonly prefix: string
  private readonly client: S3Client
  private readonly ownsClient: boolean
  private readonly pageSize: number
  private readonly scheme: 's3' | 'gcs'
  private readonly now: () => number
  private objectLock: ObjectLockPolicy | undefined

  constructor(options: S3BackendOptions) {
    this.bucket = options.bucket
    this.prefix = normalizePrefix(options.prefix ?? '')
    this.url = `${options.scheme ?? 's3'}://${this.bucket}/${this.prefix}`
    this.pageSize = options.pageSize ?? 1000
    this.scheme = options.scheme ?? 's3'
    this.ownsClient = options.client === undefined
    this.now = options.now ?? (() => Date.now())
    this.objectLock = options.objectLock
    // the SDK prints a nine-line notice on every run under Node 20 (its future versions need Node 22); the versions
    // locked here support Node 20, and a backup's stderr is for what the user must act on
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    this.client = options.client ?? new S3Client(clientConfig(options))
  }

  /** Closes the client's connections (the backend is unusable afterwards). */
  destroy(): void {
    if (this.ownsClient) this.client.destroy()
  }

  /**
   * From now on every object written (put, create) carries `ObjectLockMode` and `ObjectLockRetainUntilDate` (now +
   * retainMs), and delete removes object VERSIONS (a plain delete on a versioned bucket only hides an object behind a
   * delete marker): a version Object Lock still retains is left in place and reported as an ObjectRetainedError.
   * Lock objects get no retention: they are removed at every release.
   */
  setObjectLock(policy: ObjectLockPolicy | undefined): void {
    this.objectLock = policy
  }

  get writeOnce(): ObjectLockPolicy | undefined {
    return this.objectLock
  }

  /**
   * The pre-flight of `backup init --object-lock`: the bucket must have Object Lock enabled, or no retention could be
   * set (S3 refuses the headers) and write-once would be a false promise.
   */
  async checkObjectLock(): Promise<void> {
    const refuse = () =>
      new UserError(
        `bucket ${this.bucket} has no Object Lock, so ${this.url} cannot be made write-once: use a bucket created with Object Lock ` +
          `(\`aws s3api create-bucket --bucket NAME --object-lock-enabled-for-bucket\`), or enable it on this versioned bucket ` +
          `(\`aws s3api put-object-lock-configuration --bucket ${this.bucket} --object-lock-configuration ObjectLockEnabled=Enabled\`)`,
        {code: 'ENOOBJECTLOCK'},
      )
    let enabled: string | undefined
    try {
      const res = await this.client.send(new GetObjectLockConfigurationCommand({Bucket: this.bucket}))
      enabled = res.ObjectLockConfiguration?.ObjectLockEnabled
    } catch (error) {
      const e = error as {name?: string; $metadata?: {httpStatusCode?: number}}
      if (e?.name === 'ObjectLockConfigurationNotFoundError' || e?.$metadata?.httpStatusCode === 404) {
        if (e?.name === 'NoSuchBucket') throw this.wrap(error, 'check Object Lock')
        throw refuse()
      }
      throw this.wrap(error, 'check Object Lock')
    }
    if (enabled !== 'Enabled') throw refuse()
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.getObject(this.objectKey(key))
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    await this.putObject(this.objectKey(key), data)
  }

  /** PutObject `If-None-Match: *` (with retention when set): false when the key exists. */
  async create(key: string, data: Uint8Array): Promise<boolean> {
    const object = this.objectKey(key)
    try {
      await this.client.send(this.putCommand(object, data, {IfNoneMatch: '*'}))
      return true
    } catch (error) {
      if (isPreconditionFailed(error)) return false
      throw this.wrap(error, `write ${key}`)
    }
  }

  async delete(key: string): Promise<void> {
    if (this.objectLock) await this.deleteVersions(this.objectKey(key), key)
    else await this.deleteObject(this.objectKey(key), key)
  }

  async list(prefix: string): Promise<string[]> {
    validatePrefix(prefix)
    const out: string[] = []
    for (const object of await this.listObjects(this.prefix + prefix)) {
      const key = object.key.slice(this.prefix.length)
      if (!LOCK_OBJECT.test(key)) out.push(key)
    }
    return out.sort()
  }

  async lock(key: string, opts: LockOptions = {}): Promise<LockHandle> {
    const object = this.objectKey(key) + LOCK_SUFFIX
    return acquireLock(
      {
        create: (bytes) => this.createObject(object, bytes, key),
        read: () => this.readLockObject(object),
        removeIf: (version) => this.deleteIfMatch(object, version, key),
      },
      key,
      this.url,
      opts,
    )
  }

  async breakLock(key: string): Promise<boolean> {
    const object = this.objectKey(key) + LOCK_SUFFIX
    const legacy = /^-[0-9a-f]{24}$/
    const present = (await this.listObjects(object)).filter((o) => o.key === object || legacy.test(o.key.slice(object.length)))
    for (const o of present) await this.deleteObject(o.key, key)
    return present.length > 0
  }

  // ------------------------------------------------------------------------------------------------------------

  /** PutObject only if there is no such object: its ETag, or undefined when one exists. */
  private async createObject(object: string, data: Uint8Array, key: string): Promise<string | undefined> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: object,
      Body: data,
      ContentType: 'application/json',
      ContentLength: data.byteLength,
      IfNoneMatch: '*',
      // a bucket with a default retention rule refuses a PutObject without a checksum; no retention of our own here
      ...(this.objectLock ? {ChecksumAlgorithm: 'CRC32' as const} : {}),
    })
    if (this.scheme === 'gcs') {
      command.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as {headers?: Record<string, string>}
          if (request.headers) request.headers['x-goog-if-generation-match'] = '0'
          return next(args)
        },
        {step: 'build', name: 'gcsCreateOnly'},
      )
    }
    try {
      const res = await this.client.send(command)
      return res.ETag ?? ''
    } catch (error) {
      if (isPreconditionFailed(error)) return undefined
      throw this.wrap(error, `lock ${key}`)
    }
  }

  private async readLockObject(object: string): Promise<LockRecord | undefined> {
    try {
      const res = await this.client.send(new GetObjectCommand({Bucket: this.bucket, Key: object}))
      const bytes = res.Body ? await res.Body.transformToByteArray() : new Uint8Array()
      return {bytes, version: res.ETag ?? '', modifiedMs: res.LastModified?.getTime()}
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw this.wrap(error, `read ${object}`)
    }
  }

  /** DeleteObject only if the object is still at ETag `version`; true when removed. */
  private async deleteIfMatch(object: string, version: string, key: string): Promise<boolean> {
    try {
      await this.client.send(new DeleteObjectCommand({Bucket: this.bucket, Key: object, IfMatch: version}))
      return true
    } catch (error) {
      if (isNotFound(error) || isPreconditionFailed(error)) return false
      throw this.wrap(error, `unlock ${key}`)
    }
  }

  /** The Object Lock headers of a write (a checksum is required with them), or none. */
  private retention(): {ObjectLockMode?: 'COMPLIANCE' | 'GOVERNANCE'; ObjectLockRetainUntilDate?: Date; ChecksumAlgorithm?: 'CRC32'} {
    if (!this.objectLock) return {}
    return {
      ObjectLockMode: this.objectLock.mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE',
      ObjectLockRetainUntilDate: new Date(this.now() + this.objectLock.retainMs),
      ChecksumAlgorithm: 'CRC32',
    }
  }

  /**
   * Removes every version of one object (and its delete markers). A version Object Lock retains is left; when any is,
   * an ObjectRetainedError names the latest retain-until date. A refusal that is not retention (credentials without
   * s3:DeleteObjectVersion) is the usual access error.
   */
  private async deleteVersions(object: string, key: string): Promise<void> {
    const versions: string[] = []
    let keyMarker: string | undefined
    let versionMarker: string | undefined
    do {
      let page: ListObjectVersionsCommandOutput
      try {
        page = await this.client.send(
          new ListObjectVersionsCommand({Bucket: this.bucket, Prefix: object, KeyMarker: keyMarker, VersionIdMarker: versionMarker}),
        )
      } catch (error) {
        throw this.wrap(error, `delete ${key}`)
      }
      for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) if (v.Key === object && v.VersionId) versions.push(v.VersionId)
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined
    } while (keyMarker)
    let retainedUntil: Date | undefined
    let retained = false
    for (const versionId of versions) {
      try {
        await this.client.send(new DeleteObjectCommand({Bucket: this.bucket, Key: object, VersionId: versionId}))
      } catch (error) {
        if (isNotFound(error)) continue
        const until = await this.retainedUntil(object, versionId)
        if (until === undefined) throw this.wrap(error, `delete ${key}`)
        retained = true
        if (until !== null && (!retainedUntil || until > retainedUntil)) retainedUntil = until
      }
    }
    if (retained) throw new ObjectRetainedError(key, retainedUntil, this.url)
  }

  /** When a version is under retention (or legal hold: null), its retain-until date; undefined when it is not. */
  private async retainedUntil(object: string, versionId: string): Promise<Date | null | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({Bucket: this.bucket, Key: object, VersionId: versionId}))
      if (head.ObjectLockLegalHoldStatus === 'ON') return null
      const until = head.ObjectLockRetainUntilDate
      return until && until.getTime() > this.now() ? until : undefined
    } catch {
      return undefined
    }
  }

  private objectKey(key: string): string {
    return this.prefix + validateKey(key)
  }

  private async getObject(object: string): Promise<Uint8Array | undefined> {
    try {
      const res = await this.client.send(new GetObjectCommand({Bucket: this.bucket, Key: object}))
      return res.Body ? await res.Body.transformToByteArray() : new Uint8Array()
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw this.wrap(error, `read ${object}`)
    }
  }

  /** The PutObject of one object: its bytes, with the repository's retention when set, and the given conditions. */
  private putCommand(object: string, data: Uint8Array, conditions: {IfNoneMatch?: string} = {}): PutObjectCommand {
    return new PutObjectCommand({
      Bucket: this.bucket,
      Key: object,
      Body: data,
      ContentType: 'application/octet-stream',
      ContentLength: data.byteLength,
      ...conditions,
      ...this.retention(),
    })
  }

  private async putObject(object: string, data: Uint8Array): Promise<void> {
    try {
      await this.client.send(this.putCommand(object, data))
    } catch (error) {
      throw this.wrap(error, `write ${object.slice(this.prefix.length)}`)
    }
  }

  private async deleteObject(object: string, key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({Bucket: this.bucket, Key: object}))
    } catch (error) {
      if (isNotFound(error)) return // GCS answers 404 for a missing object; S3 does not
      throw this.wrap(error, `delete ${key}`)
    }
  }

  private async listObjects(fullPrefix: string): Promise<Array<{key: string; modified: number}>> {
    const out: Array<{key: string; modified: number}> = []
    let token: string | undefined
    do {
      let page: ListObjectsV2CommandOutput
      try {
        page = await this.client.send(
          new ListObjectsV2Command({Bucket: this.bucket, Prefix: fullPrefix, ContinuationToken: token, MaxKeys: this.pageSize}),
        )
      } catch (error) {
        throw this.wrap(error, 'list')
      }
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) out.push({key: object.Key, modified: object.LastModified?.getTime() ?? Date.now()})
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return out
  }

  /** Turns the errors a user can fix (bucket, credentials, endpoint) into one-line UserErrors. */
  private wrap(error: unknown, what: string): Error {
    const e = error as {name?: string; Code?: string; message?: string; $metadata?: {httpStatusCode?: number}; code?: string}
    const name = e?.name ?? e?.Code ?? ''
    const status = e?.$metadata?.httpStatusCode
    const where = this.url
    if (name === 'NoSuchBucket') return new UserError(`bucket ${this.bucket} does not exist: create it, or fix the storage location ${where}`, {cause: error})
    if (name === 'CredentialsProviderError' || (/credential/i.test(e?.message ?? '') && !status)) {
      return new UserError(`no credentials for ${where}: ${credentialHint(this.url)}`, {cause: error})
    }
    if (['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden', 'InvalidToken', 'ExpiredToken'].includes(name) || status === 403) {
      const hint = what.startsWith('delete ')
        ? 'only `backup cleanup` and `backup delete` remove objects: run them with credentials allowed to delete (e.g. AWS_PROFILE=<cleanup profile>, see docs/storage.md)'
        : credentialHint(this.url)
      return new UserError(`access to ${where} was refused (${name || status}) on ${what}: ${hint}`, {cause: error})
    }
    if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT'].includes(e?.code ?? '')) {
      return new UserError(`cannot reach the storage service for ${where} (${e.code}): check the endpoint and your network`, {cause: error})
    }
    return error instanceof Error ? error : new Error(String(error))
  }
}

function credentialHint(url: string): string {
  return url.startsWith('gcs:')
    ? 'set GITHUB_PM_GCS_HMAC_ACCESS_ID and GITHUB_PM_GCS_HMAC_SECRET to an HMAC key with access to the bucket'
    : 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) to credentials with access to the bucket'
}

/** 412: the condition does not hold; 409 ConditionalRequestConflict: a concurrent conditional write won. */
function isPreconditionFailed(error: unknown): boolean {
  const e = error as {name?: string; $metadata?: {httpStatusCode?: number}}
  const status = e?.$metadata?.httpStatusCode
  return e?.name === 'PreconditionFailed' || e?.name === 'ConditionalRequestConflict' || status === 412 || status === 409
}

function isNotFound(error: unknown): boolean {
  const e = error as {name?: string; $metadata?: {httpStatusCode?: number}}
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || (e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket')
}

function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '')
  if (trimmed === '') return ''
  validateKey(trimmed)
  return trimmed + '/'
}

function clientConfig(options: S3BackendOptions): S3ClientConfig {
  const custom = options.endpoint !== undefined
  return {
    region: options.region ?? DEFAULT_REGION,
    ...(custom ? {endpoint: options.endpoint} : {}),
    forcePathStyle: options.forcePathStyle ?? custom,
    ...(options.credentials ? {credentials: options.credentials} : {}),
    // S3-compatible stores (and GCS) reject or ignore the newer default checksum headers; send them only when required
    ...(custom ? {requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const} : {}),
  }
}

// ---------------------------------------------------------------------------------------------------------------
// URLs

/**
 * `s3://bucket/prefix[?endpoint=URL&region=R]`. Credentials: the AWS SDK's default chain (AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE and ~/.aws, SSO, instance roles). Endpoint override for
 * S3-compatible stores: `?endpoint=`, else GITHUB_PM_S3_ENDPOINT, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL; with an
 * endpoint, requests use path-style addressing. Region: `?region=`, AWS_REGION, AWS_DEFAULT_REGION, else us-east-1.
 */
export function s3FromUrl(url: URL, env: NodeJS.ProcessEnv = process.env): S3Backend {
  const {bucket, prefix} = bucketAndPrefix(url)
  const endpoint = url.searchParams.get('endpoint') || env.GITHUB_PM_S3_ENDPOINT || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined
  const region = url.searchParams.get('region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? {sessionToken: env.AWS_SESSION_TOKEN} : {})}
      : undefined // the SDK's default chain: profiles, SSO, container and instance roles
  return new S3Backend({bucket, prefix, scheme: 's3', endpoint: endpoint ? checkEndpoint(endpoint) : undefined, region, credentials})
}

/**
 * `gcs://bucket/prefix`: Google Cloud Storage through its S3-compatible XML API (https://storage.googleapis.com),
 * sharing the S3 code path. It needs an HMAC key (Cloud Console → Cloud Storage → Settings → Interoperability, for a
 * service account with the Storage Object Admin role on the bucket — objects are read, written, listed and deleted):
 * GITHUB_PM_GCS_HMAC_ACCESS_ID and GITHUB_PM_GCS_HMAC_SECRET, falling back to AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY. OAuth / application-default credentials are NOT used by the XML API path.
 * `?endpoint=` or GITHUB_PM_GCS_ENDPOINT overrides the endpoint (tests, private service connect).
 */
export function gcsFromUrl(url: URL, env: NodeJS.ProcessEnv = process.env): S3Backend {
  const {bucket, prefix} = bucketAndPrefix(url)
  const accessKeyId = env.GITHUB_PM_GCS_HMAC_ACCESS_ID || env.AWS_ACCESS_KEY_ID
  const secretAccessKey = env.GITHUB_PM_GCS_HMAC_SECRET || env.AWS_SECRET_ACCESS_KEY
  if (!accessKeyId || !secretAccessKey) {
    throw new UserError(`${url.href} needs a Cloud Storage HMAC key: ${credentialHint('gcs:')} (Cloud Storage → Settings → Interoperability)`)
  }
  const endpoint = url.searchParams.get('endpoint') || env.GITHUB_PM_GCS_ENDPOINT || GCS_ENDPOINT
  return new S3Backend({
    bucket,
    prefix,
    scheme: 'gcs',
    endpoint: checkEndpoint(endpoint),
    region: url.searchParams.get('region') || 'auto',
    credentials: {accessKeyId, secretAccessKey},
    forcePathStyle: true,
  })
}

function bucketAndPrefix(url: URL): {bucket: string; prefix: string} {
  const bucket = url.hostname
  if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(bucket)) {
    throw new UserError(`"${bucket}" in ${url.protocol}//${url.host}${url.pathname} is not a bucket name: use ${url.protocol}//BUCKET/PREFIX`)
  }
  let prefix: string
  try {
    prefix = decodeURIComponent(url.pathname).replace(/^\/+/, '')
  } catch {
    throw new UserError(`the prefix in ${url.href} is not valid percent-encoding`)
  }
  try {
    normalizePrefix(prefix)
  } catch {
    throw new UserError(`"${prefix}" in ${url.href} is not a valid prefix: use /-separated names without . or .. segments`)
  }
  return {bucket, prefix}
}

function checkEndpoint(endpoint: string): string {
  try {
    const u = new URL(endpoint)
    if (u.protocol === 'http:' || u.protocol === 'https:') return endpoint
  } catch {
    // fall through
  }
  throw new UserError(`storage endpoint "${endpoint}" is not an http(s) URL: use e.g. https://minio.example.com:9000`)
}
