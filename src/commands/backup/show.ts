import {Args, Flags} from '@oclif/core'
import {showBoard} from '../../app/show.js'
import {DEFAULT_WIDTH, renderBoardCsv, renderBoardMarkdown, renderBoardTable} from '../../cli/board.js'
import {storageFlag} from '../../cli/flags.js'
import {JournalBase} from '../../cli/journal-base.js'
import {failure} from '../../util/errors.js'
import {parseTime} from '../../util/time.js'

export default class BackupShow extends JournalBase<typeof BackupShow> {
  static override summary = 'Show the board as it was at a backup: items grouped as a view groups them, in the terminal, CSV or Markdown'
  static override description =
    'Groups by the Status field (else the first single select) in its option order, "No Status" last, items in the ' +
    "project's order; --view uses a captured view's grouping, sort, visible fields and filter (filter terms a backup " +
    'cannot evaluate, such as created: or reviewers:, are named on stderr and ignored). Archived items are left out ' +
    'as on GitHub unless --archived. Long cells are cut to the terminal width (100 when not a terminal) or --width.'
  static override examples = [
    '<%= config.bin %> backup show --project acme/3',
    '<%= config.bin %> backup show before-major-refactor --view "Sprint board" --project acme/3',
    '<%= config.bin %> backup show --at 2026-11-24T18:00:00Z --group-by Priority --format csv > board.csv',
    '<%= config.bin %> backup:show latest --json',
  ]
  static override args = {name: Args.string({description: 'backup name, a unique prefix of one, or latest (default: latest)'})}
  static override flags = {
    at: Flags.string({description: 'the backup in force at TIME (ISO 8601, or an age such as 2d)', helpValue: 'TIME'}),
    view: Flags.string({description: "use a captured view's grouping, sort, visible fields and filter (by name or number)", helpValue: 'NAME'}),
    'group-by': Flags.string({description: 'group by this field (by name); overrides the view', helpValue: 'FIELD'}),
    archived: Flags.boolean({description: 'include archived items (with an Archived column)'}),
    format: Flags.string({description: 'output format', options: ['table', 'csv', 'markdown'], default: 'table'}),
    width: Flags.integer({description: 'cut table lines to N display columns (default: the terminal width, else 100)', min: 10, helpValue: 'N'}),
    storage: storageFlag,
  }

  async run(): Promise<unknown> {
    const f = this.flags
    if (f.at && this.args.name) throw failure('usage', 'give a backup NAME or --at TIME, not both')
    const {journal} = await this.openJournalFor(f.storage)
    const {backup, board} = await showBoard(journal, {
      name: this.args.name,
      at: f.at ? parseTime(f.at) : undefined,
      view: f.view,
      groupBy: f['group-by'],
      archived: f.archived,
    })
    for (const note of board.notes) this.io.stderr.write(`note: ${note}\n`)
    if (!this.jsonEnabled()) {
      const heading = {backup}
      if (f.format === 'csv') this.io.stdout.write(renderBoardCsv(board))
      else if (f.format === 'markdown') this.io.stdout.write(renderBoardMarkdown(board, heading))
      else this.io.stdout.write(renderBoardTable(board, heading, f.width ?? this.io.columns ?? DEFAULT_WIDTH))
    }
    return {backup, ...board}
  }
}
