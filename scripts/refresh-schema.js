#!/usr/bin/env node
// Refreshes schema/github.graphql (GitHub's live GraphQL schema) and schema/provenance.json.
//   node scripts/refresh-schema.js                         newest schema.graphql of octokit/graphql-schema's schema-update branch
//   node scripts/refresh-schema.js FILE|URL [--commit SHA] [--date YYYY-MM-DD]
// The new schema must build, and every document the client sends must still validate against it (the client's
// documents are read from the built dist/, so run `npm run build` first); otherwise nothing is written.
import {createHash} from 'node:crypto'
import {readFileSync, writeFileSync, existsSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {buildSchema, parse, validate} from 'graphql'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BRANCH_URL = 'https://raw.githubusercontent.com/octokit/graphql-schema/schema-update/schema.graphql'
const COMMITS_URL = 'https://api.github.com/repos/octokit/graphql-schema/commits/schema-update'

const args = process.argv.slice(2)
const option = (name) => {
  const i = args.indexOf(name)
  if (i < 0) return undefined
  const value = args[i + 1]
  args.splice(i, 2)
  return value
}
let commit = option('--commit')
let date = option('--date')
const source = args[0] ?? BRANCH_URL

function fail(message) {
  console.error(`refresh-schema: ${message}`)
  process.exit(1)
}

let sdl
if (/^https?:/.test(source)) {
  const response = await globalThis.fetch(source).catch((error) => fail(`cannot download ${source}: ${error.message}`))
  if (!response.ok) fail(`cannot download ${source}: HTTP ${response.status}`)
  sdl = await response.text()
  if (!commit && source === BRANCH_URL) {
    const head = await globalThis.fetch(COMMITS_URL).then((r) => (r.ok ? r.json() : undefined)).catch(() => undefined)
    commit = head?.sha
    date ??= head?.commit?.committer?.date?.slice(0, 10)
  }
} else {
  if (!existsSync(source)) fail(`${source} does not exist`)
  sdl = readFileSync(source, 'utf8')
}

let schema
try {
  schema = buildSchema(sdl, {assumeValidSDL: true})
} catch (error) {
  fail(`the new schema does not build: ${error.message}`)
}

// the capture's and the project look-up's documents; the mutation documents are checked by npm test
const dist = (file) => path.join(root, 'dist', 'src', 'github', file)
if (!existsSync(dist('queries.js'))) fail('run `npm run build` first: the client documents are checked against the new schema')
const queries = await import(pathToFileURL(dist('queries.js')).href)
const projectRef = await import(pathToFileURL(dist('project-ref.js')).href)
const documents = {...queries.CAPTURE_DOCUMENTS, ...projectRef.PROJECT_REF_DOCUMENTS}
const problems = []
for (const [name, text] of Object.entries(documents)) {
  for (const error of validate(schema, parse(text))) problems.push(`${name}: ${error.message}`)
}
if (problems.length) fail(`the client's documents no longer validate:\n  ${problems.join('\n  ')}`)

const file = path.join(root, 'schema', 'github.graphql')
writeFileSync(file, sdl)
const provenance = {
  source: 'https://github.com/octokit/graphql-schema/blob/schema-update/schema.graphql',
  branch: 'schema-update',
  commit: commit ?? 'unknown',
  introspected: date ?? new Date().toISOString().slice(0, 10),
  sha256: createHash('sha256').update(sdl).digest('hex'),
  license: 'MIT, Copyright (c) 2017 Gregor Martynus',
}
writeFileSync(path.join(root, 'schema', 'provenance.json'), JSON.stringify(provenance, null, 2) + '\n')
console.log(`schema/github.graphql refreshed (${provenance.introspected}, ${provenance.sha256.slice(0, 12)}); run npm test`)
