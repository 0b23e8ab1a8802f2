/**
 * Fault injection for the sandbox: a test switches faults on and off at run time. Decisions come from a seeded PRNG,
 * so the same seed and the same request order give the same faults. Two families, as on GitHub:
 * - BEFORE execution (`status5xx`, `drop`, `somethingWentWrong`): nothing ran, the request can be sent again;
 * - AFTER execution (`status5xxAfter`, `dropAfter`): the request ran in full, then its answer was lost (a 502 or a
 *   closed connection). The client cannot tell these from the first family: a mutation that fails so is ambiguous
 *   (github/gh-gei#707), and re-sending it blindly duplicates what it created.
 * And one limit that GitHub applies per mutation (`submittedTooQuickly`): see ContentPace.
 */
export interface FaultOptions {
  /** Probability 0..1 that a request is answered 502 Bad Gateway instead of being executed. */
  status5xx?: number
  /** Probability 0..1 that the connection is destroyed without any answer (the client sees a network error). */
  drop?: number
  /** Probability 0..1 that a request is executed, then answered 502 (the answer is lost, the change is made). */
  status5xxAfter?: number
  /** Probability 0..1 that a request is executed, then its connection destroyed without an answer. */
  dropAfter?: number
  /**
   * Probability 0..1 that a GraphQL request is answered HTTP 200 `{"data": null, "errors": [{"message": "Something
   * went wrong while executing your query. Please include `ID` when reporting this issue."}]}` without executing
   * (GitHub does this now and then for Projects v2 queries: octokit/plugin-retry.js#395). REST requests get a 502.
   */
  somethingWentWrong?: number
  /**
   * Content created too fast, refused per mutation inside a 200 (cli/cli#4801): `true` for the default pace
   * (DEFAULT_CONTENT_PACE), an object for another one, `false` to switch it off.
   */
  submittedTooQuickly?: boolean | ContentPaceLimit
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
  /** Requests executed, then answered 502. */
  status5xxAfter: number
  /** Requests executed, then their connection destroyed. */
  droppedAfter: number
  /** GraphQL requests answered 200 "Something went wrong". */
  somethingWentWrong: number
  /** Content-creating mutation fields refused as "submitted too quickly". */
  tooQuickly: number
}

/** At most `limit` content creations by one user within any `windowMs` of the sandbox clock. */
export interface ContentPaceLimit {
  limit: number
  windowMs: number
}

/**
 * The pace `submittedTooQuickly: true` enforces: 20 content creations per user per minute of sandbox time. GitHub does
 * not publish its thresholds (they vary; cli/cli#4801 hit it with a few issues a minute); 20 a minute sits well below
 * the 80-a-minute secondary limit, so a client that only respects the secondary limit meets this refusal.
 */
export const DEFAULT_CONTENT_PACE: Readonly<ContentPaceLimit> = Object.freeze({limit: 20, windowMs: 60_000})

/** The per-user sliding window behind "was submitted too quickly". */
export class ContentPace {
  private readonly log = new Map<string, number[]>()

  constructor(readonly pace: ContentPaceLimit) {}

  /** Records a creation at `now` and returns true, or returns false (nothing recorded) when it comes too quickly. */
  allow(login: string, now: number): boolean {
    const times = (this.log.get(login) ?? []).filter((t) => t > now - this.pace.windowMs)
    if (times.length >= this.pace.limit) {
      this.log.set(login, times)
      return false
    }
    times.push(now)
    this.log.set(login, times)
    return true
  }
}

/** What the server must do with one request. */
export type FaultKind = 'none' | 'drop' | 'status5xx' | 'somethingWentWrong' | 'dropAfter' | 'status5xxAfter'
export type FaultDecision = {kind: FaultKind; delayMs: number}

type Probabilities = Required<Omit<FaultOptions, 'seed' | 'submittedTooQuickly'>>
const PROBABILITIES = ['status5xx', 'drop', 'somethingWentWrong', 'status5xxAfter', 'dropAfter'] as const
const NO_FAULTS: Probabilities = {status5xx: 0, drop: 0, somethingWentWrong: 0, status5xxAfter: 0, dropAfter: 0, delayMs: 0}

const DEFAULT_SEED = 0x5eed

export class Faults {
  private options: Probabilities = {...NO_FAULTS}
  private state = DEFAULT_SEED
  private contentPace: ContentPace | undefined
  readonly counters: FaultCounters = {status5xx: 0, dropped: 0, delayed: 0, status5xxAfter: 0, droppedAfter: 0, somethingWentWrong: 0, tooQuickly: 0}

  /** Merges `options` into the active faults. Probabilities are checked to be within 0..1. */
  set(options: FaultOptions): void {
    for (const key of PROBABILITIES) {
      const p = options[key]
      if (p !== undefined && !(p >= 0 && p <= 1)) throw new RangeError(`fault probability ${key} must be within 0..1, got ${p}`)
    }
    if (options.delayMs !== undefined && !(options.delayMs >= 0)) throw new RangeError(`fault delayMs must be >= 0, got ${options.delayMs}`)
    const next = {...this.options}
    for (const key of [...PROBABILITIES, 'delayMs'] as const) if (options[key] !== undefined) next[key] = options[key]!
    this.options = next
    const pace = options.submittedTooQuickly
    if (pace !== undefined) {
      if (typeof pace === 'object' && !(pace.limit >= 0 && pace.windowMs > 0)) {
        throw new RangeError('submittedTooQuickly needs limit >= 0 and windowMs > 0')
      }
      this.contentPace = pace === false ? undefined : new ContentPace(pace === true ? {...DEFAULT_CONTENT_PACE} : {...pace})
    }
    if (options.seed !== undefined) this.state = options.seed >>> 0
  }

  /** Switches every fault off (counters are kept; see `resetCounters`). */
  clear(): void {
    this.options = {...NO_FAULTS}
    this.contentPace = undefined
  }

  resetCounters(): void {
    for (const key of Object.keys(this.counters) as Array<keyof FaultCounters>) this.counters[key] = 0
  }

  /** The active fault settings. */
  get active(): Readonly<Probabilities & {submittedTooQuickly: ContentPaceLimit | false}> {
    return {...this.options, submittedTooQuickly: this.contentPace ? {...this.contentPace.pace} : false}
  }

  /**
   * Whether `login` may create content at `now` (sandbox time), recording it when so. Always true while
   * `submittedTooQuickly` is off; a refusal is counted.
   */
  allowContent(login: string, now: number): boolean {
    if (!this.contentPace || this.contentPace.allow(login, now)) return true
    this.counters.tooQuickly++
    return false
  }

  /** Decides the fate of one request and counts it. Faults before execution are tried first, then after. */
  decide(): FaultDecision {
    const {delayMs} = this.options
    if (delayMs > 0) this.counters.delayed++
    const order: Array<[keyof Probabilities & FaultKind, keyof FaultCounters]> = [
      ['drop', 'dropped'],
      ['status5xx', 'status5xx'],
      ['somethingWentWrong', 'somethingWentWrong'],
      ['dropAfter', 'droppedAfter'],
      ['status5xxAfter', 'status5xxAfter'],
    ]
    for (const [kind, counter] of order) {
      const p = this.options[kind]
      if (p > 0 && this.random() < p) {
        this.counters[counter]++
        return {kind, delayMs}
      }
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
