import {promises as fs} from 'node:fs'
import {randomBytes, scrypt as scryptCallback, createHash} from 'node:crypto'
import {promisify} from 'node:util'
import {once} from 'node:events'
import {createGunzip, createGzip, gzip as gzipCallback} from 'node:zlib'
import nacl from 'tweetnacl'
import {UserError} from '../util/errors.js'
import {registerSecret} from '../util/secrets.js'
import type {StorageBackend} from './backend.js'

/**
 * Stored bytes: compression (gzip) BEFORE encryption (NaCl secretbox, XSalsa20-Poly1305, a fresh random 24-byte nonce
 * per object). docs/encryption.md describes the formats so any NaCl implementation can open a repository.
 *
 * gzip rather than brotli: on journal JSON brotli saves a few more percent, but gzip is in every language's standard
 * library and every shell (`gunzip`), which matters for a disaster-recovery format, and it is fast at its default level.
 *
 * Envelope: `GHPM1` (5 bytes) | flags (1 byte: 0x01 gzip, 0x02 encrypted) | body.
 * - plain:     body = gzip(data) (flags 0x01)
 * - encrypted: body = nonce (24) | secretbox(flags | gzip(data), nonce, dataKey) (flags 0x03); the flags byte is
 *   repeated inside the box so the header is authenticated too.
 * Bytes that do not start with `GHPM1` are plain objects (uncompressed JSON written before this codec existed).
 */
export const KEY_RECORD_KEY = 'keys/key.json'
export const MAGIC = Buffer.from('GHPM1', 'ascii')
export const FLAG_GZIP = 0x01
export const FLAG_ENCRYPTED = 0x02
export const DEFAULT_SCRYPT = {N: 2 ** 15, r: 8, p: 1}
const HEADER = MAGIC.length + 1
const NONCE = nacl.secretbox.nonceLength // 24
const KEY_BYTES = nacl.secretbox.keyLength // 32

const gzip = promisify(gzipCallback)
const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>

/**
 * Turns stored bytes into plain bytes and back (compression, encryption). Declared here, beside its implementations,
 * so that storage never imports the journal: the journal (src/journal/events.ts) imports it from here.
 */
export interface Codec {
  encode(bytes: Uint8Array): Promise<Uint8Array>
  /**
   * encode() of the UTF-8 text the chunks join to, without that text or its bytes in one piece (a 50,000-item base
   * event is ~150 MB of JSON; only its compressed form is held whole). Codecs without it are given the joined bytes.
   */
  encodeChunks?(chunks: Iterable<string>): Promise<Uint8Array>
  /**
   * decode(), handing the plain bytes to `sink` piece by piece as they are decompressed instead of returning them
   * whole: a reader that parses as it goes never holds a 150 MB event in one buffer.
   */
  decodeChunks?(bytes: Uint8Array, key: string, sink: (piece: Uint8Array) => void): Promise<void>
  decode(bytes: Uint8Array, key: string): Promise<Uint8Array>
}

export interface ScryptParams {
  N: number
  r: number
  p: number
}

/** keys/key.json: the data key, wrapped (secretbox) under a key-encryption key. */
export interface KeyRecord {
  format: 'github-pm-key'
  version: 1
  kdf: ({name: 'scrypt'; salt: string} & ScryptParams) | {name: 'keyfile'; keyId: string}
  /** base64 of nonce (24) | secretbox(dataKey, nonce, kek) */
  wrapped: string
  created: string
}

/** Where a key comes from: a passphrase, or a key file (32 random bytes, as 64 hex digits). */
export type KeySource = {passphrase: string} | {keyFile: string}

export interface OpenOptions {
  passphrase?: string
  keyFile?: string
}

// ---------------------------------------------------------------------------------------------------------------
// codecs

/** The codec of an unencrypted repository: gzip envelopes; plain objects still decode as they are. */
export function plainCodec(): Codec {
  return {
    encode: async (data) => concat(MAGIC, [FLAG_GZIP], await gzip(data)),
    encodeChunks: async (chunks) => concat(MAGIC, [FLAG_GZIP], await gzipChunks(chunks)),
    decode: async (data, key) => {
      const body = plainBody(data, key)
      return body.gzip ? inflate(body.bytes, key) : body.bytes
    },
    decodeChunks: async (data, key, sink) => {
      const body = plainBody(data, key)
      if (body.gzip) await inflateInto(body.bytes, key, sink)
      else sink(body.bytes)
    },
  }
}

