/**
 * GitHub's planning features on issues, beside the core model: organization issue types, organization issue fields
 * (public preview) and their values on issues, project fields that show an issue field, issue dependencies
 * (blocked by / blocking) with their limits, sub-issue nesting depth and sub-issue order.
 *
 * Issue types and issue fields belong to organizations: issues of repositories owned by a user have neither.
 */
import {LIMITS} from '../../github/defaults.js'
import type {IssueFieldVisibility} from '../../model/github-enums.js'
import {nodeNotFound, unprocessable, type Model} from './model.js'
import type {NodeTypeName} from './ids.js'
import {
  OPTION_COLORS,
  type FieldRec,
  type IssueFieldDataType,
  type IssueFieldRec,
  type IssueFieldValueRec,
  type IssueRec,
  type IssueTypeRec,
  type ItemRec,
  type OptionColor,
  type OrgRec,
  type ProjectRec,
} from './store.js'

export interface IssueTypeInput {
  name: string
  description?: string | null
  color?: string | null
  isEnabled?: boolean | null
}

export interface IssueFieldInput {
  name: string
  dataType: IssueFieldDataType
  description?: string | null
  visibility?: IssueFieldVisibility | null
  options?: Array<{name: string; description?: string | null; color?: string | null; priority?: number | null}> | null
}

/** GraphQL `IssueFieldCreateOrUpdateInput` (the members the sandbox supports). */
export interface IssueFieldValueInput {
  fieldId: string
  textValue?: string | null
  numberValue?: number | null
  dateValue?: string | null
  singleSelectOptionId?: string | null
  multiSelectOptionIds?: string[] | null
  delete?: boolean | null
}

const ISSUE_FIELD_TYPES: readonly IssueFieldDataType[] = ['TEXT', 'NUMBER', 'DATE', 'SINGLE_SELECT']

const FIELD_NODE_TYPE: Record<IssueFieldDataType, NodeTypeName> = {
  TEXT: 'IssueFieldText',
  NUMBER: 'IssueFieldNumber',
  DATE: 'IssueFieldDate',
  SINGLE_SELECT: 'IssueFieldSingleSelect',
}

/** The GraphQL type an issue field presents as. */
export function issueFieldTypeName(field: IssueFieldRec): string {
  return FIELD_NODE_TYPE[field.dataType]
}

function color(value: string | null | undefined, fallback: OptionColor): OptionColor {
  if (value === undefined || value === null) return fallback
  const upper = value.toUpperCase() as OptionColor
  if (!OPTION_COLORS.includes(upper)) throw unprocessable(`Color ${value} is not one of ${OPTION_COLORS.join(', ')}.`)
  return upper
}

export class Planning {
  constructor(readonly m: Model) {}

  get issueTypes(): Record<string, IssueTypeRec> {
    return (this.m.store.issueTypes ??= {})
  }

  get issueFields(): Record<string, IssueFieldRec> {
    return (this.m.store.issueFields ??= {})
  }

  /** The organization owning the issue's repository, or undefined for a user's repository. */
  orgOfIssue(issue: IssueRec): OrgRec | undefined {
    return this.m.store.orgs[this.m.store.repos[issue.repoId]?.ownerId ?? '']
  }

  private stamp(type: NodeTypeName) {
    const t = this.m.timestamp()
    return {id: this.m.ids.node(type), databaseId: this.m.ids.databaseId(), createdAt: t, updatedAt: t}
  }

  // ---------------------------------------------------------------- issue types

  /** An organization's issue types in creation order. */
  typesOf(orgId: string): IssueTypeRec[] {
    return Object.values(this.issueTypes).filter((t) => t.orgId === orgId)
  }

  typeOfName(orgId: string, name: string): IssueTypeRec | undefined {
    const lower = name.toLowerCase()
    return this.typesOf(orgId).find((t) => t.name.toLowerCase() === lower)
  }

  expectType(id: string): IssueTypeRec {
    const rec = this.issueTypes[id]
    if (!rec) throw nodeNotFound(id)
    return rec
  }

