/**
 * GitHub's primary and secondary rate limits, on the sandbox Clock.
 *
 * Primary ("Rate limits for the REST API" / "... for the GraphQL API"): 5,000 points per hour per user, GraphQL and
 * REST `core` counted apart. Modelled as GitHub does: a FIXED one-hour window that starts with the first request
 * after the previous window ended; `x-ratelimit-reset` is its end.
 *
 * Secondary (same pages, "secondary rate limits"), per user, modelled as SLIDING windows (exact event log), so
 * `retry-after` is the precise wait until enough of the window has expired for the request to fit:
 *   - at most 100 concurrent requests (global to the sandbox; answered 429, retry-after 1),
 *   - GraphQL: 2,000 points per minute; a request without mutations costs 1, a request with mutations 5,
 *   - REST: 900 points per minute; GET/HEAD/OPTIONS cost 1, other methods 5,
 *   - content creation: 80 per minute and 500 per hour (each content-creating mutation field, or REST POST).
 * A request that is refused is charged nothing (GitHub may punish hammering harder; the sandbox does not).
 * With enforcement off every cost is still counted (headers and `rateLimit` stay truthful) but nothing is refused.
 */
import type {Clock} from './clock.js'

export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000

export const SECONDARY_LIMITS = {
  concurrentRequests: 100,
  graphqlPointsPerMinute: 2_000,
  restPointsPerMinute: 900,
  contentCreationsPerMinute: 80,
  contentCreationsPerHour: 500,
  graphqlQueryPoints: 1,
  graphqlMutationPoints: 5,
  restReadPoints: 1,
  restWritePoints: 5,
} as const

export const PRIMARY_LIMIT = 5_000

/**
 * GitHub App installations ("Rate limits for the REST API", "Primary rate limit for GitHub App installations"; the
 * GraphQL API uses the same figures): at least 5,000 an hour; installations with more than 20 repositories get 50
 * more per repository above 20, and installations on an organization with more than 20 users 50 more per user above
 * 20; never more than 12,500. (Installations on GitHub Enterprise Cloud organizations get 15,000: not modelled.)
 */
export const INSTALLATION_LIMITS = {minimum: 5_000, perRepository: 50, perUser: 50, freeRepositories: 20, freeUsers: 20, maximum: 12_500} as const

export function installationRateLimit(reach: {repositories: number; users: number; organization: boolean}): number {
  const L = INSTALLATION_LIMITS
  const repos = Math.max(0, reach.repositories - L.freeRepositories) * L.perRepository
  const users = reach.organization ? Math.max(0, reach.users - L.freeUsers) * L.perUser : 0
  return Math.min(L.maximum, L.minimum + repos + users)
}

export type Resource = 'graphql' | 'core'

/** A sliding-window log: amounts charged at times, counted while younger than the window. */
export class SlidingWindow {
  private events: Array<{at: number; amount: number}> = []
  private total = 0

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Amount charged within the window ending at `now`. */
  used(now: number): number {
    this.prune(now)
    return this.total
  }

  /** Milliseconds until `amount` more fits in the window (0 when it fits now). */
  waitFor(amount: number, now: number): number {
    this.prune(now)
    if (this.total + amount <= this.limit) return 0
    if (amount > this.limit) return this.windowMs // can never fit: tell the client to back off a whole window
    let excess = this.total + amount - this.limit
    for (const event of this.events) {
      excess -= event.amount
      if (excess <= 0) return Math.max(1, event.at + this.windowMs - now)
    }
    return this.windowMs
  }

  add(amount: number, now: number): void {
    if (amount <= 0) return
    this.prune(now)
    this.events.push({at: now, amount})
    this.total += amount
  }

  private prune(now: number): void {
    let drop = 0
    while (drop < this.events.length && this.events[drop].at + this.windowMs <= now) {
      this.total -= this.events[drop].amount
      drop++
    }
    if (drop > 0) this.events.splice(0, drop)
  }
}

/** A fixed window budget: `limit` points until `resetAt`, then a fresh window starting at the next use. */
export class FixedWindowBudget {
  private usedPoints = 0
  private resetAt: number | undefined

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** The window as of `now` (opening a new one when the previous has ended). */
  state(now: number): {limit: number; used: number; remaining: number; resetAt: number} {
    if (this.resetAt === undefined || now >= this.resetAt) {
      this.usedPoints = 0
      this.resetAt = now + this.windowMs
    }
    return {limit: this.limit, used: this.usedPoints, remaining: Math.max(0, this.limit - this.usedPoints), resetAt: this.resetAt}
  }

  charge(points: number, now: number): void {
    this.state(now)
    this.usedPoints += points
  }
}

/** What one request asks of the limits. */
export interface Admission {
  /** Secondary points (GraphQL: 1 or 5; REST: 1 or 5). */
  secondaryPoints: number
  /** Content-creating operations in the request. */
  contentCreations: number
  /** Primary points to charge (the GraphQL cost, 1 for REST, 0 for a dry run or a rejected document). */
  primaryPoints: number
}

