/**
 * GitHub-shaped identifiers, deterministic for a given world: every id comes from one counter, so two worlds built
 * by the same calls (or the same seed) have the same ids, and tests are reproducible.
 *
 * Node ids look like GitHub's (`PVT_kwDOAbCdEf`): a type prefix and an opaque tail. The tail is a bijective scramble
 * of the counter, so ids never collide and never reveal their order. Single-select option ids and iteration ids are
 * 8 hex digits like GitHub's (`f75ad846`).
 */
import {SandboxError} from '../errors.js'

/** Node id prefixes, one per GitHub type, and the store table that holds records of that type. */
export const PREFIX = {
  User: 'U',
  Organization: 'O',
  Repository: 'R',
  Issue: 'I',
  PullRequest: 'PR',
  Label: 'LA',
  Milestone: 'MI',
  Team: 'T',
  ProjectV2: 'PVT',
  ProjectV2Field: 'PVTF',
  ProjectV2SingleSelectField: 'PVTSSF',
  ProjectV2IterationField: 'PVTIF',
  ProjectV2Item: 'PVTI',
  DraftIssue: 'DI',
  ProjectV2View: 'PVTV',
  ProjectV2StatusUpdate: 'PVTSU',
  ProjectV2Workflow: 'PVTW',
  ProjectV2ItemFieldTextValue: 'PVTFTV',
  ProjectV2ItemFieldNumberValue: 'PVTFNV',
  ProjectV2ItemFieldDateValue: 'PVTFDV',
  ProjectV2ItemFieldSingleSelectValue: 'PVTFSV',
  ProjectV2ItemFieldIterationValue: 'PVTFIV',
  IssueType: 'IT',
  IssueFieldText: 'IFT',
  IssueFieldNumber: 'IFN',
  IssueFieldDate: 'IFD',
  IssueFieldSingleSelect: 'IFSS',
  IssueFieldSingleSelectOption: 'IFSSO',
} as const

export type NodeTypeName = keyof typeof PREFIX

const TYPE_BY_PREFIX = new Map<string, NodeTypeName>(
  (Object.entries(PREFIX) as Array<[NodeTypeName, string]>).map(([type, prefix]) => [prefix, type]),
)

/** The GitHub type a node id was issued for, or undefined when the id is not one of ours. */
export function typeOfId(id: string): NodeTypeName | undefined {
  const cut = id.indexOf('_')
  if (cut <= 0) return undefined
  return TYPE_BY_PREFIX.get(id.slice(0, cut))
}

/** "lowbias32": a bijection on 32-bit integers, so distinct counters give distinct scrambles. */
export function scramble(n: number): number {
  let x = n >>> 0
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0
  return (x ^ (x >>> 16)) >>> 0
}

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function base62(n: number, width: number): string {
  let out = ''
  let x = n
  while (x > 0) {
    out = B62[x % 62] + out
    x = Math.floor(x / 62)
  }
  return out.padStart(width, '0')
}

/** Counters of a world, kept in its serialised state so ids stay unique after a reload. */
export interface Counters {
  /** next node / option / iteration sequence number */
  seq: number
  /** next databaseId */
  databaseId: number
}

export function newCounters(): Counters {
  return {seq: 1, databaseId: 1_000_001}
}

export class IdGenerator {
  constructor(private readonly counters: Counters) {}

  node(type: NodeTypeName): string {
    return `${PREFIX[type]}_kwDO${base62(scramble(this.counters.seq++), 6)}`
  }

  /** 8 hex digits, like GitHub's single-select option ids and iteration ids. */
  hex(): string {
    return scramble(this.counters.seq++).toString(16).padStart(8, '0')
  }

  databaseId(): number {
    return this.counters.databaseId++
  }
}

const CURSOR_PREFIX = 'cursor:v2:'

/** Opaque connection cursor for the element at `index` of a connection's ordered list. */
export function encodeCursor(index: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${index}`).toString('base64')
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64').toString('utf8')
  const index = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN
  if (!Number.isInteger(index) || index < 0) {
    throw new SandboxError('INVALID_CURSOR_ARGUMENTS', `\`${cursor}\` does not appear to be a valid cursor.`)
  }
  return index
}
