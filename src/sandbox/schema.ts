import {buildSchema, type GraphQLSchema} from 'graphql'
import {readFileSync} from 'node:fs'
import {githubSchema, schemaFile, SCHEMA_RELATIVE_PATH} from '../github/schema.js'

// the client and the sandbox build on the same vendored schema (src/github/schema.ts loads it)
export {githubSchema, schemaFile, SCHEMA_RELATIVE_PATH}

let cachedGhes316: GraphQLSchema | undefined

/** GitHub Enterprise Server versions whose schema the sandbox can serve instead of github.com's. */
export type GhesVersion = '3.16'

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