export type Verdict =
  | {ok: true}
  | {ok: false; kind: 'primary' | 'secondary'; reason: string; retryAfterMs: number}

class UserLimits {
  readonly primary: Record<Resource, FixedWindowBudget>
  constructor(primaryLimit: number) {
    this.primary = {graphql: new FixedWindowBudget(primaryLimit, HOUR_MS), core: new FixedWindowBudget(primaryLimit, HOUR_MS)}
  }
  readonly secondary: Record<Resource, SlidingWindow> = {
    graphql: new SlidingWindow(SECONDARY_LIMITS.graphqlPointsPerMinute, MINUTE_MS),
    core: new SlidingWindow(SECONDARY_LIMITS.restPointsPerMinute, MINUTE_MS),
  }
  readonly contentPerMinute = new SlidingWindow(SECONDARY_LIMITS.contentCreationsPerMinute, MINUTE_MS)
  readonly contentPerHour = new SlidingWindow(SECONDARY_LIMITS.contentCreationsPerHour, HOUR_MS)
}

export class RateLimiter {
  private readonly users = new Map<string, UserLimits>()
  private inFlight = 0

  constructor(
    private readonly clock: Clock,
    /** false: count everything, refuse nothing (`limits: 'off'`). */
    readonly enforce: boolean,
  ) {}

  /** Requests being served right now. */
  get concurrent(): number {
    return this.inFlight
  }

  /** Takes a concurrency slot; false when 100 requests are already in flight (and limits are enforced). */
  enter(): boolean {
    if (this.enforce && this.inFlight >= SECONDARY_LIMITS.concurrentRequests) return false
    this.inFlight++
    return true
  }

  leave(): void {
    this.inFlight = Math.max(0, this.inFlight - 1)
  }

  /**
   * The primary window of `login` on `resource` as of now. `limit` is the hourly limit of a caller whose limit is not
   * the user's 5,000 (an App installation, keyed `installation:ID`); it applies from the caller's first request.
   */
  primary(login: string, resource: Resource, limit?: number): {limit: number; used: number; remaining: number; resetAt: number} {
    return this.user(login, limit).primary[resource].state(this.clock.now())
  }

  /** Secondary points of `login` on `resource` within the last minute. */
  secondaryUsed(login: string, resource: Resource): number {
    return this.user(login).secondary[resource].used(this.clock.now())
  }

  /** Content creations of `login` within the last minute and hour. */
  contentCreations(login: string): {minute: number; hour: number} {
    const now = this.clock.now()
    const user = this.user(login)
    return {minute: user.contentPerMinute.used(now), hour: user.contentPerHour.used(now)}
  }

  /** Checks every limit; charges the request only when all of them admit it. */
  admit(login: string, resource: Resource, request: Admission, limit?: number): Verdict {
    const now = this.clock.now()
    const user = this.user(login, limit)
    if (this.enforce) {
      const refusal = this.refusal(user, resource, request, now)
      if (refusal) return refusal
    }
    user.secondary[resource].add(request.secondaryPoints, now)
    user.contentPerMinute.add(request.contentCreations, now)
    user.contentPerHour.add(request.contentCreations, now)
    user.primary[resource].charge(request.primaryPoints, now)
    return {ok: true}
  }

  private refusal(user: UserLimits, resource: Resource, request: Admission, now: number): Verdict | undefined {
    const pointsWait = user.secondary[resource].waitFor(request.secondaryPoints, now)
    if (pointsWait > 0) {
      const limit = resource === 'graphql' ? SECONDARY_LIMITS.graphqlPointsPerMinute : SECONDARY_LIMITS.restPointsPerMinute
      return {ok: false, kind: 'secondary', reason: `${limit} points per minute on ${resource === 'graphql' ? 'GraphQL' : 'REST'}`, retryAfterMs: pointsWait}
    }
    if (request.contentCreations > 0) {
      const minuteWait = user.contentPerMinute.waitFor(request.contentCreations, now)
      const hourWait = user.contentPerHour.waitFor(request.contentCreations, now)
      if (minuteWait > 0 || hourWait > 0) {
        const reason = hourWait >= minuteWait ? `${SECONDARY_LIMITS.contentCreationsPerHour} content creations per hour` : `${SECONDARY_LIMITS.contentCreationsPerMinute} content creations per minute`
        return {ok: false, kind: 'secondary', reason, retryAfterMs: Math.max(minuteWait, hourWait)}
      }
    }
    const primary = user.primary[resource].state(now)
    if (request.primaryPoints > primary.remaining) {
      return {ok: false, kind: 'primary', reason: `${primary.limit} points per hour`, retryAfterMs: Math.max(1, primary.resetAt - now)}
    }
    return undefined
  }

  private user(login: string, limit: number = PRIMARY_LIMIT): UserLimits {
    let user = this.users.get(login)
    if (!user) {
      user = new UserLimits(limit)
      this.users.set(login, user)
    }
    return user
  }
}
