import {Args, Flags} from '@oclif/core'
import {JournalBase} from '../../cli/journal-base.js'
import {storageFlag} from '../../cli/flags.js'
import {exportDocument} from '../../journal/export.js'
import {atomicWrite} from '../../util/fs.js'

export default class BackupExport extends JournalBase<typeof BackupExport> {
  static override summary = "Write a backup as one self-checking JSON document (the spec's backup data structure)"
  static override description =
    'The document holds backup_metadata, project_config, project_structure, project_data and integrity checksums, plus ' +
    'the full project state, so `restore --from-file` and `backup import` bring it back losslessly on any machine.'
  static override examples = ['<%= config.bin %> backup export latest --out backup.json --project acme/3']
  static override args = {name: Args.string({required: true, description: 'backup name, prefix or latest'})}
  static override flags = {
    out: Flags.string({char: 'o', description: 'file to write (default: standard output)'}),
    storage: storageFlag,
  }

  async run(): Promise<unknown> {
    const {journal} = await this.openJournalFor(this.flags.storage)
    const header = journal.find(this.args.name)
    const doc = exportDocument(header, await journal.takeState(header))
    const text = JSON.stringify(doc, null, 2) + '\n'
    if (this.flags.out) {
      await atomicWrite(this.flags.out, text, 0o600)
      this.log(`wrote ${this.flags.out} (${header.name}, ${doc.backup_metadata.checksum})`)
      return {file: this.flags.out, backup: header.name, checksum: doc.backup_metadata.checksum}
    }
    if (!this.jsonEnabled()) this.io.stdout.write(text)
    return doc
  }
}
