import {type BackupType, type FieldValue, type IssueContent, type Milestone, type ProjectState, STATE_SCHEMA_VERSION} from '../model/state.js'
import {stateShapeProblem} from '../model/state-schema.js'
import {canonicalJson, hashOf} from '../util/canonical.js'
import {UserError} from '../util/errors.js'
import {CREATOR, type EventHeader} from './events.js'

/**
 * The spec's "Backup Data Structure" document (`backup export` / `restore --from-file`), plus `project_state`: the
 * whole canonical ProjectState, so an import loses nothing. The spec's sections are DERIVED from project_state and
 * re-derived on import, so they can never disagree with it.
 *
 * integrity.data_checksum = hashOf(project_state) (equal to the event's stateHash);
 * backup_metadata.checksum = hashOf(the whole document without that one field).
 */
export interface BackupDocument {
  backup_metadata: {
    name: string
    timestamp: string
    type: BackupType
    creator: string
    version: string
    project_id: string
    checksum: string
  }
  project_config: {
    project_info: {
      project_id: string
      project_url: string
      field_mappings: Record<string, FieldMapping>
    }
  }
  project_structure: {fields: ExportField[]; views: ExportView[]}
  project_data: {issues: ExportIssue[]; drafts: ExportDraft[]; milestones: Array<Milestone & {key: string}>}
  integrity: {
    data_checksum: string
    validation_results: {issues_count: number; fields_count: number; dependencies_validated: boolean}
  }
  project_state: ProjectState
}

export interface FieldMapping {
  id: string
  type: string
  /** single select: option name -> option id */
  options?: Record<string, string>
  /** iteration: iteration title -> iteration id */
  iterations?: Record<string, string>
}

export interface ExportField {
  id: string
  name: string
  /** lower-case snake: `single_select`, `iteration`, `text`, ... */
  type: string
  options?: Array<{id: string; name: string; color: string; description: string}>
  iteration?: {duration: number; start_day: number; iterations: ExportIteration[]; completed_iterations: ExportIteration[]}
}

interface ExportIteration {
  id: string
  title: string
  start_date: string
  duration: number
}

export interface ExportView {
  id: string
  number: number
  name: string
  layout: 'table' | 'board' | 'roadmap'
  filter: string | null
  visible_fields: string[]
  sort_by: Array<{field: string; direction: 'asc' | 'desc'}>
  group_by: string[]
  vertical_group_by: string[]
}

export interface ExportIssue {
  number: number
  repository: string
  url: string
  kind: 'issue' | 'pull_request'
  title: string
  state: string
  archived: boolean
  /** the value of the field named Status, if any */
  status: string | null
  field_values: Record<string, string | number>
  labels: string[]
  assignees: string[]
  milestone: string | null
  /** blocked-by issues: `#40` in the same repository, `owner/repo#40` elsewhere */
  dependencies: string[]
  parent: string | null
  sub_issues: string[]
  /** the issue type's name (null: none); absent when the backup did not read issue types */
  issue_type?: string | null
  /** organization issue-field values by field name; absent when the backup did not read them */
  issue_fields?: Record<string, string | number>
}

export interface ExportDraft {
  title: string
  archived: boolean
  status: string | null
  field_values: Record<string, string | number>
}

export type ExportHeader = Pick<EventHeader, 'name' | 'timestamp' | 'type' | 'version' | 'projectId'>

export interface ImportedBackup {
  meta: ExportHeader & {creator: string; checksum: string}
  state: ProjectState
}

const ISSUE_URL = /^https?:\/\/[^/]+\/([^/]+)\/([^/]+)\/(?:issues|pull)\/(\d+)$/

function parseIssueUrl(url: string): {repository: string; number: number} | undefined {
  const m = ISSUE_URL.exec(url)
  return m ? {repository: `${m[1]}/${m[2]}`, number: Number(m[3])} : undefined
}

function issueRef(url: string, fromRepository: string): string {
  const target = parseIssueUrl(url)
  if (!target) return url
  return target.repository === fromRepository ? `#${target.number}` : `${target.repository}#${target.number}`
}

/** A field value as people read it: the text, the number, the date, the option's name, the iteration's title. */
export function displayValue(value: FieldValue): string | number {
  switch (value.type) {
    case 'text':
      return value.text
    case 'number':
      return value.number
    case 'date':
      return value.date
    case 'singleSelect':
      return value.name
    case 'iteration':
      return value.title
  }
}

