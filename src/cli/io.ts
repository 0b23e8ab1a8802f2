import type {IOStreams} from '../util/io.js'

/** The process's own terminal: made once per command by the base command (and by the hook) and passed down. */
export function systemIO(env: NodeJS.ProcessEnv = process.env): IOStreams {
  const stdinIsTTY = Boolean(process.stdin.isTTY)
  const stdoutIsTTY = Boolean(process.stdout.isTTY)
  const stderrIsTTY = Boolean(process.stderr.isTTY)
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY,
    stdoutIsTTY,
    stderrIsTTY,
    colorEnabled: stdoutIsTTY && env.NO_COLOR === undefined,
    progressEnabled: stderrIsTTY,
    canPrompt: stdinIsTTY && stderrIsTTY,
    columns: stdoutIsTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined,
  }
}
