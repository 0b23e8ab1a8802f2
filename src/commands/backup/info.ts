import {Args} from '@oclif/core'
import {JournalBase} from '../../cli/journal-base.js'
import {storageFlag} from '../../cli/flags.js'
import {bytes} from '../../cli/format.js'

export default class BackupInfo extends JournalBase<typeof BackupInfo> {
  static override summary = 'Show one backup: when, what type, what it holds, how it is stored'
  static override examples = ['<%= config.bin %> backup info before-major-refactor --project acme/3', '<%= config.bin %> backup info latest --json']
  static override args = {name: Args.string({required: true, description: 'backup name, a unique prefix of one, or latest'})}
  static override flags = {storage: storageFlag}

  async run(): Promise<unknown> {
    const {journal, repo} = await this.openJournalFor(this.flags.storage)
    const header = journal.find(this.args.name)
    const headers = journal.headers()
    const index = headers.findIndex((h) => h.seq === header.seq)
    const base = headers
      .slice(0, index + 1)
      .reverse()
      .find((h) => h.kind === 'base')
    const s = header.stats
    this.log(`name:      ${header.name}${header.pinned ? ' (pinned)' : ''}`)
    this.log(`project:   ${header.projectId}`)
    this.log(`time:      ${header.timestamp}`)
    this.log(`type:      ${header.type} (${header.kind}${header.kind === 'patch' && base ? ` on base ${base.name}` : ''})`)
    this.log(`holds:     ${s.issues} issues, ${s.items} items, ${s.fields} fields, ${s.views} views`)
    this.log(`stored:    ${bytes(s.bytes)} (state ${bytes(s.rawBytes)})`)
    this.log(`checksum:  ${header.stateHash}`)
    this.log(`storage:   ${repo.url}`)
    this.log(`tool:      ${header.creator} ${header.version}`)
    if (header.shadow) {
      // the shadow copy holding what the API cannot read of views and workflows (docs/shadow-copies.md)
      this.log(`shadow:    ${header.shadow.title} (${header.shadow.url}), made ${header.shadow.createdAt}`)
      this.log(`           fingerprint ${header.shadow.fingerprint}`)
    }
    return {...header, sequence: index + 1, of: headers.length, base: base?.name ?? null, storage: repo.url}
  }
}
