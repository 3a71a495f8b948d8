/**
 * Builds a Timeline from the clients' own records and the servers' JSON logs. A client's row
 * takes its messages and replies from its record, and its waiting and served segments from the
 * server's log ("connected", "waiting", "served", "session ended"), matched on the client's
 * local port, which the server logs as `peer`.
 */
import type { ClientRecord } from '../clients/client-record.ts'
import { describeLine, isSessionEvent, type ServerLogLine, timeOf } from './server-log.ts'
import type {
  ClientRow,
  MessageExchange,
  Segment,
  ServerLine,
  ServerStep,
  ServerView,
  Timeline,
} from './timeline.ts'

interface ServerLogs {
  label: string
  app: string
  logs: readonly ServerLogLine[]
}

export function buildTimeline(
  startedAtMs: number,
  records: readonly ClientRecord[],
  servers: readonly ServerLogs[],
): Timeline {
  const at = (epochMs: number): number => epochMs - startedAtMs
  const names = new Map<string, string>() // `${server} ${conn}` → client name
  const rows = records.map((record) => {
    const server = servers.find((s) => s.label === record.server)
    const lines = server?.logs.filter(isSessionEvent) ?? []
    const conn = connOf(lines, record.localPort)
    if (conn !== null) names.set(`${record.server} ${conn}`, record.name)
    return rowOf(record, conn === null ? [] : lines.filter((l) => l.conn === conn), conn, at)
  })
  const views = servers.map((server) => viewOf(server, names, at))
  return {
    startedAtMs,
    endMs: Math.max(0, ...rows.flatMap((row) => [row.leftMs, ...row.segments.map((s) => s.toMs)])),
    rows,
    servers: views,
  }
}

function connOf(lines: readonly ServerLogLine[], localPort: number): number | null {
  const connected = lines.find((l) => l.msg === 'connected' && l.peer === `127.0.0.1:${localPort}`)
  return connected === undefined ? null : (connected.conn as number)
}

function rowOf(
  record: ClientRecord,
  lines: readonly ServerLogLine[],
  conn: number | null,
  at: (epochMs: number) => number,
): ClientRow {
  const first = (msg: string): number | null => {
    const line = lines.find((l) => l.msg === msg)
    return line === undefined ? null : at(timeOf(line))
  }
  const events = record.events
  const connectedMs = at(events.find((e) => e.kind === 'connected')?.atMs ?? Number.NaN)
  const left = events.findLast((e) => e.kind === 'left')
  const leftMs = at(left?.atMs ?? Number.NaN)

  const messages: MessageExchange[] = []
  const errors: ClientRow['errors'] = []
  for (const event of events) {
    if (event.kind === 'sent') {
      messages.push({
        n: event.n,
        text: event.text,
        sentMs: at(event.atMs),
        replyMs: null,
        reply: null,
        ok: false,
      })
    } else if (event.kind === 'reply') {
      const exchange = messages.find((m) => m.n === event.n)
      if (exchange)
        Object.assign(exchange, { replyMs: at(event.atMs), reply: event.text, ok: event.ok })
    } else if (event.kind === 'server-error') {
      errors.push({ atMs: at(event.atMs), text: event.text })
    }
  }

  // The server's own times: when it took the connection, put it in line, began serving it, let go.
  const accepted = first('connected') ?? connectedMs
  const waiting = first('waiting')
  const served = first('served') ?? (waiting === null ? accepted : null)
  const ended = first('session ended') ?? first('left the queue') ?? first('refused') ?? leftMs
  const segments: Segment[] = []
  if (waiting !== null) segments.push({ state: 'waiting', fromMs: accepted, toMs: served ?? ended })
  if (served !== null && first('refused') === null) {
    segments.push({ state: 'served', fromMs: served, toMs: ended })
  }
  return {
    name: record.name,
    server: record.server,
    conn,
    connectedMs,
    leftMs,
    closedBy: left?.kind === 'left' ? left.closedBy : 'client',
    segments,
    messages,
    bytesMs: events.filter((e) => e.kind === 'byte').map((e) => at(e.atMs)),
    errors,
  }
}

function viewOf(
  server: ServerLogs,
  names: ReadonlyMap<string, string>,
  at: (epochMs: number) => number,
): ServerView {
  const waiting = new Set<unknown>()
  const active = new Set<unknown>()
  // The threaded server has no line: a connection it logs is being served.
  const servedOnConnect = !server.logs.some((l) => l.msg === 'served')
  const steps: ServerStep[] = [{ atMs: 0, active: 0, waiting: 0 }]
  const log: ServerLine[] = []
  for (const line of server.logs.filter(isSessionEvent)) {
    const atMs = at(timeOf(line))
    const conn = line.conn as number
    switch (line.msg) {
      case 'connected':
        if (servedOnConnect) active.add(conn)
        break
      case 'waiting':
        waiting.add(conn)
        break
      case 'served':
        waiting.delete(conn)
        active.add(conn)
        break
      case 'session ended':
        active.delete(conn)
        break
      case 'left the queue':
        waiting.delete(conn)
    }
    const last = steps.at(-1)!
    if (last.active !== active.size || last.waiting !== waiting.size) {
      steps.push({ atMs, active: active.size, waiting: waiting.size })
    }
    log.push({
      atMs,
      conn,
      client: names.get(`${server.label} ${conn}`) ?? null,
      event: line.msg,
      detail: describeLine(line),
    })
  }
  return { label: server.label, app: server.app, steps, log }
}
