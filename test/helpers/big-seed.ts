import type {Seed, SeedItem} from '../../src/sandbox/seed.js'

export interface BigSeedOptions {
  /** project items in all (default 2,000): issues of acme/big, then drafts */
  items?: number
  /** how many of the items are draft issues (default 10%) */
  drafts?: number
}

const STATUSES = ['Backlog', 'Doing', 'Review', 'Done']
const PRIORITIES = ['P0', 'P1', 'P2']

/**
 * A large, deterministic world: organisation `acme` with repository `acme/big` and project "Big" (acme/1) holding
 * `items` items (issues with labels, assignees and milestones, plus drafts), every one with values in five custom
 * fields. Built straight in the sandbox store, so 2,000 items load in well under a second.
 */
export function bigSeed(options: BigSeedOptions = {}): Seed {
  const total = options.items ?? 2000
  const drafts = Math.min(total, options.drafts ?? Math.floor(total / 10))
  const issueCount = total - drafts
  const issues = Array.from({length: issueCount}, (_, i) => ({
    title: `Task ${i + 1}: ${['capture', 'journal', 'restore', 'storage', 'sandbox'][i % 5]} work`,
    body: `Issue ${i + 1} of the big project.\n\n- [ ] step one\n- [ ] step two\n`,
    labels: i % 3 === 0 ? ['bug'] : ['enhancement'],
    assignees: i % 4 === 0 ? ['alice'] : [],
    milestone: i % 2 ? 'v1' : 'v2',
    ...(i % 50 === 7 ? {state: 'CLOSED' as const, stateReason: 'COMPLETED' as const} : {}),
  }))
  const values = (i: number): SeedItem['values'] => ({
    Status: STATUSES[i % STATUSES.length],
    Priority: PRIORITIES[i % PRIORITIES.length],
    Estimate: (i % 8) + 1,
    Notes: `note ${i + 1}`,
    Due: `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
  })
  const items: SeedItem[] = issues.map((_, i) => ({issue: `acme/big#${i + 1}`, values: values(i), ...(i % 97 === 3 ? {archived: true} : {})}))
  for (let d = 0; d < drafts; d++) {
    items.push({draft: {title: `Draft idea ${d + 1}`, body: `Idea number ${d + 1}`}, values: values(issueCount + d)})
  }
  return {
    version: 1,
    users: [{login: 'alice', name: 'Alice'}],
    orgs: [{login: 'acme', members: {alice: 'MEMBER'}}],
    repositories: [
      {
        owner: 'acme',
        name: 'big',
        labels: [
          {name: 'bug', color: 'd73a4a'},
          {name: 'enhancement', color: 'a2eeef'},
        ],
        milestones: [{title: 'v1'}, {title: 'v2'}],
        issues,
      },
    ],
    projects: [
      {
        owner: 'acme',
        title: 'Big',
        shortDescription: 'A project of many items',
        readme: '# Big\n\nTwo thousand items.',
        fields: [
          {name: 'Status', type: 'SINGLE_SELECT', options: STATUSES.map((name) => ({name}))},
          {name: 'Priority', type: 'SINGLE_SELECT', options: PRIORITIES.map((name) => ({name}))},
          {name: 'Estimate', type: 'NUMBER'},
          {name: 'Notes', type: 'TEXT'},
          {name: 'Due', type: 'DATE'},
        ],
        views: [
          {name: 'Board', layout: 'BOARD_LAYOUT', groupBy: ['Status']},
          {name: 'Table', layout: 'TABLE_LAYOUT', visibleFields: ['Title', 'Status', 'Priority', 'Estimate']},
        ],
        repositories: ['acme/big'],
        items,
      },
    ],
  }
}
