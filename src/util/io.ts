import {PassThrough} from 'node:stream'

/**
 * The terminal a command talks to (in the manner of the GitHub CLI's iostreams): its three streams, which of them are
 * terminals, and what that allows. The CLI layer makes ONE from the process (src/cli/io.ts) and hands it to the
 * session; app code reads and writes through it and never touches process.stdin/stdout/stderr. Tests pass their own.
 */
export interface IOStreams {
  stdin: NodeJS.ReadableStream
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  stdinIsTTY: boolean
  stdoutIsTTY: boolean
  stderrIsTTY: boolean
  /** colour in human output: stdout is a terminal and NO_COLOR is unset */
  colorEnabled: boolean
  /** progress lines on stderr: stderr is a terminal */
  progressEnabled: boolean
  /** a person can answer a question: stdin and stderr (where questions are written) are terminals */
  canPrompt: boolean
  /** the width of the terminal stdout is, in columns; undefined when stdout is not a terminal */
  columns?: number
}

/**
 * No terminal at all: empty input, output dropped. The session's default when the caller brings none (the hook, tests
 * of domain code), so that nothing ever waits on a prompt nobody sees.
 */
export function noTerminal(): IOStreams {
  const input = new PassThrough()
  input.end()
  return {
    stdin: input,
    stdout: new PassThrough().resume(),
    stderr: new PassThrough().resume(),
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    colorEnabled: false,
    progressEnabled: false,
    canPrompt: false,
  }
}
