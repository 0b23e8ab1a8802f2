import type {Seed, SeedItem} from './seed.js'

/**
 * The demo world: organization `acme` with a repository `acme/app` and a project "Roadmap" (acme/1) that uses every
 * kind of custom field, several views, sub-issues, dependencies, drafts and an archived item. `backup demo` and the
 * end-to-end tests start from it.
 */
export function demoSeed(): Seed {
  const statuses = ['Backlog', 'Doing', 'Review', 'Done']
  const priorities = ['P0', 'P1', 'P2']
  const titles = [
    'Component analysis',
    'Design the storage layer',
    'Write the capture queries',
    'Sandbox: limits and costs',
    'Journal: keyframes',
    'Restore planner',
    'Point-in-time recovery',
    'Encryption at rest',
    'Git storage branch',
    'S3 storage',
    'Auto-backup hooks',
    'Benchmark at 50,000 items',
  ]
  const issues = titles.map((title, i) => ({
    title,
    body: `## ${title}\n\nPart of the backup roadmap. Acceptance criteria:\n\n- [ ] designed\n- [ ] built\n- [ ] tested\n`,
    labels: i % 3 === 0 ? ['bug'] : i % 3 === 1 ? ['enhancement'] : ['enhancement', 'docs'],
    assignees: i % 2 ? ['octocat'] : ['alice'],
    milestone: i < 6 ? 'v1' : 'v2',
    ...(i === 0 ? {subIssues: ['#2', '#3', '#4']} : {}),
    ...(i === 5 ? {blockedBy: ['#5']} : {}),
    ...(i === 3 ? {state: 'CLOSED' as const, stateReason: 'COMPLETED' as const} : {}),
  }))
  const items: SeedItem[] = issues.map((_, i) => ({
    issue: `acme/app#${i + 1}`,
    values: {
      Status: statuses[i % statuses.length],
      Priority: priorities[i % priorities.length],
      Estimate: (i % 5) + 1,
      Notes: `note ${i + 1}`,
      Due: `2026-12-${String((i % 28) + 1).padStart(2, '0')}`,
      Sprint: i % 2 ? 'Sprint 2' : 'Sprint 1',
    },
    ...(i === 11 ? {archived: true} : {}),
  }))
  items.push(
    {issue: 'acme/app#13', values: {Status: 'Review', Priority: 'P1'}},
    {draft: {title: 'Idea: restore dashboards', body: 'Worth a spike?'}, values: {Status: 'Backlog', Priority: 'P2'}},
    {draft: {title: 'Idea: weekly digest', body: 'Email the compare output'}, values: {Status: 'Backlog', Notes: 'later'}},
  )
  return {
    version: 1,
    users: [{login: 'alice', name: 'Alice'}],
    orgs: [{login: 'acme', members: {alice: 'MEMBER'}, teams: [{slug: 'core', name: 'Core', members: ['alice']}]}],
    repositories: [
      {
        owner: 'acme',
        name: 'app',
        labels: [
          {name: 'bug', color: 'd73a4a'},
          {name: 'enhancement', color: 'a2eeef'},
          {name: 'docs', color: '0075ca'},
        ],
        milestones: [{title: 'v1', dueOn: '2026-12-31T00:00:00Z'}, {title: 'v2'}],
        issues,
        pullRequests: [{title: 'Add the journal', body: 'Closes #5', reviewers: ['alice']}],
      },
    ],
    projects: [
      {
        owner: 'acme',
        title: 'Roadmap',
        shortDescription: 'What we build next',
        readme: '# Roadmap\n\nThe plan for the backup tool.',
        public: false,
        fields: [
          {name: 'Status', type: 'SINGLE_SELECT', options: statuses.map((name, i) => ({name, color: (['GRAY', 'YELLOW', 'PURPLE', 'GREEN'] as const)[i]}))},
          {name: 'Priority', type: 'SINGLE_SELECT', options: priorities.map((name, i) => ({name, color: (['RED', 'ORANGE', 'BLUE'] as const)[i], description: `priority ${i}`}))},
          {name: 'Estimate', type: 'NUMBER'},
          {name: 'Notes', type: 'TEXT'},
          {name: 'Due', type: 'DATE'},
          {
            name: 'Sprint',
            type: 'ITERATION',
            iteration: {
              startDate: '2026-11-16',
              duration: 14,
              iterations: [
                {title: 'Sprint 1', startDate: '2026-11-16'},
                {title: 'Sprint 2', startDate: '2026-11-30'},
                {title: 'Sprint 3', startDate: '2026-12-14'},
              ],
            },
          },
        ],
        views: [
          // uiConfig: what only the web UI holds (no API reads it); a shadow copy carries it, a plain restore cannot
          {name: 'Board', layout: 'BOARD_LAYOUT', groupBy: ['Status'], visibleFields: ['Title', 'Assignees', 'Priority'], uiConfig: {fieldSum: 'Estimate', columnLimits: {Doing: 3}}},
          {name: 'Table', layout: 'TABLE_LAYOUT', filter: 'is:open', visibleFields: ['Title', 'Status', 'Priority', 'Estimate'], sortBy: [{field: 'Priority', direction: 'ASC'}], uiConfig: {columnWidths: {Title: 420, Status: 120}, sliceBy: 'Priority'}},
          {name: 'Timeline', layout: 'ROADMAP_LAYOUT', visibleFields: ['Title', 'Due']},
        ],
        workflows: [{name: 'Item closed', enabled: true, config: {setField: 'Status', value: 'Done'}}],
        insights: [{name: 'Burn-up', config: {type: 'line', x: 'Iteration', y: 'count', groupBy: 'Status'}}],
        statusUpdates: [{body: 'On track for v1', status: 'ON_TRACK', startDate: '2026-11-16', targetDate: '2026-12-31'}],
        repositories: ['acme/app'],
        teams: ['acme/core'],
        items,
      },
    ],
  }
}
