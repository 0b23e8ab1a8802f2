import {buildSchema, type GraphQLSchema} from 'graphql'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

let cached: GraphQLSchema | undefined

/** Where the vendored schema lives, relative to the package root (see schema/README.md for its provenance). */
export const SCHEMA_RELATIVE_PATH = path.join('schema', 'github.graphql')

/**
 * GitHub's live GraphQL schema (api.github.com, 2026-07-24), vendored in `schema/github.graphql`: what the client checks
 * GitHub's answers against, and what the sandbox serves. The SDL repeats a few definitions, so it is built with
 * `assumeValidSDL` (GITHUB-FACTS.md). Built once per process, on first use (about a second): never on a path that
 * does not talk to GitHub.
 */
export function githubSchema(): GraphQLSchema {
  cached ??= buildSchema(readFileSync(schemaFile(), 'utf8'), {assumeValidSDL: true})
  return cached
}

/**
 * The package root is found by walking up from this module: it is `src/github` when run from source (tsx) and
 * `dist/src/github` when built, so the number of levels differs.
 */
export function schemaFile(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = path.join(dir, SCHEMA_RELATIVE_PATH)
    if (existsSync(candidate)) return candidate
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`GitHub's schema (${SCHEMA_RELATIVE_PATH}) is missing from this installation: reinstall the plugin`)
    dir = parent
  }
}
