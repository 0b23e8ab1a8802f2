import os from 'node:os'
import path from 'node:path'

type Env = Record<string, string | undefined>

/** The github-pm home directory: `GITHUB_PM_HOME` (a leading `~` is expanded) or `~/.github-pm`, absolute. */
export function githubPmHome(env: Env = process.env): string {
  const home = env.HOME || env.USERPROFILE || os.homedir()
  const configured = env.GITHUB_PM_HOME?.trim()
  if (configured) {
    const expanded = configured === '~' ? home : configured.startsWith('~/') ? path.join(home, configured.slice(2)) : configured
    return path.resolve(expanded)
  }
  return path.resolve(home, '.github-pm')
}

/** Where local backups live: `<home>/backups`. */
export function backupsRoot(env: Env = process.env): string {
  return path.join(githubPmHome(env), 'backups')
}
