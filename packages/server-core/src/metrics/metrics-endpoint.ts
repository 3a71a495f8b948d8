/**
 * The optional HTTP port (DESIGN.md, "Health and metrics"): `/healthz` answers 200 while the
 * server accepts connections and 503 while it drains; `/metrics` is the Prometheus text format.
 * Given a WatchHub, it also serves the live view (`/`, `/connections`, `/events`; issue 14).
 * Both servers start it with `serveMetrics`, before the echo port: if either port is taken,
 * nothing is left listening when the program says so and exits.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { DESCRIPTORS } from '../accept/descriptors.ts'
import { listen } from '../accept/listen.ts'
import { END_REASONS } from '../end-reasons.ts'
import type { WatchHub } from '../watch/watch-hub.ts'
import type { serveWatchRoute } from '../watch/watch-routes.ts'
import { addressedToLoopback, isLoopbackName } from './loopback-host.ts'
import type { MetricsSnapshot } from './server-metrics.ts'

export interface MetricsEndpointOptions {
  /** Which server this is, as the `server` label. */
  server: string
  snapshot: () => MetricsSnapshot
  /** False once shutdown has begun. */
  healthy: () => boolean
  /** The live view's watchers; without it the port serves only /healthz and /metrics. */
  watch?: WatchHub | undefined
}

interface ServeMetricsOptions extends MetricsEndpointOptions {
  host: string
  /** Unset: no endpoint. */
  port: number | undefined
  log: Logger
}

type WatchRoute = typeof serveWatchRoute

export const METRICS_ENDPOINT_DEFAULTS = Object.freeze({
  /**
   * A connection that sends no complete request for this long is closed: a scrape or a probe
   * asks at once, and Node's own header timeout (60 s) does not start before a request's first
   * byte.
   * An event stream (`GET /events`), quiet between events, stays open (tested); its heartbeat
   * finds a watcher that vanished.
   */
  idleTimeoutMs: 10_000,
  /**
   * Requests one connection may make (past it: `503`, and the connection closes): a client
   * that pipelines thousands of requests and reads no answer holds one pending answer each.
   */
  requestsPerConnection: 64,
})

/**
 * Starts the endpoint when a port is set, and logs where; resolves with it (undefined when off).
 * It never keeps the process alive.
 */
export async function serveMetrics(options: ServeMetricsOptions): Promise<Server | undefined> {
  const { host, port, log } = options
  if (port === undefined) return undefined
  // Loaded only when asked for: importing node:http also loads http2, undici and more, about
  // 17 MiB of resident memory in a process that would otherwise never use them. The live view's
  // routes (and node:crypto with them) likewise.
  const { createServer } = await import('node:http')
  const watchRoute =
    options.watch === undefined
      ? undefined
      : (await import('../watch/watch-routes.ts')).serveWatchRoute
  const loopbackOnly = isLoopbackName(host)
  const endpoint = createServer((request, response) => {
    if (loopbackOnly && !addressedToLoopback(request.headers.host)) {
      response
        .writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
        .end('this port answers requests addressed to 127.0.0.1 or localhost only\n')
    } else {
      answer(options, watchRoute, request, response)
    }
  })
  // What a crowd can hold here is bounded: descriptors are the echo port's clients' too.
  endpoint.maxConnections = DESCRIPTORS.metricsConnections
  endpoint.timeout = METRICS_ENDPOINT_DEFAULTS.idleTimeoutMs
  endpoint.maxRequestsPerSocket = METRICS_ENDPOINT_DEFAULTS.requestsPerConnection
  const at = await listen(endpoint.unref(), { host, port })
  log.info({ address: at.address, port: at.port }, 'metrics endpoint listening')
  return endpoint
}

function answer(
  options: MetricsEndpointOptions,
  watchRoute: WatchRoute | undefined,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const path = pathOf(request.url ?? '/')
  const { watch } = options
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end()
  } else if (watch !== undefined && watchRoute?.(watch, path, request, response)) {
    return
  } else if (path === '/healthz') {
    const healthy = options.healthy()
    response
      .writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' })
      .end(healthy ? 'ok\n' : 'shutting down\n')
  } else if (path === '/metrics') {
    response
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
      .end(
        formatPrometheus(options.server, options.snapshot()) +
          (watch?.prometheus(`server="${options.server}"`) ?? ''),
      )
  } else {
    response
      .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      .end(`try /healthz or /metrics${watch === undefined ? '' : ', or / for the live view'}\n`)
  }
}

/**
 * A request target's path: `/metrics?x` (origin form), or `http://host:9464/metrics` (absolute
 * form, which HTTP/1.1 servers must accept too: RFC 9112, 3.2.2).
 */
function pathOf(target: string): string {
  const path = target.split('?')[0] ?? '/'
  if (path.startsWith('/') || !URL.canParse(path)) return path
  return new URL(path).pathname
}

export function formatPrometheus(server: string, m: MetricsSnapshot): string {
  const label = `server="${server}"`
  const lines: string[] = []
  const metric = (name: string, type: string, help: string, samples: [string, number][]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [labels, value] of samples) lines.push(`${name}{${labels}} ${value}`)
  }
  metric('echolab_connections_active', 'gauge', 'Sessions being served now.', [
    [label, m.connectionsActive],
  ])
  metric(
    'echolab_connections_waiting',
    'gauge',
    'Clients waiting for their turn (blocking server).',
    [[label, m.connectionsWaiting]],
  )
  metric('echolab_connections_total', 'counter', 'Sessions started.', [[label, m.connectionsTotal]])
  metric(
    'echolab_connections_refused_total',
    'counter',
    'Clients refused because the server was full.',
    [[label, m.connectionsRefused]],
  )
  metric('echolab_messages_total', 'counter', 'Messages answered.', [[label, m.messages]])
  metric(
    'echolab_received_bytes_total',
    'counter',
    'Message bytes received, plus one per message for its LF (a CR before it is not counted).',
    [[label, m.bytesIn]],
  )
  metric('echolab_sent_bytes_total', 'counter', 'Bytes sent: replies and Error lines.', [
    [label, m.bytesOut],
  ])
  metric(
    'echolab_sessions_ended_total',
    'counter',
    'Sessions ended, by reason (errors are the reasons other than quit and end-of-input).',
    END_REASONS.map((reason) => [`${label},reason="${reason}"`, m[`ended:${reason}`]]),
  )
  return `${lines.join('\n')}\n`
}
