import {Command, Flags, type Interfaces} from '@oclif/core'
import type {Session} from './app/session.js'
import type {AuditEntry} from './audit/audit.js'
import {systemIO} from './cli/io.js'
import {ERROR_KINDS, isUserError} from './util/errors.js'
import type {IOStreams} from './util/io.js'
import {redact} from './util/secrets.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<T['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/**
 * One record of the audit trail, as a command declares it: what it acted on (and, once known, the counts). The base
 * command writes every declared record once, when the command ends: a record whose outcome the command left open is
 * `ok` when the command succeeded, else `failed` with the error's message.
 */
export type AuditDraft = Partial<Omit<AuditEntry, 'time' | 'user' | 'host'>>

/**
 * Every command of the plugin: `--json` (oclif's enableJsonFlag), one-line errors for UserError with the exit status of
 * its kind (util/errors.ts, the one table), secrets redacted from any error, progress on stderr only when stderr is a
 * TTY, the terminal (`io`) made once and handed to the session, and the audit trail written in one place (`finally`).
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {}

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  /** the terminal: the only place the plugin's commands reach the process's streams */
  protected readonly io: IOStreams = systemIO()
  private readonly auditDrafts: AuditDraft[] = []

  public override async init(): Promise<void> {
    await super.init()
    const {args, flags} = await this.parse({
      args: this.ctor.args,
      baseFlags: this.ctor.baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      flags: this.ctor.flags,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
  }

  /** The session every operation of this command runs with, on this command's terminal. */
  protected async newSession(options: Partial<Session> = {}): Promise<Session> {
    // imported here, as every import below the CLI layer: a command loads only what it uses (`--help`, `config get`
    // never load the GitHub client or the storage backends; docs/performance.md, "Start-up")
    const {openSession} = await import('./app/session.js')
    return openSession({...this.sessionOptions(), ...options, io: this.io})
  }

  /**
   * Declares a record of the audit trail (written by `finally`, once the command ends). Returns the record, so that a
   * command can add what it learns later (counts, the backup's name); an outcome set here is kept as is.
   */
  protected audit(draft: AuditDraft = {}): AuditDraft {
    const record = {...draft}
    this.auditDrafts.push(record)
    return record
  }

  /** Takes back a declared record: the command turned out to change nothing worth recording (a dry run). */
  protected forgetAudit(draft: AuditDraft | undefined): void {
    const at = draft ? this.auditDrafts.indexOf(draft) : -1
    if (at >= 0) this.auditDrafts.splice(at, 1)
  }

  /**
   * Session options of the process: GITHUB_PM_TEST_RETRY_BASE_MS (tests only: the end-to-end suites run the CLI against
   * a sandbox that fails requests on purpose, and must not spend seconds of real backoff on each) sets the client's
   * backoff unit after a 5xx or a dropped connection. Unset, the client's own default holds.
   */
  private sessionOptions(): {retryBaseMs?: number} {
    const text = process.env.GITHUB_PM_TEST_RETRY_BASE_MS
    const ms = text === undefined || text.trim() === '' ? Number.NaN : Number(text)
    return Number.isFinite(ms) && ms >= 0 ? {retryBaseMs: ms} : {}
  }

  /** A progress line on stderr, only on a TTY and never in --json mode. */
  protected progress(text: string): void {
    if (!this.io.progressEnabled || this.jsonEnabled()) return
    this.io.stderr.write(`\r\x1b[2K${text}`)
  }

  protected progressDone(): void {
    if (!this.io.progressEnabled || this.jsonEnabled()) return
    this.io.stderr.write('\r\x1b[2K')
  }

  /** The one audit point: every record the command declared, with the outcome of the run. */
  public override async finally(error: Error | undefined): Promise<any> {
    await super.finally(error)
    const failed = error !== undefined
    const drafts = this.auditDrafts.splice(0)
    if (drafts.length === 0) return
    // the audit log's module only for a command that declared a record
    const {appendAudit} = await import('./audit/audit.js')
    for (const draft of drafts) {
      const entry: Omit<AuditEntry, 'time' | 'user' | 'host'> = {
        command: draft.command ?? this.id ?? 'unknown',
        project: draft.project,
        backup: draft.backup,
        outcome: draft.outcome ?? (failed ? 'failed' : 'ok'),
        counts: draft.counts,
        message: draft.message ?? (failed && !draft.outcome ? String(error.message) : undefined),
      }
      try {
        await appendAudit(entry)
      } catch (auditError) {
        // a command that worked and could not record it fails (as it always has); one that failed keeps its own error
        if (!failed) throw auditError
      }
    }
  }

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<any> {
    this.progressDone()
    if (isUserError(error)) {
      const exit = (error as {exitCode?: number}).exitCode ?? 1
      // a failure that comes with the command's result (a batch that partly failed, a damaged backup's report): in
      // --json mode that document is what stdout holds, and the one line goes to stderr as in human mode
      const document = (error as {document?: unknown}).document
      if (this.jsonEnabled()) {
        this.logJson(document ?? {error: {code: (error as {code?: string}).code, message: redact(error.message)}})
        if (document === undefined) this.exit(exit)
      }
      // printed by hand: oclif's own error output wraps long messages over several lines
      this.io.stderr.write(`Error: ${redact(error.message)}\n`)
      this.exit(exit)
    }
    if (error instanceof Error && error.oclif?.exit !== undefined && error.message.startsWith('EEXIT')) {
      // this.exit(n) from run(): the command has already said everything (in --json mode oclif would otherwise print
      // an error document after the command's own and turn the exit code into 1)
      throw error
    }
    if (error instanceof Error && 'parse' in error && error.oclif) {
      // a flag or argument oclif could not parse: one line too (oclif's own output adds lines and sometimes the usage)
      const text = error.message
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('See more help'))
        .join(' ')
      this.io.stderr.write(`Error: ${redact(text)} (see --help)\n`)
      this.exit(error.oclif.exit ?? ERROR_KINDS.usage.exit)
    }
    if (error instanceof Error && !error.oclif) {
      error.message = redact(error.message)
      if (error.stack) error.stack = redact(error.stack)
    }
    return super.catch(error)
  }
}

/** A command that acts on one project: `--project` (URL, OWNER/NUMBER or node id; default from config). */
export abstract class ProjectCommand<T extends typeof Command> extends BaseCommand<T> {
  static override baseFlags = {
    project: Flags.string({
      char: 'p',
      description: 'project: URL, OWNER/NUMBER or node id (default: config key `project`)',
      helpGroup: 'GLOBAL',
    }),
  }
}