  addIssueType(org: OrgRec, input: IssueTypeInput): IssueTypeRec {
    const name = String(input.name ?? '').trim()
    if (!name) throw unprocessable("Name can't be blank")
    if (this.typeOfName(org.id, name)) throw unprocessable('Name has already been taken')
    if (this.typesOf(org.id).length >= LIMITS.issueTypesPerOrg) {
      throw unprocessable(`An organization can have at most ${LIMITS.issueTypesPerOrg} issue types.`)
    }
    const rec: IssueTypeRec = {
      ...this.stamp('IssueType'),
      orgId: org.id,
      name,
      description: input.description ?? null,
      color: color(input.color, 'GRAY'),
      isEnabled: input.isEnabled ?? true,
    }
    this.issueTypes[rec.id] = rec
    return rec
  }

  updateIssueType(rec: IssueTypeRec, input: Partial<IssueTypeInput>): void {
    if (input.name !== undefined && input.name !== null) {
      const name = String(input.name).trim()
      if (!name) throw unprocessable("Name can't be blank")
      const clash = this.typeOfName(rec.orgId, name)
      if (clash && clash.id !== rec.id) throw unprocessable('Name has already been taken')
      rec.name = name
    }
    if (input.description !== undefined) rec.description = input.description
    if (input.color !== undefined && input.color !== null) rec.color = color(input.color, rec.color)
    if (input.isEnabled !== undefined && input.isEnabled !== null) rec.isEnabled = input.isEnabled
    this.m.touch(rec)
  }

  /** The type goes; every issue that had it is left without a type. */
  deleteIssueType(rec: IssueTypeRec): void {
    for (const issue of Object.values(this.m.store.issues)) if (issue.issueTypeId === rec.id) issue.issueTypeId = null
    delete this.issueTypes[rec.id]
  }

  /** updateIssueIssueType / createIssue / updateIssue with issueTypeId: null removes the type. */
  setIssueType(issue: IssueRec, typeId: string | null): void {
    if (issue.kind !== 'Issue') throw unprocessable('Only issues can have an issue type.')
    if (typeId === null) {
      issue.issueTypeId = null
      this.m.touch(issue)
      return
    }
    const type = this.expectType(typeId)
    const org = this.orgOfIssue(issue)
    if (!org) throw unprocessable('Issue types are only available for repositories owned by an organization.')
    if (type.orgId !== org.id) throw unprocessable(`Issue type ${type.name} does not belong to ${org.login}.`)
    if (!type.isEnabled) throw unprocessable(`Issue type ${type.name} is disabled.`)
    issue.issueTypeId = type.id
    this.m.touch(issue)
  }

  typeOfIssue(issue: IssueRec): IssueTypeRec | undefined {
    return issue.issueTypeId ? this.issueTypes[issue.issueTypeId] : undefined
  }

  // ---------------------------------------------------------------- issue fields

  fieldsOf(orgId: string): IssueFieldRec[] {
    return Object.values(this.issueFields).filter((f) => f.orgId === orgId)
  }

  expectIssueField(id: string): IssueFieldRec {
    const rec = this.issueFields[id]
    if (!rec) throw nodeNotFound(id)
    return rec
  }

  addIssueField(org: OrgRec, input: IssueFieldInput): IssueFieldRec {
    const name = String(input.name ?? '').trim()
    if (!name) throw unprocessable("Name can't be blank")
    if (!ISSUE_FIELD_TYPES.includes(input.dataType)) {
      throw unprocessable(`Issue fields of type ${input.dataType} are not supported; use one of ${ISSUE_FIELD_TYPES.join(', ')}.`)
    }
    if (this.fieldsOf(org.id).some((f) => f.name.toLowerCase() === name.toLowerCase())) throw unprocessable('Name has already been taken')
    if (this.fieldsOf(org.id).length >= LIMITS.issueFieldsPerOrg) {
      throw unprocessable(`An organization can have at most ${LIMITS.issueFieldsPerOrg} issue fields.`)
    }
    if (input.dataType === 'SINGLE_SELECT' && !input.options?.length) throw unprocessable('Single select issue fields need at least one option.')
    if (input.dataType !== 'SINGLE_SELECT' && input.options?.length) throw unprocessable('Only single select issue fields have options.')
    const seen = new Set<string>()
    const rec: IssueFieldRec = {
      ...this.stamp(FIELD_NODE_TYPE[input.dataType]),
      orgId: org.id,
      name,
      description: input.description ?? null,
      dataType: input.dataType,
      visibility: input.visibility ?? 'ALL',
    }
    if (input.dataType === 'SINGLE_SELECT') {
      rec.options = (input.options ?? []).map((o, i) => {
        const optionName = String(o.name ?? '').trim()
        if (!optionName) throw unprocessable("Option name can't be blank")
        if (seen.has(optionName.toLowerCase())) throw unprocessable(`Option names must be unique: '${optionName}' appears twice.`)
        seen.add(optionName.toLowerCase())
        const stamp = this.stamp('IssueFieldSingleSelectOption')
        return {id: stamp.id, databaseId: stamp.databaseId, name: optionName, description: o.description ?? null, color: color(o.color, 'GRAY'), priority: o.priority ?? i + 1}
      })
    }
    this.issueFields[rec.id] = rec
    return rec
  }

