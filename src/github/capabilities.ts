/**
 * What the GitHub at hand can do, asked of its schema. GitHub Enterprise Server lags github.com: GHES 3.16's schema
 * has no `updateProjectV2Field`, so options, iterations and field names cannot be changed there through the API.
 */
export interface SchemaApi {
  graphql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>
}

export const MUTATION_FIELDS = `query SchemaMutations { __type(name: "Mutation") { fields { name } } }`

/** GitHub's answer when a document uses a mutation its schema lacks (a schema validation error). */
export const MISSING_MUTATION_RE = /Field '(\w+)' doesn't exist on type 'Mutation'/

/**
 * The names of the mutations the server's schema has, or undefined when it will not say (introspection refused or
 * failed): callers then go ahead and read GitHub's answer instead.
 */
export async function mutationNames(api: SchemaApi): Promise<Set<string> | undefined> {
  try {
    const data = await api.graphql<any>(MUTATION_FIELDS)
    const fields = data?.__type?.fields
    if (!Array.isArray(fields)) return undefined
    return new Set(fields.map((f: {name: string}) => f.name))
  } catch {
    return undefined
  }
}
