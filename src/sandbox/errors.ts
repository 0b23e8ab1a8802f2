/**
 * An error the sandbox answers the way GitHub does: a GraphQL error with a top-level `type`
 * (NOT_FOUND, FORBIDDEN, INSUFFICIENT_SCOPES, UNPROCESSABLE, ...) and GitHub's message text.
 * World resolvers throw it; the server formats it into `{errors: [{type, path, locations, message}]}`.
 */
export class SandboxError extends Error {
  constructor(
    readonly type: 'NOT_FOUND' | 'FORBIDDEN' | 'INSUFFICIENT_SCOPES' | 'UNPROCESSABLE' | 'MAX_NODE_LIMIT_EXCEEDED' | 'INTERNAL' | string,
    message: string,
  ) {
    super(message)
    this.name = 'SandboxError'
  }
}
