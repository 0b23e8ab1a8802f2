import {buildSchema, type GraphQLSchema} from 'graphql'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

let cached: GraphQLSchema | undefined
let cachedGhes316: GraphQLSchema | undefined

/** GitHub Enterprise Server versions whose schema the sandbox can serve instead of github.com's. */
export type GhesVersion = '3.16'

/** Where the vendored schema lives, relative to the package root (see schema/README.md for its provenance). */
export const SCHEMA_RELATIVE_PATH = path.join('schema', 'github.graphql')

/**
 * GitHub's live GraphQL schema (api.github.com, 2026-07-24), vendored in `schema/github.graphql`. The SDL repeats a
 * few definitions, so it is built with `assumeValidSDL` (GITHUB-FACTS.md).
 */
export function githubSchema(): GraphQLSchema {
  cached ??= buildSchema(readFileSync(schemaFile(), 'utf8'), {assumeValidSDL: true})
  return cached
}

/**
 * The package root is found by walking up from this module: it is `src/sandbox` when run from source (tsx) and
 * `dist/src/sandbox` when built, so the number of levels differs.
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

/**
 * The schema a GitHub Enterprise Server serves, as far as the product depends on it: GHES 3.16's schema is the live
 * one WITHOUT `updateProjectV2Field` (options, iterations and field names cannot be changed through its API).
 */
export function ghesSchema(version: GhesVersion): GraphQLSchema {
  if (version !== '3.16') throw new Error(`unknown GitHub Enterprise Server version ${String(version)}`)
  if (!cachedGhes316) {
    const sdl = readFileSync(schemaFile(), 'utf8')
    const without = sdl.replace(/\n {2}"""\n {2}Update a project field\.\n {2}"""\n {2}updateProjectV2Field\([\s\S]*?\): UpdateProjectV2FieldPayload\n/, '\n')
    if (without === sdl) throw new Error('updateProjectV2Field not found in the vendored schema')
    cachedGhes316 = buildSchema(without, {assumeValidSDL: true})
  }
  return cachedGhes316
}
