import {Flags} from '@oclif/core'
import {initRepositoryEncryption, openBackend, repositoryStatus, writeKeyFile} from '../../app/encryption.js'
import {BaseCommand} from '../../base-command.js'
import {storageFlag} from '../../cli/flags.js'
import {initRepositoryPolicy, type RepositoryPolicy} from '../../storage/repository.js'
import {failure} from '../../util/errors.js'
import {parseDuration} from '../../util/time.js'

export default class BackupInit extends BaseCommand<typeof BackupInit> {
  static override summary = 'Prepare a backup storage location; --encrypt turns on encryption for a new one'
  static override description =
    'With --encrypt, every backup written to the location is compressed and then encrypted (NaCl secretbox) with a ' +
    'random data key, itself wrapped under your passphrase (GITHUB_PM_PASSPHRASE, GITHUB_PM_PASSPHRASE_FILE, or typed ' +
    'twice on a terminal) or a key file. Encryption is set up on a new, empty location only; to encrypt existing ' +
    'backups, init an empty location and `backup copy` them into it. Lose the passphrase and the backups are lost. ' +
    '--append-only makes every backup create new objects only (no overwrite, no delete: the backup credentials need no ' +
    'delete permission; only `backup cleanup` and `backup delete` remove anything). --object-lock (S3 only, a bucket ' +
    'with Object Lock enabled) also puts S3 Object Lock retention for --retain on every object written, so no ' +
    'credential can erase a backup before then. Both are recorded in the location and applied by every later writer.'
  static override examples = [
    'GITHUB_PM_PASSPHRASE_FILE=~/.secrets/gpm <%= config.bin %> backup init --encrypt --storage s3://my-bucket/github-pm',
    '<%= config.bin %> backup init --encrypt --storage git+file:///srv/backups.git',
    '<%= config.bin %> backup init --generate-key-file ~/.github-pm/backup.key',
    '<%= config.bin %> backup init --encrypt --key-file ~/.github-pm/backup.key --storage file:///mnt/nas/gpm',
    '<%= config.bin %> backup init --storage s3://locked-bucket/github-pm --object-lock compliance --retain 30d',
    '<%= config.bin %> backup init --storage file:///mnt/nas/gpm --append-only',
  ]
  static override flags = {
    storage: storageFlag,
    encrypt: Flags.boolean({description: 'encrypt every backup written to this (new, empty) location'}),
    'key-file': Flags.string({description: 'with --encrypt: use this key file instead of a passphrase (created when missing)', dependsOn: ['encrypt']}),
    'generate-key-file': Flags.string({description: 'write a new random key file (64 hex digits, owner-only) to FILE', helpValue: 'FILE'}),
    'append-only': Flags.boolean({description: 'backups only ever create new objects: their credentials need no delete or overwrite permission'}),
    'object-lock': Flags.string({
      description: 'S3 Object Lock retention on every object written (implies --append-only; needs --retain and a bucket with Object Lock)',
      options: ['compliance', 'governance'],
      dependsOn: ['retain'],
    }),
    retain: Flags.string({description: 'with --object-lock: how long each object is retained (30d, 12w)', helpValue: 'AGE', dependsOn: ['object-lock']}),
  }

  async run(): Promise<unknown> {
    const session = await this.newSession()
    const f = this.flags
    let generated: string | undefined
    if (f['generate-key-file']) {
      await writeKeyFile(f['generate-key-file'])
      generated = f['generate-key-file']
      this.log(`wrote key file ${generated}: keep a copy somewhere safe, away from the backups`)
      if (!f.encrypt) return {keyFile: generated}
    }
    const wanted = this.policyWanted()
    if (!f.encrypt && !wanted) {
      const status = await repositoryStatus(session, f.storage)
      this.log(`${status.url} is ready (${status.encrypted ? 'encrypted' : 'not encrypted'})`)
      return status
    }
    let result: Record<string, unknown> = {}
    if (wanted) await initRepositoryPolicy(await openBackend(session, f.storage), wanted, session.now(), {checkOnly: true}) // refuse before asking a passphrase
    if (f.encrypt) {
      const enc = await initRepositoryEncryption(session, {storage: f.storage, keyFile: f['key-file'] ?? generated})
      this.audit({command: 'backup:init', outcome: 'ok', message: `encryption (${enc.kdf}) on ${enc.url}`})
      this.log(`${enc.url} is now encrypted (${enc.kdf === 'keyfile' ? `key file ${enc.keyFile}` : 'passphrase'})`)
      this.log(enc.kdf === 'keyfile' ? '  keep the key file safe: without it no backup can be read' : '  keep the passphrase safe: without it no backup can be read')
      result = {...enc}
    }
    if (wanted) {
      const backend = await openBackend(session, f.storage)
      const policy = await initRepositoryPolicy(backend, wanted, session.now())
      const lock = policy.objectLock
      const what = lock ? `write-once (S3 Object Lock, ${lock.mode}, ${lock.retain} per object) and append-only` : 'append-only'
      this.audit({command: 'backup:init', outcome: 'ok', message: `${what} on ${backend.url}`})
      this.log(`${backend.url} is now ${what}`)
      this.log('  backups need no delete permission; run `backup cleanup` and `backup delete` with credentials that may delete (docs/storage.md)')
      result = {...result, url: backend.url, encrypted: Boolean(f.encrypt), appendOnly: policy.appendOnly, ...(lock ? {objectLock: lock} : {})}
    }
    return result
  }

  /** The write policy the flags ask for, or undefined. */
  private policyWanted(): RepositoryPolicy | undefined {
    const f = this.flags
    if (f['object-lock']) {
      const retainMs = parseDuration(f.retain!, '--retain')
      if (!(retainMs > 0)) throw failure('usage', '--retain must be a positive age such as 30d')
      return {appendOnly: true, objectLock: {mode: f['object-lock'] as 'compliance' | 'governance', retainMs, retain: f.retain!}}
    }
    return f['append-only'] ? {appendOnly: true} : undefined
  }
}
