import {Flags} from '@oclif/core'
import {BackupBase} from '../../cli/backup-base.js'
import {dependenciesFlag, shadowFlag, storageFlag, typeFlag} from '../../cli/flags.js'
import {UserError} from '../../util/errors.js'

export default class Backup extends BackupBase<typeof Backup> {
  static override summary = 'Back up a project (or every project of an owner)'
  static override description =
    'The first backup of a project stores its whole state; every later one stores only what changed (an incremental ' +
    'patch event in the project\'s journal). Any earlier backup can be rebuilt, validated, compared and restored.'
  static override examples = [
    '<%= config.bin %> backup --project acme/3',
    '<%= config.bin %> backup --name=before-major-refactor --type=full',
    '<%= config.bin %> backup --type=config --storage=s3://my-bucket/github-pm-backups/',
    '<%= config.bin %> backup --owner acme --all-projects',
  ]
  static override flags = {
    name: Flags.string({char: 'n', description: 'backup name (default: <type>-<UTC time>)'}),
    type: typeFlag,
    storage: storageFlag,
    dependencies: dependenciesFlag,
    shadow: shadowFlag,
    owner: Flags.string({description: 'with --all-projects: the user or organization whose projects to back up'}),
    'all-projects': Flags.boolean({description: 'back up every project of --owner', dependsOn: ['owner']}),
  }

  async run(): Promise<unknown> {
    const f = this.flags
    if (f['all-projects']) {
      if (f.name) throw new UserError('--name cannot be used with --all-projects: each project gets a generated name')
      return this.backupAll(f.owner!, f)
    }
    if (f.owner) throw new UserError('--owner goes with --all-projects; to back up one project use --project')
    const result = await this.backupOne(f)
    this.report(result)
    return result
  }
}