/** The codec of an encrypted repository, given its data key: every object must open, or it is named as altered. */
export function encryptedCodec(dataKey: Uint8Array): Codec {
  if (dataKey.length !== KEY_BYTES) throw new Error(`a data key has ${KEY_BYTES} bytes`)
  const flags = FLAG_GZIP | FLAG_ENCRYPTED
  const open = (data: Uint8Array, key: string): {outer: number; body: Uint8Array} => {
    if (!hasMagic(data) || data.length < HEADER + NONCE + nacl.secretbox.overheadLength + 1) throw altered(key)
    const outer = data[MAGIC.length]
    if (!(outer & FLAG_ENCRYPTED)) throw altered(key) // an unencrypted object cannot be trusted here
    const opened = nacl.secretbox.open(data.subarray(HEADER + NONCE), data.subarray(HEADER, HEADER + NONCE), dataKey)
    if (!opened || opened[0] !== outer) throw altered(key)
    return {outer, body: opened.subarray(1)}
  }
  const seal = (gzipped: Uint8Array) => {
    const nonce = nacl.randomBytes(NONCE)
    const box = nacl.secretbox(concat([flags], gzipped), nonce, dataKey)
    return concat(MAGIC, [flags], nonce, box)
  }
  return {
    encode: async (data) => seal(await gzip(data)),
    encodeChunks: async (chunks) => seal(await gzipChunks(chunks)),
    decode: async (data, key) => {
      const {outer, body} = open(data, key)
      return outer & FLAG_GZIP ? inflate(body, key) : body
    },
    decodeChunks: async (data, key, sink) => {
      const {outer, body} = open(data, key)
      if (outer & FLAG_GZIP) await inflateInto(body, key, sink)
      else sink(body)
    },
  }
}

/** Bytes of text gathered before each write to the gzip stream (many small chunks make one write). */
const GZIP_WRITE = 256 * 1024

/** gzip of the UTF-8 text the chunks join to, streamed: only the compressed output is held whole. */
async function gzipChunks(chunks: Iterable<string>): Promise<Buffer> {
  const gz = createGzip()
  const out: Buffer[] = []
  gz.on('data', (d: Buffer) => out.push(d))
  const ended = once(gz, 'end')
  let pending: string[] = []
  let size = 0
  const flush = async () => {
    if (pending.length === 0) return
    const text = pending.join('')
    pending = []
    size = 0
    if (!gz.write(text, 'utf8')) await once(gz, 'drain')
  }
  for (const chunk of chunks) {
    pending.push(chunk)
    size += chunk.length
    if (size >= GZIP_WRITE) await flush()
  }
  await flush()
  gz.end()
  await ended
  return Buffer.concat(out)
}

function altered(key: string): UserError {
  return new UserError(`${key} failed authentication: it was altered or damaged`, {code: 'EAUTH'})
}

async function inflate(body: Uint8Array, key: string): Promise<Uint8Array> {
  try {
    return await gunzipInto(body)
  } catch {
    throw new UserError(`${key} is damaged: it does not decompress`, {code: 'EDAMAGED'})
  }
}

/** The body of an object in an unencrypted repository, and whether it is gzipped. */
function plainBody(data: Uint8Array, key: string): {bytes: Uint8Array; gzip: boolean} {
  if (!hasMagic(data)) return {bytes: data, gzip: false}
  const flags = data[MAGIC.length]
  if (flags & FLAG_ENCRYPTED) {
    throw new UserError(`${key} is encrypted but the repository has no ${KEY_RECORD_KEY}: restore that file from a copy of the repository`)
  }
  return {bytes: data.subarray(HEADER), gzip: Boolean(flags & FLAG_GZIP)}
}

