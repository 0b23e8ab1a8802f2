/**
 * Realistic ProjectState values for tests: a seeded builder (`buildState`) and a fast-check arbitrary of edits a user or
 * an API mishap makes to a project (`editArb`, applied with `applyEdit`). Every function returns new values and never
 * modifies its arguments.
 */
import fc from 'fast-check'
import {
  type BackupType,
  type FieldDataType,
  type FieldDef,
  type FieldValue,
  type ItemState,
  type OptionColor,
  type ProjectState,
  SECTIONS,
  itemKey,
} from '../../src/model/state.js'
import {mulberry32} from '../../src/util/random.js'

export const PROJECT_ID = 'PVT_kwHOCOLa384A62Y9'

/** A small deterministic PRNG (mulberry32). */
export const rng = mulberry32

const COLORS: OptionColor[] = ['BLUE', 'GRAY', 'GREEN', 'ORANGE', 'PINK', 'PURPLE', 'RED', 'YELLOW']
const WORDS = 'refactor parser cache login flaky test timeout release notes docs build pipeline crash memory leak api rate limit retry dashboard export import'.split(' ')

function sentence(r: () => number, words: number): string {
  return Array.from({length: words}, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ')
}

/** A long markdown body (well over the 120 characters where text diffs start). */
export function longBody(r: () => number, paragraphs = 3): string {
  return Array.from({length: paragraphs}, (_, i) => `## Part ${i + 1}\n\n${sentence(r, 25)}.\n\n- [ ] ${sentence(r, 5)}\n- [x] ${sentence(r, 4)}`).join('\n\n')
}

export interface BuildOptions {
  items?: number
  /** repositories the issues live in (default two: issue refs then read `owner/repo#n`) */
  repos?: string[]
  projectId?: string
}

function selectField(id: string, name: string, names: string[]): FieldDef {
  return {
    id,
    name,
    dataType: 'SINGLE_SELECT',
    options: Object.fromEntries(
      names.map((n, i) => {
        const oid = `${id.slice(-4)}opt${i}`
        return [oid, {id: oid, name: n, description: `${n} items`, color: COLORS[i % COLORS.length], position: i}]
      }),
    ),
  }
}

/** A realistic full-backup state: fields of every kind, views, workflows, issues, PRs, drafts, archived items, values. */
export function buildState(seed = 1, opts: BuildOptions = {}): ProjectState {
  const r = rng(seed)
  const repos = opts.repos ?? ['acme/api', 'acme/web']
  const projectId = opts.projectId ?? PROJECT_ID
  const fields: Record<string, FieldDef> = {}
  const add = (f: FieldDef) => (fields[f.id] = f)
  add({id: 'PVTF_title', name: 'Title', dataType: 'TITLE'})
  add({id: 'PVTF_assignees', name: 'Assignees', dataType: 'ASSIGNEES'})
  add({id: 'PVTF_labels', name: 'Labels', dataType: 'LABELS'})
  add({id: 'PVTF_milestone', name: 'Milestone', dataType: 'MILESTONE'})
  add({id: 'PVTF_repo', name: 'Repository', dataType: 'REPOSITORY'})
  add(selectField('PVTSSF_status', 'Status', ['Todo', 'In Progress', 'Done']))
  add(selectField('PVTSSF_prio', 'Priority', ['P0', 'P1', 'P2']))
  add({id: 'PVTF_estimate', name: 'Estimate', dataType: 'NUMBER'})
  add({id: 'PVTF_notes', name: 'Notes', dataType: 'TEXT'})
  add({id: 'PVTF_due', name: 'Due', dataType: 'DATE'})
  add({
    id: 'PVTIF_sprint',
    name: 'Sprint',
    dataType: 'ITERATION',
    iteration: {
      duration: 14,
      startDay: 1,
      iterations: {
        it3: {id: 'it3', title: 'Sprint 3', startDate: '2026-11-16', duration: 14},
        it4: {id: 'it4', title: 'Sprint 4', startDate: '2026-11-30', duration: 14},
      },
      completedIterations: {
        it1: {id: 'it1', title: 'Sprint 1', startDate: '2026-10-19', duration: 14},
        it2: {id: 'it2', title: 'Sprint 2', startDate: '2026-11-02', duration: 14},
      },
    },
  })

  const items: Record<string, ItemState> = {}
  const order: string[] = []
  const n = opts.items ?? 12
  const issueUrls: string[] = []
  for (let i = 0; i < n; i++) {
    const kind = i % 6 === 5 ? 'draft' : i % 6 === 4 ? 'pr' : 'issue'
    const repo = repos[i % repos.length]
    const number = 10 + i
    const values: Record<string, FieldValue> = {}
    const status = Object.values(fields.PVTSSF_status.options!)[Math.floor(r() * 3)]
    values.PVTSSF_status = {type: 'singleSelect', optionId: status.id, name: status.name}
    if (r() < 0.6) {
      const p = Object.values(fields.PVTSSF_prio.options!)[Math.floor(r() * 3)]
      values.PVTSSF_prio = {type: 'singleSelect', optionId: p.id, name: p.name}
    }
    if (r() < 0.5) values.PVTF_estimate = {type: 'number', number: Math.floor(r() * 13)}
    if (r() < 0.4) values.PVTF_notes = {type: 'text', text: sentence(r, 6)}
    if (r() < 0.4) values.PVTF_due = {type: 'date', date: `2026-12-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`}
    if (r() < 0.5) values.PVTIF_sprint = {type: 'iteration', iterationId: 'it3', title: 'Sprint 3', startDate: '2026-11-16'}
    let item: ItemState
    if (kind === 'draft') {
      item = {id: `PVTI_d${seed}_${i}`, type: 'DRAFT_ISSUE', archived: false, draft: {id: `DI_${seed}_${i}`, title: `Draft: ${sentence(r, 3)}`, body: longBody(r, 1), assignees: []}, values}
    } else {
      const url = `https://github.com/${repo}/${kind === 'pr' ? 'pull' : 'issues'}/${number}`
      const blockedBy = kind === 'issue' && issueUrls.length > 0 && r() < 0.4 ? [issueUrls[Math.floor(r() * issueUrls.length)]] : []
      item = {
        id: `PVTI_${seed}_${i}`,
        type: kind === 'pr' ? 'PULL_REQUEST' : 'ISSUE',
        archived: i % 7 === 6,
        content: {
          kind: kind === 'pr' ? 'PullRequest' : 'Issue',
          url,
          repository: repo,
          number,
          title: `${sentence(r, 4)} #${number}`,
          body: longBody(r, 2),
          state: r() < 0.7 ? 'OPEN' : 'CLOSED',
          stateReason: null,
          labels: r() < 0.5 ? ['bug'] : ['enhancement', 'good first issue'],
          assignees: r() < 0.5 ? ['octocat'] : [],
          milestone: r() < 0.5 ? `${repo}#1` : null,
          parent: null,
          subIssues: [],
          blockedBy: blockedBy.sort(),
        },
        values,
      }
      if (kind === 'issue') issueUrls.push(url)
    }
    const key = itemKey(item)
    items[key] = item
    order.push(key)
  }

  return {
    schemaVersion: 1,
    type: 'full',
    project: {
      id: projectId,
      number: 3,
      url: 'https://github.com/users/b-coman/projects/3',
      owner: {login: 'b-coman', type: 'User'},
      title: 'Roadmap',
      shortDescription: 'What we build next',
      readme: `# Roadmap\n\n${longBody(r, 2)}`,
      public: false,
      closed: false,
      template: false,
    },
    fields,
    views: {
      '1': {id: 'PVTV_1', number: 1, name: 'Table', layout: 'TABLE_LAYOUT', filter: null, visibleFields: ['Title', 'Status', 'Priority', 'Estimate'], sortBy: [{field: 'Priority', direction: 'ASC'}], groupBy: [], verticalGroupBy: []},
      '2': {id: 'PVTV_2', number: 2, name: 'Board', layout: 'BOARD_LAYOUT', filter: 'is:open', visibleFields: ['Title', 'Assignees'], sortBy: [], groupBy: [], verticalGroupBy: ['Status']},
      '3': {id: 'PVTV_3', number: 3, name: 'Roadmap', layout: 'ROADMAP_LAYOUT', filter: null, visibleFields: ['Title', 'Sprint'], sortBy: [], groupBy: ['Sprint'], verticalGroupBy: []},
    },
    workflows: {
      '1': {id: 'PWF_1', number: 1, name: 'Item closed', enabled: true},
      '2': {id: 'PWF_2', number: 2, name: 'Auto-add to project', enabled: false},
    },
    repositories: [...repos].sort(),
    teams: [],
    statusUpdates: {
      PVTSU_1: {id: 'PVTSU_1', body: 'On track for the release', status: 'ON_TRACK', startDate: '2026-11-01', targetDate: '2026-12-15', createdAt: '2026-11-20T09:00:00Z'},
    },
    items,
    itemOrder: order,
    milestones: Object.fromEntries(repos.map((repo) => [`${repo}#1`, {repository: repo, number: 1, title: 'v1.0', description: null, state: 'OPEN', dueOn: '2026-12-31T00:00:00Z'}])),
  }
}

/** What a capture of the given type holds of state: its sections (minimal: field names and types only). */
export function captureAs(state: ProjectState, type: BackupType): ProjectState {
  const out: Record<string, unknown> = {schemaVersion: state.schemaVersion, type}
  for (const s of SECTIONS[type]) {
    const v = (state as unknown as Record<string, unknown>)[s]
    if (v !== undefined) out[s] = structuredClone(v)
  }
  if (type === 'minimal') {
    out.fields = Object.fromEntries(Object.entries(state.fields).map(([id, f]) => [id, {id: f.id, name: f.name, dataType: f.dataType}]))
  }
  return out as unknown as ProjectState
}

// -----------------------------------------------------------------------------------------------------------------
// edits

export type Edit =
  | {kind: 'renameField'; pick: number; name: string}
  | {kind: 'replaceOptions'; pick: number; salt: number}
  | {kind: 'addOption'; pick: number; name: string}
  | {kind: 'setValue'; item: number; field: number; n: number; text: string}
  | {kind: 'clearValue'; item: number; field: number}
  | {kind: 'addItem'; type: 'issue' | 'pr' | 'draft'; title: string; body: string}
  | {kind: 'removeItem'; item: number}
  | {kind: 'archiveItem'; item: number}
  | {kind: 'editBody'; item: number; at: number; text: string}
  | {kind: 'editTitle'; item: number; title: string}
  | {kind: 'reorder'; from: number; to: number}
  | {kind: 'editProject'; title: string; readmeLine: string}
  | {kind: 'addField'; name: string; type: 'TEXT' | 'NUMBER' | 'DATE'}
  | {kind: 'deleteField'; pick: number}
  | {kind: 'editView'; pick: number; filter: string}
  | {kind: 'toggleWorkflow'; pick: number}

const text = (max: number) => fc.string({maxLength: max, unit: 'grapheme'})
const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,15}$/)
const idx = fc.nat({max: 1000})

