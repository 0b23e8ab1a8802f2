/**
 * Project items and their field values: issues, pull requests and drafts added, moved, archived, deleted (HAZARD:
 * with their values, a draft for good), and values set (checked against the field's type, options and iterations)
 * or cleared.
 */
import {LIMITS} from '../../github/defaults.js'
import {checkDate, isCustomField, nodeNotFound, unprocessable} from './checks.js'
import type {NodeTypeName} from './ids.js'
import {RepoModel} from './repos.js'
import type {DraftRec, FieldRec, IssueRec, ItemRec, ProjectRec, ValueRec} from './store.js'

/** GraphQL `ProjectV2FieldValue`: exactly one member set. */
export interface ValueInput {
  text?: string | null
  number?: number | null
  date?: string | null
  singleSelectOptionId?: string | null
  iterationId?: string | null
}

export class ItemsModel extends RepoModel {
  // ---------------------------------------------------------------- items

  private assertRoom(project: ProjectRec): void {
    if (project.itemIds.length >= LIMITS.itemsPerProject) {
      throw unprocessable(`Projects can have at most ${LIMITS.itemsPerProject} items.`)
    }
  }

  /** Adds an issue or pull request as the last item. The content must not already be in the project. */
  addItem(project: ProjectRec, content: IssueRec, creatorId: string | null = null): ItemRec {
    if (this.itemOfContent(project, content.id)) throw unprocessable('Content already exists in this project.')
    this.assertRoom(project)
    const item: ItemRec = {
      ...this.base('ProjectV2Item'),
      projectId: project.id,
      type: content.kind === 'Issue' ? 'ISSUE' : 'PULL_REQUEST',
      contentId: content.id,
      archived: false,
      redacted: false,
      creatorId,
      values: {},
    }
    this.store.items[item.id] = item
    project.itemIds.push(item.id)
    this.indexItem(item)
    return item
  }

  /** A draft issue exists only inside its project, as the content of one item (added last). */
  addDraftItem(project: ProjectRec, input: {title: string; body?: string | null; assigneeIds?: string[]; creatorId?: string | null}): ItemRec {
    if (!input.title.trim()) throw unprocessable("Title can't be blank")
    this.assertRoom(project)
    const draftBase = this.base('DraftIssue')
    const item: ItemRec = {
      ...this.base('ProjectV2Item'),
      projectId: project.id,
      type: 'DRAFT_ISSUE',
      contentId: draftBase.id,
      archived: false,
      redacted: false,
      creatorId: input.creatorId ?? null,
      values: {},
    }
    const draft: DraftRec = {
      ...draftBase,
      projectId: project.id,
      itemId: item.id,
      title: input.title,
      body: input.body ?? '',
      assigneeIds: [...new Set(input.assigneeIds ?? [])],
      creatorId: input.creatorId ?? null,
    }
    this.store.drafts[draft.id] = draft
    this.store.items[item.id] = item
    project.itemIds.push(item.id)
    this.indexItem(item)
    return item
  }

  /** HAZARD (GitHub's): the item and all its values go; a draft's content goes with it, forever. */
  deleteItem(item: ItemRec): void {
    const project = this.store.projects[item.projectId]
    const at = project.itemIds.lastIndexOf(item.id)
    if (at >= 0) project.itemIds.splice(at, 1)
    this.forgetItem(item)
    this.touch(project)
  }

  /** Moves an item right after `afterId`, or to the top when `afterId` is null. */
  moveItem(project: ProjectRec, item: ItemRec, afterId: string | null): void {
    if (afterId === item.id) throw unprocessable('An item cannot be positioned after itself.')
    const after = afterId ? this.store.items[afterId] : undefined
    if (afterId && (!after || after.projectId !== project.id)) throw nodeNotFound(afterId)
    const list = project.itemIds
    list.splice(list.indexOf(item.id), 1)
    list.splice(after ? list.indexOf(after.id) + 1 : 0, 0, item.id)
    this.touch(item)
  }

