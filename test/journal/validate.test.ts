import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {type JournalHead, headChecksum, headKey, projectDir} from '../../src/journal/events.js'
import {type Journal, openJournal} from '../../src/journal/journal.js'
import {LocalBackend} from '../../src/storage/local.js'
import {canonicalJson, sha256} from '../../src/util/canonical.js'
import {isUserError} from '../../src/util/errors.js'
import {PROJECT_ID, applyEdit, buildState} from '../helpers/states.js'

describe('journal validate', () => {
  let dir: string
  let backend: LocalBackend
  let journal: Journal

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-validate-'))
    backend = new LocalBackend(dir)
    journal = await openJournal(backend, PROJECT_ID, {keyframe: {maxChain: 2}})
    let s = buildState(21, {items: 8})
    for (let i = 0; i < 5; i++) {
      await journal.append(s, {name: `b${i}`, type: 'full'})
      s = applyEdit(s, {kind: 'editBody', item: i, at: 10 * i, text: `change ${i}`})
    }
  })
  afterEach(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })

  it('reports an intact journal in the spec shape', async () => {
    expect(await journal.validate()).to.deep.equal({
      status: 'valid',
      checksums: 'verified',
      data_integrity: 'confirmed',
      issues: [],
      events_checked: 5,
      events_total: 5,
    })
    expect(await journal.validate('b2')).to.deep.include({status: 'valid', events_checked: 3})
  })

  it('catches one flipped byte anywhere in any stored file and names the right event or metadata.json', async () => {
    const head = JSON.parse(Buffer.from((await backend.get(headKey(PROJECT_ID)))!).toString('utf8')) as JournalHead
    const owner = new Map(head.events.map((e) => [`${projectDir(PROJECT_ID)}/${e.file}`, e.header]))
    const files = await backend.list(`${projectDir(PROJECT_ID)}/`)
    expect(files).to.have.length(6)
    let flips = 0
    for (const key of files) {
      const original = (await backend.get(key))!
      const positions = new Set([0, 1, Math.floor(original.length / 3), Math.floor(original.length / 2), original.length - 2, original.length - 1])
      for (const pos of positions) {
        const damaged = new Uint8Array(original)
        damaged[pos] ^= 0x01
        await backend.put(key, damaged)
        const report = await journal.validate()
        const where = `${key} byte ${pos}`
        expect(report.status, where).to.equal('invalid')
        expect(report.issues, where).to.have.length(1)
        const issue = report.issues[0]
        if (key.endsWith('metadata.json')) {
          expect(issue, where).to.include({seq: null, name: 'metadata.json'})
        } else {
          expect(issue, where).to.include({seq: owner.get(key)!.seq, name: owner.get(key)!.name})
          expect(report.checksums, where).to.equal('failed')
          // what precedes the damaged event still validates
          if (issue.seq! > 1) expect((await journal.validate(`b${issue.seq! - 2}`)).status, where).to.equal('valid')
        }
        flips++
        await backend.put(key, original)
      }
    }
    expect(flips).to.be.greaterThan(30)
    expect((await journal.validate()).status).to.equal('valid')
  })

  it('catches a rewritten event even when its file hash in metadata.json was updated to match', async () => {
    const key = headKey(PROJECT_ID)
    const head = JSON.parse(Buffer.from((await backend.get(key))!).toString('utf8')) as JournalHead
    const victim = head.events[3]
    const eventKey = `${projectDir(PROJECT_ID)}/${victim.file}`
    const record = JSON.parse(Buffer.from((await backend.get(eventKey))!).toString('utf8'))
    record.payload.delta = null // forge: "nothing changed"
    const forged = new Uint8Array(Buffer.from(canonicalJson(record)))
    await backend.put(eventKey, forged)
    victim.fileHash = sha256(forged)
    head.checksum = headChecksum(head)
    await backend.put(key, new Uint8Array(Buffer.from(canonicalJson(head))))
    const report = await journal.validate()
    expect(report).to.deep.include({status: 'invalid', checksums: 'failed', data_integrity: 'failed'})
    expect(report.issues[0]).to.include({seq: 4, name: 'b3', problem: 'event hash mismatch'})
  })

  it('a damaged event makes reading it a one-line UserError pointing to validate', async () => {
    const head = JSON.parse(Buffer.from((await backend.get(headKey(PROJECT_ID)))!).toString('utf8')) as JournalHead
    const eventKey = `${projectDir(PROJECT_ID)}/${head.events[1].file}`
    const bytes = (await backend.get(eventKey))!
    bytes[20] ^= 0x20
    await backend.put(eventKey, bytes)
    const fresh = await openJournal(backend, PROJECT_ID)
    let error: Error | undefined
    try {
      await fresh.state(2)
    } catch (e) {
      error = e as Error
    }
    expect(error && isUserError(error)).to.equal(true)
    expect(error!.message).to.contain('b1').and.contain('github-pm backup validate')
    expect(error!.message).not.to.contain('\n')
    expect(canonicalJson(await fresh.state(1))).to.equal(canonicalJson(buildState(21, {items: 8})))
  })
})
