import {createOnly, type StorageBackend} from './backend.js'
import {isEncrypted, openCodec, type Codec} from './codec.js'
import {openStorage} from './open.js'
import {type ObjectLockPolicy, S3Backend} from './s3.js'
import {UserError} from '../util/errors.js'

/**
 * `repository.json`: the write policy of a repository, recorded by `backup init --append-only` or
 * `--object-lock MODE --retain AGE` so that every later writer applies it (plain JSON, no secret in it).
 * - appendOnly: a backup only ever creates new objects (no overwrite, no delete): journal heads are written as new
 *   generations (`project-ID/heads/NNNNNNNNNNNN.json`), the cross-project index is not kept (it is rebuilt from the
 *   heads), superseded files are left for `backup cleanup`. Lock records are the one exception (see docs/storage.md).
 * - objectLock: S3 Object Lock retention on every object written (implies appendOnly).
 */
export const REPOSITORY_POLICY_KEY = 'repository.json'
export const POLICY_FORMAT = 'github-pm-repository'

export interface RepositoryPolicy {
  appendOnly: boolean
  objectLock?: ObjectLockPolicy & {
    /** the retention as the user gave it (`30d`) */
    retain: string
  }
}

interface PolicyFile extends RepositoryPolicy {
  format: typeof POLICY_FORMAT
  version: 1
  created: string
}

export const DEFAULT_POLICY: RepositoryPolicy = {appendOnly: false}

/** The policy a repository records (the default when it records none). */
export async function readRepositoryPolicy(backend: StorageBackend): Promise<RepositoryPolicy> {
  const stored = await backend.get(REPOSITORY_POLICY_KEY)
  if (!stored) return DEFAULT_POLICY
  let file: PolicyFile
  try {
    file = JSON.parse(Buffer.from(stored).toString('utf8')) as PolicyFile
  } catch {
    file = undefined as unknown as PolicyFile
  }
  if (!file || file.format !== POLICY_FORMAT || typeof file.appendOnly !== 'boolean') {
    throw new UserError(`${REPOSITORY_POLICY_KEY} in ${backend.url} is not a github-pm repository policy: restore it from a copy`, {code: 'ECORRUPT'})
  }
  const lock = file.objectLock
  if (lock && (!['compliance', 'governance'].includes(lock.mode) || !Number.isFinite(lock.retainMs) || lock.retainMs <= 0)) {
    throw new UserError(`${REPOSITORY_POLICY_KEY} in ${backend.url} has an invalid objectLock entry: restore it from a copy`, {code: 'ECORRUPT'})
  }
  return {appendOnly: file.appendOnly || Boolean(lock), ...(lock ? {objectLock: {mode: lock.mode, retainMs: lock.retainMs, retain: lock.retain}} : {})}
}

/** Makes a backend follow a policy: on S3, Object Lock retention on every object it writes. */
export function applyRepositoryPolicy(backend: StorageBackend, policy: RepositoryPolicy): void {
  if (policy.objectLock && backend instanceof S3Backend) backend.setObjectLock({mode: policy.objectLock.mode, retainMs: policy.objectLock.retainMs})
}

/**
 * Records a write policy on a NEW location (`backup init`). Object Lock needs S3 storage whose bucket has Object Lock
 * enabled (the pre-flight); other backends refuse it. The location must hold no backups (only an encryption key):
 * objects written before would have no retention and a layout an append-only writer could not continue.
 */
export async function initRepositoryPolicy(
  backend: StorageBackend,
  policy: RepositoryPolicy,
  now: Date = new Date(),
  options: {checkOnly?: boolean} = {},
): Promise<RepositoryPolicy> {
  if (policy.objectLock) {
    if (!(backend instanceof S3Backend) || backend.url.startsWith('gcs:')) {
      throw new UserError(
        `--object-lock needs s3:// storage with an Object Lock bucket: ${backend.url} cannot promise write-once storage (local and git storage can be rewritten by whoever can write them)`,
        {code: 'EUSAGE'},
      )
    }
    await backend.checkObjectLock()
  }
  const existing = await backend.get(REPOSITORY_POLICY_KEY)
  if (existing) throw new UserError(`${backend.url} already records a write policy (${REPOSITORY_POLICY_KEY}): a policy is set once, on a new location`, {code: 'EEXIST'})
  const others = (await backend.list('')).filter((k) => !k.startsWith('keys/') && !/(^|\/)lock$/.test(k))
  if (others.length > 0) {
    throw new UserError(
      `${backend.url} already holds backups: turn on append-only or Object Lock for a new, empty location, then \`backup copy\` the backups into it`,
      {code: 'ENOTEMPTY'},
    )
  }
  if (options.checkOnly) return policy
  const record: PolicyFile = {format: POLICY_FORMAT, version: 1, created: now.toISOString(), ...policy, appendOnly: true}
  if (!policy.objectLock) record.appendOnly = policy.appendOnly
  applyRepositoryPolicy(backend, record)
  if (!(await createOnly(backend, REPOSITORY_POLICY_KEY, Buffer.from(JSON.stringify(record, null, 2) + '\n', 'utf8')))) {
    throw new UserError(`${backend.url} already records a write policy (${REPOSITORY_POLICY_KEY}): a policy is set once, on a new location`, {code: 'EEXIST'})
  }
  if (record.objectLock) {
    // the key record of an encrypted repository (`init --encrypt --object-lock` writes it just before the policy) is
    // written again under the policy: without a retained key record every retained backup would be unreadable
    for (const key of await backend.list('keys/')) {
      const bytes = await backend.get(key)
      if (bytes) await backend.put(key, bytes)
    }
  }
  return readRepositoryPolicy(backend)
}

export interface OpenedRepository {
  url: string
  backend: StorageBackend
  codec: Codec
  /** the repository's write policy (repository.json), already applied to the backend */
  policy?: RepositoryPolicy
}

export interface RepositoryOptions {
  /** git remote to fetch from and push to (config `backup.git.remote`) */
  remote?: string
  /** where `git` storage finds the current repository */
  cwd?: string
  passphrase?: string
  keyFile?: string
  /** asked for the passphrase of an encrypted repository when no variable gives one (a terminal prompt) */
  askPassphrase?: (url: string) => Promise<string | undefined>
}

/**
 * Opens a backup repository by storage URL: the backend (following the repository's write policy), plus the codec its
 * stored bytes need (gzip, and NaCl secretbox when the repository is encrypted: the passphrase is checked here, before
 * anything else is read).
 */
export async function openRepository(url: string, env: NodeJS.ProcessEnv, options: RepositoryOptions = {}): Promise<OpenedRepository> {
  const backend = await openStorage(url, env, {remote: options.remote, cwd: options.cwd})
  const policy = await readRepositoryPolicy(backend)
  applyRepositoryPolicy(backend, policy)
  let passphrase = options.passphrase
  const fromEnv = env.GITHUB_PM_PASSPHRASE || env.GITHUB_PM_PASSPHRASE_FILE || env.GITHUB_PM_KEY_FILE || options.keyFile
  if (!passphrase && !fromEnv && options.askPassphrase && (await isEncrypted(backend))) passphrase = await options.askPassphrase(backend.url)
  const codec = await openCodec(backend, {passphrase, keyFile: options.keyFile}, env)
  return {url: backend.url, backend, codec, policy}
}
