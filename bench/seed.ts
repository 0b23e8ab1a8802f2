/**
 * Big sandbox seeds for the benchmark: a project of N items shaped like a busy real one.
 *
 * - 10 custom fields, two of every creatable type (TEXT, NUMBER, DATE, SINGLE_SELECT, ITERATION), plus the built-in
 *   Status (its options replaced); most items carry most values;
 * - 20 views (table, board, roadmap) with filters, sorting and grouping;
 * - issue bodies of 1 to 3 KiB of markdown, labels (up to 4 of 24 per repository), assignees, milestones;
 * - sub-issues: every 20th issue is a parent of the 4 issues after it;
 * - 5% draft issues, 5% archived items, 10% pull requests among the rest;
 * - Status is set on exactly 10% of the items (every 10th): the disaster of the restore benchmark replaces the Status
 *   options, which orphans those values, so "10% of the items lose a value".
 * Deterministic: the same size always gives the same seed.
 */
import type {Seed, SeedIssue, SeedItem, SeedPullRequest, SeedRepository, SeedView} from '../src/sandbox/seed.js'
import {mulberry32} from '../src/util/random.js'

/** issues and pull requests per repository (GitHub has no limit; this keeps repositories realistic) */
const PER_REPO = 5_000
export const OWNER = 'acme'
export const STATUS_OPTIONS = ['Todo', 'In Progress', 'In Review', 'Done']
const USERS = Array.from({length: 20}, (_, i) => `dev${i + 1}`)
const LABELS = [
  'bug', 'enhancement', 'docs', 'security', 'performance', 'ux', 'api', 'cli', 'storage', 'sandbox', 'journal', 'restore',
  'good first issue', 'help wanted', 'blocked', 'regression', 'tech debt', 'design', 'infra', 'ci', 'tests', 'release', 'p-high', 'p-low',
]
const WORDS = (
  'the backup restore project item field value view option iteration sprint journal keyframe patch delta capture ' +
  'query mutation request limit points secondary primary sandbox github graphql rest cursor page node issue pull ' +
  'label milestone assignee parent child draft archive status priority team estimate release deploy cluster index ' +
  'storage bucket encrypt verify compare export import schedule hook config token scope owner repository'
).split(' ')

/** mulberry32: a small deterministic PRNG */
export const rng = mulberry32

function sentence(rand: () => number, words: number): string {
  const out: string[] = []
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)])
  const s = out.join(' ')
  return s[0].toUpperCase() + s.slice(1) + '.'
}

/** A markdown issue body of about `bytes` bytes: headings, paragraphs, a checklist. */
export function body(rand: () => number, bytes: number): string {
  const parts: string[] = ['## Context\n']
  let size = parts[0].length
  let n = 0
  while (size < bytes) {
    const part = n % 5 === 4 ? `- [${rand() < 0.5 ? 'x' : ' '}] ${sentence(rand, 6)}\n` : `${sentence(rand, 12 + Math.floor(rand() * 12))}\n`
    parts.push(n % 7 === 6 ? `\n### Notes ${n}\n` + part : part)
    size += part.length
    n++
  }
  return parts.join('')
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]
}

function date(rand: () => number): string {
  const d = new Date(Date.UTC(2026, 0, 1) + Math.floor(rand() * 365) * 86_400_000)
  return d.toISOString().slice(0, 10)
}

export interface BigSeed {
  seed: Seed
  /** `owner/number` of the project */
  project: string
  items: number
}

