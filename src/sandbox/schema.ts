import {buildSchema, type GraphQLSchema} from 'graphql'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import path from 'node:path'

let cached: GraphQLSchema | undefined

/**
 * GitHub's published GraphQL schema, built from the SDL shipped in `@octokit/graphql-schema`.
 * The package's introspection JSON is older than its SDL (it lacks updateProjectV2Field, addSubIssue, removeSubIssue),
 * and the SDL repeats a few field definitions, so it is built with `assumeValidSDL` (GITHUB-FACTS.md).
 */
export function githubSchema(): GraphQLSchema {
  if (!cached) {
    const dir = path.dirname(fileURLToPath(import.meta.resolve('@octokit/graphql-schema')))
    cached = buildSchema(readFileSync(path.join(dir, 'schema.graphql'), 'utf8'), {assumeValidSDL: true})
  }
  return cached
}
