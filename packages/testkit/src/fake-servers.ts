/**
 * Servers written for tests, outside echolab's own server code, so the client is tested against
 * more than the servers it ships with: plain echo servers as a student would write them (the
 * lab's two designs, one client at a time or each at once), and fakes that misbehave on purpose
 * (a wrong reply, a dropped connection, silence). Each listens on 127.0.0.1 and is stopped by
 * its own handle; nothing but node:net.
 */
import { createServer, type Server, type Socket } from 'node:net'

export interface TestServer {
  port: number
  stop(): Promise<unknown>
}

/** A server written for one test: `onConnection` gets every socket. Port 0 unless one is given. */
export async function startFakeServer(
  onConnection: (socket: Socket) => void,
  port = 0,
): Promise<TestServer & { server: Server }> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.once('close', () => sockets.delete(socket))
    onConnection(socket)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  return {
    server,
    port: (server.address() as { port: number }).port,
    async stop() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** Calls `onLine` with each line (as text, LF removed) the client sends on `socket`. */
export function onLines(socket: Socket, onLine: (line: string) => void): void {
  let buffered = ''
  socket.setEncoding('utf8').on('data', (text: string) => {
    buffered += text
    for (let lf = buffered.indexOf('\n'); lf !== -1; lf = buffered.indexOf('\n')) {
      const line = buffered.slice(0, lf)
      buffered = buffered.slice(lf + 1)
      onLine(line)
    }
  })
}

/** A correct echo server in a few lines, for tests that need one at a chosen moment. */
export function echoes(socket: Socket): void {
  onLines(socket, (line) => {
    if (line.trim().toLowerCase() === 'sair') socket.end()
    else socket.write(`Echo: ${line}\n`)
  })
  socket.on('end', () => socket.end())
}

const LF = 0x0a
const CR = 0x0d
const QUIT = Buffer.from('sair')
/** A line this long without its LF gets the connection dropped, as the classic servers do. */
const MOST_HELD_BYTES = 1024 * 1024

/**
 * The lab's plain echo server as a student writes it: bytes split on LF, one CR dropped,
 * `Echo: ` + the line back, `sair` closes; no `Error:` lines, no limits but one. 'one at a
 * time': connections that arrive while one is served wait, paused, in arrival order (the
 * blocking design); 'each at once': every connection is served as it comes (the threaded one).
 */
export function startPlainEchoServer(scheduling: 'one at a time' | 'each at once') {
  const waiting: Socket[] = []
  let serving: Socket | undefined
  const next = (): void => {
    serving = waiting.shift()
    serving?.resume()
  }
  return startFakeServer((socket) => {
    if (scheduling === 'each at once') return plainEcho(socket)
    socket.once('close', () => {
      const queued = waiting.indexOf(socket)
      if (queued !== -1) waiting.splice(queued, 1)
      if (socket === serving) next()
    })
    plainEcho(socket)
    socket.pause()
    waiting.push(socket)
    if (serving === undefined) next()
  })
}

function plainEcho(socket: Socket): void {
  let held = Buffer.alloc(0)
  socket.on('data', (chunk: Buffer) => {
    if (socket.writableEnded) return
    held = Buffer.concat([held, chunk])
    for (let lf = held.indexOf(LF); lf !== -1; lf = held.indexOf(LF)) {
      let line = held.subarray(0, lf)
      held = held.subarray(lf + 1)
      if (line.at(-1) === CR) line = line.subarray(0, -1)
      if (line.equals(QUIT)) {
        socket.end()
        return
      }
      socket.write(Buffer.concat([Buffer.from('Echo: '), line, Buffer.of(LF)]))
    }
    if (held.length > MOST_HELD_BYTES) socket.destroy()
  })
  socket.on('end', () => socket.end())
}
