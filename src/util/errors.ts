/**
 * An error the user can act on: one line that says what went wrong and what to do.
 * Domain modules throw it; commands print its message alone (no stack) and exit with `exitCode`.
 */
export class UserError extends Error {
  readonly code: string
  readonly exitCode: number

  constructor(message: string, options: {code?: string; exitCode?: number; cause?: unknown} = {}) {
    super(oneLine(message), options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'UserError'
    this.code = options.code ?? 'EUSER'
    this.exitCode = options.exitCode ?? 1
  }
}

/** Collapses white space so that an error is always a single line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError || (error instanceof Error && error.name === 'UserError')
}
