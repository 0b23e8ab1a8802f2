import {z} from 'zod'
import {CONFIG_KEYS, type ConfigKey, type ConfigValue, type KeySpec} from './schema.js'

/** The zod type of one key's value, by its kind. */
type SchemaOf<S extends KeySpec> = S['kind'] extends 'boolean'
  ? z.ZodType<boolean>
  : S['kind'] extends 'integer'
    ? z.ZodType<number>
    : S['kind'] extends 'list'
      ? z.ZodType<string[]>
      : S extends {kind: 'enum'; values: ReadonlyArray<infer V extends string>}
        ? z.ZodType<V>
        : z.ZodType<string>

type ConfigShape = {[K in ConfigKey]: z.ZodOptional<SchemaOf<(typeof CONFIG_KEYS)[K]>>}

function schemaOf(spec: KeySpec): z.ZodType<ConfigValue> {
  switch (spec.kind) {
    case 'boolean':
      return z.boolean({error: 'expected true or false'})
    case 'integer':
      return z.int({error: `expected a whole number${spec.min ? ` of at least ${spec.min}` : ''}`}).min(spec.min ?? 0, {
        error: `expected a whole number of at least ${spec.min ?? 0}`,
      })
    case 'list':
      return z.array(z.string({error: 'expected a string'}), {error: 'expected a list of strings'})
    case 'enum':
      return z.enum(spec.values as [string, ...string[]], {error: `expected one of ${spec.values!.join(', ')}`})
    default:
      return z.string({error: 'expected a string'})
  }
}

/** The config file (`config.json`): a JSON object of known keys, each optional; unknown keys are dropped. */
export const configFileSchema = z.object(
  Object.fromEntries(Object.entries(CONFIG_KEYS).map(([key, spec]) => [key, schemaOf(spec).optional()])) as unknown as ConfigShape,
  {error: 'expected a JSON object'},
)

/** What a config file holds once read: its known keys, typed. */
export type Config = z.infer<typeof configFileSchema>

/**
 * The parsed config file, or the first problem: `backup.retention_days: expected a whole number` (the key as the file
 * writes it, then `[n]` for an element of a list).
 */
export function parseConfigFile(raw: unknown): {config: Config} | {problem: string} {
  const result = configFileSchema.safeParse(raw)
  if (result.success) return {config: result.data}
  const issue = result.error.issues[0]
  const [top, ...rest] = issue.path
  const where = top === undefined ? '' : `${String(top)}${rest.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('')}: `
  return {problem: `${where}${issue.message}`}
}

