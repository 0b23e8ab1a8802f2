import {promises as fs} from 'node:fs'
import {createRequire} from 'node:module'
import type {Server} from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'

/** The part of s3rver (which ships no types) these tests use. */
interface S3rverInstance {
  run(): Promise<{address: string; port: number}>
  close(): Promise<void>
  httpServer?: Server
  store: Record<string, (...args: any[]) => Promise<any>>
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance

const require = createRequire(import.meta.url)
const S3rver = require('s3rver') as S3rverConstructor
passThroughDes()

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17) no longer has, so every
 * truncated listing fails with InternalError. Tokens are opaque to clients, so the helper gives s3rver a pass-through
 * "des" (the token becomes IV + plain text); every other algorithm is untouched.
 */
function passThroughDes(): void {
  const crypto = require('node:crypto') as Record<string, any>
  if (crypto.__githubPmDes) return
  const passThrough = () => ({update: (data: string | Buffer, enc?: BufferEncoding) => (typeof data === 'string' ? Buffer.from(data, enc) : Buffer.from(data)), final: () => Buffer.alloc(0)})
  for (const name of ['createCipheriv', 'createDecipheriv']) {
    const original = crypto[name]
    crypto[name] = (algorithm: string, ...rest: unknown[]) => (algorithm === 'des' ? passThrough() : original(algorithm, ...rest))
  }
  crypto.__githubPmDes = true
}

/**
 * s3rver's filesystem store writes objects in place and races between listing, reading and deleting files, where S3
 * itself is atomic and strongly consistent. The helper runs the object operations one at a time, and reads an object
 * whole before answering, so the fake behaves like S3 under the concurrency the tests create.
 */
function serializeStore(store: S3rverInstance['store']): void {
  let queue: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = queue.then(fn)
    queue = result.catch(() => undefined)
    return result
  }
  for (const name of ['listObjects', 'existsObject', 'putObject', 'deleteObject', 'copyObject']) {
    const original = store[name].bind(store)
    store[name] = (...args: unknown[]) => exclusive(() => original(...args))
  }
  const getObject = store.getObject.bind(store)
  store.getObject = (...args: unknown[]) =>
    exclusive(async () => {
      const object = await getObject(...args)
      if (object?.content) {
        const chunks: Buffer[] = []
        for await (const chunk of object.content as AsyncIterable<Buffer>) chunks.push(chunk)
        object.content = Readable.from([Buffer.concat(chunks)])
      }
      return object
    })
}

/** s3rver checks request signatures against these fixed credentials. */
export const S3RVER_CREDENTIALS = {accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER'}

export interface S3TestServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  /** the buckets created at start */
  buckets: string[]
  close(): Promise<void>
}

/** Starts s3rver in-process on 127.0.0.1 (a free port) over a fresh temp dir, with the given buckets created. */
export async function startS3Server(buckets: string[] = ['backups']): Promise<S3TestServer> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'gpm-s3rver-'))
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({name})),
  })
  serializeStore(server.store)
  const {port} = await server.run()
  return {
    endpoint: `http://127.0.0.1:${port}`,
    buckets,
    close: async () => {
      server.httpServer?.closeAllConnections()
      await server.close()
      await fs.rm(directory, {recursive: true, force: true})
    },
  }
}
