/**
 * Runs the scale measurement: each server started once, then for each client count that many
 * clients at once, each sending the same messages with the same pauses. Counts run one after the
 * other, so a run never shares the machine with another.
 */
import { type RunningServer, startServer } from '@echolab/testkit'
import type { ClientRecord } from '../clients/client-record.ts'
import { runScript } from '../clients/run-script.ts'
import { talker } from '../clients/script.ts'
import { now } from '../clock.ts'
import { thisMachine } from '../report/machine.ts'
import { SERVER_APPS, serverEntry } from '../servers/server-apps.ts'
import {
  percentile,
  type ScalePoint,
  type ScaleRun,
  type ScaleSettings,
  spread,
} from './scale-run.ts'

export const SCALE_DEFAULTS: ScaleSettings = Object.freeze({
  clientCounts: Object.freeze([1, 2, 4, 8, 16, 32]),
  /** Enough round trips for percentiles; few enough that 32 clients in line take seconds. */
  messagesPerClient: 5,
  /** Like a person or a device that pauses: what makes a blocking server's line grow. */
  pauseMs: 40,
})

/** One client count at one server should take seconds; past this something is stuck. */
const RUN_WATCHDOG_MS = 60_000

export async function measureScale(
  settings: ScaleSettings,
  signal: AbortSignal,
  onPoint: (point: ScalePoint) => void = () => {},
): Promise<ScaleRun> {
  const startedAtMs = now()
  const points: ScalePoint[] = []
  for (const app of SERVER_APPS) {
    // Message lines are not needed here, and 32 clients would spend the log budget anyway.
    const server = await startServer({
      entry: serverEntry(app),
      args: ['--message-logs-per-second', '0'],
    })
    try {
      for (const clients of settings.clientCounts) {
        const point = await measureOne(server, app, clients, settings, signal)
        points.push(point)
        onPoint(point)
      }
    } finally {
      await server.stop().catch(() => {})
    }
  }
  return {
    ranAt: new Date(startedAtMs).toISOString(),
    machine: thisMachine(),
    settings,
    points,
    tookMs: now() - startedAtMs,
  }
}

async function measureOne(
  server: RunningServer,
  app: string,
  clients: number,
  settings: ScaleSettings,
  signal: AbortSignal,
): Promise<ScalePoint> {
  const watchdog = AbortSignal.any([signal, AbortSignal.timeout(RUN_WATCHDOG_MS)])
  const messages = Array.from({ length: settings.messagesPerClient }, (_, i) => `message ${i + 1}`)
  const startedAtMs = now()
  const records = await Promise.all(
    Array.from({ length: clients }, (_, i) =>
      runScript(
        talker(`client ${i + 1}`, app, 0, messages, settings.pauseMs),
        server.port,
        startedAtMs,
        watchdog,
      ),
    ),
  )
  const failed = records.find(
    (r) => repliesOf(r).some((e) => !e.ok) || repliesOf(r).length !== messages.length,
  )
  if (failed) throw new Error(`${app}, ${clients} clients: ${failed.name} did not get every echo`)
  return {
    server: app,
    clients,
    firstReplyMs: spread(records.map((r) => repliesOf(r)[0]!.atMs - connectedAt(r))),
    finishMs: spread(records.map((r) => r.events.at(-1)!.atMs - startedAtMs)),
    latencyMs: latencies(records),
    wholeRunMs: Math.max(...records.map((r) => r.events.at(-1)!.atMs)) - startedAtMs,
  }
}

function repliesOf(record: ClientRecord) {
  return record.events.filter((e) => e.kind === 'reply')
}

function connectedAt(record: ClientRecord): number {
  return record.events.find((e) => e.kind === 'connected')!.atMs
}

function latencies(records: readonly ClientRecord[]): ScalePoint['latencyMs'] {
  const all = records.flatMap((record) => {
    const sent = new Map(
      record.events.flatMap((e) => (e.kind === 'sent' ? [[e.n, e.atMs] as const] : [])),
    )
    return repliesOf(record).map((reply) => reply.atMs - (sent.get(reply.n) ?? reply.atMs))
  })
  return {
    p50: percentile(all, 50),
    p90: percentile(all, 90),
    p99: percentile(all, 99),
    max: Math.max(0, ...all),
  }
}
