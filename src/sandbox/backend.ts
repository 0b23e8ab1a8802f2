/**
 * The contract between the sandbox ENGINE (server.ts: HTTP, schema validation, GitHub's limits and costs, faults)
 * and the sandbox WORLD (world.ts: the in-memory store with every resolver and REST route).
 * The engine validates, prices and rate-limits a request; only then does it ask the backend to run it.
 */

/** Who is calling: the login behind the token and the token's OAuth scopes, e.g. ['repo', 'project', 'read:org']. */
export interface Viewer {
  login: string
  scopes: string[]
}

/** One REST call as the world sees it: the path has no `/api/v3` prefix and no query string. */
export interface RestRequest {
  method: string
  path: string
  query: Record<string, string>
  body: unknown
  viewer: Viewer
}

export interface RestResponse {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export interface SandboxBackend {
  /** graphql-js rootValue objects for query and mutation. Fields are plain properties or methods `(args, context, info)`;
   *  abstract types resolve through a `__typename` property on returned objects (graphql-js defaultTypeResolver). */
  graphqlRoot(viewer: Viewer): {query: object; mutation: object}
  /** REST routes; return undefined when no route matches (you answer 404 GitHub-style). */
  rest(req: RestRequest): RestResponse | undefined | Promise<RestResponse | undefined>
  /** true for mutations that create content (createIssue, addProjectV2DraftIssue, createProjectV2, createRepository,
   *  createLabel, createProjectV2StatusUpdate, ...): these count toward 80/minute and 500/hour. */
  isContentCreating(mutationField: string): boolean
  /** serialisable state for --state save/load */
  toJSON(): unknown
  /**
   * The clock the backend stamps createdAt / updatedAt with: the `Date` header of every answer tells it, as GitHub's
   * does its own (RFC 9110 §6.6.1). Absent: the engine's clock.
   */
  now?(): Date
}

/** The `contextValue` every resolver receives. `now` is GitHub time on the sandbox clock. */
export interface GraphQLContext {
  viewer: Viewer
  now: Date
}
