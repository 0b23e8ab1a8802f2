import {execFile} from 'node:child_process'
import {constants, promises as fs} from 'node:fs'
import path from 'node:path'
import {UserError} from '../util/errors.js'
import {registerSecret} from '../util/secrets.js'

export interface ResolveTokenOptions {
  /** asks the gh CLI for a token; the default runs `gh auth token` when gh is on PATH (tests pass a stub) */
  gh?: () => Promise<string | undefined>
}

export const TOKEN_HELP =
  'No GitHub token found: set GH_TOKEN or GITHUB_TOKEN, or run `gh auth login`; ' +
  'the token needs the read:project scope to back up, project to restore, and repo for issue content in private repositories'

const GH_TIMEOUT_MS = 5000

/**
 * Finds the GitHub token: GH_TOKEN, then GITHUB_TOKEN, then the output of `gh auth token` (for GH_HOST when set).
 * The token is registered as a secret, so `redact` strips it from anything printed or stored.
 */
export async function resolveToken(env: NodeJS.ProcessEnv = process.env, opts: ResolveTokenOptions = {}): Promise<string> {
  const fromEnv = clean(env.GH_TOKEN) ?? clean(env.GITHUB_TOKEN)
  const token = fromEnv ?? clean(await (opts.gh ?? (() => ghAuthToken(env)))())
  if (!token) throw new UserError(TOKEN_HELP, {code: 'ENOTOKEN'})
  registerSecret(token)
  return token
}

/**
 * Runs `gh auth token [--hostname GH_HOST]` without a shell, with a 5 s timeout. Undefined when gh is not on PATH,
 * fails, or prints nothing.
 */
export async function ghAuthToken(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const gh = await findOnPath('gh', env)
  if (!gh) return undefined
  const host = clean(env.GH_HOST)
  const args = ['auth', 'token', ...(host ? ['--hostname', host] : [])]
  return new Promise((resolve) => {
    execFile(gh, args, {timeout: GH_TIMEOUT_MS, env, windowsHide: true, encoding: 'utf8'}, (error, stdout) => {
      resolve(error ? undefined : clean(stdout))
    })
  })
}

/** The full path of an executable found on env.PATH, or undefined. */
export async function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean)
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : ['']
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, command + ext)
      try {
        const stat = await fs.stat(candidate)
        if (!stat.isFile()) continue
        await fs.access(candidate, constants.X_OK)
        return candidate
      } catch {
        // not here
      }
    }
  }
  return undefined
}

function clean(value: string | undefined): string | undefined {
  const v = value?.trim()
  return v ? v : undefined
}