  /** updateProjectV2ItemFieldValue: checks the value against the field's type, options and iterations. */
  setValue(item: ItemRec, field: FieldRec, input: ValueInput, creatorId: string | null = null): void {
    if (field.projectId !== item.projectId) throw unprocessable('The field does not belong to the project of the item.')
    if (field.issueFieldId) throw unprocessable(`Field ${field.name} is an issue field: set its value on the issue (setIssueFieldValue).`)
    const given = (Object.keys(input) as Array<keyof ValueInput>).filter((k) => input[k] !== undefined && input[k] !== null)
    if (given.length !== 1) {
      throw unprocessable('Exactly one of text, number, date, singleSelectOptionId or iterationId must be given as the value.')
    }
    const key = given[0]
    const value: Partial<ValueRec> = {creatorId}
    switch (field.dataType) {
      case 'TEXT':
        if (key !== 'text') throw unprocessable(`Field ${field.name} is a text field; give the value as text.`)
        value.text = input.text!
        break
      case 'NUMBER':
        if (key !== 'number' || !Number.isFinite(input.number)) throw unprocessable(`Field ${field.name} is a number field; give the value as number.`)
        value.number = input.number!
        break
      case 'DATE':
        if (key !== 'date') throw unprocessable(`Field ${field.name} is a date field; give the value as date.`)
        value.date = checkDate(String(input.date).slice(0, 10), 'date')
        break
      case 'SINGLE_SELECT':
        if (key !== 'singleSelectOptionId') throw unprocessable(`Field ${field.name} is a single select field; give the value as singleSelectOptionId.`)
        if (!field.options?.some((o) => o.id === input.singleSelectOptionId)) {
          throw unprocessable('The single select option Id does not belong to the field')
        }
        value.optionId = input.singleSelectOptionId!
        break
      case 'ITERATION':
        if (key !== 'iterationId') throw unprocessable(`Field ${field.name} is an iteration field; give the value as iterationId.`)
        if (!field.iteration?.iterations.some((i) => i.id === input.iterationId)) {
          throw unprocessable('The iteration Id does not belong to the field')
        }
        value.iterationId = input.iterationId!
        break
      default:
        throw unprocessable(
          `Field ${field.name} is of type ${field.dataType}: only single-select, text, number, date, and iteration fields can be updated this way.`,
        )
    }
    this.putValue(item, field, value)
  }

  /** Stores a value as given (the seed loader and copyProject use this after their own checks). */
  putValue(item: ItemRec, field: FieldRec, value: Partial<ValueRec>): void {
    const existing = item.values[field.id]
    const t = this.timestamp()
    const rec: ValueRec = {
      id: existing?.id ?? this.ids.node(this.valueNodeType(field)),
      databaseId: existing?.databaseId ?? this.ids.databaseId(),
      createdAt: existing?.createdAt ?? t,
      updatedAt: t,
      creatorId: value.creatorId ?? existing?.creatorId ?? null,
    }
    if (value.text !== undefined) rec.text = value.text
    if (value.number !== undefined) rec.number = value.number
    if (value.date !== undefined) rec.date = value.date
    if (value.optionId !== undefined) rec.optionId = value.optionId
    if (value.iterationId !== undefined) rec.iterationId = value.iterationId
    item.values[field.id] = rec
    this.itemOfValue.set(rec.id, item.id)
    item.updatedAt = t
  }

  private valueNodeType(field: FieldRec): NodeTypeName {
    switch (field.dataType) {
      case 'NUMBER':
        return 'ProjectV2ItemFieldNumberValue'
      case 'DATE':
        return 'ProjectV2ItemFieldDateValue'
      case 'SINGLE_SELECT':
        return 'ProjectV2ItemFieldSingleSelectValue'
      case 'ITERATION':
        return 'ProjectV2ItemFieldIterationValue'
      default:
        return 'ProjectV2ItemFieldTextValue'
    }
  }

  clearValue(item: ItemRec, field: FieldRec): void {
    if (field.projectId !== item.projectId) throw unprocessable('The field does not belong to the project of the item.')
    if (field.issueFieldId) throw unprocessable(`Field ${field.name} is an issue field: clear its value on the issue (setIssueFieldValue with delete).`)
    if (!isCustomField(field)) throw unprocessable(`Field ${field.name} is of type ${field.dataType} and cannot be cleared.`)
    if (item.values[field.id]) this.dropValue(item, field.id)
    this.touch(item)
  }
}
