import {expect} from 'chai'
import fc from 'fast-check'
import {exportDocument, importDocument, type BackupDocument} from '../../src/journal/export.js'
import {canonicalJson, hashOf} from '../../src/util/canonical.js'
import {isUserError} from '../../src/util/errors.js'
import {buildState} from '../helpers/states.js'

/**
 * Promise 4 (the importer): a backup document is input from anywhere. 1,000 random mutations of a valid document:
 * each is either refused with a UserError, or (only when the mutation is semantically neutral: whitespace, key order,
 * a value set to what it was) imports the identical state. Never another exception.
 */
const state = buildState(5, {items: 12})
const header = {name: 'fuzz-source', timestamp: '2026-11-25T10:00:00.000Z', type: state.type, version: '0.1.0', projectId: state.project.id}
const original: BackupDocument = exportDocument(header, state)
const text = JSON.stringify(original, null, 2)
const expected = canonicalJson(importDocument(text).state)

type Path = Array<string | number>

function paths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at)
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out))
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out)
  return out
}

const allPaths = paths(original).filter((p) => p.length > 0)
const statePaths = allPaths.filter((p) => p[0] === 'project_state' && p.length > 1)

function setAt(doc: any, path: Path, value: unknown): any {
  const copy = structuredClone(doc)
  let node = copy
  for (const key of path.slice(0, -1)) node = node[key]
  node[path.at(-1)!] = value
  return copy
}

function getAt(doc: any, path: Path): unknown {
  return path.reduce((node, key) => node?.[key], doc)
}

function reorderKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reorderKeys)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reorderKeys(v)]))
  return value
}

/** Re-seals a document after a change to project_state: both checksums fit, the derived sections are left as they were. */
function reseal(doc: any): any {
  const out = structuredClone(doc)
  out.integrity.data_checksum = hashOf(out.project_state)
  const {checksum: _c, ...meta} = out.backup_metadata
  out.backup_metadata.checksum = hashOf({...out, backup_metadata: meta})
  return out
}

type Mutation = {text: string; neutral: boolean; resealedState?: unknown}

const jsonValue = fc.oneof(
  fc.jsonValue({maxDepth: 2}),
  fc.constantFrom(null, '', 0, -1, 1e308, 'sha256:' + '0'.repeat(64), '__proto__', {}, [], {__proto__: null}),
)

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // byte-level damage
  fc.record({at: fc.nat(text.length - 1), ch: fc.string({minLength: 1, maxLength: 1})}).map(({at, ch}) => ({text: text.slice(0, at) + ch + text.slice(at + 1), neutral: ch === text[at]})),
  fc.nat(text.length - 1).map((at) => ({text: text.slice(0, at), neutral: false})),
  fc.record({at: fc.nat(text.length), s: fc.string({maxLength: 20})}).map(({at, s}) => ({text: text.slice(0, at) + s + text.slice(at), neutral: s.trim() === '' && /^\s*$/.test(s) && isBetweenTokens(at)})),
  fc.record({at: fc.nat(text.length - 1), n: fc.integer({min: 1, max: 200})}).map(({at, n}) => ({text: text.slice(0, at) + text.slice(at + n), neutral: false})),
  // neutral re-serialisations
  fc.constantFrom(0, 1, 4, '\t').map((indent) => ({text: JSON.stringify(original, null, indent), neutral: true})),
  fc.constant({text: JSON.stringify(reorderKeys(original)), neutral: true}),
  // a value anywhere replaced, checksums left alone
  fc.record({p: fc.nat(allPaths.length - 1), v: jsonValue}).map(({p, v}) => {
    const path = allPaths[p]
    return {text: JSON.stringify(setAt(original, path, v)), neutral: canonicalJson(getAt(original, path)) === canonicalJson(v)}
  }),
  // a value of project_state replaced and both checksums recomputed: the importer must still catch the disagreement
  // with the derived sections, or (when the change is one they do not show) import exactly the changed state
  fc.record({p: fc.nat(statePaths.length - 1), v: jsonValue}).map(({p, v}) => {
    const doc = reseal(setAt(original, statePaths[p], v))
    return {text: JSON.stringify(doc), neutral: false, resealedState: doc.project_state}
  }),
)

/** true when inserting whitespace at `at` cannot land inside a string literal of the pretty-printed text */
function isBetweenTokens(at: number): boolean {
  let inString = false
  for (let i = 0; i < at; i++) {
    if (text[i] === '\\' && inString) i++
    else if (text[i] === '"') inString = !inString
  }
  return !inString
}

describe('robustness: fuzzing importDocument (1,000 mutated documents)', function () {
  this.timeout(120_000)

  it('refuses every damaged document with a UserError and imports neutral rewrites identically', () => {
    const seen = {refused: 0, identical: 0, resealedAccepted: 0}
    fc.assert(
      fc.property(mutation, (m) => {
        let imported
        try {
          imported = importDocument(m.text)
        } catch (error) {
          if (!isUserError(error)) throw new Error(`not a UserError: ${(error as Error)?.stack ?? error}`)
          expect((error as Error).message).to.not.contain('\n')
          expect(m.neutral, `a neutral rewrite was refused: ${(error as Error).message}`).to.equal(false)
          seen.refused++
          return
        }
        const got = canonicalJson(imported.state)
        if (m.resealedState !== undefined && got !== expected) {
          // a self-consistent document: it imports exactly what it says
          expect(got).to.equal(canonicalJson(m.resealedState))
          seen.resealedAccepted++
          return
        }
        expect(got, 'a changed document imported a state other than the original').to.equal(expected)
        seen.identical++
      }),
      {numRuns: 1000, seed: 20261125},
    )
    expect(seen.refused).to.be.greaterThan(500)
    expect(seen.identical).to.be.greaterThan(20)
  })

  it('refuses a document nested thousands of levels deep with a UserError', () => {
    for (const depth of [10_000, 200_000]) {
      const deep = text.replace('"project_state": {', `"padding": ${'['.repeat(depth)}${']'.repeat(depth)},\n  "project_state": {`)
      expect(deep).to.not.equal(text)
      let error: unknown
      try {
        importDocument(deep)
      } catch (e) {
        error = e
      }
      expect(isUserError(error), String(error)).to.equal(true)
    }
  })
})
