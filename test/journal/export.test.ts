import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {type BackupDocument, exportDocument, importDocument} from '../../src/journal/export.js'
import {openJournal} from '../../src/journal/journal.js'
import {LocalBackend} from '../../src/storage/local.js'
import {canonicalJson, hashOf} from '../../src/util/canonical.js'
import {isUserError} from '../../src/util/errors.js'
import {PROJECT_ID, buildState, captureAs} from '../helpers/states.js'

function importError(json: string): Error {
  try {
    importDocument(json)
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the import to fail')
}

describe('journal export/import', () => {
  let dir: string
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-export-'))
  })
  afterEach(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })

  async function exported(type: 'full' | 'config' = 'full') {
    const journal = await openJournal(new LocalBackend(dir), PROJECT_ID, {version: '1.2.3', now: () => new Date('2024-12-06T10:30:00Z')})
    const state = captureAs(buildState(41, {repos: ['acme/api']}), type)
    const {event} = await journal.append(state, {name: 'before-major-refactor', type})
    const shown = await journal.state(event)
    return {event, state, doc: exportDocument(event, shown)}
  }

  it("writes the spec's Backup Data Structure, derived from the full state it carries", async () => {
    const {event, state, doc} = await exported()
    expect(doc.backup_metadata).to.deep.include({name: 'before-major-refactor', timestamp: '2024-12-06T10:30:00.000Z', type: 'full', creator: 'github-pm-cli', version: '1.2.3', project_id: PROJECT_ID})
    expect(doc.backup_metadata.checksum).to.match(/^sha256:[0-9a-f]{64}$/)
    expect(doc.integrity.data_checksum).to.equal(event.stateHash)
    expect(doc.project_config.project_info).to.deep.include({project_id: PROJECT_ID, project_url: state.project.url})
    const status = doc.project_config.project_info.field_mappings.Status
    expect(status).to.deep.include({id: 'PVTSSF_status', type: 'single_select'})
    expect(Object.keys(status.options!)).to.deep.equal(['Todo', 'In Progress', 'Done'])
    const statusField = doc.project_structure.fields.find((f) => f.name === 'Status')!
    expect(statusField.type).to.equal('single_select')
    expect(statusField.options!.map((o) => o.name)).to.deep.equal(['Todo', 'In Progress', 'Done'])
    expect(doc.project_structure.views.map((v) => v.layout)).to.deep.equal(['table', 'board', 'roadmap'])
    const contentItems = Object.values(state.items!).filter((i) => i.content)
    expect(doc.project_data.issues).to.have.length(contentItems.length)
    expect(doc.integrity.validation_results).to.deep.equal({issues_count: contentItems.length, fields_count: 11, dependencies_validated: true})
    const blocked = contentItems.find((i) => (i.content!.blockedBy ?? []).length > 0)!
    const row = doc.project_data.issues.find((i) => i.number === blocked.content!.number)!
    expect(row.dependencies).to.deep.equal(blocked.content!.blockedBy!.map((u) => `#${u.split('/').pop()}`))
    expect(row.status).to.equal(blocked.values.PVTSSF_status ? (blocked.values.PVTSSF_status as {name: string}).name : null)
    if (blocked.values.PVTF_estimate) expect(row.field_values.Estimate).to.equal((blocked.values.PVTF_estimate as {number: number}).number)
    expect(doc.project_data.milestones.map((m) => m.key)).to.deep.equal(['acme/api#1'])
    expect(canonicalJson(doc.project_state)).to.equal(canonicalJson(state))
  })

  it('round-trips through JSON text (compact or pretty) without loss', async () => {
    const {event, state, doc} = await exported()
    for (const json of [JSON.stringify(doc), JSON.stringify(doc, null, 2)]) {
      const {meta, state: back} = importDocument(json)
      expect(canonicalJson(back)).to.equal(canonicalJson(state))
      expect(meta).to.deep.include({name: event.name, timestamp: event.timestamp, type: 'full', projectId: PROJECT_ID, version: '1.2.3'})
      expect(hashOf(back)).to.equal(event.stateHash)
    }
  })

  it('exports a config backup without issue data', async () => {
    const {doc} = await exported('config')
    expect(doc.project_data.issues).to.deep.equal([])
    expect(doc.project_state.items).to.equal(undefined)
    expect(canonicalJson(importDocument(JSON.stringify(doc)).state)).to.equal(canonicalJson(doc.project_state))
  })

  it('refuses a tampered or damaged file with a one-line error', async () => {
    const {doc} = await exported()
    const tamper = (fn: (d: BackupDocument) => void) => {
      const copy = structuredClone(doc)
      fn(copy)
      return JSON.stringify(copy)
    }
    const resign = (d: BackupDocument) => {
      d.integrity.data_checksum = hashOf(d.project_state)
      const {checksum: _c, ...meta} = d.backup_metadata
      d.backup_metadata.checksum = hashOf({...d, backup_metadata: meta})
    }
    const cases: Array<[string, string, RegExp]> = [
      ['truncated', JSON.stringify(doc).slice(0, -10), /not valid JSON/],
      ['not a document', '[]', /not a github-pm backup document/],
      ['renamed', tamper((d) => (d.backup_metadata.name = 'other')), /backup_metadata.checksum/],
      ['issue title edited', tamper((d) => (d.project_data.issues[0].title = 'forged')), /backup_metadata.checksum/],
      ['state edited, outer checksum redone', tamper((d) => {
        d.project_state.project.title = 'forged'
        const {checksum: _c, ...meta} = d.backup_metadata
        d.backup_metadata.checksum = hashOf({...d, backup_metadata: meta})
      }), /data_checksum/],
      ['state edited, both checksums redone', tamper((d) => {
        Object.values(d.project_state.items!).find((i) => i.content)!.content!.title = 'forged'
        resign(d)
      }), /project_data disagrees/],
      ['wrong schema', tamper((d) => {
        ;(d.project_state as any).schemaVersion = 99
        resign(d)
      }), /not a supported project state/],
      ['type mismatch', tamper((d) => {
        d.backup_metadata.type = 'minimal'
        resign(d)
      }), /does not match backup_metadata/],
    ]
    for (const [what, json, pattern] of cases) {
      const error = importError(json)
      expect(isUserError(error), what).to.equal(true)
      expect(error.message, what).to.match(pattern)
      expect(error.message, what).not.to.contain('\n')
    }
  })
})
