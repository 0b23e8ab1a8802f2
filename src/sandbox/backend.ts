/**
 * The contract between the sandbox ENGINE (server.ts: HTTP, schema validation, GitHub's limits and costs, faults)
 * and the sandbox WORLD (world.ts: the in-memory store with every resolver and REST route).
 * The engine validates, prices and rate-limits a request; only then does it ask the backend to run it.
 */

/** Who is calling: the login behind the token and the token's OAuth scopes, e.g. ['repo', 'project', 'read:org']. */
export interface Viewer {
  login: string
  scopes: string[]
  /** set for a GitHub App installation access token: what the installation reaches, and its own rate limit */
  installation?: InstallationGrant
}

/** What an installation access token stands for (src/sandbox/world/apps.ts). */
export interface InstallationGrant {
  id: number
  appId: number
  /** the user or organization the app is installed on */
  accountId: string
  organization: boolean
  /** GitHub's permission names (organization_projects, issues, metadata, pull_requests) -> read | write | admin */
  permissions: Record<string, string>
  /** the installation's primary rate limit per hour (GitHub's formula, ratelimit.ts) */
  primaryLimit: number
}

/** The JWT-authenticated App routes and installation tokens (src/sandbox/world/apps.ts). */
export interface AppsApi {
  /** true when the world has any app */
  readonly any: boolean
  isAppRoute(method: string, path: string): boolean
  /** the app a `bearer JWT` header stands for, or GitHub's refusal (401/404); the JWT's times are checked on `time.stated` */
  authenticate(authorization: string | undefined, time: SandboxTime): Promise<{app: {id: number}} | {refusal: RestResponse}>
  route(app: {id: number}, method: string, path: string, time: SandboxTime): RestResponse
  /** the viewer of an installation token; undefined when unknown or expired */
  viewerOfToken(token: string, time: SandboxTime): Viewer | undefined
}

/** The sandbox clock at one moment: `now` in GitHub time, and how a GitHub time is stated to clients (clock.ts). */
export interface SandboxTime {
  now: number
  /** the epoch milliseconds a client reads for GitHub time `githubMs` (Date headers, expires_at, x-ratelimit-reset) */
  stated(githubMs: number): number
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
  /** GitHub Apps and their installation tokens, when the backend has any */
  readonly apps?: AppsApi
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