/** An issue's type and issue-field values for the document, when captured; throws on a malformed state. */
function planningOf(c: IssueContent): Pick<ExportIssue, 'issue_type' | 'issue_fields'> {
  const out: Pick<ExportIssue, 'issue_type' | 'issue_fields'> = {}
  if (c.issueType !== undefined) {
    if (c.issueType !== null && typeof c.issueType !== 'string') throw new Error('issueType is not a name')
    out.issue_type = c.issueType
  }
  if (c.issueFields !== undefined) {
    if (!c.issueFields || typeof c.issueFields !== 'object' || Array.isArray(c.issueFields)) throw new Error('issueFields is not an object')
    for (const v of Object.values(c.issueFields)) if (typeof v !== 'string' && typeof v !== 'number') throw new Error('an issue-field value is not text or a number')
    out.issue_fields = Object.fromEntries(byKey(c.issueFields))
  }
  return out
}

const byKey = <T>(rec: Record<string, T> | undefined): Array<[string, T]> => Object.entries(rec ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

/** The derived sections of the document (everything but backup_metadata.checksum and project_state). */
function derive(header: ExportHeader, state: ProjectState): Omit<BackupDocument, 'project_state'> {
  const fields = Object.values(state.fields).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1))
  const fieldName = (id: string) => state.fields[id]?.name ?? id
  const statusField = fields.find((f) => f.name.toLowerCase() === 'status')
  const valuesOf = (values: Record<string, FieldValue>) =>
    Object.fromEntries(byKey(values).map(([id, v]) => [fieldName(id), displayValue(v)]))
  const statusOf = (values: Record<string, FieldValue>) => {
    const v = statusField ? values[statusField.id] : undefined
    return v ? String(displayValue(v)) : null
  }

  const items = state.items ?? {}
  const order = [...(state.itemOrder ?? []).filter((k) => k in items), ...Object.keys(items).filter((k) => !(state.itemOrder ?? []).includes(k)).sort()]
  const issues: ExportIssue[] = []
  const drafts: ExportDraft[] = []
  let depsOk = true
  for (const key of order) {
    const item = items[key]
    if (item.content) {
      const c = item.content
      for (const url of [...(c.blockedBy ?? []), ...c.subIssues, ...(c.parent ? [c.parent] : [])]) {
        if (!parseIssueUrl(url) || url === c.url) depsOk = false
      }
      issues.push({
        number: c.number,
        repository: c.repository,
        url: c.url,
        kind: c.kind === 'Issue' ? 'issue' : 'pull_request',
        title: c.title,
        state: c.state,
        archived: item.archived,
        status: statusOf(item.values),
        field_values: valuesOf(item.values),
        labels: c.labels,
        assignees: c.assignees,
        milestone: c.milestone,
        dependencies: (c.blockedBy ?? []).map((u) => issueRef(u, c.repository)),
        parent: c.parent ? issueRef(c.parent, c.repository) : null,
        sub_issues: c.subIssues.map((u) => issueRef(u, c.repository)),
        ...planningOf(c),
      })
    } else if (item.draft) {
      drafts.push({title: item.draft.title, archived: item.archived, status: statusOf(item.values), field_values: valuesOf(item.values)})
    }
  }

  const iterations = (rec: Record<string, {id: string; title: string; startDate: string; duration: number}>) =>
    Object.values(rec)
      .sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : a.id < b.id ? -1 : 1))
      .map((i) => ({id: i.id, title: i.title, start_date: i.startDate, duration: i.duration}))

  return {
    backup_metadata: {
      name: header.name,
      timestamp: header.timestamp,
      type: header.type,
      creator: CREATOR,
      version: header.version,
      project_id: header.projectId,
      checksum: '',
    },
    project_config: {
      project_info: {
        project_id: state.project.id,
        project_url: state.project.url,
        field_mappings: Object.fromEntries(
          fields.map((f) => {
            const m: FieldMapping = {id: f.id, type: f.dataType.toLowerCase()}
            if (f.options) m.options = Object.fromEntries(Object.values(f.options).map((o) => [o.name, o.id]))
            if (f.iteration) {
              m.iterations = Object.fromEntries([...Object.values(f.iteration.completedIterations), ...Object.values(f.iteration.iterations)].map((i) => [i.title, i.id]))
            }
            return [f.name, m]
          }),
        ),
      },
    },
    project_structure: {
      fields: fields.map((f) => {
        const out: ExportField = {id: f.id, name: f.name, type: f.dataType.toLowerCase()}
        if (f.options) {
          out.options = Object.values(f.options)
            .sort((a, b) => a.position - b.position)
            .map((o) => ({id: o.id, name: o.name, color: o.color, description: o.description}))
        }
        if (f.iteration) {
          out.iteration = {
            duration: f.iteration.duration,
            start_day: f.iteration.startDay,
            iterations: iterations(f.iteration.iterations),
            completed_iterations: iterations(f.iteration.completedIterations),
          }
        }
        return out
      }),
      views: Object.values(state.views ?? {})
        .sort((a, b) => a.number - b.number)
        .map((v) => ({
          id: v.id,
          number: v.number,
          name: v.name,
          layout: v.layout.replace('_LAYOUT', '').toLowerCase() as ExportView['layout'],
          filter: v.filter,
          visible_fields: v.visibleFields,
          sort_by: v.sortBy.map((s) => ({field: s.field, direction: s.direction === 'ASC' ? 'asc' : 'desc'})),
          group_by: v.groupBy,
          vertical_group_by: v.verticalGroupBy,
        })),
    },
    project_data: {
      issues,
      drafts,
      milestones: byKey(state.milestones).map(([key, m]) => ({key, ...m})),
    },
    integrity: {
      data_checksum: hashOf(state),
      validation_results: {issues_count: issues.length, fields_count: fields.length, dependencies_validated: depsOk},
    },
  }
}