/** gunzip of `body` handed to `sink` piece by piece; a sink that throws stops it with that error. */
async function inflateInto(body: Uint8Array, key: string, sink: (piece: Uint8Array) => void): Promise<void> {
  const stream = createGunzip({chunkSize: GUNZIP_CHUNK})
  let failure: unknown
  stream.on('data', (piece: Buffer) => {
    if (failure !== undefined) return
    try {
      sink(piece)
    } catch (error) {
      failure = error
      stream.destroy(error instanceof Error ? error : new Error(String(error)))
    }
  })
  const ended = once(stream, 'end')
  stream.end(body)
  try {
    await ended
  } catch {
    if (failure === undefined) throw new UserError(`${key} is damaged: it does not decompress`, {code: 'EDAMAGED'})
  }
  if (failure !== undefined) throw failure
}

/** Output pieces of the gunzip stream: large, so a 150 MB event is a few hundred writes. */
const GUNZIP_CHUNK = 1024 * 1024

/**
 * gunzip into ONE buffer of the size the gzip trailer states (ISIZE, the length modulo 2^32), filled as the stream
 * produces it: zlib's own gunzip gathers every piece and then concatenates them, holding the output twice (~300 MB
 * for a 50,000-item base event). When the output turns out not to fit the stated size (a member over 4 GiB, or
 * several members), the pieces are concatenated after all.
 */
async function gunzipInto(body: Uint8Array): Promise<Uint8Array> {
  const stated = body.length >= 18 ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).readUInt32LE(body.length - 4) : 0
  // deflate never expands more than ~1032:1: a damaged trailer cannot make us reserve more than that
  const out = Buffer.allocUnsafeSlow(Math.min(stated, body.length * 1032))
  let at = 0
  let spill: Buffer[] | undefined
  const stream = createGunzip({chunkSize: GUNZIP_CHUNK})
  stream.on('data', (piece: Buffer) => {
    if (!spill && at + piece.length <= out.length) {
      piece.copy(out, at)
      at += piece.length
      return
    }
    spill ??= [out.subarray(0, at)]
    spill.push(piece)
  })
  const ended = once(stream, 'end')
  stream.end(body)
  await ended
  const plain = spill ? Buffer.concat(spill) : out.subarray(0, at)
  return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength)
}

// ---------------------------------------------------------------------------------------------------------------
// key management

/** True when the repository has keys/key.json. */
export async function isEncrypted(backend: StorageBackend): Promise<boolean> {
  return (await readKeyRecord(backend)) !== undefined
}

/**
 * Makes an EMPTY repository encrypted: a random 32-byte data key, wrapped under a key derived from the passphrase
 * (scrypt; parameters and salt stored) or under the key of a key file (created with a random key when it does not
 * exist), written to keys/key.json through the backend. Returns the codec to write with.
 */
export async function initEncryption(backend: StorageBackend, source: KeySource, options: {scrypt?: ScryptParams} = {}): Promise<Codec> {
  if (await readKeyRecord(backend)) {
    throw new UserError(`${backend.url} is already encrypted: change its passphrase instead`, {code: 'EENCRYPTED'})
  }
  const existing = (await backend.list('')).filter((k) => !k.startsWith('keys/') && !/(^|\/)lock$/.test(k))
  if (existing.length > 0) {
    throw new UserError(`${backend.url} already holds unencrypted backups (${existing[0]}, …): set up encryption on a new, empty storage location`)
  }
  const dataKey = new Uint8Array(randomBytes(KEY_BYTES))
  let record: KeyRecord
  if ('passphrase' in source) {
    const passphrase = checkPassphrase(source.passphrase)
    record = await passphraseRecord(passphrase, dataKey, options.scrypt ?? DEFAULT_SCRYPT)
  } else {
    const kek = await readOrCreateKeyFile(source.keyFile)
    record = {format: 'github-pm-key', version: 1, kdf: {name: 'keyfile', keyId: keyId(kek)}, wrapped: wrap(dataKey, kek), created: new Date().toISOString()}
  }
  await backend.put(KEY_RECORD_KEY, Buffer.from(JSON.stringify(record, null, 2) + '\n', 'utf8'))
  return encryptedCodec(dataKey)
}

/**
 * The codec for a repository: gzip only when it is not encrypted; otherwise the data key is unwrapped FIRST, so a
 * wrong passphrase fails before anything else is read or written. Passphrase: options.passphrase, else
 * GITHUB_PM_PASSPHRASE, else the file named by GITHUB_PM_PASSPHRASE_FILE. Key file: options.keyFile, else
 * GITHUB_PM_KEY_FILE.
 */