/** A seed with one project of `items` items (see the module comment). */
export function bigSeed(items: number): BigSeed {
  if (!Number.isInteger(items) || items < 20 || items > 50_000) throw new RangeError(`items must be an integer in 20..50000, got ${items}`)
  const rand = rng(items)
  const drafts = Math.round(items * 0.05)
  const contentItems = items - drafts
  const repoCount = Math.max(1, Math.ceil(contentItems / PER_REPO))
  const repositories: SeedRepository[] = []
  const refs: string[] = []
  for (let r = 0; r < repoCount; r++) {
    const name = `service-${r + 1}`
    const count = Math.min(PER_REPO, contentItems - r * PER_REPO)
    const pulls = Math.floor(count / 10)
    const issues: SeedIssue[] = []
    const pullRequests: SeedPullRequest[] = []
    for (let i = 0; i < count - pulls; i++) {
      const number = i + 1
      const parent = number % 20 === 1 && number + 4 <= count - pulls
      issues.push({
        title: `${pick(rand, ['Fix', 'Add', 'Improve', 'Remove', 'Document'])} ${sentence(rand, 5).slice(0, -1).toLowerCase()}`,
        body: body(rand, 1024 + Math.floor(rand() * 2048)),
        labels: [...new Set(Array.from({length: Math.floor(rand() * 5)}, () => pick(rand, LABELS)))],
        assignees: rand() < 0.7 ? [pick(rand, USERS)] : [],
        milestone: `v${1 + Math.floor(rand() * 5)}`,
        ...(rand() < 0.3 ? {state: 'CLOSED' as const, stateReason: 'COMPLETED' as const} : {}),
        ...(parent ? {subIssues: [1, 2, 3, 4].map((k) => `#${number + k}`)} : {}),
      })
      refs.push(`${OWNER}/${name}#${number}`)
    }
    for (let i = 0; i < pulls; i++) {
      pullRequests.push({
        title: `PR: ${sentence(rand, 6).slice(0, -1).toLowerCase()}`,
        body: body(rand, 512 + Math.floor(rand() * 1024)),
        labels: rand() < 0.5 ? [pick(rand, LABELS)] : [],
        reviewers: [pick(rand, USERS)],
        ...(rand() < 0.4 ? {state: 'MERGED' as const} : {}),
      })
      refs.push(`${OWNER}/${name}#${count - pulls + i + 1}`)
    }
    repositories.push({
      owner: OWNER,
      name,
      labels: LABELS.map((l) => ({name: l, color: 'ededed'})),
      milestones: [1, 2, 3, 4, 5].map((v) => ({title: `v${v}`, dueOn: `2026-0${v}-01T00:00:00Z`})),
      collaborators: USERS,
      issues,
      pullRequests,
    })
  }

  const fieldNames = ['Notes', 'Summary', 'Estimate', 'Points', 'Start', 'Due', 'Priority', 'Team', 'Sprint', 'Cycle']
  const priorities = ['P0', 'P1', 'P2', 'P3']
  const teams = ['Core', 'Storage', 'CLI', 'Web', 'Infra', 'Docs']
  const sprints = Array.from({length: 8}, (_, i) => ({title: `Sprint ${i + 1}`, startDate: isoDay(Date.UTC(2026, 0, 5) + i * 14 * 86_400_000)}))
  const cycles = Array.from({length: 6}, (_, i) => ({title: `Cycle ${i + 1}`, startDate: isoDay(Date.UTC(2026, 0, 5) + i * 28 * 86_400_000)}))
  const projectItems: SeedItem[] = []
  const everyDraft = Math.round(items / Math.max(1, drafts))
  let nextRef = 0
  let draftCount = 0
  for (let i = 0; i < items; i++) {
    const isDraft = drafts > 0 && i % everyDraft === everyDraft - 1 && draftCount < drafts
    const values: Record<string, string | number> = {}
    if (rand() < 0.6) values.Notes = sentence(rand, 8)
    if (rand() < 0.4) values.Summary = sentence(rand, 14)
    if (rand() < 0.8) values.Estimate = 1 + Math.floor(rand() * 13)
    if (rand() < 0.5) values.Points = Math.round(rand() * 1000) / 10
    if (rand() < 0.5) values.Start = date(rand)
    if (rand() < 0.6) values.Due = date(rand)
    if (rand() < 0.9) values.Priority = pick(rand, priorities)
    if (rand() < 0.7) values.Team = pick(rand, teams)
    if (rand() < 0.8) values.Sprint = pick(rand, sprints).title
    if (rand() < 0.5) values.Cycle = pick(rand, cycles).title
    if (i % 10 === 0) values.Status = STATUS_OPTIONS[(i / 10) % STATUS_OPTIONS.length]
    const archived = i % 20 === 7
    if (isDraft || nextRef >= refs.length) {
      draftCount++
      projectItems.push({draft: {title: `Idea: ${sentence(rand, 5).slice(0, -1).toLowerCase()}`, body: body(rand, 256), assignees: [pick(rand, USERS)]}, values, archived})
    } else {
      projectItems.push({issue: refs[nextRef++], values, archived})
    }
  }

  const layouts = ['TABLE_LAYOUT', 'BOARD_LAYOUT', 'ROADMAP_LAYOUT'] as const
  const views: SeedView[] = Array.from({length: 20}, (_, v) => ({
    name: `View ${v + 1}: ${pick(rand, teams)}`,
    layout: layouts[v % 3],
    filter: v % 2 ? `is:open label:${pick(rand, LABELS).replace(/ /g, '-')}` : `team:${pick(rand, teams)}`,
    visibleFields: ['Title', 'Status', ...fieldNames.slice(0, 2 + (v % 8))],
    sortBy: [{field: pick(rand, ['Priority', 'Due', 'Estimate']), direction: v % 2 ? 'DESC' : 'ASC'}],
    groupBy: v % 3 === 1 ? ['Status'] : [],
    verticalGroupBy: v % 5 === 1 ? ['Team'] : [],
  }))

  return {
    items,
    project: `${OWNER}/1`,
    seed: {
      version: 1,
      users: USERS.map((login) => ({login, name: login.toUpperCase()})),
      orgs: [{login: OWNER, members: Object.fromEntries(USERS.map((u) => [u, 'MEMBER' as const]))}],
      repositories,
      projects: [
        {
          owner: OWNER,
          title: `Benchmark ${items}`,
          shortDescription: `${items} items`,
          readme: body(rand, 2048),
          creator: USERS[0],
          fields: [
            {name: 'Status', type: 'SINGLE_SELECT', options: STATUS_OPTIONS.map((name) => ({name, color: 'GRAY' as const}))},
            {name: 'Notes', type: 'TEXT'},
            {name: 'Summary', type: 'TEXT'},
            {name: 'Estimate', type: 'NUMBER'},
            {name: 'Points', type: 'NUMBER'},
            {name: 'Start', type: 'DATE'},
            {name: 'Due', type: 'DATE'},
            {name: 'Priority', type: 'SINGLE_SELECT', options: priorities.map((name) => ({name, color: 'RED' as const}))},
            {name: 'Team', type: 'SINGLE_SELECT', options: teams.map((name) => ({name, color: 'BLUE' as const}))},
            {name: 'Sprint', type: 'ITERATION', iteration: {startDate: sprints[0].startDate, duration: 14, iterations: sprints}},
            {name: 'Cycle', type: 'ITERATION', iteration: {startDate: cycles[0].startDate, duration: 28, iterations: cycles}},
          ],
          views,
          statusUpdates: [{body: 'On track for the quarter', status: 'ON_TRACK', startDate: '2026-01-05', targetDate: '2026-03-31'}],
          repositories: repositories.map((r) => `${r.owner}/${r.name}`),
          items: projectItems,
        },
      ],
    },
  }
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}
