import {Command, Flags, type Interfaces} from '@oclif/core'
import {isUserError} from './util/errors.js'
import {redact} from './util/secrets.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<T['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/**
 * Every command of the plugin: `--json` (oclif's enableJsonFlag), one-line errors for UserError, secrets redacted
 * from any error, progress on stderr only when stderr is a TTY.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {}

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>

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

  /**
   * Session options of the process: GITHUB_PM_TEST_RETRY_BASE_MS (tests only: the end-to-end suites run the CLI against
   * a sandbox that fails requests on purpose, and must not spend seconds of real backoff on each) sets the client's
   * backoff unit after a 5xx or a dropped connection. Unset, the client's own default holds.
   */
  protected sessionOptions(): {retryBaseMs?: number} {
    const text = process.env.GITHUB_PM_TEST_RETRY_BASE_MS
    const ms = text === undefined || text.trim() === '' ? Number.NaN : Number(text)
    return Number.isFinite(ms) && ms >= 0 ? {retryBaseMs: ms} : {}
  }

  /** A progress line on stderr, only on a TTY and never in --json mode. */
  protected progress(text: string): void {
    if (!process.stderr.isTTY || this.jsonEnabled()) return
    process.stderr.write(`\r\x1b[2K${text}`)
  }

  protected progressDone(): void {
    if (!process.stderr.isTTY || this.jsonEnabled()) return
    process.stderr.write('\r\x1b[2K')
  }

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<any> {
    this.progressDone()
    if (isUserError(error)) {
      const exit = (error as {exitCode?: number}).exitCode ?? 1
      if (this.jsonEnabled()) {
        this.logJson({error: {code: (error as {code?: string}).code, message: redact(error.message)}})
        this.exit(exit)
      }
      // printed by hand: oclif's own error output wraps long messages over several lines
      process.stderr.write(`Error: ${redact(error.message)}\n`)
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
      process.stderr.write(`Error: ${redact(text)} (see --help)\n`)
      this.exit(error.oclif.exit ?? 2)
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
