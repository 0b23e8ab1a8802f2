import {createHash} from 'node:crypto'
import {canonicalText, isIndexKey, setOwn} from '../util/canonical.js'

/**
 * Whole-project JSON without whole-project strings (issue 14, bounded memory). A 50,000-item state is ~150 MB of
 * canonical JSON; rendering it as one string, hashing that string (which copies it again as UTF-8) and parsing it back
 * from one string each cost a copy of the project. Here canonical text is produced in pieces (one per item) for
 * hashing, measuring and compressing, and event files are parsed from their bytes member by member.
 */

/** How deep `canonicalChunks` splits by default: the state, its sections, their entries (one chunk per item). */
export const CHUNK_DEPTH = 3

/**
 * The keys of an object in the order canonicalJson renders them: canonicalJson inserts the sorted keys into a new
 * object, and V8 enumerates index-like keys first (numerically), then the others in insertion (sorted) order.
 */
function canonicalKeys(value: object): string[] {
  const index: string[] = []
  const other: string[] = []
  for (const key of Object.keys(value)) (isIndexKey(key) ? index : other).push(key)
  index.sort((a, b) => Number(a) - Number(b))
  other.sort()
  return index.length === 0 ? other : [...index, ...other]
}

const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol'

/**
 * canonicalJson(value) in pieces: joined, the pieces are byte-identical to it. Objects and arrays down to `depth`
 * levels are split into their members; anything deeper is one piece (its canonicalText).
 */
export function* canonicalChunks(value: unknown, depth = CHUNK_DEPTH): Generator<string> {
  if (depth <= 0 || value === null || typeof value !== 'object' || typeof (value as {toJSON?: unknown}).toJSON === 'function') {
    yield canonicalText(value)
    return
  }
  if (Array.isArray(value)) {
    yield '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ','
      const v = value[i]
      if (skipped(v)) yield 'null'
      else yield* canonicalChunks(v, depth - 1)
    }
    yield ']'
    return
  }
  yield '{'
  let first = true
  for (const key of canonicalKeys(value)) {
    const v = (value as Record<string, unknown>)[key]
    if (skipped(v)) continue
    yield `${first ? '' : ','}${JSON.stringify(key)}:`
    first = false
    yield* canonicalChunks(v, depth - 1)
  }
  yield '}'
}

/** `sha256:` of canonicalJson(value) and its length in UTF-8 bytes, without rendering it whole. */
export function canonicalDigest(value: unknown, depth = CHUNK_DEPTH): {hash: string; bytes: number} {
  const hash = createHash('sha256')
  let bytes = 0
  for (const chunk of canonicalChunks(value, depth)) {
    hash.update(chunk, 'utf8')
    bytes += Buffer.byteLength(chunk, 'utf8')
  }
  return {hash: 'sha256:' + hash.digest('hex'), bytes}
}

// ---------------------------------------------------------------------------------------------------------------
// parsing

/** Below this many bytes a document is parsed with one JSON.parse (its string is small). */
export const WHOLE_PARSE_BYTES = 4 * 1024 * 1024
/** Containers at this depth and deeper are parsed whole (one JSON.parse of their bytes: an item). */
const SPLIT_DEPTH = 4

const QUOTE = 0x22
const BACKSLASH = 0x5c

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09
}

/**
 * JSON.parse of UTF-8 bytes, without the whole document as one string: a large document's outer containers (an event,
 * its payload, the state, its sections) are walked member by member and each entry below them (an item) is parsed on
 * its own. The same value as JSON.parse(text) for any valid JSON; invalid JSON throws a SyntaxError.
 */
export function parseJsonBytes(bytes: Uint8Array, wholeBelow = WHOLE_PARSE_BYTES): unknown {
  if (bytes.byteLength < wholeBelow) return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
  const parser = new JsonStreamParser()
  parser.push(bytes)
  return parser.end()
}

interface Frame {
  container: Record<string, unknown> | unknown[]
  object: boolean
  key?: string
  /** first: just opened; key: a name is due; colon: ':' is due; value: a value is due; after: ',' or the close is due */
  state: 'first' | 'key' | 'colon' | 'value' | 'after'
}

/**
 * parseJsonBytes for a document that arrives in pieces (a gunzip stream): the same value, without the whole document
 * in memory at any time, only the piece being read and the value built so far. Push every piece, then `end()`.
 */
