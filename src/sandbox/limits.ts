/**
 * What GitHub accepts and what it costs: everything the sandbox decides about a GraphQL document BEFORE running it.
 *
 * 1. Parse, then validate against GitHub's schema with graphql-js `specifiedRules` (errors get graphql-ruby codes).
 * 2. Coerce variables, pick the operation.
 * 3. GitHub's own checks ("Rate limits and node limits for the GraphQL API"): every connection has `first` or `last`
 *    within 1..100, the document asks for at most 500,000 nodes, and the token's scopes allow what is selected
 *    (ProjectV2 data needs `read:project` or `project`; a ProjectV2 mutation needs `project`).
 * 4. The cost: the number of requests needed to fulfil every connection, assuming each returns its full page
 *    (a connection inside a connection of `first: N` needs N requests), divided by 100, rounded, at least 1.
 *    A mutation document costs 1 point (GitHub prices mutations separately and does not publish the formula).
 *
 * Nothing here executes anything; a document with any error must not run.
 */
import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql'

/** Largest `first`/`last` GitHub accepts on a connection. */
export const MAX_PAGE_SIZE = 100
/** Most nodes one GraphQL request may ask for. */
export const MAX_NODES = 500_000
/** Primary points per hour for a user token, GraphQL and REST alike. */
export const PRIMARY_POINTS_PER_HOUR = 5_000
/** Scopes a token gets when the sandbox runs without configured tokens. */
export const ALL_SCOPES = ['repo', 'project', 'read:org', 'admin:org']

/** One entry of a GitHub GraphQL `errors` array. */
export interface GitHubGraphQLError {
  type?: string
  path?: Array<string | number>
  locations?: Array<{line: number; column: number}>
  message: string
  extensions?: Record<string, unknown>
}

/** What the engine needs to know about a document that passed every check. */
export interface DocumentAnalysis {
  operationKind: 'query' | 'mutation' | 'subscription'
  /** Sum over connections of page size x product of the enclosing connections' page sizes. */
  nodeCount: number
  /** Connection requests needed to fulfil the document (GitHub's rate-limit score numerator). */
  connectionRequests: number
  /** Primary rate-limit points this document costs. */
  cost: number
  /** Root mutation field names, once per occurrence (aliases count separately). Empty for queries. */
  mutationFields: string[]
  /** true when the query selects `rateLimit(dryRun: true)`: report the cost without charging it. */
  dryRun: boolean
}

export type CheckedDocument =
  | {ok: false; errors: GitHubGraphQLError[]}
  | {
      ok: true
      document: DocumentNode
      operation: OperationDefinitionNode
      variableValues: Record<string, unknown>
      analysis: DocumentAnalysis
    }

export interface DocumentRequest {
  query: unknown
  variables?: unknown
  operationName?: unknown
}

/**
 * Runs every pre-execution check GitHub runs on a GraphQL request body. Returns the errors to answer (HTTP 200,
 * nothing executed) or the parsed document with its analysis.
 */
export function checkDocument(schema: GraphQLSchema, request: DocumentRequest, scopes: readonly string[]): CheckedDocument {
  if (typeof request.query !== 'string' || request.query.trim() === '') {
    return {ok: false, errors: [{message: 'A query attribute must be specified and must be a string.'}]}
  }
  if (request.variables !== undefined && request.variables !== null && (typeof request.variables !== 'object' || Array.isArray(request.variables))) {
    return {ok: false, errors: [{message: 'Variables must be an object (or null), got ' + JSON.stringify(request.variables)}]}
  }
  if (request.operationName !== undefined && request.operationName !== null && typeof request.operationName !== 'string') {
    return {ok: false, errors: [{message: 'operationName must be a string (or null).'}]}
  }

  const parsed = parseAndValidate(schema, request.query)
  if ('errors' in parsed) return {ok: false, errors: parsed.errors}
  const document = parsed.document

  const operationName = typeof request.operationName === 'string' ? request.operationName : undefined
  const operation = getOperationAST(document, operationName)
  if (!operation) {
    const message = operationName
      ? `No operation named "${operationName}"`
      : 'An operation name is required when the document contains more than one operation.'
    return {ok: false, errors: [{message}]}
  }

  const inputs = (request.variables ?? {}) as Record<string, unknown>
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs, {maxErrors: 50})
  if (coerced.errors) {
    return {ok: false, errors: coerced.errors.map((e) => ({message: e.message, locations: locationsOf(e), extensions: {code: 'variableMismatch'}}))}
  }

  const walker = new DocumentWalker(schema, document, coerced.coerced, scopes)
  const analysis = walker.analyze(operation)
  if (walker.errors.length > 0) return {ok: false, errors: walker.errors}
  return {ok: true, document, operation, variableValues: coerced.coerced, analysis}
}

