import {expect} from 'chai'
import fc from 'fast-check'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {readBackupIndex} from '../../src/journal/catalog.js'
import {type Codec, INDEX_KEY, eventsPrefix, headKey} from '../../src/journal/events.js'
import {type JournalOptions, openJournal} from '../../src/journal/journal.js'
import {quarantinePrefix} from '../../src/journal/strays.js'
import type {BackupType, ProjectState} from '../../src/model/state.js'
import type {StorageBackend} from '../../src/storage/backend.js'
import {LocalBackend} from '../../src/storage/local.js'
import {canonicalJson} from '../../src/util/canonical.js'
import {isUserError} from '../../src/util/errors.js'
import {PROJECT_ID, applyEdit, applyEdits, buildState, captureAs, editArb} from '../helpers/states.js'
import {rejection} from '../helpers/rejection.js'

const same = (a: unknown, b: unknown) => expect(canonicalJson(a)).to.equal(canonicalJson(b))

/** A clock that advances one minute per call, from 2026-11-25T10:00:00Z. */
function clock(start = Date.parse('2026-11-25T10:00:00Z')) {
  let t = start
  return () => {
    const d = new Date(t)
    t += 60_000
    return d
  }
}

describe('journal', () => {
  let dir: string
  let backend: LocalBackend
  const tmpDirs: string[] = []
  const open = (opts: JournalOptions = {}, b: StorageBackend = backend) => openJournal(b, PROJECT_ID, {now: clock(), ...opts})

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-journal-'))
    backend = new LocalBackend(dir)
  })
  afterEach(async () => {
    await fs.rm(dir, {recursive: true, force: true})
    for (const d of tmpDirs.splice(0)) await fs.rm(d, {recursive: true, force: true})
  })

  /** Appends states with names e0, e1, ...; returns what each event must rebuild to. */
  async function appendAll(journal: Awaited<ReturnType<typeof open>>, states: Array<{state: ProjectState; type?: BackupType}>) {
    const expected = new Map<number, ProjectState>()
    for (const [i, {state, type = 'full'}] of states.entries()) {
      const captured = captureAs(state, type)
      const {event} = await journal.append(captured, {name: `e${i}`, type})
      expected.set(event.seq, captured)
    }
    return expected
  }

  async function expectRebuilds(journal: Awaited<ReturnType<typeof open>>, expected: Map<number, ProjectState>) {
    const seqs = (await journal.list()).map((h) => h.seq)
    for (const seq of seqs) same(await journal.state(seq), expected.get(seq))
    // a fresh reader (no cache) rebuilds the same
    const fresh = await open()
    for (const seq of [...seqs].reverse()) same(await fresh.state(seq), expected.get(seq))
  }

  async function eventFiles(): Promise<string[]> {
    return backend.list(eventsPrefix(PROJECT_ID))
  }

  it('starts empty, and the first backup is a base holding the whole state', async () => {
    const journal = await open()
    expect(await journal.list()).to.deep.equal([])
    expect((await rejection(() => journal.find('latest'))).message).to.contain('no backups')
    const state = buildState(1)
    const {event, unchanged, delta} = await journal.append(state, {name: 'first', type: 'full', summary: {note: 'x'}})
    expect(event).to.include({seq: 1, name: 'first', kind: 'base', type: 'full', creator: 'github-pm-cli', projectId: PROJECT_ID, prevEventHash: null})
    expect(event.timestamp).to.equal('2026-11-25T10:00:00.000Z')
    expect(event.stats).to.include({items: 12, fields: 11, views: 3})
    expect(event.stats.issues).to.equal(Object.values(state.items!).filter((i) => i.content?.kind === 'Issue').length)
    expect(event.summary).to.deep.equal({note: 'x'})
    expect(unchanged).to.equal(false)
    expect(delta).to.equal(undefined)
    same(await journal.state(event), state)
  })

  it('an unchanged capture appends a patch with an empty delta that rebuilds byte-identically', async () => {
    const journal = await open()
    const state = buildState(2)
    const first = await journal.append(state, {name: 'a', type: 'full'})
    const second = await journal.append(structuredClone(state), {name: 'b', type: 'full'})
    expect(second.unchanged).to.equal(true)
    expect(second.delta).to.equal(undefined)
    expect(second.event.kind).to.equal('patch')
    expect(second.event.stateHash).to.equal(first.event.stateHash)
    expect(second.event.stats.bytes).to.be.below(first.event.stats.bytes / 10)
    expect(second.event.stats.rawBytes).to.equal(first.event.stats.rawBytes)
    expect(canonicalJson(await journal.state(2))).to.equal(canonicalJson(state))
    expect(canonicalJson(await journal.state(2))).to.equal(canonicalJson(await journal.state(1)))
  })

  it('hands a summary function the previous backup as it rebuilds, before the new state is stored', async () => {
    const journal = await open()
    const first = buildState(3)
    const seen: Array<{name?: string; state?: string}> = []
    const summarise = (previous: {header: {name: string}; state: ProjectState} | undefined) => {
      seen.push({name: previous?.header.name, state: previous && canonicalJson(previous.state)})
      return {items: Object.keys(previous?.state.items ?? {}).length}
    }
    await journal.append(first, {name: 'one', type: 'full', summary: summarise})
    const second = applyEdit(first, {kind: 'renameField', pick: 0, name: 'Renamed'})
    const {event} = await journal.append(second, {name: 'two', type: 'full', summary: summarise})
    expect(seen[0]).to.deep.equal({name: undefined, state: undefined})
    expect(seen[1].name).to.equal('one')
    expect(seen[1].state).to.equal(canonicalJson(await journal.state(journal.find('one'))))
    expect(event.summary).to.deep.equal({items: Object.keys(first.items ?? {}).length})
    same(await journal.state(event), second)
  })

  it('a delta holds exactly the edits made, with text diffs for long bodies', async () => {
    const journal = await open()
    const before = buildState(3)
    await journal.append(before, {name: 'before', type: 'full'})
    const keys = Object.keys(before.items!).sort()
    const issueKey = keys.find((k) => before.items![k].content?.kind === 'Issue')!
    const done = Object.values(before.fields.PVTSSF_status.options!).find((o) => o.name === 'Done')!
    const otherKey = keys.find((k) => k !== issueKey && (before.items![k].values.PVTSSF_status as {optionId?: string} | undefined)?.optionId !== done.id)!
    const after = structuredClone(before)
    after.items![issueKey].content!.body += '\n\nOne more line.'
    after.items![otherKey].values.PVTSSF_status = {type: 'singleSelect', optionId: done.id, name: 'Done'}
    after.workflows!['2'].enabled = true
    const {delta, event, unchanged} = await journal.append(after, {name: 'after', type: 'full'})
    expect(unchanged).to.equal(false)
    expect(event.kind).to.equal('patch')
    const d = delta as any
    expect(Object.keys(d).sort()).to.deep.equal(['items', 'workflows'])
    expect(Object.keys(d.workflows)).to.deep.equal(['2'])
    expect(Object.keys(d.items).sort()).to.deep.equal([issueKey, otherKey].sort())
    expect(Object.keys(d.items[otherKey])).to.deep.equal(['values'])
    const bodyDelta = d.items[issueKey].content.body
    expect(bodyDelta).to.be.an('array').with.length(3)
    expect(bodyDelta[2]).to.equal(2) // jsondiffpatch text diff
    expect(event.stats.bytes).to.be.below(2000)
    same(await journal.state(event), after)
  })

  it('property: after random edits and appends, every event rebuilds exactly what was appended', async () => {
    const step = fc.record({edits: fc.array(editArb, {maxLength: 6}), type: fc.constantFrom<BackupType>('full', 'full', 'full', 'config', 'minimal')})
    await fc.assert(
      fc.asyncProperty(fc.integer({min: 1, max: 1000}), fc.array(step, {minLength: 1, maxLength: 7}), fc.integer({min: 1, max: 4}), async (seed, steps, maxChain) => {
        const root = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-prop-'))
        tmpDirs.push(root)
        const b = new LocalBackend(root)
        const journal = await openJournal(b, PROJECT_ID, {now: clock(), keyframe: {maxChain}, updateIndex: false})
        let truth = buildState(seed, {items: 6})
        const expected = new Map<number, string>()
        for (const [i, s] of steps.entries()) {
          truth = applyEdits(truth, s.edits)
          const captured = captureAs(truth, s.type)
          const {event} = await journal.append(captured, {name: `s${i}`, type: s.type})
          expected.set(event.seq, canonicalJson(captured))
        }
        for (const [seq, json] of expected) expect(canonicalJson(await journal.state(seq))).to.equal(json)
        const fresh = await openJournal(b, PROJECT_ID)
        for (const seq of [...expected.keys()].reverse()) expect(canonicalJson(await fresh.state(seq))).to.equal(expected.get(seq))
        expect((await journal.validate()).status).to.equal('valid')
        await fs.rm(root, {recursive: true, force: true})
      }),
      {numRuns: 50},
    )
  })

  it('writes keyframes every maxChain patches, and when patches outweigh the base; rebuilds stay exact', async () => {
    const journal = await open({keyframe: {maxChain: 5}})
    let truth = buildState(4)
    const states = [{state: truth}]
    for (let i = 1; i < 13; i++) {
      truth = applyEdit(truth, {kind: 'editTitle', item: i, title: `title ${i}`})
      states.push({state: truth})
    }
    const expected = await appendAll(journal, states)
    const kinds = (await journal.list()).map((h) => h.kind[0]).join('')
    expect(kinds).to.equal('bpppppbpppppb')
    await expectRebuilds(journal, expected)

    // the same journal, reopened with a long chain allowed: a patch bigger than half the base starts a new base
    const heavy = await open({keyframe: {maxChain: 50, maxPatchRatio: 0.5}})
    let big = structuredClone(truth)
    for (const item of Object.values(big.items!)) if (item.content) item.content.body = `rewritten ${item.id} `.repeat(40)
    const r = await heavy.append(big, {name: 'heavy', type: 'full'})
    expect(r.event.kind).to.equal('base')
    big = applyEdit(big, {kind: 'toggleWorkflow', pick: 0})
    expect((await heavy.append(big, {name: 'light', type: 'full'})).event.kind).to.equal('patch')
  })

  it('a state stored whole (a restore\'s safety backup) is a base that rebuilds, replays nothing, and the chain goes on from it', async () => {
    const journal = await open()
    const first = buildState(6)
    await journal.append(first, {name: 'a', type: 'full'})
    const second = applyEdit(first, {kind: 'renameField', pick: 0, name: 'Renamed'})
    // a journal whose event files cannot be read still takes a whole state: nothing before it is replayed
    const blind = await open()
    const events = await backend.list(eventsPrefix(PROJECT_ID))
    for (const key of events) await backend.put(key, new TextEncoder().encode('not an event'))
    const whole = await blind.append(second, {name: 'safety', type: 'full', whole: true})
    expect(whole.event.kind).to.equal('base')
    const third = applyEdit(second, {kind: 'toggleWorkflow', pick: 0})
    const next = await (await open()).append(third, {name: 'after', type: 'full'})
    expect(next.event.kind).to.equal('patch')
    const fresh = await open()
    same(await fresh.state(whole.event), second)
    same(await fresh.state(next.event), third)
  })

  it('a config backup after a full one stores a tiny delta and shows only config sections', async () => {
    const journal = await open()
    const full = buildState(5)
    const a = await journal.append(full, {name: 'full', type: 'full'})
    const changed = applyEdit(full, {kind: 'renameField', pick: 0, name: 'Renamed'})
    const c = await journal.append(captureAs(changed, 'config'), {name: 'config', type: 'config'})
    expect(c.event.kind).to.equal('patch')
    expect(c.event.stats.bytes).to.be.below(a.event.stats.bytes / 10)
    expect(Object.keys(c.delta as object)).to.deep.equal(['fields'])
    const shown = await journal.state(c.event)
    expect(shown.type).to.equal('config')
    expect(shown.items).to.equal(undefined)
    same(shown, captureAs(changed, 'config'))
    // the next full backup of the unchanged project is a tiny delta too (items were kept in the chain)
    const f2 = await journal.append(changed, {name: 'full2', type: 'full'})
    expect(f2.unchanged).to.equal(true)
    same(await journal.state(f2.event), changed)
  })

  describe('delete and compact', () => {
    async function tenEvents() {
      const journal = await open({keyframe: {maxChain: 3}})
      let truth = buildState(6)
      const states: Array<{state: ProjectState; type?: BackupType}> = []
      for (let i = 0; i < 10; i++) {
        truth = applyEdits(truth, [
          {kind: 'editBody', item: i, at: i * 7, text: `edit ${i}`},
          {kind: 'setValue', item: i + 1, field: i, n: i, text: `v${i}`},
        ])
        states.push({state: truth, type: i === 4 ? 'config' : 'full'})
      }
      const expected = await appendAll(journal, states)
      return {journal, expected}
    }

    for (const which of ['first (a base)', 'a middle patch', 'a later base', 'the patch after a base', 'the last'] as const) {
      it(`deleting ${which} keeps every other event rebuilding identically and the chain valid`, async () => {
        const {journal, expected} = await tenEvents()
        const headers = await journal.list()
        expect(headers.map((h) => h.kind[0]).join('')).to.equal('bpppbpppbp')
        const victim = {
          'first (a base)': headers[0],
          'a middle patch': headers[2],
          'a later base': headers[4],
          'the patch after a base': headers[5],
          'the last': headers[9],
        }[which]
        const result = await journal.delete(victim.name)
        expect(result.removed.map((h) => h.name)).to.deep.equal([victim.name])
        expect(result.bytesFreed).to.be.a('number')
        expected.delete(victim.seq)
        const after = await journal.list()
        expect(after.map((h) => h.seq)).to.deep.equal([...expected.keys()])
        expect(after[0].kind).to.equal('base')
        if (victim.kind === 'base' && victim !== headers[9]) {
          expect(after.find((h) => h.seq === victim.seq + 1)!.kind).to.equal('base')
        }
        await expectRebuilds(journal, expected)
        expect(await journal.validate()).to.deep.include({status: 'valid', checksums: 'verified', data_integrity: 'confirmed'})
        expect(await eventFiles()).to.have.length(9) // old files removed, no orphans
      })
    }

    it('seqs are never reused after deleting the last event', async () => {
      const {journal} = await tenEvents()
      await journal.delete('e9')
      const {event} = await journal.append(buildState(6), {name: 'again', type: 'full'})
      expect(event.seq).to.equal(11)
    })

    it('compact removes what keep rejects, never pinned events, and every kept event rebuilds', async () => {
      const {journal, expected} = await tenEvents()
      await journal.pin('e3', true)
      expect(journal.find('e3').pinned).to.equal(true)
      const before = (await journal.list()).reduce((n, h) => n + h.stats.bytes, 0)
      const {removed, bytesFreed} = await journal.compact((h) => h.seq % 3 === 0)
      expect(removed.map((h) => h.name)).to.deep.equal(['e0', 'e1', 'e3', 'e4', 'e6', 'e7', 'e9'].filter((n) => n !== 'e3'))
      const kept = await journal.list()
      expect(kept.map((h) => h.name)).to.deep.equal(['e2', 'e3', 'e5', 'e8'])
      expect(kept.find((h) => h.name === 'e3')!.pinned).to.equal(true)
      const after = kept.reduce((n, h) => n + h.stats.bytes, 0)
      expect(bytesFreed).to.equal(before - after)
      for (const h of removed) expected.delete(h.seq)
      await expectRebuilds(journal, expected)
      expect((await journal.validate()).status).to.equal('valid')
      expect(await eventFiles()).to.have.length(4)
      expect(await journal.compact(() => true)).to.deep.equal({removed: [], bytesFreed: 0})
      await journal.pin('e3', false)
      expect(journal.find('e3').pinned).to.equal(undefined)
    })

    it('property: compacting with any keep set leaves every kept event rebuilding exactly and the chain valid', async () => {
      const step = fc.record({edits: fc.array(editArb, {maxLength: 4}), type: fc.constantFrom<BackupType>('full', 'full', 'config')})
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(step, fc.boolean()), {minLength: 1, maxLength: 8}), fc.integer({min: 1, max: 3}), async (steps, maxChain) => {
          const root = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-compact-'))
          tmpDirs.push(root)
          const b = new LocalBackend(root)
          const journal = await openJournal(b, PROJECT_ID, {now: clock(), keyframe: {maxChain}, updateIndex: false})
          let truth = buildState(steps.length, {items: 5})
          const expected = new Map<number, string>()
          const keep = new Set<number>()
          for (const [i, [s, kept]] of steps.entries()) {
            truth = applyEdits(truth, s.edits)
            const captured = captureAs(truth, s.type)
            const {event} = await journal.append(captured, {name: `s${i}`, type: s.type})
            expected.set(event.seq, canonicalJson(captured))
            if (kept) keep.add(event.seq)
          }
          const {removed} = await journal.compact((h) => keep.has(h.seq))
          expect(removed.map((h) => h.seq)).to.deep.equal([...expected.keys()].filter((seq) => !keep.has(seq)))
          const fresh = await openJournal(b, PROJECT_ID)
          expect((await fresh.list()).map((h) => h.seq)).to.deep.equal([...keep])
          for (const seq of keep) expect(canonicalJson(await fresh.state(seq))).to.equal(expected.get(seq))
          expect((await fresh.validate()).status).to.equal('valid')
          expect(await b.list(eventsPrefix(PROJECT_ID))).to.have.length(keep.size)
          await fs.rm(root, {recursive: true, force: true})
        }),
        {numRuns: 50},
      )
    })

    it('delete needs an exact name', async () => {
      const {journal} = await tenEvents()
      const error = await rejection(journal.delete('e'))
      expect(isUserError(error)).to.equal(true)
      expect(await journal.list()).to.have.length(10)
    })
  })

  it('latest and a time never pick a restore\'s safety backup, which stays findable by name and as the last safety backup', async () => {
    const journal = await open() // one minute per event from 10:00
    const s = buildState(7)
    await journal.append(s, {name: 'nightly-1', type: 'full', origin: 'auto'})
    await journal.append(s, {name: 'before-release', type: 'full', origin: 'named'})
    await journal.append(s, {name: 'pre-restore-20261125-100200', type: 'full', origin: 'safety'})
    // an older event without origin: its generated pre-restore name says what it is
    await journal.append(s, {name: 'pre-restore-20261125-100300', type: 'full'})
    expect(journal.find('latest').name).to.equal('before-release')
    expect(journal.at(new Date('2026-11-25T10:30:00Z')).name).to.equal('before-release')
    expect(journal.find('pre-restore-20261125-100200').name).to.equal('pre-restore-20261125-100200')
    expect(journal.latestSafety().name).to.equal('pre-restore-20261125-100300')
    expect(journal.headers().map((h) => h.origin)).to.deep.equal(['auto', 'named', 'safety', undefined])

    const otherDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-journal-'))
    tmpDirs.push(otherDir)
    const only = await open({}, new LocalBackend(otherDir))
    await only.append(s, {name: 'pre-restore-20261125-100000', type: 'full', origin: 'safety'})
    expect(await rejection(Promise.resolve().then(() => only.find('latest')))).to.have.property('message').that.matches(/only safety backups/)
  })

  it('delete refuses a pinned backup unless forced', async () => {
    const journal = await open()
    const s = buildState(7)
    await journal.append(s, {name: 'keep-me', type: 'full'})
    await journal.append(s, {name: 'other', type: 'full'})
    await journal.pin('keep-me', true)
    const refused = await rejection(journal.delete('keep-me'))
    expect(isUserError(refused) && refused.code).to.equal('EPINNED')
    expect((await journal.list()).map((h) => h.name)).to.deep.equal(['keep-me', 'other'])
    expect((await journal.delete('keep-me', {force: true})).removed.map((h) => h.name)).to.deep.equal(['keep-me'])
  })

  it('finds backups by latest, exact name, unique prefix and time', async () => {
    const journal = await open()
    const s = buildState(7)
    for (const name of ['before-refactor', 'before-release', 'nightly-1']) await journal.append(s, {name, type: 'full'})
    expect(journal.find('latest').name).to.equal('nightly-1')
    expect(journal.find('before-release').seq).to.equal(2)
    expect(journal.find('night').name).to.equal('nightly-1')
    const ambiguous = await rejection(() => journal.find('before'))
    expect(ambiguous.message).to.contain('before-refactor').and.contain('before-release')
    const unknown = await rejection(() => journal.find('befor-refactr'))
    expect(isUserError(unknown)).to.equal(true)
    expect(unknown.message).to.match(/closest: before-refactor/)
    // timestamps are 10:00, 10:01, 10:02
    expect(journal.at(new Date('2026-11-25T10:01:30Z')).name).to.equal('before-release')
    expect(journal.at(new Date('2026-11-25T10:01:00Z')).name).to.equal('before-release')
    expect(journal.at(new Date('2030-01-01T00:00:00Z')).name).to.equal('nightly-1')
    const early = await rejection(() => journal.at(new Date('2026-11-25T09:00:00Z')))
    expect(early.message).to.contain('the oldest is before-refactor')
  })

  it('rejects a taken or malformed name without writing anything', async () => {
    const journal = await open()
    await journal.append(buildState(8), {name: 'taken', type: 'full'})
    const files = await backend.list('')
    expect((await rejection(journal.append(buildState(8), {name: 'taken', type: 'full'}))).message).to.contain('already exists')
    expect(isUserError(await rejection(journal.append(buildState(8), {name: '../evil', type: 'full'})))).to.equal(true)
    expect(await backend.list('')).to.deep.equal(files)
  })

  it('ignores an event file orphaned by a crash before the commit, and the next append moves it to quarantine, never deletes it', async () => {
    const journal = await open()
    const s = buildState(9)
    await journal.append(s, {name: 'ok', type: 'full'})
    const crashing: StorageBackend = Object.create(backend)
    crashing.put = async (key, data) => {
      if (key === headKey(PROJECT_ID)) throw new Error('simulated crash')
      return backend.put(key, data)
    }
    const broken = await open({}, crashing)
    await rejection(broken.append(applyEdit(s, {kind: 'toggleWorkflow', pick: 0}), {name: 'lost', type: 'full'}))
    expect(await eventFiles()).to.have.length(2)
    const reader = await open()
    expect((await reader.list()).map((h) => h.name)).to.deep.equal(['ok'])
    const report = await reader.validate()
    expect(report.status).to.equal('valid')
    expect(report.notes?.[0]).to.match(/interrupted backup/)
    same(await reader.state(1), s)
    const orphan = (await eventFiles()).find((k) => !k.includes('000001-'))!
    const bytes = await backend.get(orphan)
    await reader.append(s, {name: 'next', type: 'full'})
    expect(await eventFiles()).to.have.length(2)
    expect((await reader.list()).map((h) => h.name)).to.deep.equal(['ok', 'next'])
    expect(await backend.get(`${quarantinePrefix(PROJECT_ID)}${orphan.split('/').pop()}`), 'kept in quarantine').to.deep.equal(bytes)
    expect((await reader.validate()).notes).to.equal(undefined)
  })

  it('waits for the project lock and fails naming its holder', async () => {
    const journal = await open({lock: {waitMs: 0}})
    const held = await backend.lock(`project-${PROJECT_ID}/lock`, {owner: 'someone@elsewhere'})
    const error = await rejection(journal.append(buildState(10), {name: 'x', type: 'full'}))
    expect(error.message).to.contain('someone@elsewhere').and.contain('github-pm backup unlock')
    await held.release()
    await journal.append(buildState(10), {name: 'x', type: 'full'})
  })

  it('sees what another process appended, and keeps the global index current', async () => {
    const a = await open()
    const b = await open()
    const s = buildState(11)
    await a.append(s, {name: 'from-a', type: 'full'})
    await b.append(applyEdit(s, {kind: 'toggleWorkflow', pick: 1}), {name: 'from-b', type: 'full'})
    expect((await a.list()).map((h) => h.name)).to.deep.equal(['from-a', 'from-b'])
    const index = await readBackupIndex(backend)
    expect(index).to.have.length(1)
    expect(index[0]).to.include({id: PROJECT_ID, title: 'Roadmap', owner: 'b-coman', events: 2})
    expect(index[0].latest!.name).to.equal('from-b')
    expect(index[0].bytes).to.equal((await a.list()).reduce((n, h) => n + h.stats.bytes, 0))
    // a damaged index is rebuilt from the journals
    await backend.put(INDEX_KEY, new Uint8Array(Buffer.from('{"broken')))
    expect(await readBackupIndex(backend)).to.deep.equal(index)
  })

  it('stores through the codec and reads back through it', async () => {
    const seen: string[] = []
    const xor: Codec = {
      encode: async (b) => new Uint8Array(Buffer.concat([Buffer.from('X1'), Buffer.from(b.map((x) => x ^ 0x5a))])),
      decode: async (b, key) => {
        seen.push(key)
        if (Buffer.from(b.subarray(0, 2)).toString() !== 'X1') throw new Error('not encoded')
        return new Uint8Array(b.subarray(2).map((x) => x ^ 0x5a))
      },
    }
    const journal = await open({codec: xor})
    const s = buildState(12)
    await journal.append(s, {name: 'one', type: 'full'})
    await journal.append(applyEdit(s, {kind: 'editProject', title: 'Renamed', readmeLine: 'x'}), {name: 'two', type: 'full'})
    const raw = Buffer.from((await backend.get(headKey(PROJECT_ID)))!).toString('latin1')
    expect(raw.startsWith('X1')).to.equal(true)
    expect(raw).not.to.contain('Roadmap')
    const reader = await open({codec: xor})
    same(await reader.state(1), s)
    expect((await reader.state(2)).project.title).to.equal('Renamed')
    expect(seen.some((k) => k.includes('/events/'))).to.equal(true)
    expect((await reader.validate()).status).to.equal('valid')
    // without the codec the journal is unreadable, and says so in one line
    const plain = await rejection(open())
    expect(isUserError(plain)).to.equal(true)
  })
})
