/**
 * GitHub's answers are checked before they are believed. A capture that stores a null connection as "no items", an
 * object as a title or the string "false" as archived saves a wrong backup without a word; GitHub does return partial
 * data (resource limits "return partial results along with an error"), and a proxy or a broken server can return
 * anything. So every answer is run through graphql-js's own executor against the live schema and the document that
 * asked for it, with the answer as the root value: graphql-js completes every field exactly as a server would, so a
 * null where the schema says non-null, a value that is not of its scalar or enum type, a list that is not a list, or
 * an object of a type the selection cannot hold, is an error with its path. No hand-written checks per field.
 */
import {
  execute,
  getNamedType,
  isEnumType,
  isScalarType,
  Kind,
  parse,
  visit,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLTypeResolver,
} from 'graphql'
import {githubSchema} from './schema.js'

/** What is wrong with an answer: the first problem, and where (`node.items.nodes.17.isArchived`). */
export interface AnswerProblem {
  path: string
  message: string
}

/** GitHub's custom scalars that always come as strings (the rest are taken as they come). */
const STRING_SCALARS = new Set(['DateTime', 'Date', 'PreciseDateTime', 'URI', 'HTML', 'GitObjectID', 'GitTimestamp', 'BigInt', 'GitSSHRemote', 'GitRefname', 'Base64String', 'X509Certificate'])

const documents = new Map<string, DocumentNode>()

/**
 * The document as it is sent: the query with `__typename` added to every selection set, so the answer says the type
 * of every object (what an abstract field holds cannot be checked otherwise). Parsed once per query text.
 */
export function checkedDocument(query: string): DocumentNode {
  let doc = documents.get(query)
  if (!doc) {
    doc = withTypenames(parse(query))
    if (documents.size > 200) documents.clear()
    documents.set(query, doc)
  }
  return doc
}

function withTypenames(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    SelectionSet(node, _key, parent) {
      if (parent && 'kind' in parent && parent.kind === Kind.OPERATION_DEFINITION) return undefined
      if (node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename' && !s.alias)) return undefined
      return {...node, selections: [...node.selections, {kind: Kind.FIELD, name: {kind: Kind.NAME, value: '__typename'}}]}
    },
  })
}

/** Each field is read from the answer under its response key (the alias, or the field's name). */
const fromAnswer: GraphQLFieldResolver<any, unknown> = (source, _args, _context, info) => {
  const value = source == null ? undefined : source[info.path.key]
  const named = getNamedType(info.returnType)
  if (isScalarType(named) && STRING_SCALARS.has(named.name) && value != null && !Array.isArray(value) && typeof value !== 'string') {
    throw new TypeError(`${named.name} cannot represent ${JSON.stringify(value)?.slice(0, 60)}`)
  }
  if (isEnumType(named) && value != null && !Array.isArray(value) && typeof value !== 'string') {
    throw new TypeError(`Enum "${named.name}" cannot represent ${JSON.stringify(value)?.slice(0, 60)}`)
  }
  return value
}

const typeOfAnswer: GraphQLTypeResolver<any, unknown> = (value) => (typeof value?.__typename === 'string' ? value.__typename : undefined)

/**
 * The first way `data` does not fit what `query` asked of GitHub's schema, or undefined when it fits. `data` is
 * the `data` member of GitHub's answer to `checkedDocument(query)`.
 */
export function checkAnswer(query: string, variables: Record<string, unknown> | undefined, data: unknown): AnswerProblem | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return {path: 'data', message: 'the answer holds no data'}
  const result = execute({
    schema: githubSchema(),
    document: checkedDocument(query),
    rootValue: data,
    variableValues: variables,
    fieldResolver: fromAnswer,
    typeResolver: typeOfAnswer,
  })
  if ('then' in result) throw new Error('checkAnswer: the check must not be asynchronous')
  const error = result.errors?.[0]
  if (!error) return undefined
  return {path: (error.path ?? []).join('.') || 'data', message: error.message}
}
