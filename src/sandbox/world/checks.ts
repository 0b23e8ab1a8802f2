/**
 * GitHub's answers and checks that every part of the world's model shares: the errors (UNPROCESSABLE, NOT_FOUND),
 * the node type of a field, and the date rules. Pure functions.
 */
import {SandboxError} from '../errors.js'
import type {NodeTypeName} from './ids.js'
import {CUSTOM_FIELD_TYPES, type FieldDataType, type FieldRec} from './store.js'

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/

/** GitHub's answer to a change of an archived item (its values, its draft). */
export const ARCHIVED_ITEM_MESSAGE = 'The item is archived and cannot be updated'

export function unprocessable(message: string): SandboxError {
  return new SandboxError('UNPROCESSABLE', message)
}

export function nodeNotFound(id: string): SandboxError {
  return new SandboxError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'.`)
}

/** The type prefix a field's node id gets. */
export function fieldNodeType(dataType: FieldDataType): NodeTypeName {
  if (dataType === 'SINGLE_SELECT') return 'ProjectV2SingleSelectField'
  if (dataType === 'ITERATION') return 'ProjectV2IterationField'
  return 'ProjectV2Field'
}

export function fieldTypeName(field: FieldRec): 'ProjectV2Field' | 'ProjectV2SingleSelectField' | 'ProjectV2IterationField' {
  // a project field showing an organization issue field has no options of its own: the options are the issue field's
  if (field.issueFieldId) return 'ProjectV2Field'
  return fieldNodeType(field.dataType) as 'ProjectV2Field' | 'ProjectV2SingleSelectField' | 'ProjectV2IterationField'
}

export function isCustomField(field: FieldRec): boolean {
  return CUSTOM_FIELD_TYPES.includes(field.dataType)
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

export function checkDate(date: string, what: string): string {
  if (!DATE_RE.test(date) || Number.isNaN(new Date(`${date}T00:00:00Z`).getTime())) {
    throw unprocessable(`${what} '${date}' is not a valid date (use YYYY-MM-DD).`)
  }
  return date
}
