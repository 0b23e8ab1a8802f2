/**
 * A fetch that is cut when the server stalls, when the command's deadline passes, or when one attempt runs too long.
 *
 * `fetch` alone only knows an overall timeout: a server that accepts the request and then says nothing, or drips a
 * byte every few hundred milliseconds, holds an attempt for as long as that timeout allows. Here the bytes received
 * are counted (headers and body alike: before the headers are complete nothing is counted) and an attempt that
 * received less than `minBytes` in any window of `stallMs` is aborted: a silent server and a dripping one are both cut
 * after one window. The body is read here, whole, so the watch covers it; the caller gets a complete Response.
 */

/** The server sent (almost) nothing for a whole stall window. */
export class StallError extends Error {
  override name = 'StallError'
}

/** The command's deadline passed while this attempt was in flight (or before it started). */
export class DeadlineError extends Error {
  override name = 'DeadlineError'
  /** true when the request had been sent: a write may then have been applied */
  constructor(message: string, readonly sent: boolean) {
    super(message)
  }
}

export interface GuardOptions {
  /** what the attempt waits for, in words ("an answer to query Items") */
  what: string
  /** a window of this long with less than `minBytes` received cuts the attempt */
  stallMs: number
  /** bytes a window must bring (default 1024): a drip of a few bytes a second is a stall */
  minBytes?: number
  /** epoch milliseconds at which the command's deadline passes; undefined: no deadline */
  deadlineAt?: number
  /** one attempt may not take longer than this in all (default: no limit besides the stall watch) */
  attemptMs?: number
  /** told every `progressMs` while the attempt waits, with the time waited so far */
  onWaiting?: (elapsedMs: number) => void
  progressMs?: number
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

export function seconds(ms: number): string {
  const s = ms / 1000
  return `${Number.isInteger(s) ? s : s.toFixed(s < 1 ? 2 : 1)} s`
}

export function guardedFetch(options: GuardOptions): typeof fetch {
  const minBytes = options.minBytes ?? 1024
  return async (input: any, init: any = {}) => {
    const started = Date.now()
    if (options.deadlineAt !== undefined && started >= options.deadlineAt) {
      throw new DeadlineError(`the deadline passed before sending the request for ${options.what}`, false)
    }
    const controller = new AbortController()
    let cut: Error | undefined
    const abort = (error: Error): void => {
      if (cut) return
      cut = error
      controller.abort(error)
    }
    let received = 0
    let mark = 0
    const timers: Array<ReturnType<typeof setTimeout>> = []
    const every = (ms: number, fn: () => void) => timers.push(setInterval(fn, ms).unref())
    const once = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms).unref())
    every(options.stallMs, () => {
      if (received - mark < minBytes) {
        const got = received === 0 ? 'nothing' : `only ${received - mark} bytes`
        abort(new StallError(`GitHub sent ${got} for ${seconds(options.stallMs)} while we waited for ${options.what} (stalled)`))
      }
      mark = received
    })
    if (options.deadlineAt !== undefined) {
      once(Math.max(0, options.deadlineAt - started), () => abort(new DeadlineError(`the deadline passed while waiting for ${options.what}`, true)))
    }
    if (options.attemptMs !== undefined) {
      once(options.attemptMs, () => abort(new StallError(`GitHub took longer than ${seconds(options.attemptMs!)} to answer ${options.what}`)))
    }
    if (options.onWaiting) {
      const onWaiting = options.onWaiting
      every(options.progressMs ?? 5000, () => {
        try {
          onWaiting(Date.now() - started)
        } catch {
          // a failing observer must not stop the request
        }
      })
    }
    try {
      const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal
      const response = await fetch(input, {...init, signal})
      let body: Buffer | null = null
      if (response.body && !NULL_BODY_STATUSES.has(response.status)) {
        const chunks: Uint8Array[] = []
        const reader = response.body.getReader()
        for (;;) {
          const {done, value} = await reader.read()
          if (done) break
          received += value.byteLength
          chunks.push(value)
        }
        body = Buffer.concat(chunks)
      }
      if (cut) throw cut
      const headers = new Headers(response.headers)
      // the body handed on is already decoded
      headers.delete('content-encoding')
      headers.delete('content-length')
      const whole = new Response(body, {status: response.status, statusText: response.statusText, headers})
      Object.defineProperty(whole, 'url', {value: response.url})
      return whole
    } catch (error) {
      throw cut ?? error
    } finally {
      for (const timer of timers) clearTimeout(timer)
    }
  }
}
