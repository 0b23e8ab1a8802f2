#!/usr/bin/env node
// Generates oclif.manifest.json from the built commands (dist/), or with --check fails when the
// committed manifest differs from what the commands declare. Uses @oclif/core's own Plugin loader,
// the same code path `oclif manifest` takes, without pulling the whole oclif packaging toolchain.
import {Plugin} from '@oclif/core'
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import path from 'node:path'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const file = path.join(root, 'oclif.manifest.json')
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, isRoot: true})
await plugin.load()
// commands load concurrently, so their order in oclif's manifest follows whichever finished first: sort by id
const manifest = {
  ...plugin.manifest,
  commands: Object.fromEntries(Object.keys(plugin.manifest.commands).sort().map((id) => [id, plugin.manifest.commands[id]])),
}
const text = JSON.stringify(manifest, null, 2) + '\n'
if (process.argv.includes('--check')) {
  let current = ''
  try {
    current = readFileSync(file, 'utf8')
  } catch {
    // no manifest yet: it is stale by definition
  }
  if (current !== text) {
    const was = current ? Object.keys(JSON.parse(current).commands ?? {}) : []
    const now = Object.keys(manifest.commands)
    const added = now.filter((id) => !was.includes(id))
    const removed = was.filter((id) => !now.includes(id))
    const changed = now.filter((id) => was.includes(id) && JSON.stringify(JSON.parse(current).commands[id]) !== JSON.stringify(manifest.commands[id]))
    console.error('oclif.manifest.json is stale: run `npm run build && npm run manifest` and commit the result.')
    console.error(`  added: ${added.join(', ') || '-'}; removed: ${removed.join(', ') || '-'}; changed: ${changed.join(', ') || '-'}`)
    process.exit(1)
  }
  console.log(`oclif.manifest.json is current (${Object.keys(manifest.commands).length} commands).`)
} else {
  writeFileSync(file, text)
  console.log(`wrote oclif.manifest.json (${Object.keys(manifest.commands).length} commands)`)
}
