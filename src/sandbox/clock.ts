/**
 * The sandbox's notion of time. Every rate-limit window runs on a Clock, so a test can drive time by hand
 * (ManualClock) and a benchmark can run GitHub's hourly limits in a minute (fastClock).
 *
 * "GitHub time" is what `now()` returns: the time the sandbox pretends it is. `speed` says how many GitHub
 * milliseconds pass per real millisecond; the server divides waits by it when it tells a client how long to sleep.
 */
export interface Clock {
  /** Milliseconds since the epoch, in GitHub time. */
  now(): number
  /** GitHub milliseconds per real millisecond (1 for real time, 60 for the fast clock). */
  readonly speed: number
  /** The real epoch milliseconds at which GitHub time `githubMs` occurs (for reset headers a client sleeps until). */
  toRealTime?(githubMs: number): number
}

/** GitHub time is real time. */
export function realClock(): Clock {
  return {now: () => Date.now(), speed: 1, toRealTime: (githubMs: number) => githubMs}
}

/** GitHub time = start + (realNow - start) * speed: one real second is `speed` GitHub seconds. */
export function fastClock(speed = 60, realNow: () => number = Date.now): Clock {
  if (!(speed > 0)) throw new RangeError(`fastClock speed must be positive, got ${speed}`)
  const start = realNow()
  return {
    now: () => start + (realNow() - start) * speed,
    speed,
    toRealTime: (githubMs: number) => start + (githubMs - start) / speed,
  }
}

/**
 * A clock that moves only when a test says so. Its timeline stands for real time as well (`toRealTime` is the
 * identity), so reset headers and `resetAt` are stated on it. `speed` (default 1) only scales `retry-after`.
 */
export class ManualClock implements Clock {
  private current: number
  readonly speed: number

  constructor(startMs: number = Date.parse('2025-01-01T00:00:00Z'), speed = 1) {
    if (!(speed > 0)) throw new RangeError(`ManualClock speed must be positive, got ${speed}`)
    this.current = startMs
    this.speed = speed
  }

  now(): number {
    return this.current
  }

  toRealTime(githubMs: number): number {
    return githubMs
  }

  /** Moves time forward by `ms` (never backwards). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance needs a non-negative duration, got ${ms}`)
    this.current += ms
  }

  /** Jumps to an absolute time; refuses to go back, because rate-limit windows assume time only grows. */
  set(ms: number): void {
    if (ms < this.current) throw new RangeError('ManualClock cannot move backwards')
    this.current = ms
  }
}

/** Real epoch milliseconds for GitHub time `githubMs` on `clock` (identity when the clock does not say). */
export function realTimeOf(clock: Clock, githubMs: number): number {
  return clock.toRealTime ? clock.toRealTime(githubMs) : githubMs
}

/** A GitHub-time wait expressed as the whole real seconds a client must sleep (at least 1). */
export function realWaitSeconds(clock: Clock, githubMs: number): number {
  return Math.max(1, Math.ceil(githubMs / 1000 / clock.speed))
}

/** A GitHub-time wait in whole GitHub seconds (at least 1). */
export function githubWaitSeconds(githubMs: number): number {
  return Math.max(1, Math.ceil(githubMs / 1000))
}