export async function openCodec(backend: StorageBackend, options: OpenOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<Codec> {
  const record = await readKeyRecord(backend)
  if (!record) {
    registerSecret(options.passphrase ?? env.GITHUB_PM_PASSPHRASE)
    return plainCodec()
  }
  return encryptedCodec(await unwrapWith(backend, record, options, env))
}

/** The unwrapped data key (for `backup key export`-style recovery and for opening objects with other NaCl tools). */
export async function unwrapDataKey(backend: StorageBackend, options: OpenOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  const record = await readKeyRecord(backend)
  if (!record) throw new UserError(`${backend.url} is not encrypted: it has no ${KEY_RECORD_KEY}`)
  return unwrapWith(backend, record, options, env)
}

/** Re-wraps the data key under a new passphrase (fresh salt); objects are not touched and stay readable. */
export async function changePassphrase(backend: StorageBackend, oldPassphrase: string, newPassphrase: string, options: {scrypt?: ScryptParams} = {}): Promise<void> {
  const record = await readKeyRecord(backend)
  if (!record) throw new UserError(`${backend.url} is not encrypted: there is no passphrase to change`)
  if (record.kdf.name !== 'scrypt') throw new UserError(`${backend.url} is encrypted with a key file, not a passphrase`)
  const dataKey = await unwrapWith(backend, record, {passphrase: oldPassphrase}, {})
  const next = await passphraseRecord(checkPassphrase(newPassphrase), dataKey, options.scrypt ?? {N: record.kdf.N, r: record.kdf.r, p: record.kdf.p})
  await backend.put(KEY_RECORD_KEY, Buffer.from(JSON.stringify({...next, created: record.created}, null, 2) + '\n', 'utf8'))
}

/** Writes a new key file (64 hex digits of a random 32-byte key), readable by the owner only; refuses to overwrite. */
export async function generateKeyFile(file: string): Promise<void> {
  await fs.writeFile(file, Buffer.from(randomBytes(KEY_BYTES)).toString('hex') + '\n', {mode: 0o600, flag: 'wx'})
}

/** The passphrase from the environment: GITHUB_PM_PASSPHRASE, else the file GITHUB_PM_PASSPHRASE_FILE names. */
export async function passphraseFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (env.GITHUB_PM_PASSPHRASE) return env.GITHUB_PM_PASSPHRASE
  const file = env.GITHUB_PM_PASSPHRASE_FILE
  if (!file) return undefined
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error: any) {
    throw new UserError(`cannot read GITHUB_PM_PASSPHRASE_FILE ${file} (${error?.code ?? 'error'}): fix the path or its permissions`)
  }
  return text.replace(/\r?\n$/, '')
}

// ---------------------------------------------------------------------------------------------------------------

async function unwrapWith(backend: StorageBackend, record: KeyRecord, options: OpenOptions, env: NodeJS.ProcessEnv): Promise<Uint8Array> {
  if (record.kdf.name === 'scrypt') {
    const passphrase = options.passphrase ?? (await passphraseFromEnv(env))
    if (!passphrase) throw new UserError('this backup repository is encrypted: set GITHUB_PM_PASSPHRASE or GITHUB_PM_PASSPHRASE_FILE', {code: 'EPASSPHRASE'})
    registerSecret(passphrase)
    const kek = await deriveKey(passphrase, Buffer.from(record.kdf.salt, 'base64'), record.kdf)
    const dataKey = unwrap(record.wrapped, kek)
    if (!dataKey) throw new UserError(`wrong passphrase for ${backend.url}`, {code: 'EPASSPHRASE'})
    return dataKey
  }
  const file = options.keyFile ?? env.GITHUB_PM_KEY_FILE
  if (!file) throw new UserError('this backup repository is encrypted with a key file: set GITHUB_PM_KEY_FILE to its path', {code: 'EPASSPHRASE'})
  const dataKey = unwrap(record.wrapped, await readKeyFile(file))
  if (!dataKey) throw new UserError(`wrong key file for ${backend.url}: ${file} is not the key this repository was encrypted with`, {code: 'EPASSPHRASE'})
  return dataKey
}