/** Any single edit. */
export const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({kind: fc.constant('renameField' as const), pick: idx, name}),
  fc.record({kind: fc.constant('replaceOptions' as const), pick: idx, salt: fc.nat()}),
  fc.record({kind: fc.constant('addOption' as const), pick: idx, name}),
  fc.record({kind: fc.constant('setValue' as const), item: idx, field: idx, n: fc.integer({min: -50, max: 500}), text: text(30)}),
  fc.record({kind: fc.constant('clearValue' as const), item: idx, field: idx}),
  fc.record({kind: fc.constant('addItem' as const), type: fc.constantFrom('issue' as const, 'pr' as const, 'draft' as const), title: text(40), body: text(300)}),
  fc.record({kind: fc.constant('removeItem' as const), item: idx}),
  fc.record({kind: fc.constant('archiveItem' as const), item: idx}),
  fc.record({kind: fc.constant('editBody' as const), item: idx, at: idx, text: text(40)}),
  fc.record({kind: fc.constant('editTitle' as const), item: idx, title: text(40)}),
  fc.record({kind: fc.constant('reorder' as const), from: idx, to: idx}),
  fc.record({kind: fc.constant('editProject' as const), title: name, readmeLine: text(60)}),
  fc.record({kind: fc.constant('addField' as const), name, type: fc.constantFrom('TEXT' as const, 'NUMBER' as const, 'DATE' as const)}),
  fc.record({kind: fc.constant('deleteField' as const), pick: idx}),
  fc.record({kind: fc.constant('editView' as const), pick: idx, filter: text(20)}),
  fc.record({kind: fc.constant('toggleWorkflow' as const), pick: idx}),
)

