/**
 * Plays a ClientScript against a server on 127.0.0.1 and records what happened. Every wait ends
 * when the experiment's signal aborts (its watchdog or Ctrl-C), so a client never outlives it.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { isErrorLine } from '@echolab/protocol'
import { now } from '../clock.ts'
import type { ClientEvent, ClientRecord } from './client-record.ts'
import { LineSocket } from './line-socket.ts'
import type { ClientScript, Step } from './script.ts'

/** How long a client waits for the server to close after `sair`. */
const QUIT_CLOSE_WAIT_MS = 5_000

export async function runScript(
  script: ClientScript,
  port: number,
  startedAtMs: number,
  signal: AbortSignal,
): Promise<ClientRecord> {
  const record: ClientRecord = {
    name: script.name,
    server: script.server,
    localPort: 0,
    events: [],
  }
  const delayMs = startedAtMs + script.startAtMs - now()
  if (delayMs > 0) await sleep(delayMs, undefined, { signal })
  const connection = await LineSocket.open(port, signal)
  record.localPort = connection.localPort
  const note = (event: ClientEvent): void => {
    record.events.push(event)
  }
  note({ kind: 'connected', atMs: now() })
  try {
    let sent = 0
    for (const step of script.steps) {
      const goOn = await play(step, connection, () => ++sent, note, signal)
      if (!goOn) break
    }
  } finally {
    connection.destroy()
  }
  if (record.events.at(-1)?.kind !== 'left') note({ kind: 'left', atMs: now(), closedBy: 'client' })
  return record
}

/** One step; false once the server has closed the connection. */
async function play(
  step: Step,
  connection: LineSocket,
  nextN: () => number,
  note: (event: ClientEvent) => void,
  signal: AbortSignal,
): Promise<boolean> {
  if ('pauseMs' in step) {
    await sleep(step.pauseMs, undefined, { signal })
    return true
  }
  if ('trickle' in step) {
    for (const byte of step.trickle) {
      if (connection.isClosed) break
      note({ kind: 'byte', atMs: now() })
      connection.write(Uint8Array.of(byte))
      await sleep(step.byteEveryMs, undefined, { signal })
    }
    return true
  }
  if ('send' in step) {
    const n = nextN()
    note({ kind: 'sent', atMs: now(), n, text: step.send })
    connection.write(`${step.send}\n`)
    return readReply(connection, n, step.send, note, signal)
  }
  if ('waitForClose' in step) return readUntilClosed(connection, note, signal)
  connection.write('sair\n')
  const closing = AbortSignal.any([signal, AbortSignal.timeout(QUIT_CLOSE_WAIT_MS)])
  return readUntilClosed(connection, note, closing)
}

async function readReply(
  connection: LineSocket,
  n: number,
  text: string,
  note: (event: ClientEvent) => void,
  signal: AbortSignal,
): Promise<boolean> {
  const line = await connection.nextLine(signal)
  if (line === null) {
    note({ kind: 'left', atMs: now(), closedBy: 'server' })
    return false
  }
  if (isErrorLine(line.text)) {
    note({ kind: 'server-error', atMs: line.atMs, text: line.text })
    return readUntilClosed(connection, note, signal)
  }
  note({ kind: 'reply', atMs: line.atMs, n, text: line.text, ok: line.text === `Echo: ${text}` })
  return true
}

/** Reads what the server still says until it closes; always false (the connection is over). */
async function readUntilClosed(
  connection: LineSocket,
  note: (event: ClientEvent) => void,
  signal: AbortSignal,
): Promise<false> {
  for (;;) {
    const line = await connection.nextLine(signal).catch(() => null)
    if (line === null) break
    if (isErrorLine(line.text)) note({ kind: 'server-error', atMs: line.atMs, text: line.text })
  }
  note({ kind: 'left', atMs: now(), closedBy: signal.aborted ? 'client' : 'server' })
  return false
}
