import {expect} from 'chai'
import {headKey, projectDir} from '../../src/journal/events.js'
import {openJournal} from '../../src/journal/journal.js'
import {readData} from '../../src/journal/read-data.js'
import type {StorageBackend} from '../../src/storage/backend.js'
import {type Codec, KEY_RECORD_KEY, initEncryption, plainCodec} from '../../src/storage/codec.js'
import {PROJECT_ID, applyEdit, buildState} from '../helpers/states.js'

/** A repository with every kind of stored object, and the flip-one-byte check `validate --read-data` must pass. */

export const PASSPHRASE = 'correct horse battery staple'
export const FAST_SCRYPT = {N: 2 ** 10, r: 8, p: 1}
export const DIR = projectDir(PROJECT_ID)

/** Five backups (two bases), the backup index, a quarantined event file and, when encrypted, the key record. */
export async function fillRepository(backend: StorageBackend, encrypted: boolean): Promise<Codec> {
  const codec = encrypted ? await initEncryption(backend, {passphrase: PASSPHRASE}, {scrypt: FAST_SCRYPT}) : plainCodec()
  const journal = await openJournal(backend, PROJECT_ID, {codec, keyframe: {maxChain: 2}})
  let s = buildState(31, {items: 6})
  for (let i = 0; i < 5; i++) {
    await journal.append(s, {name: `b${i}`, type: 'full'})
    s = applyEdit(s, {kind: 'editBody', item: i, at: 5 * i, text: `change ${i}`})
  }
  // a quarantined copy of an event file: kept, never deleted unread, so it is data too
  const events = (await backend.list(`${DIR}/events/`)).sort()
  await backend.put(`${DIR}/quarantine/${events[2].split('/').pop()}`, (await backend.get(events[2]))!)
  return codec
}

/** Every stored object but lock files. */
export async function objectsOf(backend: StorageBackend): Promise<string[]> {
  return (await backend.list('')).filter((k) => !/(^|\/)lock$/.test(k) && !k.endsWith('.lock'))
}

/**
 * For each stored object: flip one byte (at the start, the middle, the end), and assert that reading every object names
 * exactly that object (or the backup it holds), while the chain's own validation alone may stop earlier.
 */
export async function assertEveryFlipNamed(backend: StorageBackend, codec: Codec, reopen: () => Promise<Codec>, positions?: (length: number) => number[]): Promise<number> {
  const head = JSON.parse(Buffer.from(await codec.decode((await backend.get(headKey(PROJECT_ID)))!, 'h')).toString('utf8'))
  const nameOf = new Map<string, string>(head.events.map((e: any) => [`${DIR}/${e.file}`, e.header.name]))
  const missed: string[] = []
  let flips = 0
  for (const key of await objectsOf(backend)) {
    const original = (await backend.get(key))!
    for (const at of positions ? positions(original.length) : [0, original.length >> 1, original.length - 1]) {
      const damaged = new Uint8Array(original)
      damaged[at] ^= 0x20
      await backend.put(key, damaged)
      try {
        flips++
        // the key record is read when the repository is opened: a damaged one is refused there (wrong key) or here
        let opened: Codec
        try {
          opened = await reopen()
        } catch {
          if (key === KEY_RECORD_KEY) continue
          throw new Error(`${key} byte ${at}: the repository no longer opens`)
        }
        const data = await readData(backend, opened, PROJECT_ID)
        const named = data.damaged.some((d) => d.key === key)
        if (!named) missed.push(`${key} byte ${at}: ${JSON.stringify(data.damaged)}`)
        const others = data.damaged.filter((d) => d.key !== key && !(key === headKey(PROJECT_ID)))
        if (others.length) missed.push(`${key} byte ${at}: also blamed ${others.map((d) => d.key).join(', ')}`)
        if (nameOf.has(key) && named) expect(data.damaged.find((d) => d.key === key)!.name).to.equal(nameOf.get(key))
      } finally {
        await backend.put(key, original)
      }
    }
  }
  expect(missed, missed.join('\n')).to.deep.equal([])
  return flips
}

