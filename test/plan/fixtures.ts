/**
 * Hand-made ProjectStates for plan tests: a small project with every kind of custom field, a few issues, a pull
 * request and a draft. Builders return new values; `clone` before editing.
 */
import type {FieldValue, ItemState, ProjectState} from '../../src/model/state.js'

export const REPO = 'acme/api'
export const url = (n: number, repo = REPO) => `https://github.com/${repo}/issues/${n}`

export const FIELD = {
  title: 'PVTF_title',
  status: 'PVTSSF_status',
  priority: 'PVTSSF_prio',
  points: 'PVTF_points',
  notes: 'PVTF_notes',
  due: 'PVTF_due',
  sprint: 'PVTIF_sprint',
} as const

export function clone<T>(value: T): T {
  return structuredClone(value)
}

export function sel(option: string, name: string): FieldValue {
  return {type: 'singleSelect', optionId: option, name}
}

export function issue(n: number, values: Record<string, FieldValue> = {}, extra: Partial<ItemState> = {}, repo = REPO): ItemState {
  return {
    id: `PVTI_${repo.replace('/', '_')}_${n}`,
    type: 'ISSUE',
    archived: false,
    content: {
      kind: 'Issue',
      url: url(n, repo),
      repository: repo,
      number: n,
      title: `Issue ${n}`,
      body: `Body of issue ${n}`,
      state: 'OPEN',
      stateReason: null,
      labels: ['bug'],
      assignees: ['octocat'],
      milestone: null,
      parent: null,
      subIssues: [],
      blockedBy: [],
    },
    values,
    ...extra,
  }
}

export function draft(id: string, title: string, values: Record<string, FieldValue> = {}): ItemState {
  return {id: `PVTI_${id}`, type: 'DRAFT_ISSUE', archived: false, draft: {id, title, body: `About ${title}`, assignees: []}, values}
}

export function keyOf(item: ItemState): string {
  return item.content ? item.content.url : `draft:${item.draft?.id}`
}

/** A project with Status/Priority (single select), Points, Notes, Due, Sprint, four issues, a PR and a draft. */
export function baseState(): ProjectState {
  const items: ItemState[] = [
    issue(1, {[FIELD.status]: sel('opt_todo', 'Todo'), [FIELD.points]: {type: 'number', number: 3}}),
    issue(2, {[FIELD.status]: sel('opt_prog', 'In Progress'), [FIELD.priority]: sel('opt_p0', 'P0')}),
    issue(3, {[FIELD.status]: sel('opt_done', 'Done'), [FIELD.notes]: {type: 'text', text: 'shipped'}}),
    issue(4, {[FIELD.sprint]: {type: 'iteration', iterationId: 'it_2', title: 'Sprint 2', startDate: '2026-11-16'}}),
    {
      ...issue(5, {[FIELD.status]: sel('opt_todo', 'Todo')}),
      type: 'PULL_REQUEST',
      content: {...issue(5).content!, kind: 'PullRequest', url: `https://github.com/${REPO}/pull/5`, title: 'PR 5'},
    },
    draft('DI_1', 'Write the plan', {[FIELD.status]: sel('opt_todo', 'Todo'), [FIELD.due]: {type: 'date', date: '2026-12-01'}}),
  ]
  return {
    schemaVersion: 1,
    type: 'full',
    project: {
      id: 'PVT_project',
      number: 7,
      url: 'https://github.com/orgs/acme/projects/7',
      owner: {login: 'acme', type: 'Organization'},
      title: 'Roadmap',
      shortDescription: 'What we build next',
      readme: '# Roadmap',
      public: false,
      closed: false,
      template: false,
    },
    fields: {
      [FIELD.title]: {id: FIELD.title, name: 'Title', dataType: 'TITLE'},
      [FIELD.status]: {
        id: FIELD.status,
        name: 'Status',
        dataType: 'SINGLE_SELECT',
        options: {
          opt_todo: {id: 'opt_todo', name: 'Todo', description: '', color: 'GRAY', position: 0},
          opt_prog: {id: 'opt_prog', name: 'In Progress', description: 'being worked on', color: 'YELLOW', position: 1},
          opt_done: {id: 'opt_done', name: 'Done', description: '', color: 'GREEN', position: 2},
        },
      },
      [FIELD.priority]: {
        id: FIELD.priority,
        name: 'Priority',
        dataType: 'SINGLE_SELECT',
        options: {
          opt_p0: {id: 'opt_p0', name: 'P0', description: 'now', color: 'RED', position: 0},
          opt_p1: {id: 'opt_p1', name: 'P1', description: 'next', color: 'ORANGE', position: 1},
        },
      },
      [FIELD.points]: {id: FIELD.points, name: 'Points', dataType: 'NUMBER'},
      [FIELD.notes]: {id: FIELD.notes, name: 'Notes', dataType: 'TEXT'},
      [FIELD.due]: {id: FIELD.due, name: 'Due', dataType: 'DATE'},
      [FIELD.sprint]: {
        id: FIELD.sprint,
        name: 'Sprint',
        dataType: 'ITERATION',
        iteration: {
          duration: 14,
          startDay: 1,
          iterations: {it_2: {id: 'it_2', title: 'Sprint 2', startDate: '2026-11-16', duration: 14}},
          completedIterations: {it_1: {id: 'it_1', title: 'Sprint 1', startDate: '2026-11-02', duration: 14}},
        },
      },
    },
    views: {
      '1': {
        id: 'PVTV_1',
        number: 1,
        name: 'Board',
        layout: 'BOARD_LAYOUT',
        filter: 'is:open',
        visibleFields: ['Title', 'Status', 'Priority'],
        sortBy: [{field: 'Priority', direction: 'ASC'}],
        groupBy: [],
        verticalGroupBy: ['Status'],
      },
    },
    workflows: {'1': {id: 'PWF_1', number: 1, name: 'Item closed', enabled: true}},
    repositories: [REPO],
    teams: [],
    statusUpdates: {},
    items: Object.fromEntries(items.map((it) => [keyOf(it), it])),
    itemOrder: items.map(keyOf),
    milestones: {[`${REPO}#1`]: {repository: REPO, number: 1, title: 'v1.0', description: null, state: 'OPEN', dueOn: null}},
  }
}

/** The item of `state` with issue number n (or the draft). */
export function item(state: ProjectState, n: number | 'draft'): ItemState {
  const found = Object.values(state.items ?? {}).find((it) => (n === 'draft' ? it.type === 'DRAFT_ISSUE' : it.content?.number === n))
  if (!found) throw new Error(`no item ${n}`)
  return found
}