export class JsonStreamParser {
  private buf: Buffer = Buffer.alloc(0)
  private pos = 0
  private readonly stack: Frame[] = []
  private root: unknown
  private done = false
  /** bytes consumed before `buf` (for error positions) */
  private offset = 0

  push(piece: Uint8Array): void {
    const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength)
    this.offset += this.pos
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk
    this.pos = 0
    this.run(false)
  }

  end(): unknown {
    this.run(true)
    if (!this.done) this.fail(this.buf.length, 'Unexpected end')
    return this.root
  }

  private fail(at: number, what: string): never {
    throw new SyntaxError(`${what} in JSON at position ${this.offset + at}`)
  }

  /** The end of the string starting at `at`, or -1 when it has not all arrived. */
  private stringEnd(at: number): number {
    let i = at + 1
    for (;;) {
      const q = this.buf.indexOf(QUOTE, i)
      if (q < 0) return -1
      let slashes = 0
      for (let j = q - 1; j > at && this.buf[j] === BACKSLASH; j--) slashes++
      if (slashes % 2 === 0) return q + 1
      i = q + 1
    }
  }

  /** The end of the value starting at `at`, or -1 when it has not all arrived (a number may go on in the next piece). */
  private valueEnd(at: number, final: boolean): number {
    const b = this.buf[at]
    if (b === QUOTE) return this.stringEnd(at)
    if (b === 0x7b || b === 0x5b) {
      let depth = 0
      let i = at
      while (i < this.buf.length) {
        const c = this.buf[i]
        if (c === QUOTE) {
          i = this.stringEnd(i)
          if (i < 0) return -1
          continue
        }
        if (c === 0x7b || c === 0x5b) depth++
        else if (c === 0x7d || c === 0x5d) {
          depth--
          if (depth === 0) return i + 1
        }
        i++
      }
      return -1
    }
    let i = at
    while (i < this.buf.length) {
      const c = this.buf[i]
      if (c === 0x2c || c === 0x7d || c === 0x5d || isSpace(c)) return i === at ? this.fail(at, 'Unexpected token') : i
      i++
    }
    return final ? i : -1
  }

  private attach(value: unknown): void {
    const top = this.stack.at(-1)
    if (!top) {
      this.root = value
      this.done = true
      return
    }
    if (top.object) setOwn(top.container as Record<string, unknown>, top.key!, value)
    else (top.container as unknown[]).push(value)
    top.state = 'after'
  }

  private run(final: boolean): void {
    for (;;) {
      let i = this.pos
      while (i < this.buf.length && isSpace(this.buf[i])) i++
      this.pos = i
      if (i >= this.buf.length) return
      if (this.done) this.fail(i, 'Unexpected data after JSON')
      const c = this.buf[i]
      const top = this.stack.at(-1)
      const close = top ? (top.object ? 0x7d : 0x5d) : -1
      if (top && (top.state === 'first' || top.state === 'after') && c === close) {
        this.stack.pop()
        this.pos = i + 1
        this.attach(top.container)
        continue
      }
      if (top?.state === 'after') {
        if (c !== 0x2c) this.fail(i, `Expected ',' or '${top.object ? '}' : ']'}'`)
        top.state = top.object ? 'key' : 'value'
        this.pos = i + 1
        continue
      }
      if (top?.object && (top.state === 'first' || top.state === 'key')) {
        if (c !== QUOTE) this.fail(i, 'Expected a property name')
        const end = this.stringEnd(i)
        if (end < 0) return final ? this.fail(i, 'Unterminated string') : undefined
        top.key = JSON.parse(this.buf.toString('utf8', i, end)) as string
        top.state = 'colon'
        this.pos = end
        continue
      }
      if (top?.state === 'colon') {
        if (c !== 0x3a) this.fail(i, "Expected ':'")
        top.state = 'value'
        this.pos = i + 1
        continue
      }
      // a value is due (the root, an array's element, an object's member)
      if ((c === 0x7b || c === 0x5b) && this.stack.length < SPLIT_DEPTH) {
        this.stack.push({container: c === 0x7b ? {} : [], object: c === 0x7b, state: 'first'})
        this.pos = i + 1
        continue
      }
      const end = this.valueEnd(i, final)
      if (end < 0) return final ? this.fail(i, 'Unexpected end') : undefined
      this.attach(JSON.parse(this.buf.toString('utf8', i, end)))
      this.pos = end
    }
  }
}
