/**
 * Fault injection for the sandbox: a test switches faults on and off at run time. Faults are decided BEFORE a
 * request executes, so a faulted request changes nothing in the world (a client that retries is always safe).
 * Decisions come from a seeded PRNG, so the same seed and the same request order give the same faults.
 */
export interface FaultOptions {
  /** Probability 0..1 that a request is answered 502 Bad Gateway instead of being executed. */
  status5xx?: number
  /** Probability 0..1 that the connection is destroyed without any answer (the client sees a network error). */
  drop?: number
  /** Real milliseconds to wait before handling each request (applies to every request, faulted or not). */
  delayMs?: number
  /** Seed of the deterministic PRNG; setting it restarts the sequence. */
  seed?: number
}

export interface FaultCounters {
  /** Requests answered 502. */
  status5xx: number
  /** Connections destroyed without an answer. */
  dropped: number
  /** Requests that were delayed. */
  delayed: number
}

/** What the server must do with one request. */
export type FaultDecision = {kind: 'none'; delayMs: number} | {kind: 'drop'; delayMs: number} | {kind: 'status5xx'; delayMs: number}

const DEFAULT_SEED = 0x5eed

export class Faults {
  private options: Required<Omit<FaultOptions, 'seed'>> = {status5xx: 0, drop: 0, delayMs: 0}
  private state = DEFAULT_SEED
  readonly counters: FaultCounters = {status5xx: 0, dropped: 0, delayed: 0}

  /** Merges `options` into the active faults. Probabilities are checked to be within 0..1. */
  set(options: FaultOptions): void {
    for (const key of ['status5xx', 'drop'] as const) {
      const p = options[key]
      if (p !== undefined && !(p >= 0 && p <= 1)) throw new RangeError(`fault probability ${key} must be within 0..1, got ${p}`)
    }
    if (options.delayMs !== undefined && !(options.delayMs >= 0)) throw new RangeError(`fault delayMs must be >= 0, got ${options.delayMs}`)
    this.options = {
      status5xx: options.status5xx ?? this.options.status5xx,
      drop: options.drop ?? this.options.drop,
      delayMs: options.delayMs ?? this.options.delayMs,
    }
    if (options.seed !== undefined) this.state = options.seed >>> 0
  }

  /** Switches every fault off (counters are kept; see `resetCounters`). */
  clear(): void {
    this.options = {status5xx: 0, drop: 0, delayMs: 0}
  }

  resetCounters(): void {
    this.counters.status5xx = 0
    this.counters.dropped = 0
    this.counters.delayed = 0
  }

  /** The active fault settings. */
  get active(): Readonly<Required<Omit<FaultOptions, 'seed'>>> {
    return {...this.options}
  }

  /** Decides the fate of one request and counts it. A drop is tried before a 502. */
  decide(): FaultDecision {
    const {drop, status5xx, delayMs} = this.options
    if (delayMs > 0) this.counters.delayed++
    if (drop > 0 && this.random() < drop) {
      this.counters.dropped++
      return {kind: 'drop', delayMs}
    }
    if (status5xx > 0 && this.random() < status5xx) {
      this.counters.status5xx++
      return {kind: 'status5xx', delayMs}
    }
    return {kind: 'none', delayMs}
  }

  /** mulberry32: small, fast, good enough to spread faults evenly and fully deterministic. */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
