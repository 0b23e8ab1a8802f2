import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {readExportFile} from '../../src/app/documents.js'
import {exportDocument, importDocument} from '../../src/journal/export.js'
import type {ProjectState} from '../../src/model/state.js'
import {formatPath, stateShapeProblem} from '../../src/model/state-schema.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {isUserError} from '../../src/util/errors.js'
import {PROJECT_ID, buildState} from '../helpers/states.js'

const HEADER = {name: 'before', timestamp: '2026-12-01T10:00:00.000Z', type: 'full' as const, version: '1.0.0', projectId: PROJECT_ID}

/**
 * A resealed document: the state is edited, then every checksum and derived section is written again from it (what
 * anyone who edits a document and reruns the exporter's arithmetic gets). Only the shape of the state can catch it.
 */
function resealed(edit: (state: any) => void): string {
  const state = structuredClone(buildState(7))
  edit(state)
  return JSON.stringify(exportDocument(HEADER, state as ProjectState))
}

function refusal(json: string): Error {
  try {
    importDocument(json)
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the document to be refused')
}

describe('imported documents: the state is checked against its schema', () => {
  const someItem = (s: any) => s.items[Object.keys(s.items).find((k) => s.items[k].content)!]
  const someValue = (s: any) => {
    const item = Object.values<any>(s.items).find((i) => Object.keys(i.values).length > 0)
    return item.values[Object.keys(item.values)[0]]
  }
  const cases: Array<[string, (s: any) => void, string]> = [
    ['a workflow enabled "yes"', (s) => (s.workflows[Object.keys(s.workflows)[0]].enabled = 'yes'), 'project_state.workflows["1"].enabled is wrong (expected boolean, received string)'],
    ['a readme that is a number', (s) => (s.project.readme = 7), 'project_state.project.readme is wrong (expected string, received number)'],
    ['an item archived "false"', (s) => (someItem(s).archived = 'false'), '.archived is wrong (expected boolean, received string)'],
    ['an unknown value type', (s) => (someValue(s).type = 'emoji'), '.type is wrong'],
    ['an unknown option color', (s) => {
      const field: any = Object.values(s.fields).find((f: any) => f.options)
      ;(Object.values(field.options)[0] as any).color = 'TEAL'
    }, '.color is wrong'],
    ['labels that are not a list', (s) => (someItem(s).content.labels = 'bug'), '.content.labels is wrong (expected array, received string)'],
    ['a project without a title', (s) => delete s.project.title, 'project_state.project.title is wrong (expected string, received undefined)'],
    ['a hostile key with a value of the wrong shape', (s) => Object.defineProperty(s.fields, '__proto__', {value: {id: 'x', name: 7, dataType: 'TEXT'}, enumerable: true}), 'project_state.fields.__proto__.name is wrong'],
  ]

  for (const [what, edit, message] of cases) {
    it(`refuses ${what}, naming the path, in one line`, () => {
      const error = refusal(resealed(edit))
      expect(isUserError(error) && (error as {code?: string}).code).to.equal('EIMPORT')
      expect(error.message).to.include(message)
      expect(error.message).to.match(/^the backup file cannot be imported: project_state\S* is wrong \(/)
      expect(error.message).to.not.include('\n')
    })
  }

  it('accepts what the exporter writes, states of older versions (no optional sections) and keys it does not know', () => {
    const state = buildState(7)
    expect(canonicalJson(importDocument(JSON.stringify(exportDocument(HEADER, state))).state)).to.equal(canonicalJson(state))
    const older: any = structuredClone(state)
    for (const item of Object.values<any>(older.items)) if (item.content) for (const k of ['blockedBy', 'issueType', 'issueFields']) delete item.content[k]
    delete older.milestones
    older.project.someFutureSetting = {on: true}
    expect(stateShapeProblem(older)).to.equal(undefined)
    expect(importDocument(JSON.stringify(exportDocument(HEADER, older))).state.project).to.deep.include({title: state.project.title})
  })

  it('is what `backup import` and `restore --from-file` read through', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'import-schema-'))
    try {
      const file = path.join(dir, 'backup.json')
      await fs.writeFile(file, resealed((s) => (s.project.public = 'yes')))
      let error: Error | undefined
      await readExportFile(file).catch((e: Error) => (error = e))
      expect(error?.message).to.include('project_state.project.public is wrong (expected boolean, received string)')
    } finally {
      await fs.rm(dir, {recursive: true, force: true})
    }
  })

  it('names paths as a reader would write them', () => {
    expect(formatPath(['project_state', 'items', 'https://github.com/o/r/issues/1', 'content', 'labels', 2])).to.equal(
      'project_state.items["https://github.com/o/r/issues/1"].content.labels[2]',
    )
  })
})
