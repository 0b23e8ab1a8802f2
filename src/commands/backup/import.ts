import {Args, Flags} from '@oclif/core'
import {repository, writeJournal} from '../../app/session.js'
import {BaseCommand} from '../../base-command.js'
import {storageFlag} from '../../cli/flags.js'
import {readExportFile} from '../../app/documents.js'

export default class BackupImport extends BaseCommand<typeof BackupImport> {
  static override summary = 'Add an exported backup document to the project journal in this storage'
  static override examples = ['<%= config.bin %> backup import backup.json', '<%= config.bin %> backup import backup.json --name migrated-copy']
  static override args = {file: Args.string({required: true, description: 'document written by `backup export`'})}
  static override flags = {
    name: Flags.string({description: 'name in the journal (default: the name in the document)'}),
    storage: storageFlag,
  }

  async run(): Promise<unknown> {
    const imported = await readExportFile(this.args.file)
    const session = await this.newSession()
    const repo = await repository(session, this.flags.storage)
    const projectId = imported.state.project.id
    const name = this.flags.name ?? imported.meta.name
    const result = await writeJournal(session, repo, projectId, `Backup: ${name} (imported)`, (j) =>
      j.append(imported.state, {name, type: imported.meta.type, summary: {imported_from: this.args.file, original: imported.meta}}),
    )
    this.audit({command: 'backup:import', project: projectId, backup: name, outcome: 'ok'})
    this.log(`imported ${this.args.file} as ${name} into the journal of ${imported.state.project.url}`)
    return {backup: result.event}
  }
}