function documentChecksum(doc: BackupDocument): string {
  const {checksum: _c, ...meta} = doc.backup_metadata
  return hashOf({...doc, backup_metadata: meta})
}

/** The export document of one backup: header of the event, state as materialised for it. */
export function exportDocument(header: ExportHeader, state: ProjectState): BackupDocument {
  const project_state = JSON.parse(canonicalJson(state)) as ProjectState
  const doc: BackupDocument = {...derive(header, project_state), project_state}
  doc.backup_metadata.checksum = documentChecksum(doc)
  return doc
}

/** Reads and verifies an export document; any problem is a one-line UserError and nothing is returned. */
export function importDocument(json: string): ImportedBackup {
  const fail = (why: string) =>
    new UserError(`the backup file cannot be imported: ${why}; use an unmodified file written by \`github-pm backup export\``, {code: 'EIMPORT'})
  let doc: BackupDocument
  try {
    doc = JSON.parse(json) as BackupDocument
  } catch (error: any) {
    throw fail(`it is not valid JSON (${error?.message ?? error})`)
  }
  try {
    return verifyDocument(doc, fail)
  } catch (error) {
    if (error instanceof UserError) throw error
    // a hostile document (e.g. nested thousands of levels deep) must still be a one-line refusal, not a crash
    throw fail(`it is malformed (${error instanceof Error ? error.message : String(error)})`)
  }
}

function verifyDocument(doc: BackupDocument, fail: (why: string) => UserError): ImportedBackup {
  const m = doc?.backup_metadata
  const s = doc?.project_state
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw fail('it is not a github-pm backup document')
  if (!m || typeof m !== 'object' || typeof m.name !== 'string' || typeof m.timestamp !== 'string' || typeof m.project_id !== 'string' || typeof m.checksum !== 'string' || typeof m.version !== 'string') {
    throw fail('backup_metadata is missing or incomplete')
  }
  if (!['full', 'config', 'minimal'].includes(m.type)) throw fail(`backup_metadata.type "${m.type}" is not full, config or minimal`)
  if (!s || typeof s !== 'object' || Array.isArray(s) || s.schemaVersion !== STATE_SCHEMA_VERSION) {
    throw fail('project_state is missing or is not a supported project state')
  }
  if (documentChecksum(doc) !== m.checksum) throw fail('backup_metadata.checksum does not match the document')
  if (doc.integrity?.data_checksum !== hashOf(s)) throw fail('integrity.data_checksum does not match project_state')
  // checksums can be computed again by anyone: every field of the state must also have its type
  // (src/model/state-schema.ts), checked before anything reads the state
  const problem = stateShapeProblem(s, 'project_state')
  if (problem) throw fail(`${problem.path} is wrong (${problem.message})`)
  if (s.type !== m.type || s.project.id !== m.project_id) throw fail('project_state does not match backup_metadata')
  const header: ExportHeader = {name: m.name, timestamp: m.timestamp, type: m.type, version: m.version, projectId: m.project_id}
  let derived
  try {
    derived = derive(header, s)
  } catch {
    throw fail('project_state is malformed')
  }
  for (const section of ['project_config', 'project_structure', 'project_data'] as const) {
    if (canonicalJson(derived[section]) !== canonicalJson(doc[section])) throw fail(`${section} disagrees with project_state`)
  }
  if (canonicalJson(derived.integrity) !== canonicalJson(doc.integrity)) throw fail('integrity disagrees with project_state')
  return {meta: {...header, creator: m.creator, checksum: m.checksum}, state: JSON.parse(canonicalJson(s)) as ProjectState}
}
