import {expect} from 'chai'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {gunzipSync} from 'node:zlib'
import sodium from 'libsodium-wrappers'
import {LocalBackend} from '../../src/storage/local.js'
import {
  DEFAULT_SCRYPT,
  KEY_RECORD_KEY,
  type KeyRecord,
  changePassphrase,
  initEncryption,
  isEncrypted,
  openCodec,
  plainCodec,
  unwrapDataKey,
} from '../../src/storage/codec.js'
import {isUserError} from '../../src/util/errors.js'
import {redact} from '../../src/util/secrets.js'
import {rejection} from '../helpers/rejection.js'

const FAST = {N: 1024, r: 8, p: 1} // quick scrypt for tests; the default is checked on its own
const json = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value), 'utf8'))
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8')

/** A journal-like payload: many similar items, as captured project states are. */
function repetitiveState() {
  return {
    items: Array.from({length: 400}, (_, i) => ({
      id: `PVTI_lADOBvQ9Os4A${String(i).padStart(6, '0')}`,
      content: {type: 'Issue', url: `https://github.com/acme/widgets/issues/${i}`, title: `Widget issue ${i}`},
      fieldValues: {Status: 'In Progress', Priority: 'P2', Estimate: 3},
    })),
  }
}

describe('storage/codec', () => {
  let dir: string
  let backend: LocalBackend
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-codec-'))
    backend = new LocalBackend(path.join(dir, 'repo'))
  })
  afterEach(async () => {
    await fs.rm(dir, {recursive: true, force: true})
  })

  describe('unencrypted repositories', () => {
    it('gzips objects, and compression actually shrinks a repetitive JSON payload', async () => {
      const codec = await openCodec(backend, {}, {})
      const data = json(repetitiveState())
      const stored = await codec.encode(data)
      expect(text(stored.subarray(0, 5))).to.equal('GHPM1')
      expect(stored[5]).to.equal(0x01)
      expect(stored.length).to.be.below(data.length / 5)
      expect(Buffer.from(gunzipSync(stored.subarray(6))).equals(Buffer.from(data))).to.equal(true) // any gunzip opens it
      expect(text(await codec.decode(stored, 'p/events/1.json'))).to.equal(text(data))
    })

    it('still reads plain JSON objects written before compression existed', async () => {
      const codec = await openCodec(backend, {}, {})
      const legacy = json({projectId: 'PVT_1', seq: 3})
      expect(text(await codec.decode(legacy, 'p/head.json'))).to.equal(text(legacy))
      expect(await isEncrypted(backend)).to.equal(false)
    })

    it('names an object that does not decompress', async () => {
      const stored = await plainCodec().encode(json({a: 1}))
      stored[stored.length - 3] ^= 0xff
      const error = await rejection(plainCodec().decode(stored, 'p/head.json'))
      expect(isUserError(error)).to.equal(true)
      expect(error.message).to.contain('p/head.json')
    })
  })

  describe('encrypted repositories', () => {
    it('round-trips through a new codec opened with the passphrase, and hides the content', async () => {
      const writer = await initEncryption(backend, {passphrase: 'correct horse battery staple'}, {scrypt: FAST})
      const data = json(repetitiveState())
      const stored = await writer.encode(data)
      await backend.put('p/events/000001.json', stored)
      expect(Buffer.from(stored).includes(Buffer.from('Widget issue'))).to.equal(false)
      expect(stored[5]).to.equal(0x03)
      expect(stored.length).to.be.below(data.length / 4) // compressed before encryption

      const reader = await openCodec(backend, {passphrase: 'correct horse battery staple'}, {})
      expect(text(await reader.decode((await backend.get('p/events/000001.json'))!, 'p/events/000001.json'))).to.equal(text(data))
      const other = await writer.encode(data)
      expect(Buffer.from(other).equals(Buffer.from(stored))).to.equal(false) // a fresh nonce per object
    })

    it('takes the passphrase from GITHUB_PM_PASSPHRASE or GITHUB_PM_PASSPHRASE_FILE, and refuses to go on without one', async () => {
      const writer = await initEncryption(backend, {passphrase: 'from the environment'}, {scrypt: FAST})
      const stored = await writer.encode(json({x: 1}))
      const viaEnv = await openCodec(backend, {}, {GITHUB_PM_PASSPHRASE: 'from the environment'})
      expect(text(await viaEnv.decode(stored, 'x'))).to.equal('{"x":1}')
      const file = path.join(dir, 'passphrase.txt')
      await fs.writeFile(file, 'from the environment\n')
      const viaFile = await openCodec(backend, {}, {GITHUB_PM_PASSPHRASE_FILE: file})
      expect(text(await viaFile.decode(stored, 'x'))).to.equal('{"x":1}')
      const error = await rejection(openCodec(backend, {}, {}))
      expect(isUserError(error)).to.equal(true)
      expect(error.message).to.equal('this backup repository is encrypted: set GITHUB_PM_PASSPHRASE or GITHUB_PM_PASSPHRASE_FILE')
      expect(redact('the passphrase was from the environment')).to.equal('the passphrase was ***')
    })

    it('refuses a wrong passphrase before reading or writing anything else', async () => {
      await initEncryption(backend, {passphrase: 'right'}, {scrypt: FAST})
      const reads: string[] = []
      const writes: string[] = []
      const spy = {
        ...backend,
        url: backend.url,
        get: (key: string) => {
          reads.push(key)
          return backend.get(key)
        },
        put: async (key: string) => {
          writes.push(key)
        },
        list: backend.list.bind(backend),
        delete: backend.delete.bind(backend),
        lock: backend.lock.bind(backend),
        breakLock: backend.breakLock.bind(backend),
      }
      const error = await rejection(openCodec(spy, {passphrase: 'wrong'}, {}))
      expect(isUserError(error)).to.equal(true)
      expect(error.message).to.equal(`wrong passphrase for ${backend.url}`)
      expect(reads).to.deep.equal([KEY_RECORD_KEY])
      expect(writes).to.deep.equal([])
    })

    it('detects a flipped byte anywhere in an object and names its key', async () => {
      const codec = await initEncryption(backend, {passphrase: 'p4ss'}, {scrypt: FAST})
      const stored = await codec.encode(json({state: 'precious'}))
      for (const at of [5, 6, 6 + 24, 6 + 24 + 16, stored.length - 1]) {
        const tampered = new Uint8Array(stored)
        tampered[at] ^= 0x01
        const error = await rejection(codec.decode(tampered, 'p/events/000007.json'))
        expect(isUserError(error), `byte ${at}`).to.equal(true)
        expect(error.message).to.equal('p/events/000007.json failed authentication: it was altered or damaged')
      }
      const plain = await rejection(codec.decode(json({state: 'forged'}), 'p/head.json'))
      expect(plain.message).to.equal('p/head.json failed authentication: it was altered or damaged')
      const truncated = await rejection(codec.decode(stored.subarray(0, 20), 'p/head.json'))
      expect(truncated.message).to.contain('failed authentication')
    })

    it('writes objects any NaCl implementation opens: libsodium crypto_secretbox_open_easy with the unwrapped key', async () => {
      await sodium.ready
      const codec = await initEncryption(backend, {passphrase: 'interop'}, {scrypt: FAST})
      const data = json(repetitiveState())
      const stored = await codec.encode(data)
      const key = await unwrapDataKey(backend, {passphrase: 'interop'}, {})
      const nonce = stored.subarray(6, 30)
      const opened = sodium.crypto_secretbox_open_easy(stored.subarray(30), nonce, key)
      expect(opened[0]).to.equal(0x03) // the flags byte, repeated inside the box
      expect(Buffer.from(gunzipSync(opened.subarray(1))).equals(Buffer.from(data))).to.equal(true)

      // and the key record itself opens the same way, from the passphrase and the stored scrypt parameters
      const record = JSON.parse(text((await backend.get(KEY_RECORD_KEY))!)) as KeyRecord
      if (record.kdf.name !== 'scrypt') throw new Error('expected scrypt')
      const {scryptSync} = await import('node:crypto')
      const kek = scryptSync('interop', Buffer.from(record.kdf.salt, 'base64'), 32, {N: record.kdf.N, r: record.kdf.r, p: record.kdf.p})
      const wrapped = Buffer.from(record.wrapped, 'base64')
      const unwrapped = sodium.crypto_secretbox_open_easy(wrapped.subarray(24), wrapped.subarray(0, 24), kek)
      expect(Buffer.from(unwrapped).equals(Buffer.from(key))).to.equal(true)
    })

    it('changePassphrase re-wraps the data key only: old objects stay readable, the old passphrase stops working', async () => {
      const codec = await initEncryption(backend, {passphrase: 'old one'}, {scrypt: FAST})
      const stored = await codec.encode(json({kept: true}))
      await backend.put('p/events/000001.json', stored)
      await changePassphrase(backend, 'old one', 'new one')
      expect(Buffer.from((await backend.get('p/events/000001.json'))!).equals(Buffer.from(stored))).to.equal(true)
      const reader = await openCodec(backend, {passphrase: 'new one'}, {})
      expect(text(await reader.decode(stored, 'p/events/000001.json'))).to.equal('{"kept":true}')
      expect((await rejection(openCodec(backend, {passphrase: 'old one'}, {}))).message).to.equal(`wrong passphrase for ${backend.url}`)
      expect((await rejection(changePassphrase(backend, 'not it', 'x'))).message).to.equal(`wrong passphrase for ${backend.url}`)
    })

    it('uses scrypt N=2^15, r=8, p=1 by default and stores the parameters and salt', async () => {
      await initEncryption(backend, {passphrase: 'defaults'})
      const record = JSON.parse(text((await backend.get(KEY_RECORD_KEY))!)) as KeyRecord
      expect(record.kdf).to.include({name: 'scrypt', ...DEFAULT_SCRYPT})
      expect(Buffer.from((record.kdf as {salt: string}).salt, 'base64')).to.have.length(16)
      const codec = await openCodec(backend, {passphrase: 'defaults'}, {})
      expect(text(await codec.decode(await codec.encode(json(1)), 'k'))).to.equal('1')
    })

    it('works with a key file instead of a passphrase', async () => {
      const keyFile = path.join(dir, 'backup.key')
      const codec = await initEncryption(backend, {keyFile})
      expect((await fs.stat(keyFile)).mode & 0o777).to.equal(0o600)
      const stored = await codec.encode(json({k: 'file'}))
      const reader = await openCodec(backend, {}, {GITHUB_PM_KEY_FILE: keyFile})
      expect(text(await reader.decode(stored, 'x'))).to.equal('{"k":"file"}')
      const otherFile = path.join(dir, 'other.key')
      await fs.writeFile(otherFile, 'ab'.repeat(32))
      const error = await rejection(openCodec(backend, {keyFile: otherFile}, {}))
      expect(error.message).to.match(/^wrong key file for /)
      expect((await rejection(openCodec(backend, {}, {}))).message).to.match(/set GITHUB_PM_KEY_FILE/)
    })

    it('refuses to encrypt a repository that already holds backups, or twice', async () => {
      await backend.put('p/head.json', json({}))
      expect((await rejection(initEncryption(backend, {passphrase: 'x'}, {scrypt: FAST}))).message).to.match(/already holds unencrypted backups/)
      const fresh = new LocalBackend(path.join(dir, 'fresh'))
      await initEncryption(fresh, {passphrase: 'x'}, {scrypt: FAST})
      expect((await rejection(initEncryption(fresh, {passphrase: 'y'}, {scrypt: FAST}))).message).to.match(/already encrypted/)
      expect(await isEncrypted(fresh)).to.equal(true)
    })

    it('names a damaged key record', async () => {
      await backend.put(KEY_RECORD_KEY, json({format: 'something else'}))
      const error = await rejection(openCodec(backend, {passphrase: 'x'}, {}))
      expect(isUserError(error)).to.equal(true)
      expect(error.message).to.match(/keys\/key\.json .* is damaged/)
    })
  })
})