const PARSE_CACHE_SIZE = 256
const parseCache = new WeakMap<GraphQLSchema, Map<string, {document: DocumentNode} | {errors: GitHubGraphQLError[]}>>()

/**
 * Parses and validates a document, remembering the outcome for the last PARSE_CACHE_SIZE distinct texts (a client
 * sends the same few documents over and over; validation is pure, so the cache changes no answer).
 */
function parseAndValidate(schema: GraphQLSchema, text: string): {document: DocumentNode} | {errors: GitHubGraphQLError[]} {
  let cache = parseCache.get(schema)
  if (!cache) parseCache.set(schema, (cache = new Map()))
  const hit = cache.get(text)
  if (hit) {
    cache.delete(text) // keep the map in least-recently-used order
    cache.set(text, hit)
    return hit
  }
  let outcome: {document: DocumentNode} | {errors: GitHubGraphQLError[]}
  try {
    const document = parse(text)
    outcome = validate(schema, document, specifiedRules).length > 0 ? {errors: classifyValidationErrors(schema, document)} : {document}
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error
    outcome = {errors: [parseError(error)]}
  }
  cache.set(text, outcome)
  if (cache.size > PARSE_CACHE_SIZE) cache.delete(cache.keys().next().value as string)
  return outcome
}

/** GitHub's rate-limit score for a number of connection requests: /100, rounded to nearest, at least 1. */
export function scoreOf(connectionRequests: number): number {
  return Math.max(1, Math.round(connectionRequests / 100))
}

/** The scope GitHub's INSUFFICIENT_SCOPES wording, e.g. "['repo', 'read:org']". */
export function formatScopes(scopes: readonly string[]): string {
  return '[' + scopes.map((s) => `'${s}'`).join(', ') + ']'
}

export function insufficientScopesMessage(field: string, required: readonly string[], granted: readonly string[]): string {
  return (
    "Your token has not been granted the required scopes to execute this query. The '" +
    field +
    "' field requires one of the following scopes: " +
    formatScopes(required) +
    ', but your token has only been granted the: ' +
    formatScopes(granted) +
    " scopes. Please modify your token's scopes at: https://github.com/settings/tokens."
  )
}

function locationsOf(error: GraphQLError): Array<{line: number; column: number}> | undefined {
  return error.locations?.map(({line, column}) => ({line, column}))
}

function parseError(error: GraphQLError): GitHubGraphQLError {
  return {message: error.message, locations: locationsOf(error), extensions: {code: 'parseError'}}
}

/** graphql-ruby's error codes (the ones GitHub answers with) for graphql-js's validation rules. */
const RULE_CODES: Record<string, string> = {
  ExecutableDefinitionsRule: 'definitionNotExecutable',
  UniqueOperationNamesRule: 'uniquelyNamedOperations',
  LoneAnonymousOperationRule: 'anonymousOperationNotAlone',
  SingleFieldSubscriptionsRule: 'subscriptionNotSingleField',
  KnownTypeNamesRule: 'undefinedType',
  FragmentsOnCompositeTypesRule: 'fragmentOnNonCompositeType',
  VariablesAreInputTypesRule: 'variableRequiresValidType',
  ScalarLeafsRule: 'selectionMismatch',
  FieldsOnCorrectTypeRule: 'undefinedField',
  UniqueFragmentNamesRule: 'fragmentNamesNotUnique',
  KnownFragmentNamesRule: 'undefinedFragment',
  NoUnusedFragmentsRule: 'useAndDefineFragment',
  PossibleFragmentSpreadsRule: 'cannotSpreadFragment',
  NoFragmentCyclesRule: 'infiniteLoop',
  UniqueVariableNamesRule: 'variableNotUnique',
  NoUndefinedVariablesRule: 'variableNotDefined',
  NoUnusedVariablesRule: 'variableNotUsed',
  KnownDirectivesRule: 'undefinedDirective',
  UniqueDirectivesPerLocationRule: 'directiveNotUniqueForLocation',
  KnownArgumentNamesRule: 'argumentNotAccepted',
  UniqueArgumentNamesRule: 'argumentNotUnique',
  ValuesOfCorrectTypeRule: 'argumentLiteralsIncompatible',
  ProvidedRequiredArgumentsRule: 'missingRequiredArguments',
  VariablesInAllowedPositionRule: 'variableMismatch',
  OverlappingFieldsCanBeMergedRule: 'fieldConflict',
  UniqueInputFieldNamesRule: 'inputFieldNotUnique',
}

/**
 * Re-runs validation one rule at a time (only on the error path) so each error gets GitHub's `extensions.code`,
 * and rewrites the commonest messages in GitHub's (graphql-ruby's) wording.
 */