  /** setIssueFieldValue: each entry sets (or, with `delete`, removes) one field's value on the issue. */
  setIssueFieldValues(issue: IssueRec, inputs: readonly IssueFieldValueInput[]): void {
    if (issue.kind !== 'Issue') throw unprocessable('Only issues have issue fields.')
    const org = this.orgOfIssue(issue)
    if (!org) throw unprocessable('Issue fields are only available for repositories owned by an organization.')
    // validate every entry first: a refused call changes nothing
    const planned: Array<{field: IssueFieldRec; value: IssueFieldValueRec | null}> = inputs.map((input) => {
      const field = this.expectIssueField(input.fieldId)
      if (field.orgId !== org.id) throw unprocessable(`Issue field ${field.name} does not belong to ${org.login}.`)
      if (input.delete) return {field, value: null}
      return {field, value: this.checkValue(field, input)}
    })
    const values = (issue.issueFieldValues ??= {})
    for (const {field, value} of planned) {
      if (value) values[field.id] = value
      else delete values[field.id]
    }
    this.m.touch(issue)
  }

  private checkValue(field: IssueFieldRec, input: IssueFieldValueInput): IssueFieldValueRec {
    const given = (['textValue', 'numberValue', 'dateValue', 'singleSelectOptionId', 'multiSelectOptionIds'] as const).filter(
      (k) => input[k] !== undefined && input[k] !== null,
    )
    const expected = {TEXT: 'textValue', NUMBER: 'numberValue', DATE: 'dateValue', SINGLE_SELECT: 'singleSelectOptionId'}[field.dataType]
    if (given.length !== 1 || given[0] !== expected) {
      throw unprocessable(`Issue field ${field.name} is a ${field.dataType.toLowerCase().replace('_', ' ')} field; give its value as ${expected}.`)
    }
    switch (field.dataType) {
      case 'TEXT':
        return {text: String(input.textValue)}
      case 'NUMBER':
        if (!Number.isFinite(input.numberValue)) throw unprocessable(`Issue field ${field.name} needs a number.`)
        return {number: Number(input.numberValue)}
      case 'DATE': {
        const date = String(input.dateValue).slice(0, 10)
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(new Date(`${date}T00:00:00Z`).getTime())) {
          throw unprocessable(`'${String(input.dateValue)}' is not a valid date (use YYYY-MM-DD).`)
        }
        return {date}
      }
      case 'SINGLE_SELECT':
        if (!field.options?.some((o) => o.id === input.singleSelectOptionId)) {
          throw unprocessable(`The option does not belong to the issue field ${field.name}.`)
        }
        return {optionId: String(input.singleSelectOptionId)}
    }
  }

  /** createProjectV2IssueField: a project field that shows the organization issue field's values of each issue. */
  addProjectIssueField(project: ProjectRec, issueField: IssueFieldRec): FieldRec {
    if (project.ownerId !== issueField.orgId) throw unprocessable('The issue field does not belong to the organization that owns the project.')
    const existing = this.m.fields(project).find((f) => f.issueFieldId === issueField.id)
    if (existing) throw unprocessable(`Issue field ${issueField.name} is already a field of this project.`)
    if (this.m.fields(project).some((f) => f.name.toLowerCase() === issueField.name.toLowerCase())) throw unprocessable('Name has already been taken')
    if (project.fieldIds.length >= LIMITS.fieldsPerProject) throw unprocessable(`Projects can have at most ${LIMITS.fieldsPerProject} fields.`)
    const field: FieldRec = {
      ...this.stamp('ProjectV2Field'),
      projectId: project.id,
      name: issueField.name,
      dataType: issueField.dataType,
      issueFieldId: issueField.id,
    }
    this.m.store.fields[field.id] = field
    project.fieldIds.push(field.id)
    this.m.touch(project)
    return field
  }

  /** The built-in "Type" field (ISSUE_TYPE) of a project: it shows each issue's type. */
  addIssueTypeField(project: ProjectRec, name = 'Type'): FieldRec {
    if (this.m.fields(project).some((f) => f.dataType === 'ISSUE_TYPE')) throw unprocessable('The project already has an issue type field.')
    if (this.m.fields(project).some((f) => f.name.toLowerCase() === name.toLowerCase())) throw unprocessable('Name has already been taken')
    const field: FieldRec = {...this.stamp('ProjectV2Field'), projectId: project.id, name, dataType: 'ISSUE_TYPE'}
    this.m.store.fields[field.id] = field
    project.fieldIds.push(field.id)
    return field
  }

  // ---------------------------------------------------------------- dependencies

  /** Issues blocking `issue`, most recently added first (GitHub's default order, DEPENDENCY_ADDED_AT DESC). */
  blockedBy(issue: IssueRec): IssueRec[] {
    return issue.blockedByIds.map((id) => this.m.store.issues[id]).filter(Boolean).reverse()
  }

  /** addBlockedBy with GitHub's rules and limit. */
  addBlockedBy(issue: IssueRec, blocker: IssueRec): void {
    if (issue.kind !== 'Issue' || blocker.kind !== 'Issue') throw unprocessable('Only issues can be blocked by or block other issues.')
    if (issue.blockedByIds.length >= LIMITS.dependenciesPerIssue) {
      throw unprocessable(`An issue can be blocked by at most ${LIMITS.dependenciesPerIssue} issues.`)
    }
    if (this.m.blocking(blocker).length >= LIMITS.dependenciesPerIssue) {
      throw unprocessable(`An issue can block at most ${LIMITS.dependenciesPerIssue} issues.`)
    }
    this.m.addBlockedBy(issue, blocker)
  }

  // ---------------------------------------------------------------- sub-issues

  /** reprioritizeSubIssue: moves `sub` right after `afterId` or right before `beforeId` (exactly one given). */
  reprioritize(parent: IssueRec, sub: IssueRec, afterId: string | null | undefined, beforeId: string | null | undefined): void {
    if (sub.parentId !== parent.id) throw unprocessable('Issue is not a sub-issue of this issue.')
    if (Boolean(afterId) === Boolean(beforeId)) throw unprocessable('Either afterId or beforeId must be given, not both.')
    const anchorId = (afterId ?? beforeId) as string
    if (anchorId === sub.id) throw unprocessable('A sub-issue cannot be positioned relative to itself.')
    if (!parent.subIssueIds.includes(anchorId)) throw unprocessable(`${anchorId} is not a sub-issue of this issue.`)
    const list = parent.subIssueIds.filter((id) => id !== sub.id)
    const at = list.indexOf(anchorId)
    list.splice(afterId ? at + 1 : at, 0, sub.id)
    parent.subIssueIds = list
    this.m.touch(parent)
  }
}

/**
 * clearProjectV2ItemFieldValue on a Labels, Assignees or Milestone field ("currently only text, number, date,
 * assignees, labels, single-select, iteration and milestone fields are supported"): these values are the item's
 * content, so clearing them takes every label (assignee, the milestone) off the ISSUE itself, in its repository.
 * A draft has no labels or milestone; clearing its assignees empties the draft's. False for any other field.
 */
export function clearBuiltinValue(m: Model, item: ItemRec, field: FieldRec): boolean {
  if (field.projectId !== item.projectId || !['LABELS', 'ASSIGNEES', 'MILESTONE'].includes(field.dataType)) return false
  const issue = item.type === 'DRAFT_ISSUE' ? undefined : m.store.issues[item.contentId]
  const draft = item.type === 'DRAFT_ISSUE' ? m.store.drafts[item.contentId] : undefined
  if (field.dataType === 'LABELS' && issue) issue.labelIds = []
  if (field.dataType === 'ASSIGNEES') {
    if (issue) issue.assigneeIds = []
    if (draft) draft.assigneeIds = []
  }
  if (field.dataType === 'MILESTONE' && issue) issue.milestoneId = null
  if (issue) m.touch(issue)
  if (draft) m.touch(draft)
  m.touch(item)
  return true
}
