#!/usr/bin/env node
/**
 * The test suite in tiers, each run by mocha on its own:
 *   unit         no server, no child process: logic on values and on files in a temporary folder
 *   integration  servers on loopback: the sandbox over HTTP, stub servers, the S3 server, git remotes, the registry
 *   e2e          the CLI end to end: in the test process (test/helpers/inproc.ts) or as a process (bin/run.js, the
 *                host CLI fixture, `plugins install`, the kill and stall suites)
 *
 * Every test file (test/**\/*.test.ts) belongs to exactly one tier, listed in TIERS below; a file in none or in two
 * fails the run before any test runs, so no test is silently left out. A unit file that imports a server or starts a
 * process is reported too (it belongs to a higher tier).
 *
 *   node scripts/test.js [unit|integration|e2e ...]   run the tiers named (default: all three, in that order)
 *   node scripts/test.js --list                         print each tier's files and stop
 *   node scripts/test.js --check                        only check the classification
 *   node scripts/test.js --jobs N [tiers]               run each tier's files in N mocha workers (mocha --parallel)
 *
 * By default every tier runs in two workers (files in parallel: every file starts its own servers on port 0 and works
 * in its own temporary folders), except the files listed in SERIAL: those run after the tier's other files, one at a
 * time, in one mocha run (they kill and stall CLI processes, and their timings are measured against a machine that is
 * not also running a second test file). A tier's line sums both groups. `--jobs N` sets the workers of the parallel
 * group; the serial group always has one.
 *
 * Prints mocha's own output ("N passing", "N failing"), then one line per tier: "tier unit: N passed, M failed, T s",
 * and writes the figures to .test-times.json (git-ignored), which `npm run bench` prints. Extra mocha arguments
 * follow `--` (e.g. `-- --grep restore`).
 */
import {spawn} from 'node:child_process'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Entries end with "/" for a folder (every test file under it) or name one file; the more specific entry wins. */
export const TIERS = {
  unit: [
    'test/config/',
    'test/journal/',
    'test/plan/',
    'test/model/',
    'test/util/',
    'test/github/auth.test.ts',
    'test/github/endpoints.test.ts',
    'test/github/errors.test.ts',
    'test/github/incremental-model.test.ts',
    'test/github/queries.test.ts',
    'test/sandbox/engine-units.test.ts',
    'test/sandbox/filter.test.ts',
    'test/sandbox/world-copy.test.ts',
    'test/sandbox/world-hazards.test.ts',
    'test/sandbox/world-planning.test.ts',
    'test/sandbox/world-rest.test.ts',
    'test/sandbox/world-seed.test.ts',
    'test/sandbox/world-today.test.ts',
    'test/sandbox/world.test.ts',
    'test/storage/codec.test.ts',
    'test/storage/home.test.ts',
    'test/robustness/fuzz-import.test.ts',
    'test/scripts/',
    'test/action/run.test.ts',
  ],
  integration: ['test/app/', 'test/github/', 'test/sandbox/', 'test/storage/', 'test/plan/apply.test.ts', 'test/journal/read-data-backends.test.ts'],
  e2e: ['test/action/action-process.test.ts', 'test/e2e/', 'test/cli/', 'test/hooks/', 'test/install/', 'test/robustness/', 'test/bench/', 'test/github/app-cli.test.ts'],
}

/**
 * Files (or folders, ending with "/") that run one at a time, after their tier's other files: the suites that kill CLI
 * processes at chosen moments or measure stalls, the hooks' host CLI and `plugins install` (a local registry).
 */
export const SERIAL = [
  'test/robustness/crash.test.ts',
  'test/robustness/faults.test.ts',
  'test/robustness/concurrency.test.ts',
  'test/robustness/recovery.test.ts',
  'test/hooks/',
  'test/install/',
]

/** Mocha workers per tier by default (at most the machine's cores), for the files not in SERIAL. */
const JOBS = {unit: 2, integration: 2, e2e: 2}

/** What a unit test file must not import (at run time: `import type` is fine): these start servers or processes. */
const NOT_UNIT = [/sandbox\/server\.js$/, /stub-server\.js$/, /helpers\/(e2e|s3-server|registry|sandbox)\.js$/, /^node:(child_process|http|net)$/]

