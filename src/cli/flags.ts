import {Flags} from '@oclif/core'

/** Flags several commands share. */
export const storageFlag = Flags.string({
  description: 'backup storage: local (default), file:///path, git, git+file:///repo, s3://bucket/prefix, gcs://bucket/prefix (default: config backup.storage_location)',
  helpValue: 'URL',
})

export const typeFlag = Flags.string({
  char: 't',
  description: 'what to capture: full (everything), config (settings, fields, views), minimal (settings, field names)',
  options: ['full', 'config', 'minimal'],
})

export const dependenciesFlag = Flags.string({
  description:
    'read blocked-by dependencies (with the items through GraphQL; where only REST has them, one request per issue: auto = up to 1,000 issues, all = every issue); none = leave them out',
  options: ['auto', 'all', 'none'],
})

export const shadowFlag = Flags.boolean({
  description:
    'keep a shadow copy: a closed, private copyProjectV2 copy holding the views\' and workflows\' configuration the API cannot read, made when they changed (needs the `project` scope; default: config backup.shadow_copies; docs/shadow-copies.md)',
  allowNo: true,
})

/**
 * Monitoring flags of the commands that back up (`backup`, `backup create`, `backup incremental`, `backup auto`; any
 * command may add them): see docs/monitoring.md.
 */
export const healthcheckFlag = Flags.string({
  description:
    'ping this URL in the manner of healthchecks.io: URL/start when the run starts, URL when it succeeds, URL/fail when it fails (POST, short text body); a failed ping only warns. The URL is a secret: it is never printed (env GITHUB_PM_HEALTHCHECK_URL)',
  helpValue: 'URL',
  env: 'GITHUB_PM_HEALTHCHECK_URL',
  helpGroup: 'MONITORING',
})

export const metricsFlag = Flags.string({
  description:
    "write Prometheus metrics (last success time, duration, items, bytes, points per project) to FILE for node_exporter's textfile collector, replacing it atomically; a failed run keeps the last success time",
  helpValue: 'FILE',
  helpGroup: 'MONITORING',
})
