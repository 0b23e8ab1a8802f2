/** One plan operation of every kind (and every variant that picks another mutation), and a resolver stub. */
import type {Resolver} from '../../src/plan/mutations.js'
import type {ContentRef, FieldRef, ItemRef, Operation} from '../../src/plan/plan.js'

const field: FieldRef = {name: 'Status', dataType: 'SINGLE_SELECT', liveId: 'F1'}
const item: ItemRef = {key: 'k', label: 'acme/api#1', liveId: 'I1'}
const issue: ContentRef = {url: 'https://github.com/acme/api/issues/1', kind: 'Issue', repository: 'acme/api', number: 1}
const pr: ContentRef = {url: 'https://github.com/acme/api/pull/2', kind: 'PullRequest', repository: 'acme/api', number: 2}
const options = [{name: 'Todo', description: '', color: 'GRAY' as const}]
const iteration = {duration: 14, startDate: '2026-01-05', iterations: [{title: 'S1', startDate: '2026-01-05', duration: 14}]}

export const EVERY_OPERATION: Operation[] = [
  {op: 'updateProject', id: 'a', deps: [], changes: {title: 't', readme: null, public: true, closed: false, shortDescription: 's'}, before: {}},
  {op: 'createField', id: 'b', deps: [], field: {...field, liveId: null}, options},
  {op: 'createField', id: 'b2', deps: [], field: {name: 'Sprint', dataType: 'ITERATION', liveId: null}, iteration},
  {op: 'createField', id: 'b3', deps: [], field: {name: 'Notes', dataType: 'TEXT', liveId: null}},
  {op: 'renameField', id: 'c', deps: [], field, from: 'Old'},
  {op: 'restoreOptions', id: 'd', deps: [], field, options, before: []},
  {op: 'restoreIterations', id: 'e', deps: [], field: {name: 'Sprint', dataType: 'ITERATION', liveId: 'F2'}, iteration},
  {op: 'deleteField', id: 'f', deps: [], field},
  {op: 'createView', id: 'g', deps: [], view: {number: 1, name: 'Board', layout: 'BOARD_LAYOUT', filter: 'is:open', visibleFields: ['Status'], sortBy: [{field: 'Status', direction: 'DESC'}], groupBy: [], verticalGroupBy: ['Status']}},
  {op: 'createIssue', id: 'h', deps: [], item, content: issue, title: 't', body: 'b', labels: ['bug'], assignees: ['octocat']},
  {op: 'addItem', id: 'i', deps: [], item, content: issue},
  {op: 'createDraft', id: 'j', deps: [], item, title: 't', body: 'b', assignees: ['octocat']},
  {op: 'updateDraft', id: 'j2', deps: [], item, draftId: 'DI_1', title: 't', body: 'b', assignees: []},
  {op: 'archiveItem', id: 'k', deps: [], item},
  {op: 'unarchiveItem', id: 'l', deps: [], item},
  {op: 'deleteItem', id: 'm', deps: [], item},
  {op: 'setValue', id: 'n1', deps: [], item, field, value: {type: 'singleSelect', name: 'Todo'}, before: null},
  {op: 'setValue', id: 'n2', deps: [], item, field: {name: 'Sprint', dataType: 'ITERATION', liveId: 'F2'}, value: {type: 'iteration', title: 'S1'}, before: null},
  {op: 'setValue', id: 'n3', deps: [], item, field: {name: 'Notes', dataType: 'TEXT', liveId: 'F3'}, value: {type: 'text', text: 'x'}, before: null},
  {op: 'setValue', id: 'n4', deps: [], item, field: {name: 'Points', dataType: 'NUMBER', liveId: 'F4'}, value: {type: 'number', number: 2.5}, before: null},
  {op: 'setValue', id: 'n5', deps: [], item, field: {name: 'Due', dataType: 'DATE', liveId: 'F5'}, value: {type: 'date', date: '2026-01-01'}, before: null},
  {op: 'clearValue', id: 'o', deps: [], item, field, before: '"x"'},
  {op: 'moveItem', id: 'p1', deps: [], item, after: null},
  {op: 'moveItem', id: 'p2', deps: [], item, after: {...item, liveId: 'I2'}},
  {op: 'updateContent', id: 'q1', deps: [], content: issue, title: 't', body: 'b'},
  {op: 'updateContent', id: 'q2', deps: [], content: pr, title: 't'},
  {op: 'setIssueState', id: 'r1', deps: [], content: issue, state: 'CLOSED', stateReason: 'NOT_PLANNED'},
  {op: 'setIssueState', id: 'r2', deps: [], content: issue, state: 'OPEN', stateReason: null},
  {op: 'setIssueState', id: 'r3', deps: [], content: pr, state: 'CLOSED', stateReason: null},
  {op: 'addLabels', id: 's1', deps: [], content: issue, labels: ['bug']},
  {op: 'removeLabels', id: 's2', deps: [], content: issue, labels: ['bug']},
  {op: 'addAssignees', id: 't1', deps: [], content: issue, assignees: ['octocat']},
  {op: 'removeAssignees', id: 't2', deps: [], content: issue, assignees: ['octocat']},
  {op: 'setMilestone', id: 'u1', deps: [], content: issue, milestone: {title: 'v1', repository: 'acme/api'}},
  {op: 'setMilestone', id: 'u2', deps: [], content: pr, milestone: null},
  {op: 'addSubIssue', id: 'v1', deps: [], parent: issue, child: {...issue, url: issue.url + '0', number: 10}},
  {op: 'removeSubIssue', id: 'v2', deps: [], parent: issue, child: {...issue, url: issue.url + '0', number: 10}},
  {op: 'addBlockedBy', id: 'w1', deps: [], content: issue, blocker: pr},
  {op: 'removeBlockedBy', id: 'w2', deps: [], content: issue, blocker: pr},
  {op: 'setTemplate', id: 'w3', deps: [], template: true},
  {op: 'setTemplate', id: 'w4', deps: [], template: false},
  {op: 'setIssueType', id: 'w5', deps: [], content: issue, issueType: 'Bug', before: null},
  {op: 'setIssueType', id: 'w6', deps: [], content: issue, issueType: null, before: 'Bug'},
  {op: 'setIssueFields', id: 'w7', deps: [], content: issue, set: {Priority: 'High', Effort: 3}, remove: ['Due']},
  {op: 'reorderSubIssue', id: 'w8', deps: [], parent: issue, child: {...issue, url: issue.url + '0', number: 10}, after: {...issue, url: issue.url + '1', number: 11}, before: null},
  {op: 'reorderSubIssue', id: 'w9', deps: [], parent: issue, child: {...issue, url: issue.url + '0', number: 10}, after: null, before: {...issue, url: issue.url + '1', number: 11}},
  {op: 'createStatusUpdate', id: 'x', deps: [], body: 'ok', status: 'ON_TRACK', startDate: '2026-01-01', targetDate: null},
  {op: 'linkRepository', id: 'y', deps: [], repository: 'acme/api'},
  {op: 'linkTeam', id: 'z', deps: [], team: 'acme/core'},
]

export const resolver: Resolver = {
  projectId: 'P1',
  fieldId: (f) => f.liveId ?? 'NEW',
  itemId: (i) => i.liveId ?? 'NEWITEM',
  optionId: (_f, name) => `opt:${name}`,
  iterationId: (_f, title) => `it:${title}`,
  contentId: (c) => `C:${c.url}`,
  contentDatabaseId: () => 77,
  contentNumber: (c) => c.number,
  labelIds: (_r, names) => names.map((n) => `L:${n}`),
  userIds: (logins) => logins.map((l) => `U:${l}`),
  milestoneId: () => 'M1',
  repositoryId: () => 'R1',
  teamId: () => 'T1',
  issueTypeId: (_r, name) => `IT:${name}`,
  issueFieldInput: (_r, name, value) =>
    value === null ? {fieldId: `IF:${name}`, delete: true} : typeof value === 'number' ? {fieldId: `IF:${name}`, numberValue: value} : {fieldId: `IF:${name}`, textValue: value},
  fieldDatabaseId: (name) => (name === 'Status' ? 11 : 12),
  viewRoute: () => ({route: 'orgs/{org}', params: {org: 'acme', project_number: 7}}),
}

