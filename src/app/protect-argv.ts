import {parse} from '@oclif/core/parser'
import {oneLine} from '../util/errors.js'
import {NO_BACKUP_FLAG, type CommandInfo, type FlagInfo} from './protect-outcome.js'

/**
 * Reads a destructive command's argv the way the command itself will: with oclif's own parser, given the command's
 * flag definitions (types, chars, aliases, `--no-X` of allowNo flags, `--flag=value`, `-pVALUE`, `--`). Only the
 * shape of each flag is handed over: no `parse`, `default`, `required`, `options`, stdin or relationships, so reading
 * never runs the command's code, never waits on stdin and never refuses what only the command should refuse.
 */

export interface ArgvReading {
  /** the project text: the project flag on the command line, else the environment variable that flag names */
  project?: string
  /** `--no-backup` is on the command line (as a flag, not as a value or after `--`) */
  noBackup: boolean
  /** where in argv the `--no-backup` flags are */
  noBackupAt: number[]
  /** the command defines `--no-backup` itself (a `no-backup` flag, or a `backup` flag with allowNo) */
  noBackupOwned: boolean
  /** oclif's one-line complaint when the command line cannot be read as the command would read it */
  problem?: string
}

type ParserFlag = {name: string; type: 'boolean' | 'option'} & Omit<FlagInfo, 'type' | 'env'>

/** A command without `project` flag still gets `--project` read (and `-p` when no other flag takes it). */
function parserFlags(flags: CommandInfo['flags']): {flags: Record<string, ParserFlag>; ownsNoBackup: boolean} {
  const out: Record<string, ParserFlag> = {}
  for (const [name, def] of Object.entries(flags ?? {})) {
    if (!def) continue
    const type = def.type === 'boolean' || def.type === 'option' ? def.type : def.allowNo ? 'boolean' : 'option'
    const flag: ParserFlag = {name, type}
    if (def.char) flag.char = def.char
    if (def.aliases?.length) flag.aliases = [...def.aliases]
    if (def.charAliases?.length) flag.charAliases = [...def.charAliases]
    if (type === 'boolean' && def.allowNo) flag.allowNo = true
    if (type === 'option' && def.multiple) {
      flag.multiple = true
      if (def.multipleNonGreedy) flag.multipleNonGreedy = true
      if (def.delimiter) flag.delimiter = def.delimiter
    }
    out[name] = flag
  }
  if (!out.project) {
    const pTaken = Object.values(out).some((f) => f.char === 'p' || f.charAliases?.includes('p'))
    out.project = pTaken ? {name: 'project', type: 'option'} : {name: 'project', type: 'option', char: 'p'}
  }
  const ownsNoBackup = Boolean(out['no-backup'] || (out.backup?.type === 'boolean' && out.backup.allowNo))
  if (!ownsNoBackup) out['no-backup'] = {name: 'no-backup', type: 'boolean'}
  return {flags: out, ownsNoBackup}
}

/**
 * oclif's parse with `strict: false`, except that a flag the definitions lack (a flag the host adds to every command,
 * such as `--json`) is read the way oclif itself reads one it does not know, a lone token, instead of stopping the
 * reading: the command knows its own flags, the hook only needs the project and `--no-backup`.
 */
async function parseTolerant(argv: readonly string[], flags: Record<string, ParserFlag>) {
  const known = {...flags}
  for (let round = 0; ; round++) {
    try {
      // no args given: every positional token is left alone (and nothing is read from stdin for a missing one)
      return await parse([...argv], {flags: known as never, args: {}, strict: false, context: undefined})
    } catch (error) {
      const unknown = (error as {flags?: unknown}).flags
      if (!Array.isArray(unknown) || unknown.length === 0 || round >= 20) throw error
      for (const token of unknown as string[]) {
        const long = /^--([^=]+)/.exec(token)
        if (long) known[long[1]] = {name: long[1], type: 'boolean'}
        else if (/^-[^-]/.test(token)) known[token.slice(0, 2)] = {name: token.slice(0, 2), type: 'boolean', char: token[1]}
        else throw error
      }
    }
  }
}

/** The tokens before `--`: where a flag can be (the fallback when oclif cannot read argv). */
function flagZone(argv: readonly string[]): number {
  const end = argv.indexOf('--')
  return end === -1 ? argv.length : end
}

function text(value: unknown): string | undefined {
  const last = Array.isArray(value) ? value.at(-1) : value
  return typeof last === 'string' && last.trim() ? last.trim() : undefined
}

/** Reads argv (not changed) for the project and `--no-backup`; `env` gives a project flag's `env` variable. */
export async function readArgv(argv: readonly string[], flags?: CommandInfo['flags'], env: NodeJS.ProcessEnv = {}): Promise<ArgvReading> {
  const input = parserFlags(flags)
  const envName = flags?.project?.env
  const fromEnv = envName ? text(env[envName]) : undefined
  try {
    const output = await parseTolerant(argv, input.flags)
    const count = output.raw.filter((t) => t.type === 'flag' && t.input === NO_BACKUP_FLAG && (t.flag === 'no-backup' || t.flag === 'backup')).length
    // a `--no-backup` token oclif reads as the flag comes before `--` and cannot be another flag's value (oclif
    // refuses a flag name as a value): the first `count` such tokens are the flags, any later one follows `--`
    const noBackupAt: number[] = []
    for (let i = 0; i < argv.length && noBackupAt.length < count; i++) if (argv[i] === NO_BACKUP_FLAG) noBackupAt.push(i)
    return {project: text(output.flags.project) ?? fromEnv, noBackup: count > 0, noBackupAt, noBackupOwned: input.ownsNoBackup}
  } catch (error) {
    // the command will refuse this command line too; the user may still skip the backup with --no-backup
    const noBackupAt: number[] = []
    for (let i = 0; i < flagZone(argv); i++) if (argv[i] === NO_BACKUP_FLAG) noBackupAt.push(i)
    const problem = oneLine(String(error instanceof Error ? error.message : error).replace(/\s*See more help with --help\s*$/, ''))
    return {noBackup: noBackupAt.length > 0, noBackupAt, noBackupOwned: input.ownsNoBackup, problem}
  }
}

/** The project named on the command line: `--project X`, `--project=X`, `-p X`, `-pX`, `-p=X`, or an alias. */
export async function projectFromArgv(argv: readonly string[], flags?: CommandInfo['flags'], env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  return (await readArgv(argv, flags, env)).project
}

/**
 * Removes the `--no-backup` flags `reading` found from argv IN PLACE (the array the command parses next), so the
 * protected command never sees a flag it does not know. A command that defines `--no-backup` itself keeps it: the
 * flag is its own, and still skips the automatic backup. Answers whether `--no-backup` was given.
 */
export function takeNoBackup(argv: string[], reading: ArgvReading): boolean {
  if (reading.noBackup && !reading.noBackupOwned) for (const i of [...reading.noBackupAt].reverse()) argv.splice(i, 1)
  return reading.noBackup
}

/** readArgv, then takeNoBackup. */
export async function takeNoBackupFlag(argv: string[], flags?: CommandInfo['flags']): Promise<boolean> {
  return takeNoBackup(argv, await readArgv(argv, flags))
}
