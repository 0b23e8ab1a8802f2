import {changeRepositoryPassphrase} from '../../app/encryption.js'
import {BaseCommand} from '../../base-command.js'
import {storageFlag} from '../../cli/flags.js'

export default class BackupPassphrase extends BaseCommand<typeof BackupPassphrase> {
  static override summary = "Change an encrypted storage location's passphrase"
  static override description =
    'The current passphrase comes from GITHUB_PM_PASSPHRASE (or GITHUB_PM_PASSPHRASE_FILE) or is asked for; the new one ' +
    'from GITHUB_PM_NEW_PASSPHRASE (or GITHUB_PM_NEW_PASSPHRASE_FILE) or is asked for twice. Only the wrapped key in ' +
    'keys/key.json changes: no backup is rewritten. Copies of the location made earlier keep the old passphrase.'
  static override examples = [
    '<%= config.bin %> backup passphrase --storage s3://my-bucket/github-pm',
    'GITHUB_PM_PASSPHRASE=old GITHUB_PM_NEW_PASSPHRASE=new <%= config.bin %> backup passphrase',
  ]
  static override flags = {storage: storageFlag}

  async run(): Promise<unknown> {
    const session = await this.newSession()
    const result = await changeRepositoryPassphrase(session, this.flags.storage)
    this.audit({command: 'backup:passphrase', outcome: 'ok', message: `passphrase changed on ${result.url}`})
    this.log(`passphrase changed for ${result.url}; use the new one from now on`)
    return {...result, changed: true}
  }
}