function classifyValidationErrors(schema: GraphQLSchema, document: DocumentNode): GitHubGraphQLError[] {
  const out: Array<GitHubGraphQLError & {order: number}> = []
  let order = 0
  for (const rule of specifiedRules as readonly ValidationRule[]) {
    for (const error of validate(schema, document, [rule])) {
      out.push({...githubValidationError(rule.name, error), order: order++})
    }
  }
  const position = (e: GitHubGraphQLError) => e.locations?.[0] ?? {line: 0, column: 0}
  out.sort((a, b) => position(a).line - position(b).line || position(a).column - position(b).column || a.order - b.order)
  return out.map(({order: _order, ...error}) => error)
}

function githubValidationError(ruleName: string, error: GraphQLError): GitHubGraphQLError {
  const code = RULE_CODES[ruleName] ?? ruleName.replace(/Rule$/, '').replace(/^./, (c) => c.toLowerCase())
  const locations = locationsOf(error)
  let match: RegExpMatchArray | null
  if (ruleName === 'FieldsOnCorrectTypeRule' && (match = error.message.match(/^Cannot query field "([^"]+)" on type "([^"]+)"/))) {
    const [, fieldName, typeName] = match
    return {message: `Field '${fieldName}' doesn't exist on type '${typeName}'`, locations, extensions: {code, typeName, fieldName}}
  }
  if (ruleName === 'KnownArgumentNamesRule' && (match = error.message.match(/^Unknown argument "([^"]+)" on field "[^".]+\.([^"]+)"/))) {
    const [, argumentName, name] = match
    return {message: `Field '${name}' doesn't accept argument '${argumentName}'`, locations, extensions: {code, name, typeName: 'Field', argumentName}}
  }
  if (ruleName === 'ProvidedRequiredArgumentsRule' && (match = error.message.match(/^Field "([^"]+)" argument "([^"]+)"/))) {
    const [, name, argument] = match
    return {message: `Field '${name}' is missing required arguments: ${argument}`, locations, extensions: {code, className: 'Field', name, arguments: argument}}
  }
  return {message: error.message, locations, extensions: {code}}
}

const PROJECT_TYPE = /^ProjectV2/
const READ_PROJECT_SCOPES = ['read:project']
const WRITE_PROJECT_SCOPES = ['project']

