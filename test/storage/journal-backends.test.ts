import {expect} from 'chai'
import {isoWeek, planRetention} from '../../src/app/retention.js'
import type {EventHeader} from '../../src/journal/events.js'
import {KINDS, journalSuite} from './journal-suite.js'

/**
 * The journal suite (journal-suite.ts) on local storage, and the retention rules. The other backends run the same
 * suite in their own files (journal-backends-git, -s3, -gcs), so the tier's workers take them in parallel.
 */

const DAY = 86_400_000

describe('the journal on every backend, plain and encrypted', function () {
  journalSuite([KINDS.local])

  describe('retention rules', () => {
    const at = (iso: string, seq: number, extra: Partial<EventHeader> = {}): EventHeader =>
      ({seq, name: `n${seq}`, timestamp: iso, kind: 'patch', type: 'full', origin: 'auto', stats: {bytes: 10}, ...extra}) as EventHeader

    it('keeps the newest backup of each of the last N days, ISO weeks and months that have backups', () => {
      const headers = [
        at('2026-09-15T10:00:00Z', 1),
        at('2026-09-30T10:00:00Z', 2),
        at('2026-10-05T08:00:00Z', 3), // Monday, week 41
        at('2026-10-05T18:00:00Z', 4),
        at('2026-10-11T10:00:00Z', 5), // Sunday, still week 41
        at('2026-10-12T10:00:00Z', 6), // Monday, week 42
        at('2026-10-12T11:00:00Z', 7),
      ]
      const now = new Date('2026-10-13T00:00:00Z')
      const removed = (policy: Parameters<typeof planRetention>[1]) => planRetention(headers, policy, now).remove.map((h) => h.seq)
      expect(removed({keepDaily: 3})).to.deep.equal([1, 2, 3, 6]) // days 10-12, 10-11, 10-05 → 7, 5, 4
      expect(removed({keepWeekly: 2})).to.deep.equal([1, 2, 3, 4, 6]) // weeks 42, 41 → 7, 5
      expect(removed({keepMonthly: 2})).to.deep.equal([1, 3, 4, 5, 6]) // 2026-10, 2026-09 → 7, 2
      expect(removed({keepLast: 3})).to.deep.equal([1, 2, 3, 4])
      expect(removed({withinMs: 2 * DAY})).to.deep.equal([1, 2, 3, 4]) // since 10-11T00:00 → 5, 6, 7
      expect(removed({withinMs: 2 * DAY, keepMonthly: 2}), 'any rule keeps').to.deep.equal([1, 3, 4])
      expect(removed({keepLast: 0}), 'the newest always stays').to.deep.equal([1, 2, 3, 4, 5, 6])
      expect(planRetention(headers.map((h) => (h.seq === 1 ? {...h, pinned: true} : h)), {keepLast: 1}, now).remove.map((h) => h.seq)).to.deep.equal([2, 3, 4, 5, 6])
      expect(() => planRetention(headers, {}, now)).to.throw(/--older-than/)
    })

    it('keeps backups named by hand unless told not to; generated names and safety backups follow the rules', () => {
      const now = new Date('2026-10-13T00:00:00Z')
      const headers = [
        at('2026-10-01T10:00:00Z', 1, {name: 'before-major-refactor', origin: 'named'}),
        at('2026-10-02T10:00:00Z', 2, {name: 'auto-20261002-100000', origin: undefined}),
        at('2026-10-03T10:00:00Z', 3, {name: 'pre-restore-20261003-100000', origin: undefined}),
        at('2026-10-04T10:00:00Z', 4, {name: 'release-candidate', origin: undefined}),
        at('2026-10-05T10:00:00Z', 5, {name: 'auto-20261005-100000', origin: 'auto'}),
      ]
      const plan = planRetention(headers, {keepLast: 1}, now)
      expect(plan.remove.map((h) => h.seq), 'older backups without origin are judged by their name').to.deep.equal([2, 3])
      expect(plan.keep.find((k) => k.header.seq === 1)!.reasons).to.deep.equal(['named'])
      expect(planRetention(headers, {keepLast: 1, keepNamed: false}, now).remove.map((h) => h.seq)).to.deep.equal([1, 2, 3, 4])
    })

    it('numbers ISO weeks as ISO 8601 does at year boundaries', () => {
      expect(isoWeek(new Date('2026-01-01T00:00:00Z'))).to.equal('2026-W01') // a Thursday
      expect(isoWeek(new Date('2027-01-01T00:00:00Z'))).to.equal('2026-W53') // a Friday: week 53 of 2026
      expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).to.equal('2025-W01') // a Monday
      expect(isoWeek(new Date('2026-10-11T23:59:59Z'))).to.equal('2026-W41')
    })
  })
})
