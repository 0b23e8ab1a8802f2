/**
 * Presenting records as GitHub's GraphQL types for graphql-js's default field resolver.
 *
 * `present(typeName, object)` tags the object with `__typename` (so unions and interfaces resolve) and makes it
 * strict: asking for a field that the schema declares on that type but the sandbox does not implement throws
 * `SandboxError('INTERNAL', 'sandbox does not implement Type.field')` instead of quietly answering null.
 *
 * `connection(list, args, info, toNode)` is a Relay connection over an ordered list with opaque cursors and
 * GitHub's `first`/`after`/`last`/`before` rules.
 */
import {getNamedType, isInterfaceType, isObjectType, type GraphQLResolveInfo} from 'graphql'
import {SandboxError} from '../errors.js'
import {githubSchema} from '../schema.js'
import {decodeCursor, encodeCursor} from './ids.js'

const declared = new Map<string, Set<string>>()

function fieldsOf(typeName: string): Set<string> {
  let names = declared.get(typeName)
  if (!names) {
    const type = githubSchema().getType(typeName)
    names = new Set(type && (isObjectType(type) || isInterfaceType(type)) ? Object.keys(type.getFields()) : [])
    declared.set(typeName, names)
  }
  return names
}

export type Presented = Record<string, unknown> & {__typename: string}

export function present<T extends Record<string, unknown>>(typeName: string, object: T): T & {__typename: string} {
  const target = Object.assign(object, {__typename: typeName})
  const names = fieldsOf(typeName)
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (typeof prop === 'string' && !(prop in obj) && names.has(prop)) {
        throw new SandboxError('INTERNAL', `sandbox does not implement ${typeName}.${prop}`)
      }
      return Reflect.get(obj, prop, receiver)
    },
  })
}

export interface ConnectionArgs {
  first?: number | null
  last?: number | null
  after?: string | null
  before?: string | null
}

/** Order arguments as GraphQL passes them: `{field, direction}`. */
export interface OrderArg {
  field: string
  direction: 'ASC' | 'DESC'
}

/** Sorts a copy of `list` by `key` (stable); DESC reverses. */
export function ordered<T>(list: readonly T[], order: OrderArg | null | undefined, key: (t: T, field: string) => string | number): T[] {
  if (!order) return [...list]
  const indexed = list.map((t, i) => ({t, i, k: key(t, order.field)}))
  indexed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
  const out = indexed.map((x) => x.t)
  return order.direction === 'DESC' ? out.reverse() : out
}

function checkPageSize(name: string, args: ConnectionArgs): void {
  if ((args.first === undefined || args.first === null) && (args.last === undefined || args.last === null)) {
    throw new SandboxError('MISSING_PAGINATION_BOUNDARIES', `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`)
  }
  for (const key of ['first', 'last'] as const) {
    const n = args[key]
    if (n === undefined || n === null) continue
    if (n < 0) throw new SandboxError('INVALID_ARGUMENTS', `\`${key}\` on the \`${name}\` connection cannot be less than zero.`)
    if (n > 100) {
      throw new SandboxError('EXCESSIVE_PAGINATION', `Requesting ${n} records on the \`${name}\` connection exceeds the \`${key}\` limit of 100 records.`)
    }
  }
}

/**
 * A connection over `list` (already in the connection's order). Only the requested page is mapped through `toNode`.
 */
export function connection<T>(
  list: readonly T[],
  args: ConnectionArgs,
  info: GraphQLResolveInfo | undefined,
  toNode: (t: T) => unknown,
): Record<string, unknown> {
  const name = info?.fieldName ?? 'connection'
  checkPageSize(name, args)
  const total = list.length
  let start = args.after ? decodeCursor(args.after) + 1 : 0
  let end = args.before ? decodeCursor(args.before) : total
  start = Math.min(Math.max(start, 0), total)
  end = Math.min(Math.max(end, start), total)
  if (args.first !== undefined && args.first !== null) end = Math.min(end, start + args.first)
  if (args.last !== undefined && args.last !== null) start = Math.max(start, end - args.last)
  const indices: number[] = []
  for (let i = start; i < end; i++) indices.push(i)
  const nodes = indices.map((i) => toNode(list[i]))
  const connType = info ? getNamedType(info.returnType) : undefined
  const connName = connType?.name ?? 'Connection'
  const edgeName = connType && isObjectType(connType) && connType.getFields().edges ? getNamedType(connType.getFields().edges.type).name : 'Edge'
  const pageInfo = present('PageInfo', {
    hasNextPage: end < total,
    hasPreviousPage: start > 0,
    startCursor: indices.length ? encodeCursor(start) : null,
    endCursor: indices.length ? encodeCursor(end - 1) : null,
  })
  return present(connName, {
    totalCount: total,
    nodes,
    edges: indices.map((i, k) => present(edgeName, {cursor: encodeCursor(i), node: nodes[k]})),
    pageInfo,
  })
}