/** The modules a test file imports at run time (static imports other than `import type`, and dynamic imports). */
export function runtimeImports(text) {
  const out = []
  for (const m of text.matchAll(/^import\s+(?!type\s)[^;]*?\sfrom\s+'([^']+)'/gm)) out.push(m[1])
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push(m[1])
  return out
}

/** Every test file under test/, relative to the root, with "/" separators. */
export function testFiles(dir = path.join(ROOT, 'test')) {
  const out = []
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...testFiles(full))
    else if (entry.name.endsWith('.test.ts')) out.push(path.relative(ROOT, full).split(path.sep).join('/'))
  }
  return out.sort()
}

/**
 * Each file's tier: the tier of the most specific entry that covers it (a file entry beats a folder, a deeper folder
 * a shallower one). Two tiers naming a file equally specifically is an error, and so is a file no entry covers, and an
 * entry of `serial` (SERIAL for the repository's TIERS) that names no file.
 */
export function classify(files, tiers = TIERS, read = (file) => readFileSync(path.join(ROOT, file), 'utf8'), serial = tiers === TIERS ? SERIAL : []) {
  const byTier = Object.fromEntries(Object.keys(tiers).map((t) => [t, []]))
  const problems = []
  for (const file of files) {
    let best = {length: -1, tiers: []}
    for (const [tier, entries] of Object.entries(tiers)) {
      for (const entry of entries) {
        const covers = entry.endsWith('/') ? file.startsWith(entry) : file === entry
        if (!covers) continue
        const length = entry.endsWith('/') ? entry.length : Infinity
        if (length > best.length) best = {length, tiers: [tier]}
        else if (length === best.length && !best.tiers.includes(tier)) best.tiers.push(tier)
      }
    }
    if (best.tiers.length === 0) problems.push(`${file} is in no tier: add it to TIERS in scripts/test.js`)
    else if (best.tiers.length > 1) problems.push(`${file} is in two tiers (${best.tiers.join(', ')}): keep it in one`)
    else byTier[best.tiers[0]].push(file)
  }
  for (const file of byTier.unit ?? []) {
    const hit = runtimeImports(read(file)).find((spec) => NOT_UNIT.some((re) => re.test(spec)))
    if (hit) problems.push(`${file} is listed as a unit test but imports '${hit}': move it to integration or e2e`)
  }
  for (const [tier, entries] of Object.entries(tiers)) {
    for (const entry of entries) {
      if (!files.some((f) => (entry.endsWith('/') ? f.startsWith(entry) : f === entry)) && !entry.endsWith('/')) {
        problems.push(`${entry} (tier ${tier}) names no test file: remove it from TIERS`)
      }
    }
  }
  for (const entry of serial) {
    if (!files.some((f) => (entry.endsWith('/') ? f.startsWith(entry) : f === entry))) problems.push(`${entry} (SERIAL) names no test file: remove it from SERIAL`)
  }
  return {byTier, problems}
}

/** A tier's files in the two groups it runs in: `parallel` (mocha workers) and `serial` (one at a time, after). */
export function groups(files, serial = SERIAL) {
  const isSerial = (f) => serial.some((entry) => (entry.endsWith('/') ? f.startsWith(entry) : f === entry))
  return {parallel: files.filter((f) => !isSerial(f)), serial: files.filter(isSerial)}
}

