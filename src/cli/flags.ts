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