/** Walks the selected operation once: pagination, node count, connection requests, scopes, mutation fields. */
class DocumentWalker {
  readonly errors: GitHubGraphQLError[] = []
  private nodes = 0
  private requests = 0
  private dryRun = false
  private readonly mutationFields: string[] = []
  private readonly fragments = new Map<string, FragmentDefinitionNode>()
  private readonly canReadProjects: boolean
  private readonly canWriteProjects: boolean

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Record<string, unknown>,
    private readonly scopes: readonly string[],
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === 'FragmentDefinition') this.fragments.set(definition.name.value, definition)
    }
    this.canWriteProjects = scopes.includes('project')
    this.canReadProjects = this.canWriteProjects || scopes.includes('read:project')
  }

  analyze(operation: OperationDefinitionNode): DocumentAnalysis {
    const root = this.schema.getRootType(operation.operation)
    if (root) this.walk(operation.selectionSet, root, 1, [operation.operation], false, true, new Set())
    if (this.nodes > MAX_NODES) {
      this.errors.push({
        type: 'MAX_NODE_LIMIT_EXCEEDED',
        message: `This query requests up to ${this.nodes.toLocaleString('en-US')} possible nodes which exceeds the maximum limit of ${MAX_NODES.toLocaleString('en-US')}.`,
      })
    }
    const isMutation = operation.operation === 'mutation'
    return {
      operationKind: operation.operation,
      nodeCount: this.nodes,
      connectionRequests: this.requests,
      cost: isMutation ? 1 : scoreOf(this.requests),
      mutationFields: isMutation ? this.mutationFields : [],
      dryRun: !isMutation && this.dryRun,
    }
  }

  private included(node: FieldNode | InlineFragmentNode | FragmentSpreadNode): boolean {
    if (!node.directives?.length) return true
    const skip = getDirectiveValues(GraphQLSkipDirective, node, this.variables)
    if (skip?.if === true) return false
    const include = getDirectiveValues(GraphQLIncludeDirective, node, this.variables)
    return include?.if !== false
  }

  private walk(
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    multiplier: number,
    path: string[],
    scopeReported: boolean,
    isRoot: boolean,
    spreading: Set<string>,
  ): void {
    for (const selection of selectionSet.selections) {
      if (!this.included(selection)) continue
      if (selection.kind === 'InlineFragment') {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent
        if (type && isCompositeType(type)) this.walk(selection.selectionSet, type, multiplier, path, scopeReported, isRoot, spreading)
        continue
      }
      if (selection.kind === 'FragmentSpread') {
        const name = selection.name.value
        const fragment = this.fragments.get(name)
        const type = fragment && this.schema.getType(fragment.typeCondition.name.value)
        if (!fragment || !type || !isCompositeType(type) || spreading.has(name)) continue
        spreading.add(name)
        this.walk(fragment.selectionSet, type, multiplier, path, scopeReported, isRoot, spreading)
        spreading.delete(name)
        continue
      }
      this.field(selection, parent, multiplier, path, scopeReported, isRoot, spreading)
    }
  }

  private field(
    node: FieldNode,
    parent: GraphQLCompositeType,
    multiplier: number,
    path: string[],
    scopeReported: boolean,
    isRoot: boolean,
    spreading: Set<string>,
  ): void {
    const name = node.name.value
    if (name.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) return
    const definition = parent.getFields()[name]
    if (!definition) return
    const type = getNamedType(definition.type)
    const fieldPath = [...path, node.alias?.value ?? name]
    const locations = node.loc ? [{line: node.loc.startToken.line, column: node.loc.startToken.column}] : undefined
    const args = this.argumentsOf(definition, node)

    if (isRoot && path[0] === 'mutation') this.mutationFields.push(name)
    if (isRoot && path[0] === 'query' && name === 'rateLimit' && args.dryRun === true) this.dryRun = true

    let reported = scopeReported
    if (!reported) {
      if (isRoot && path[0] === 'mutation' && name.includes('ProjectV2') && !this.canWriteProjects) {
        this.errors.push(this.scopeError(name, WRITE_PROJECT_SCOPES, fieldPath, locations))
        reported = true
      } else if ((PROJECT_TYPE.test(parent.name) || PROJECT_TYPE.test(type.name)) && !this.canReadProjects) {
        this.errors.push(this.scopeError(name, READ_PROJECT_SCOPES, fieldPath, locations))
        reported = true
      }
    }

    let childMultiplier = multiplier
    const hasPagination = definition.args.some((a) => a.name === 'first' || a.name === 'last')
    if (type.name.endsWith('Connection') && hasPagination) {
      const page = this.pageSize(name, args, fieldPath, locations)
      if (page !== undefined) {
        this.nodes += multiplier * page
        this.requests += multiplier
        childMultiplier = multiplier * page
      }
    }
    if (node.selectionSet && isCompositeType(type)) this.walk(node.selectionSet, type, childMultiplier, fieldPath, reported, false, spreading)
  }

  private argumentsOf(definition: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
    try {
      return getArgumentValues(definition, node, this.variables)
    } catch {
      return {} // cannot happen after validation and variable coercion; treated as "no arguments"
    }
  }

  /** The page size of a connection, or undefined after recording GitHub's pagination error. */
  private pageSize(
    connection: string,
    args: Record<string, unknown>,
    path: string[],
    locations: GitHubGraphQLError['locations'],
  ): number | undefined {
    const first = typeof args.first === 'number' ? args.first : undefined
    const last = typeof args.last === 'number' ? args.last : undefined
    if (first === undefined && last === undefined) {
      this.errors.push({
        type: 'MISSING_PAGINATION_BOUNDARIES',
        path,
        locations,
        message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${connection}\` connection.`,
      })
      return undefined
    }
    if (first !== undefined && last !== undefined) {
      this.errors.push({
        type: 'EXCESSIVE_PAGINATION',
        path,
        locations,
        message: `Passing both \`first\` and \`last\` to paginate the \`${connection}\` connection is not supported.`,
      })
      return undefined
    }
    const argument = first !== undefined ? 'first' : 'last'
    const value = (first ?? last) as number
    if (value > MAX_PAGE_SIZE) {
      this.errors.push({
        type: 'EXCESSIVE_PAGINATION',
        path,
        locations,
        message: `Requesting ${value} records on the \`${connection}\` connection exceeds the \`${argument}\` limit of ${MAX_PAGE_SIZE} records.`,
      })
      return undefined
    }
    if (value < 1) {
      this.errors.push({
        type: 'EXCESSIVE_PAGINATION',
        path,
        locations,
        message: `The \`${argument}\` value on the \`${connection}\` connection must be between 1 and ${MAX_PAGE_SIZE}, got ${value}.`,
      })
      return undefined
    }
    return value
  }

  private scopeError(field: string, required: string[], path: string[], locations: GitHubGraphQLError['locations']): GitHubGraphQLError {
    return {type: 'INSUFFICIENT_SCOPES', path, locations, message: insufficientScopesMessage(field, required, this.scopes)}
  }
}
