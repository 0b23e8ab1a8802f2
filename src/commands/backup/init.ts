import {Flags} from '@oclif/core'
import {initRepositoryEncryption, repositoryStatus, writeKeyFile} from '../../app/encryption.js'
import {BaseCommand} from '../../base-command.js'
import {storageFlag} from '../../cli/flags.js'

export default class BackupInit extends BaseCommand<typeof BackupInit> {
  static override summary = 'Prepare a backup storage location; --encrypt turns on encryption for a new one'
  static override description =
    'With --encrypt, every backup written to the location is compressed and then encrypted (NaCl secretbox) with a ' +
    'random data key, itself wrapped under your passphrase (GITHUB_PM_PASSPHRASE, GITHUB_PM_PASSPHRASE_FILE, or typed ' +
    'twice on a terminal) or a key file. Encryption is set up on a new, empty location only; to encrypt existing ' +
    'backups, init an empty location and `backup copy` them into it. Lose the passphrase and the backups are lost.'
  static override examples = [
    'GITHUB_PM_PASSPHRASE_FILE=~/.secrets/gpm <%= config.bin %> backup init --encrypt --storage s3://my-bucket/github-pm',
    '<%= config.bin %> backup init --encrypt --storage git+file:///srv/backups.git',
    '<%= config.bin %> backup init --generate-key-file ~/.github-pm/backup.key',
    '<%= config.bin %> backup init --encrypt --key-file ~/.github-pm/backup.key --storage file:///mnt/nas/gpm',
  ]
  static override flags = {
    storage: storageFlag,
    encrypt: Flags.boolean({description: 'encrypt every backup written to this (new, empty) location'}),
    'key-file': Flags.string({description: 'with --encrypt: use this key file instead of a passphrase (created when missing)', dependsOn: ['encrypt']}),
    'generate-key-file': Flags.string({description: 'write a new random key file (64 hex digits, owner-only) to FILE', helpValue: 'FILE'}),
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
    if (!f.encrypt) {
      const status = await repositoryStatus(session, f.storage)
      this.log(`${status.url} is ready (${status.encrypted ? 'encrypted' : 'not encrypted'})`)
      return status
    }
    const result = await initRepositoryEncryption(session, {storage: f.storage, keyFile: f['key-file'] ?? generated})
    this.audit({command: 'backup:init', outcome: 'ok', message: `encryption (${result.kdf}) on ${result.url}`})
    this.log(`${result.url} is now encrypted (${result.kdf === 'keyfile' ? `key file ${result.keyFile}` : 'passphrase'})`)
    this.log(result.kdf === 'keyfile' ? '  keep the key file safe: without it no backup can be read' : '  keep the passphrase safe: without it no backup can be read')
    return result
  }
}
