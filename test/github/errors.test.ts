import {expect} from 'chai'
import {GitHubError, isGitHubError, rateLimitMessage, toUserError} from '../../src/github/errors.js'
import {LockHeldError, isLockHeldError} from '../../src/storage/lock.js'
import {UserError} from '../../src/util/errors.js'

/** Shaped like @octokit/request-error's RequestError (name HttpError, status, request with redacted auth, response). */
function httpError(status: number, message: string, headers: Record<string, string> = {}, url = 'https://api.github.com/repos/o/r/milestones'): Error {
  return Object.assign(new Error(message), {
    name: 'HttpError',
    status,
    request: {method: 'GET', url, headers: {authorization: 'token [REDACTED]'}},
    response: {status, url, headers, data: {message}},
  })
}

describe('github/errors toUserError', () => {
  it('names a missing REST scope from the x-accepted-oauth-scopes / x-oauth-scopes headers', () => {
    const error = toUserError(httpError(404, 'Not Found', {'x-accepted-oauth-scopes': 'repo', 'x-oauth-scopes': 'read:project'}), 'milestones of o/r')
    expect(error).to.be.instanceOf(GitHubError).and.have.property('kind', 'scopes')
    expect(error.message).to.include('lacks the repo scope needed for milestones of o/r').and.include('gh auth refresh -s repo')
  })

  it('treats a granted parent scope as enough (project covers read:project)', () => {
    const error = toUserError(httpError(403, 'Resource not accessible', {'x-accepted-oauth-scopes': 'read:project', 'x-oauth-scopes': 'project, repo'}))
    expect(error).to.have.property('kind', 'forbidden')
  })

  it('maps REST 403 to no access and 404 to not found, with what was looked for', () => {
    const forbidden = toUserError(httpError(403, 'Resource not accessible by personal access token'), 'the milestones of o/r')
    expect(forbidden.message).to.equal(
      'Your token cannot access the milestones of o/r (GitHub: Resource not accessible by personal access token); ask an owner to grant access',
    )
    const notFound = toUserError(httpError(404, 'Not Found'))
    expect(notFound.message).to.equal('Not found: GET /repos/o/r/milestones, or your token cannot see it (GitHub answered 404)')
    expect((notFound as GitHubError).status).to.equal(404)
    expect(notFound.cause).to.have.property('name', 'HttpError')
  })

  it('gives other refusals GitHub’s message on one line', () => {
    const error = toUserError(httpError(422, 'Validation Failed:\n  title already exists'), 'creating milestone v1')
    expect(error.message).to.equal('GitHub refused creating milestone v1 (422: Validation Failed: title already exists)')
  })

  it('passes UserErrors through and leaves bugs alone (they keep their stack)', () => {
    const user = new UserError('already friendly')
    expect(toUserError(user)).to.equal(user)
    const bug = new TypeError('cannot read properties of undefined')
    expect(toUserError(bug)).to.equal(bug)
  })

  it('formats rate-limit figures that GitHub left out', () => {
    expect(rateLimitMessage({remaining: 0})).to.equal(
      'GitHub API rate limit exhausted (0 points left); it resets within the hour. Try again then, or use a token with a higher limit.',
    )
  })

  it('recognises its errors when they come from another copy of the module (a host loading the plugin twice)', () => {
    const a = new GitHubError('not-found', 'Could not resolve to a ProjectV2')
    expect(isGitHubError(a, 'not-found')).to.equal(true)
    // what a second copy of the module makes: another class, the same mark
    const copy = Object.assign(new Error('gone'), {kind: 'not-found'})
    expect(isGitHubError(copy)).to.equal(false)
    for (const key of Object.getOwnPropertySymbols(a)) Object.defineProperty(copy, key, {value: (a as any)[key]})
    expect(isGitHubError(copy, 'not-found')).to.equal(true)
    expect(isGitHubError(copy, 'forbidden')).to.equal(false)
    const held = new LockHeldError('p/lock', undefined, 'file:///x')
    expect(isLockHeldError(held)).to.equal(true)
    const heldCopy = new Error(held.message)
    expect(isLockHeldError(heldCopy)).to.equal(false)
    for (const key of Object.getOwnPropertySymbols(held)) Object.defineProperty(heldCopy, key, {value: (held as any)[key]})
    expect(isLockHeldError(heldCopy)).to.equal(true)
  })
})
