/**
 * The live view's three routes on the metrics port (issue 14), all read-only:
 *
 *   GET /             the page (one self-contained HTML file: no CDN, no request but these two)
 *   GET /connections  the connections open now, as JSON
 *   GET /events       what happens to them, as Server-Sent Events
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { LIVE_PAGE_HTML } from './live-page.ts'
import type { ConnectionsAnswer, WatchHub } from './watch-hub.ts'

/** Answers `path` if it is one of the live view's routes; false if it is not. */
export function serveWatchRoute(
  hub: WatchHub,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  switch (path) {
    case '/':
      servePage(request, response)
      return true
    case '/connections':
      void serveConnections(hub, request, response)
      return true
    case '/events':
      serveEvents(hub, request, response)
      return true
    default:
      return false
  }
}

function servePage(request: IncomingMessage, response: ServerResponse): void {
  const { html, headers } = page()
  response.writeHead(200, headers)
  response.end(request.method === 'HEAD' ? undefined : html)
}

async function serveConnections(
  hub: WatchHub,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
  if (request.method === 'HEAD') {
    response.writeHead(200, headers).end()
    return
  }
  const answer = await hub.connections()
  response.writeHead(200, headers).end(bodyOf(answer))
}

/** One body per answer, however many requests share it: the same bytes are written to each. */
const bodies = new WeakMap<ConnectionsAnswer, Buffer>()

function bodyOf(answer: ConnectionsAnswer): Buffer {
  let body = bodies.get(answer)
  if (body === undefined) {
    body = Buffer.from(`${JSON.stringify(answer)}\n`)
    bodies.set(answer, body)
  }
  return body
}

function serveEvents(hub: WatchHub, request: IncomingMessage, response: ServerResponse): void {
  if (hub.watchers >= hub.maxWatchers || request.method === 'HEAD') {
    const full = request.method !== 'HEAD'
    response
      .writeHead(full ? 503 : 200, { 'content-type': 'text/plain; charset=utf-8' })
      .end(full ? `too many watchers (limit ${hub.maxWatchers}); try again later\n` : undefined)
    return
  }
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    // Proxies that buffer would hold events back.
    'x-accel-buffering': 'no',
  })
  // How long a browser waits before reconnecting after the stream ends.
  response.write('retry: 2000\n\n')
  hub.attach(response)
}

interface Page {
  html: Buffer
  headers: Record<string, string>
}

let loaded: Page | undefined

/**
 * Made once, on first request. Its policy lets the page run only its own inline script and talk
 * only to this server: the previews it shows come from clients, and must never become markup.
 */
function page(): Page {
  if (loaded !== undefined) return loaded
  const html = Buffer.from(LIVE_PAGE_HTML)
  const script = /<script>([\s\S]*?)<\/script>/.exec(LIVE_PAGE_HTML)?.[1] ?? ''
  const scriptHash = createHash('sha256').update(script).digest('base64')
  loaded = {
    html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': [
        "default-src 'none'",
        `script-src 'sha256-${scriptHash}'`,
        "style-src 'unsafe-inline'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
      ].join('; '),
    },
  }
  return loaded
}