async function readKeyRecord(backend: StorageBackend): Promise<KeyRecord | undefined> {
  const bytes = await backend.get(KEY_RECORD_KEY)
  if (bytes === undefined) return undefined
  const damaged = () => new UserError(`${KEY_RECORD_KEY} in ${backend.url} is damaged: restore it from a copy of the repository`)
  let record: KeyRecord
  try {
    record = JSON.parse(Buffer.from(bytes).toString('utf8')) as KeyRecord
  } catch {
    throw damaged()
  }
  if (record?.format !== 'github-pm-key' || record.version !== 1 || typeof record.wrapped !== 'string' || !record.kdf) throw damaged()
  if (record.kdf.name === 'scrypt') {
    const {N, r, p, salt} = record.kdf
    const sane = Number.isInteger(N) && N >= 2 && N <= 2 ** 20 && (N & (N - 1)) === 0 && Number.isInteger(r) && r >= 1 && r <= 32 && Number.isInteger(p) && p >= 1 && p <= 16
    if (!sane || typeof salt !== 'string') throw damaged()
  } else if (record.kdf.name !== 'keyfile') {
    throw damaged()
  }
  return record
}

async function passphraseRecord(passphrase: string, dataKey: Uint8Array, params: ScryptParams): Promise<KeyRecord> {
  registerSecret(passphrase)
  const salt = randomBytes(16)
  const kek = await deriveKey(passphrase, salt, params)
  return {
    format: 'github-pm-key',
    version: 1,
    kdf: {name: 'scrypt', N: params.N, r: params.r, p: params.p, salt: salt.toString('base64')},
    wrapped: wrap(dataKey, kek),
    created: new Date().toISOString(),
  }
}

async function deriveKey(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Uint8Array> {
  const maxmem = 256 * params.N * params.r + 16 * 1024 * 1024
  return new Uint8Array(await scrypt(passphrase.normalize('NFC'), salt, KEY_BYTES, {N: params.N, r: params.r, p: params.p, maxmem}))
}

function wrap(dataKey: Uint8Array, kek: Uint8Array): string {
  const nonce = nacl.randomBytes(NONCE)
  return Buffer.from(concat(nonce, nacl.secretbox(dataKey, nonce, kek))).toString('base64')
}

function unwrap(wrapped: string, kek: Uint8Array): Uint8Array | undefined {
  const bytes = new Uint8Array(Buffer.from(wrapped, 'base64'))
  if (bytes.length !== NONCE + nacl.secretbox.overheadLength + KEY_BYTES) return undefined
  const key = nacl.secretbox.open(bytes.subarray(NONCE), bytes.subarray(0, NONCE), kek)
  return key && key.length === KEY_BYTES ? key : undefined
}

function checkPassphrase(passphrase: string): string {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new UserError('the passphrase is empty: choose a passphrase')
  return passphrase
}

async function readOrCreateKeyFile(file: string): Promise<Uint8Array> {
  try {
    await generateKeyFile(file)
  } catch (error: any) {
    if (error?.code !== 'EEXIST') throw new UserError(`cannot create key file ${file} (${error?.code ?? 'error'}): fix the path or its permissions`)
  }
  return readKeyFile(file)
}

/** A key file holds 32 bytes: 64 hex digits, 44 base64 characters, or the raw bytes. */
async function readKeyFile(file: string): Promise<Uint8Array> {
  let raw: Buffer
  try {
    raw = await fs.readFile(file)
  } catch (error: any) {
    throw new UserError(`cannot read key file ${file} (${error?.code ?? 'error'}): fix GITHUB_PM_KEY_FILE or the file's permissions`)
  }
  if (raw.length === KEY_BYTES) return new Uint8Array(raw)
  const text = raw.toString('utf8').trim()
  if (/^[0-9a-fA-F]{64}$/.test(text)) return new Uint8Array(Buffer.from(text, 'hex'))
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return new Uint8Array(Buffer.from(text, 'base64'))
  throw new UserError(`key file ${file} does not hold a 32-byte key (64 hex digits): use the file github-pm created`)
}

function keyId(kek: Uint8Array): string {
  return createHash('sha256').update(kek).digest('hex').slice(0, 16)
}

function hasMagic(data: Uint8Array): boolean {
  return data.length >= HEADER && Buffer.from(data.buffer, data.byteOffset, MAGIC.length).equals(MAGIC)
}

function concat(...parts: Array<Uint8Array | number[]>): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)))))
}
