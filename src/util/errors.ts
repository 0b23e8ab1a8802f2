/**
 * Errors the user can act on, and the ONE table of exit statuses (documented in README.md, "Exit codes"; a test
 * keeps the two equal). Domain modules throw; the base command prints the message alone (one line, redacted, no
 * stack) and exits with the status of the error's kind, in --json mode too.
 */

/** Every way a command can end, and the exit status a script sees for it. */
export const EXIT_CODES = [
  {status: 0, meaning: 'success'},
  {
    status: 1,
    meaning:
      'the command failed: the one-line message says why and what to do (also: not found, locked by another process, GitHub refused or failed, some projects of a batch failed)',
  },
  {status: 2, meaning: 'a flag or argument is wrong (see --help), or the safety backup before a destructive command failed (the command did not run)'},
  {status: 3, meaning: 'a backup (or a copy of it) is damaged: validation names the first event that does not hold'},
  {status: 4, meaning: 'a restore is incomplete: some operations failed; run the same command again to resume'},
  {status: 5, meaning: '`backup status --max-age`: some project is not protected (stale, never backed up, or its last backup failed)'},
  {status: 6, meaning: '`backup drill`: a restore drill failed: the latest backup of some project would not restore cleanly (the report names what)'},
  {status: 130, meaning: 'cancelled (Ctrl-C at a prompt)'},
] as const

export type ExitStatus = (typeof EXIT_CODES)[number]['status']

/** The kinds of failure, each with its exit status and the `code` an error of that kind carries by default. */
export const ERROR_KINDS = {
  failed: {exit: 1, code: 'EUSER'},
  notFound: {exit: 1, code: 'ENOTFOUND'},
  locked: {exit: 1, code: 'ELOCKED'},
  github: {exit: 1, code: 'EGITHUB'},
  batch: {exit: 1, code: 'EBATCH'},
  usage: {exit: 2, code: 'EUSAGE'},
  backupFailed: {exit: 2, code: 'EBACKUPFAILED'},
  damaged: {exit: 3, code: 'EDAMAGED'},
  incomplete: {exit: 4, code: 'EINCOMPLETE'},
  stale: {exit: 5, code: 'ESTALE'},
  drillFailed: {exit: 6, code: 'EDRILL'},
  cancelled: {exit: 130, code: 'ECANCELLED'},
} as const satisfies Record<string, {exit: ExitStatus; code: string}>

export type ErrorKind = keyof typeof ERROR_KINDS

export interface UserErrorOptions {
  kind?: ErrorKind
  code?: string
  /** an exit status of the table (default: the kind's) */
  exitCode?: ExitStatus
  cause?: unknown
  /**
   * The command's result document, printed on stdout in --json mode instead of `{error}` (a batch that partly
   * failed, a damaged backup's validation report, an incomplete restore): a script reads what happened and the exit
   * status says it did not all work.
   */
  document?: unknown
}

/**
 * An error the user can act on: one line that says what went wrong and what to do.
 * Domain modules throw it; commands print its message alone (no stack) and exit with `exitCode`.
 */
export class UserError extends Error {
  /** which row of the table (GitHubError keeps its own, finer `kind`) */
  readonly category: ErrorKind
  readonly code: string
  readonly exitCode: number
  readonly document?: unknown

  constructor(message: string, options: UserErrorOptions = {}) {
    super(oneLine(message), options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'UserError'
    this.category = options.kind ?? 'failed'
    this.code = options.code ?? ERROR_KINDS[this.category].code
    this.exitCode = options.exitCode ?? ERROR_KINDS[this.category].exit
    if (options.document !== undefined) this.document = options.document
  }
}

/** A UserError of one kind: `failure('damaged', 'backup X is damaged at ...', {document: report})`. */
export function failure(kind: ErrorKind, message: string, options: Omit<UserErrorOptions, 'kind'> = {}): UserError {
  return new UserError(message, {...options, kind})
}

/** Collapses white space so that an error is always a single line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError || (error instanceof Error && error.name === 'UserError')
}

/** The exit status of a command that failed with `error` (1 for anything that is not a UserError). */
export function exitStatusOf(error: unknown): number {
  return isUserError(error) ? ((error as {exitCode?: number}).exitCode ?? 1) : 1
}
