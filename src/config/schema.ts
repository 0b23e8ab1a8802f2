/**
 * The config file's keys. Its schema (zod) is built from them in ./file-schema.ts, which is loaded only when there is
 * a file to check (zod costs start-up time: docs/performance.md, "Start-up"); from that schema the type of a read
 * config is derived: every key of the file is optional, a known key must have its type (and its enum value, its
 * minimum), an unknown key is ignored (a newer version's key stays in the file, unused). A file of the wrong shape is
 * refused as a whole, naming the first wrong key: nothing of it is applied.
 */
export type ConfigValue = string | number | boolean | string[]

export interface KeySpec {
  description: string
  kind: 'string' | 'boolean' | 'integer' | 'list' | 'enum'
  values?: readonly string[]
  default?: ConfigValue
  min?: number
}

export const CONFIG_KEYS = {
  project: {kind: 'string', description: 'default project: URL, OWNER/NUMBER or node id'},
  'backup.auto_before_destructive': {
    kind: 'boolean',
    default: true,
    description: 'take an automatic backup before destructive commands',
  },
  'backup.destructive_commands': {
    kind: 'list',
    default: ['setup-complete', 'configure', 'batch', 'restore', 'backup:restore'],
    description: 'command ids (comma-separated) that get an automatic backup first, besides commands that declare `destructive = true`',
  },
  'backup.on_backup_failure': {
    kind: 'enum',
    values: ['abort', 'continue'],
    default: 'abort',
    description: 'when the automatic backup fails: abort the destructive command, or warn and continue',
  },
  'backup.retention_days': {
    kind: 'integer',
    min: 0,
    description: 'after each backup, remove backups older than this many days (0 or unset: keep all)',
  },
  'backup.storage_location': {
    kind: 'string',
    default: 'local',
    description: 'where backups go: local, git+file:///path, s3://bucket/prefix, gcs://bucket/prefix',
  },
  'backup.git.remote': {
    kind: 'string',
    description: 'with git storage: the remote to fetch backups from and push them to (e.g. origin)',
  },
  'backup.type': {kind: 'enum', values: ['full', 'config', 'minimal'], default: 'full', description: 'default backup type'},
  'backup.dependencies': {
    kind: 'enum',
    values: ['auto', 'all', 'none'],
    default: 'auto',
    description: 'read blocked-by dependencies (one REST request per issue): auto = up to 1,000 issues',
  },
  'backup.shadow_copies': {
    kind: 'boolean',
    default: false,
    description:
      'keep a closed, private copyProjectV2 "shadow" of each project whose views or workflows changed (they hold what the API cannot read; needs the `project` scope): docs/shadow-copies.md',
  },
  'backup.full_capture_every': {
    kind: 'integer',
    min: 1,
    default: 20,
    description: 'full backups read only the items that changed; every this many backups one reads every item and reports drift (1: always)',
  },
  'backup.full_capture_hours': {
    kind: 'integer',
    min: 1,
    default: 24,
    description: 'hours after which the next full backup reads every item and reports drift, however few backups were made',
  },
  'backup.keyframe_max_chain': {
    kind: 'integer',
    min: 1,
    default: 50,
    description: 'a new full base event after this many patch events',
  },
  'github.stall_timeout': {
    kind: 'integer',
    min: 1,
    default: 30,
    description: 'seconds a request may receive (almost) nothing (under 1 KiB) before it is cut; a read is then retried',
  },
  'github.deadline': {
    kind: 'integer',
    min: 0,
    description: 'seconds a whole command may spend talking to GitHub, waits and retries included (0 or unset: no deadline)',
  },
} as const satisfies Record<string, KeySpec>

export type ConfigKey = keyof typeof CONFIG_KEYS

/** The spec of a known key; undefined for any other name (an inherited one such as `__proto__` or `toString` too). */
export function keySpec(key: string): KeySpec | undefined {
  return Object.hasOwn(CONFIG_KEYS, key) ? (CONFIG_KEYS as Record<string, KeySpec>)[key] : undefined
}
