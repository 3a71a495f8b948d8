/**
 * A client of the inspector protocol Node serves with `--inspect`: the main thread's session over
 * a WebSocket, and a worker thread's session carried inside it by the NodeWorker domain, the one
 * way to reach a worker thread from outside the process. Every request waits a bounded time.
 */
import { withTimeout } from '@echolab/testkit'

type Params = Record<string, unknown>

interface Message {
  id?: number
  method?: string
  params?: Params
  result?: Params
  error?: unknown
}

interface Pending {
  method: string
  resolve: (result: Params) => void
  reject: (error: Error) => void
}

// A heap snapshot of a worker holding thousands of connections takes about a second; a minute
// means the process is stuck.
const REPLY_WITHIN_MS = 60_000

/** One protocol session: requests matched to replies by id, events to their listeners. */
export class InspectorSession {
  readonly #post: (text: string) => unknown
  readonly #pending = new Map<number, Pending>()
  readonly #listeners = new Map<string, ((params: Params) => void)[]>()
  #nextId = 1

  constructor(post: (text: string) => unknown) {
    this.#post = post
  }

  send(method: string, params: Params = {}): Promise<Params> {
    const id = this.#nextId++
    const reply = new Promise<Params>((resolve, reject) => {
      this.#pending.set(id, { method, resolve, reject })
    })
    Promise.resolve(this.#post(JSON.stringify({ id, method, params }))).catch((error: Error) =>
      this.#settle({ id, error: error.message }),
    )
    return withTimeout(reply, REPLY_WITHIN_MS, `the inspector's reply to ${method}`).finally(() =>
      this.#pending.delete(id),
    )
  }

  on(method: string, listener: (params: Params) => void): void {
    this.#listeners.set(method, [...(this.#listeners.get(method) ?? []), listener])
  }

  receive(message: Message): void {
    if (message.id !== undefined) {
      this.#settle(message)
      return
    }
    for (const listener of this.#listeners.get(message.method ?? '') ?? []) {
      listener(message.params ?? {})
    }
  }

  #settle({ id, result, error }: Message): void {
    const pending = this.#pending.get(id ?? -1)
    if (pending === undefined) return
    if (error === undefined) pending.resolve(result ?? {})
    else pending.reject(new Error(`inspector ${pending.method}: ${JSON.stringify(error)}`))
  }
}

/**
 * Attaches to the one worker thread of the process whose inspector listens at `url` (the
 * `ws://` address Node prints on stderr); `close()` ends both sessions.
 */
export async function attachToWorker(
  url: string,
  withinMs: number,
): Promise<{ worker: InspectorSession; close: () => void }> {
  const socket = new WebSocket(url)
  const opened = new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true })
    socket.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)), {
      once: true,
    })
  })
  await withTimeout(opened, withinMs, `the inspector at ${url}`)
  const main = new InspectorSession((text) => socket.send(text))
  socket.addEventListener('message', (event) => main.receive(JSON.parse(String(event.data))))
  try {
    const attached = new Promise<Params>((resolve) =>
      main.on('NodeWorker.attachedToWorker', resolve),
    )
    await main.send('NodeWorker.enable', { waitForDebuggerOnStart: false })
    const { sessionId } = await withTimeout(attached, withinMs, 'a worker thread to attach')
    const worker = new InspectorSession((message) =>
      main.send('NodeWorker.sendMessageToWorker', { sessionId, message }),
    )
    main.on('NodeWorker.receivedMessageFromWorker', (params) => {
      if (params.sessionId === sessionId) worker.receive(JSON.parse(String(params.message)))
    })
    return { worker, close: () => socket.close() }
  } catch (error) {
    socket.close()
    throw error
  }
}
