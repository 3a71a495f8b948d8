/**
 * The accept loop as an async iterable (DESIGN.md, "The one difference between the two servers"):
 *
 *   for await (const socket of connections(server)) await serve(socket) // blocking
 *   for await (const socket of connections(server)) void serve(socket)  // concurrent
 *
 * Sockets that arrive while the loop body runs wait in `queue`, in arrival order. The iteration
 * ends once `signal` is aborted (shutdown: the caller closes the server) or the server closes,
 * and the queue is empty; the queue is then closed so it can tell anyone still waiting.
 */
import type { Server, Socket } from 'node:net'
import { EchoError } from '@echolab/protocol'
import { LINGERS } from '../lingers.ts'
import { DESCRIPTORS } from './descriptors.ts'

/** Where accepted sockets wait for the loop; the blocking server's is bounded and visible. */
export interface ConnectionQueue {
  /** Takes a newly accepted socket (or refuses it and closes it itself). */
  admit(socket: Socket): void
  /** The next socket in line, or undefined when none is waiting. */
  next(): Socket | undefined
  /** Called once the server has stopped accepting: refuse or release whoever still waits. */
  close(): void
}

/** The plain queue: every socket is taken, nobody waits for long. */
class FifoQueue implements ConnectionQueue {
  #sockets: Socket[] = []
  admit(socket: Socket): void {
    this.#sockets.push(socket)
  }
  next(): Socket | undefined {
    return this.#sockets.shift()
  }
  close(): void {
    for (const socket of this.#sockets.splice(0)) void refuse(socket, EchoError.shuttingDown())
  }
}

/**
 * Refuses politely (STYLE.md principle 13): one `Error:` line, then close. Resolves once the
 * socket has closed: when the client hangs up, or `LINGERS.toldClientMs` later at the latest.
 * Each lingering socket holds a file descriptor: past DESCRIPTORS.lingeringRefusalsPerThread of
 * them, a refused socket closes as soon as its line is written, so a flood of refusals cannot
 * use up the descriptors the server needs to tell the next client it is busy.
 */
export function refuse(socket: Socket, error: EchoError): Promise<void> {
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.on('error', () => socket.destroy())
  socket.end(error.wireLine)
  socket.resume()
  if (lingeringRefusals >= DESCRIPTORS.lingeringRefusalsPerThread) {
    socket.once('finish', () => socket.destroy())
  } else {
    lingeringRefusals++
    socket.once('close', () => lingeringRefusals--)
  }
  setTimeout(() => socket.destroy(), LINGERS.toldClientMs).unref()
  return closed
}

// Refused sockets of this thread still open for their client to read the line.
let lingeringRefusals = 0

export async function* connections(
  server: Server,
  { queue = new FifoQueue(), signal }: { queue?: ConnectionQueue; signal?: AbortSignal } = {},
): AsyncGenerator<Socket, void, undefined> {
  let wake: (() => void) | null = null
  let closed = !server.listening || signal?.aborted === true
  const onConnection = (socket: Socket): void => {
    queue.admit(socket)
    wake?.()
  }
  const onClose = (): void => {
    closed = true
    wake?.()
  }
  server.on('connection', onConnection)
  server.on('close', onClose)
  signal?.addEventListener('abort', onClose, { once: true })
  try {
    for (;;) {
      if (closed) return
      const socket = queue.next()
      if (socket !== undefined) {
        yield socket
        continue
      }
      await new Promise<void>((resolve) => {
        wake = resolve
      })
      wake = null
    }
  } finally {
    server.off('connection', onConnection)
    server.off('close', onClose)
    signal?.removeEventListener('abort', onClose)
    queue.close()
  }
}
