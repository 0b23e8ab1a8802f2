import http from 'node:http'
import type {AddressInfo} from 'node:net'

/** A request as the stub saw it. */
export interface StubRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: string
  /** the parsed JSON body, when there is one */
  json?: any
}

/** A scripted answer: a response, or `'drop'` to destroy the socket without answering. */
export type StubReply = {status?: number; headers?: Record<string, string>; body?: unknown} | 'drop'

export type StubHandler = (request: StubRequest, index: number) => StubReply | Promise<StubReply>

export interface Stub {
  /** http://127.0.0.1:PORT (no trailing slash) */
  url: string
  requests: StubRequest[]
  close(): Promise<void>
}

/** A loopback HTTP server on 127.0.0.1 (port 0) answering each request with what the handler scripts. */
export async function startStub(handler: StubHandler): Promise<Stub> {
  const requests: StubRequest[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: any
      try {
        json = body ? JSON.parse(body) : undefined
      } catch {
        json = undefined
      }
      const request: StubRequest = {method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, json}
      const index = requests.push(request) - 1
      let reply: StubReply
      try {
        reply = await handler(request, index)
      } catch (error) {
        reply = {status: 599, body: {message: `stub handler failed: ${(error as Error).message}`}}
      }
      if (reply === 'drop') {
        req.socket.destroy()
        return
      }
      const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
      res.writeHead(reply.status ?? 200, {'content-type': 'application/json; charset=utf-8', ...reply.headers})
      res.end(payload)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Answers the n-th request with the n-th reply; requests beyond the script get a 599 the test will notice. */
export function sequence(...replies: StubReply[]): StubHandler {
  return (_request, index) => replies[index] ?? {status: 599, body: {message: `unscripted request #${index + 1}`}}
}

/** A GraphQL success body. */
export function gqlData(data: unknown, headers?: Record<string, string>): StubReply {
  return {status: 200, headers, body: {data}}
}

/** A GraphQL error body as GitHub sends it (HTTP 200, `errors` with a `type`). */
export function gqlError(type: string, message: string, data: unknown = null): StubReply {
  return {status: 200, body: {data, errors: [{type, message, path: ['x'], locations: [{line: 1, column: 1}]}]}}
}

/**
 * A hostile server on loopback: `onRequest` gets the raw response (and its socket) once the request body is in, and
 * may answer slowly, partly or never. Every timer it starts through `every` is stopped by close().
 */
export async function startHostile(
  onRequest: (res: http.ServerResponse, index: number, every: (ms: number, fn: () => void) => void) => void,
): Promise<Stub> {
  const requests: StubRequest[] = []
  const timers: Array<ReturnType<typeof setInterval>> = []
  const every = (ms: number, fn: () => void) => {
    timers.push(setInterval(fn, ms))
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: any
      try {
        json = body ? JSON.parse(body) : undefined
      } catch {
        json = undefined
      }
      const index = requests.push({method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, json}) - 1
      onRequest(res, index, every)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer)
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