const at = <T>(list: T[], i: number): T | undefined => (list.length === 0 ? undefined : list[i % list.length])

function customFields(s: ProjectState, types?: FieldDataType[]): FieldDef[] {
  return Object.values(s.fields)
    .filter((f) => ['SINGLE_SELECT', 'NUMBER', 'TEXT', 'DATE', 'ITERATION'].includes(f.dataType) && (!types || types.includes(f.dataType)))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
}

function uniqueName(s: ProjectState, wanted: string): string {
  const names = new Set(Object.values(s.fields).map((f) => f.name))
  let out = wanted.trim() || 'Field'
  for (let i = 2; names.has(out); i++) out = `${wanted.trim() || 'Field'} ${i}`
  return out
}

/** state with edit applied, as a new value (an edit that does not fit the state, e.g. no items left, is a no-op). */
export function applyEdit(state: ProjectState, edit: Edit): ProjectState {
  const s = structuredClone(state)
  const items = s.items ?? (s.items = {})
  const order = s.itemOrder ?? (s.itemOrder = [])
  const keys = Object.keys(items).sort()
  switch (edit.kind) {
    case 'renameField': {
      const f = at(customFields(s), edit.pick)
      if (f) f.name = uniqueName(s, edit.name)
      break
    }
    case 'replaceOptions': {
      // GitHub's hazard: replacing the option list gives every option a new id and orphans every value
      const f = at(customFields(s, ['SINGLE_SELECT']), edit.pick)
      if (!f?.options) break
      const opts = Object.values(f.options)
      f.options = Object.fromEntries(opts.map((o, i) => [`new${edit.salt}_${i}`, {...o, id: `new${edit.salt}_${i}`}]))
      for (const item of Object.values(items)) delete item.values[f.id]
      break
    }
    case 'addOption': {
      const f = at(customFields(s, ['SINGLE_SELECT']), edit.pick)
      if (!f?.options) break
      const position = Object.keys(f.options).length
      const id = `opt_${position}_${f.id.length}_${edit.name.length}`
      if (!f.options[id]) f.options[id] = {id, name: `${edit.name} ${position}`, description: '', color: 'GRAY', position}
      break
    }
    case 'setValue': {
      const key = at(keys, edit.item)
      const f = at(customFields(s), edit.field)
      if (!key || !f) break
      const values = items[key].values
      if (f.dataType === 'SINGLE_SELECT') {
        const o = at(Object.values(f.options ?? {}), edit.n)
        if (o) values[f.id] = {type: 'singleSelect', optionId: o.id, name: o.name}
      } else if (f.dataType === 'ITERATION') {
        const it = at(Object.values(f.iteration?.iterations ?? {}), edit.n)
        if (it) values[f.id] = {type: 'iteration', iterationId: it.id, title: it.title, startDate: it.startDate}
      } else if (f.dataType === 'NUMBER') values[f.id] = {type: 'number', number: edit.n / 4}
      else if (f.dataType === 'DATE') values[f.id] = {type: 'date', date: `2027-01-${String(1 + (Math.abs(edit.n) % 28)).padStart(2, '0')}`}
      else values[f.id] = {type: 'text', text: edit.text}
      break
    }
    case 'clearValue': {
      const key = at(keys, edit.item)
      const f = at(customFields(s), edit.field)
      if (key && f) delete items[key].values[f.id]
      break
    }
    case 'addItem': {
      const next = 1 + Math.max(100, ...Object.values(items).map((i) => i.content?.number ?? 0), ...keys.map((k) => Number(/(\d+)$/.exec(k)?.[1] ?? 0)))
      let item: ItemState
      if (edit.type === 'draft') {
        item = {id: `PVTI_new${next}`, type: 'DRAFT_ISSUE', archived: false, draft: {id: `DI_new${next}`, title: edit.title, body: edit.body, assignees: []}, values: {}}
      } else {
        const repo = (s.repositories ?? ['acme/api'])[0] ?? 'acme/api'
        const url = `https://github.com/${repo}/${edit.type === 'pr' ? 'pull' : 'issues'}/${next}`
        item = {
          id: `PVTI_new${next}`,
          type: edit.type === 'pr' ? 'PULL_REQUEST' : 'ISSUE',
          archived: false,
          content: {kind: edit.type === 'pr' ? 'PullRequest' : 'Issue', url, repository: repo, number: next, title: edit.title, body: edit.body, state: 'OPEN', stateReason: null, labels: [], assignees: [], milestone: null, parent: null, subIssues: [], blockedBy: []},
          values: {},
        }
      }
      items[itemKey(item)] = item
      order.push(itemKey(item))
      break
    }
    case 'removeItem': {
      const key = at(keys, edit.item)
      if (!key) break
      delete items[key]
      s.itemOrder = order.filter((k) => k !== key)
      for (const other of Object.values(items)) {
        if (other.content?.blockedBy) other.content.blockedBy = other.content.blockedBy.filter((u) => u !== key)
      }
      break
    }
    case 'archiveItem': {
      const key = at(keys, edit.item)
      if (key) items[key].archived = !items[key].archived
      break
    }
    case 'editBody': {
      const key = at(keys, edit.item)
      const c = key ? (items[key].content ?? items[key].draft) : undefined
      if (!c) break
      const pos = edit.at % (c.body.length + 1)
      c.body = c.body.slice(0, pos) + edit.text + c.body.slice(pos)
      break
    }
    case 'editTitle': {
      const key = at(keys, edit.item)
      const c = key ? (items[key].content ?? items[key].draft) : undefined
      if (c) c.title = edit.title
      break
    }
    case 'reorder': {
      if (order.length < 2) break
      const [moved] = order.splice(edit.from % order.length, 1)
      order.splice(edit.to % (order.length + 1), 0, moved)
      break
    }
    case 'editProject':
      s.project.title = edit.title
      s.project.readme = `${s.project.readme ?? ''}\n${edit.readmeLine}`
      break
    case 'addField': {
      const id = `PVTF_added_${Object.keys(s.fields).length}_${edit.name.length}`
      if (!s.fields[id]) s.fields[id] = {id, name: uniqueName(s, edit.name), dataType: edit.type}
      break
    }
    case 'deleteField': {
      const f = at(customFields(s), edit.pick)
      if (!f) break
      delete s.fields[f.id]
      for (const item of Object.values(items)) delete item.values[f.id]
      break
    }
    case 'editView': {
      const v = at(Object.values(s.views ?? {}), edit.pick)
      if (v) v.filter = edit.filter || null
      break
    }
    case 'toggleWorkflow': {
      const w = at(Object.values(s.workflows ?? {}), edit.pick)
      if (w) w.enabled = !w.enabled
      break
    }
  }
  return s
}

export function applyEdits(state: ProjectState, edits: Edit[]): ProjectState {
  return edits.reduce(applyEdit, state)
}