/** Runs mocha on `files`, echoing its output; resolves with the counts it printed and the time it took. */
function runMocha(files, extra) {
  return new Promise((resolve) => {
    const started = performance.now()
    const mocha = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js')
    const child = spawn(process.execPath, [mocha, ...extra, ...files], {cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk) => process.stderr.write(chunk))
    child.on('close', (code, signal) => {
      // eslint-disable-next-line no-control-regex -- the colour codes mocha prints on a terminal
      const plain = out.replace(/\x1b\[[0-9;]*m/g, '')
      const count = (word) => Number(new RegExp(`^\\s*(\\d+) ${word}`, 'm').exec(plain)?.[1] ?? 0)
      resolve({passed: count('passing'), failed: count('failing'), pending: count('pending'), code: code ?? 1, signal, seconds: (performance.now() - started) / 1000})
    })
  })
}

async function main(argv) {
  const dash = argv.indexOf('--')
  const extra = dash >= 0 ? argv.slice(dash + 1) : []
  const args = dash >= 0 ? argv.slice(0, dash) : argv
  const {byTier, problems} = classify(testFiles())
  if (problems.length > 0) {
    for (const p of problems) console.error(`scripts/test.js: ${p}`)
    return 1
  }
  if (args.includes('--check')) {
    console.log(Object.entries(byTier).map(([t, f]) => `${t}: ${f.length} files${groups(f).serial.length ? ` (${groups(f).serial.length} serial)` : ''}`).join(', '))
    return 0
  }
  if (args.includes('--list')) {
    for (const [tier, files] of Object.entries(byTier)) console.log(`${tier} (${files.length})\n  ${files.map((f) => (groups([f]).serial.length ? `${f} (serial)` : f)).join('\n  ')}`)
    return 0
  }
  const jobsAt = args.indexOf('--jobs')
  const jobs = jobsAt >= 0 ? Number(args[jobsAt + 1]) : undefined
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1)) return console.error('scripts/test.js: --jobs needs a whole number of workers, 1 or more'), 1
  const jobsOf = (tier) => jobs ?? Math.max(1, Math.min(JOBS[tier] ?? 1, os.availableParallelism()))
  const wanted = args.filter((a, i) => !a.startsWith('--') && !(jobsAt >= 0 && i === jobsAt + 1))
  for (const w of wanted) if (!(w in byTier)) return console.error(`scripts/test.js: no tier "${w}" (tiers: ${Object.keys(byTier).join(', ')})`), 1
  const tiers = wanted.length > 0 ? wanted : Object.keys(byTier)
  const results = {}
  for (const tier of tiers) {
    if (byTier[tier].length === 0) continue
    const {parallel, serial} = groups(byTier[tier])
    const n = jobsOf(tier)
    const runs = []
    if (parallel.length > 0) {
      console.log(`\n== tier ${tier}: ${parallel.length} files${n > 1 ? ` in ${n} workers` : ''}`)
      runs.push({group: 'parallel', ...(await runMocha(parallel, [...(n > 1 ? ['--parallel', '--jobs', String(n)] : []), ...extra]))})
    }
    if (serial.length > 0) {
      console.log(`\n== tier ${tier}: ${serial.length} files one at a time (SERIAL)`)
      runs.push({group: 'serial', ...(await runMocha(serial, extra))})
    }
    const sum = (key) => runs.reduce((s, r) => s + r[key], 0)
    results[tier] = {
      files: byTier[tier].length,
      jobs: n,
      passed: sum('passed'),
      failed: sum('failed'),
      pending: sum('pending'),
      code: runs.find((r) => r.code !== 0)?.code ?? 0,
      signal: runs.find((r) => r.signal)?.signal ?? null,
      seconds: sum('seconds'),
      groups: runs,
    }
  }
  let status = 0
  console.log('')
  for (const [tier, r] of Object.entries(results)) {
    const bad = r.code !== 0 || r.failed > 0 || r.passed === 0
    if (bad) status = 1
    const why = r.signal ? ` (killed by ${r.signal})` : r.passed === 0 && r.failed === 0 ? ' (no test ran)' : ''
    const split = r.groups.length > 1 ? `; ${r.groups.map((g) => `${g.group} ${g.seconds.toFixed(1)} s`).join(', ')}` : ''
    console.log(`tier ${tier}: ${r.passed} passed, ${r.failed} failed, ${r.seconds.toFixed(1)} s${r.jobs > 1 ? ` (${r.jobs} workers${split})` : split ? ` (${split.slice(2)})` : ''}${why}`)
  }
  const total = Object.values(results).reduce((s, r) => s + r.seconds, 0)
  console.log(`tiers total: ${total.toFixed(1)} s`)
  if (extra.length === 0) {
    const figures = {
      at: new Date().toISOString(),
      node: process.version,
      tiers: Object.fromEntries(Object.entries(results).map(([t, r]) => [t, {files: r.files, jobs: r.jobs, passed: r.passed, failed: r.failed, pending: r.pending, seconds: Number(r.seconds.toFixed(2))}])),
    }
    writeFileSync(path.join(ROOT, '.test-times.json'), JSON.stringify(figures, null, 2) + '\n')
  }
  return status
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
