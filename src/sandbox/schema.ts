import {buildSchema, type GraphQLSchema} from 'graphql'
import {existsSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

let cached: GraphQLSchema | undefined

/**
 * GitHub's published GraphQL schema, built from the SDL shipped in `@octokit/graphql-schema`.
 * The package's introspection JSON is older than its SDL (it lacks updateProjectV2Field, addSubIssue, removeSubIssue),
 * and the SDL repeats a few field definitions, so it is built with `assumeValidSDL` (GITHUB-FACTS.md).
 */
export function githubSchema(): GraphQLSchema {
  cached ??= buildSchema(readFileSync(schemaFile(), 'utf8'), {assumeValidSDL: true})
  return cached
}

/** The package exports only its JS entry, so its schema.graphql is found along Node's module search paths. */
function schemaFile(): string {
  const require = createRequire(import.meta.url)
  for (const dir of require.resolve.paths('@octokit/graphql-schema') ?? []) {
    const candidate = path.join(dir, '@octokit', 'graphql-schema', 'schema.graphql')
    if (existsSync(candidate)) return candidate
  }
  throw new Error('@octokit/graphql-schema is not installed: its schema.graphql was not found')
}
