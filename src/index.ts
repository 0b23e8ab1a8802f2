export {UserError} from './util/errors.js'
export type * from './model/state.js'

// the board's history (issue 16): one replay of a journal, for other plugins to build on
export {openJournal, Journal, type JournalOptions} from './journal/journal.js'
export type {EventHeader} from './journal/events.js'
export {
  fieldHistory,
  itemHistory,
  parseItemSelector,
  resolutionOf,
  valueText,
  NO_VALUE,
  type CycleTime,
  type FieldChange,
  type FieldHistory,
  type FieldHistoryOptions,
  type HistoryBackup,
  type ItemHistory,
  type ItemHistoryEntry,
  type ItemSelector,
  type Resolution,
  type TimeInValue,
} from './journal/history.js'

// the board as it was at a backup (issue 16): the model and the use case, for other plugins to render their own way
export {showBoard, type ShowRequest, type ShowResult} from './app/show.js'
export {buildBoard, type Board, type BoardGroup, type BoardItem, type BoardOptions} from './journal/board.js'

// the board's history as a report (issue 16): the data (one replay) and the self-contained HTML page
export {
  boardAt,
  groupFieldOf,
  reportData,
  type ReportBackup,
  type ReportChange,
  type ReportData,
  type ReportField,
  type ReportGroup,
  type ReportItem,
  type ReportOptions,
  type ReportSchema,
  type ReportView,
} from './journal/report.js'
export {renderReportHtml, writeReport, REPORT_CSP, type ReportRequest, type ReportSummary} from './app/report.js'
