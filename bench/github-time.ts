/**
 * GitHub time: how long a sequence of requests takes against GitHub's limits, replayed through the sandbox's own
 * rate limiter (src/sandbox/ratelimit.ts) on a manual clock. Each request takes `latencyMs` plus its server time
 * (`serverMs`, GitHub's server-time model: src/sandbox/servertime.ts) of GitHub time; like the
 * real client (src/github/client.ts) mutations start at least `mutationIntervalMs` apart, and a refused request waits
 * the retry-after the limiter gives, then is sent again.
 */
import {ManualClock} from '../src/sandbox/clock.js'
import {RateLimiter, SECONDARY_LIMITS} from '../src/sandbox/ratelimit.js'

/** One request as the limits see it. */
export interface LoggedRequest {
  kind: 'query' | 'mutation' | 'restRead' | 'restWrite'
  /** content-creating mutation fields or REST POSTs in it */
  content: number
  /** GraphQL primary cost (1 for a mutation) */
  points?: number
  /** GitHub's server time for it (src/sandbox/servertime.ts), added to the latency */
  serverMs?: number
}

export interface GitHubTimeOptions {
  /** GitHub's answer time per request (default 300 ms, the planner's estimate default) */
  latencyMs?: number
  /** the client's spacing of mutations on GitHub (default 1000 ms, src/github/client.ts) */
  mutationIntervalMs?: number
}

export interface GitHubTime {
  ms: number
  /** requests refused by a limit and sent again */
  refused: number
  secondaryPoints: number
}

export function githubTime(requests: readonly LoggedRequest[], options: GitHubTimeOptions = {}): GitHubTime {
  const latency = options.latencyMs ?? 300
  const interval = options.mutationIntervalMs ?? 1000
  const start = Date.parse('2025-01-01T00:00:00Z')
  const clock = new ManualClock(start)
  const limiter = new RateLimiter(clock, true)
  let nextMutation = start
  let refused = 0
  let secondaryPoints = 0
  for (const r of requests) {
    const write = r.kind === 'mutation' || r.kind === 'restWrite'
    if (write && clock.now() < nextMutation) clock.set(nextMutation)
    const resource = r.kind === 'query' || r.kind === 'mutation' ? 'graphql' : 'core'
    const points =
      r.kind === 'mutation' ? SECONDARY_LIMITS.graphqlMutationPoints
      : r.kind === 'query' ? SECONDARY_LIMITS.graphqlQueryPoints
      : r.kind === 'restWrite' ? SECONDARY_LIMITS.restWritePoints
      : SECONDARY_LIMITS.restReadPoints
    for (;;) {
      const verdict = limiter.admit('bench', resource, {secondaryPoints: points, contentCreations: r.content, primaryPoints: r.points ?? 1})
      if (verdict.ok) break
      refused++
      clock.advance(Math.ceil(verdict.retryAfterMs / 1000) * 1000)
    }
    secondaryPoints += points
    if (write) nextMutation = clock.now() + interval
    clock.advance(latency + (r.serverMs ?? 0))
  }
  return {ms: clock.now() - start, refused, secondaryPoints}
}
