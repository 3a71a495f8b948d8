/**
 * The live page (issue 14), served at `GET /` on the metrics port: one self-contained HTML
 * document, its style and script inline, loading nothing and talking only to the server that
 * served it (`GET /events`). It lives in a module, not an .html file, so that it travels inside
 * the bundled build like any other code.
 *
 * Kept free of backticks and dollar-brace so that it is plain text inside this template.
 */
export const LIVE_PAGE_HTML = `<!doctype html>
<!--
  echolab live (issue 14): who is being served and who is waiting, as it happens. Served by the
  server itself at GET / on its metrics port; it talks only to that server (GET /events), loads
  nothing else, and shows client text only as text.
-->
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><!-- or the browser asks for /favicon.ico and logs a 404 -->
<title>echolab live</title>
<style>
  :root {
    --ink: #111; --paper: #fdfdfb; --muted: #555; --line: #ccc;
    --served: #007a5a; --waiting: #8a6d00; --ended: #777;
    font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    font-size: 20px; color: var(--ink); background: var(--paper);
  }
  body { margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 110rem; }
  h1 { font-size: 2rem; margin: 0 0 .25rem; }
  h1 small { font-size: 1.2rem; color: var(--muted); font-weight: normal; }
  h2 { font-size: 1.3rem; margin: 1.5rem 0 .5rem; }
  #status { margin: 0; color: var(--muted); font-size: 1.1rem; }
  #status[data-kind="problem"] { color: #a00; font-weight: bold; }
  .counters { display: flex; gap: 3rem; margin: 1rem 0 0; flex-wrap: wrap; }
  .counters div { min-width: 9rem; }
  .counters dt { font-size: 1rem; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
  .counters dd { margin: 0; font-size: 3rem; font-weight: bold; font-variant-numeric: tabular-nums; }
  #queue { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem; padding: 0; margin: 0; min-height: 3.2rem; }
  #queue li { border: 3px dashed var(--waiting); border-radius: .4rem; padding: .3rem .7rem; font-size: 1.3rem; background: #fff8dc; }
  #queue li b { font-size: 1.5rem; }
  #queue .empty { border: none; background: none; color: var(--muted); }
  .legend { display: flex; flex-wrap: wrap; gap: 1.5rem; margin: 0 0 .75rem; font-size: 1rem; color: var(--muted); }
  .swatch { display: inline-block; width: 2.2rem; height: 1rem; vertical-align: middle; margin-right: .4rem; border: 1px solid var(--ink); }
  #lanes { list-style: none; padding: 0; margin: 0; }
  .lane { display: grid; grid-template-columns: 19rem 1fr; gap: 1rem; align-items: center; padding: .35rem 0; border-top: 1px solid var(--line); }
  .lane-label { line-height: 1.25; overflow: hidden; }
  .lane-id { font-size: 1.5rem; font-weight: bold; }
  .badge { display: inline-block; font-size: .95rem; font-weight: bold; padding: .05rem .45rem; border-radius: .3rem; margin-left: .4rem; vertical-align: .2rem; border: 2px solid; }
  .lane[data-state="served"] .badge { color: #fff; background: var(--served); border-color: var(--served); }
  .lane[data-state="waiting"] .badge, .lane[data-state="connected"] .badge { color: var(--ink); background: #fff8dc; border-color: var(--waiting); border-style: dashed; }
  .lane[data-state="ended"] .badge { color: var(--ended); background: none; border-color: var(--ended); }
  .lane[data-state="ended"] .lane-id { color: var(--ended); }
  .lane-detail { font-size: .9rem; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .lane-preview { font-family: ui-monospace, Menlo, Consolas, monospace; }
  .lane canvas { width: 100%; height: 2.4rem; display: block; }
  #more { color: var(--muted); font-size: 1rem; }
  /* Past COMPACT_LANES lanes, one line each, so a crowd still fits on a screen. */
  .compact .lane { padding: .05rem 0; }
  .compact .lane-detail { display: none; }
  .compact .lane-id { font-size: 1.1rem; }
  .compact .lane canvas { height: 1.3rem; }
  .axis { display: grid; grid-template-columns: 19rem 1fr; gap: 1rem; font-size: .85rem; color: var(--muted); }
  .axis div:last-child { display: flex; justify-content: space-between; }
</style>
</head>
<body>
<header>
  <h1><span id="server">echolab</span> <small id="scheduling"></small></h1>
  <p id="status" role="status">connecting…</p>
  <dl class="counters">
    <div><dt>Active</dt><dd id="active">0</dd></div>
    <div><dt>Waiting</dt><dd id="waiting">0</dd></div>
    <div><dt>Messages/s</dt><dd id="rate">0</dd></div>
  </dl>
</header>
<section id="queue-section" hidden>
  <h2>Waiting line <small>(next served first)</small></h2>
  <ol id="queue" aria-label="waiting line"></ol>
</section>
<section>
  <h2>Connections <small>(newest at the bottom)</small></h2>
  <div class="legend" id="legend"></div>
  <div class="axis" aria-hidden="true"><div></div><div><span id="axis-start"></span><span id="axis-middle"></span><span>now</span></div></div>
  <ol id="lanes" aria-label="connections"></ol>
  <p id="more" hidden></p>
</section>
<script>
'use strict'
// The time axis spans the oldest lane shown, within these bounds; how long an ended lane stays;
// how many lanes are drawn.
const MIN_WINDOW_MS = 15000
const MAX_WINDOW_MS = 120000
const KEEP_ENDED_MS = 30000
const MAX_LANES = 300
const COMPACT_LANES = 40
// Redraws are throttled: at most this often, whatever the event rate.
const REDRAW_MS = 250
const RATE_WINDOW_MS = 5000
// Okabe-Ito: told apart with any colour vision; the thread number is written on each lane too.
const THREAD_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000']

const $ = (id) => document.getElementById(id)
let server = { server: 'echolab', scheduling: 'concurrent', threads: [] }
let lanes = new Map()
let rateSamples = []
let clockOffset = 0
let dirty = true
let lastDraw = 0
let windowMs = MIN_WINDOW_MS

const now = () => Date.now() + clockOffset
const oneAtATime = () => server.scheduling === 'one-at-a-time'
const threadColour = (thread) => {
  const at = server.threads.indexOf(thread)
  return THREAD_COLOURS[(at === -1 ? thread : at) % THREAD_COLOURS.length]
}
// The one server that serves one client at a time draws served time in the --served colour.
const SERVED_COLOUR = '#007a5a'
const servedColour = (lane) => (oneAtATime() ? SERVED_COLOUR : threadColour(lane.thread))

function setStatus(text, problem) {
  const status = $('status')
  status.textContent = text
  status.dataset.kind = problem ? 'problem' : 'ok'
}

function lane(id, thread) {
  let entry = lanes.get(id)
  if (entry === undefined) {
    entry = { id, thread, peer: '', state: 'connected', since: now(), servedAt: null, endedAt: null, reason: '', position: 0, messages: 0, ticks: [], preview: '' }
    lanes.set(id, entry)
  }
  return entry
}

function onEvent(event) {
  switch (event.type) {
    case 'hello':
      clockOffset = event.at - Date.now()
      server = event
      lanes = new Map()
      rateSamples = []
      for (const li of [...$('lanes').children]) li.remove()
      showServer()
      setStatus('live: updates as they happen', false)
      break
    case 'snapshot':
      for (const row of event.connections) {
        const entry = lane(row.id, row.thread)
        Object.assign(entry, { peer: row.peer, state: row.state, messages: row.messages })
        if (row.since !== null) entry.since = row.since
        entry.servedAt = row.state === 'served' ? (row.servedAt ?? entry.since) : null
      }
      break
    case 'connected':
      Object.assign(lane(event.id, event.thread), { peer: event.peer, since: event.at })
      break
    case 'waiting':
      Object.assign(lane(event.id, event.thread), { state: 'waiting', position: event.position })
      break
    case 'served':
      Object.assign(lane(event.id, event.thread), { state: 'served', servedAt: event.at })
      break
    case 'message': {
      const entry = lane(event.id, event.thread)
      if (entry.messages !== null) entry.messages += event.count
      entry.ticks.push(event.at)
      if (entry.ticks.length > 400) entry.ticks.splice(0, 200)
      if (event.preview !== undefined) entry.preview = event.preview
      rateSamples.push([event.at, event.count])
      break
    }
    case 'ended':
      Object.assign(lane(event.id, event.thread), { state: 'ended', endedAt: event.at, reason: event.reason })
      break
    case 'thread-gone':
      for (const entry of lanes.values()) {
        if (entry.thread === event.thread && entry.state !== 'ended') Object.assign(entry, { state: 'ended', endedAt: event.at, reason: 'thread gone' })
      }
      break
    case 'dropped':
      setStatus('this page fell behind: ' + event.count + ' events skipped, starting again from a snapshot', true)
      break
  }
  dirty = true
}

function showServer() {
  $('server').textContent = server.server
  const threads = server.threads.length
  $('scheduling').textContent = oneAtATime() ? 'serves one client at a time; the rest wait in line' : 'serves clients concurrently on ' + threads + ' thread' + (threads === 1 ? '' : 's')
  $('queue-section').hidden = !oneAtATime()
  const legend = $('legend')
  legend.textContent = ''
  const item = (fill, pattern, text) => {
    const span = document.createElement('span')
    const swatch = document.createElement('span')
    swatch.className = 'swatch'
    swatch.style.background = pattern ? 'repeating-linear-gradient(135deg, ' + fill + ' 0 4px, #fff 4px 8px)' : fill
    span.append(swatch, text)
    legend.append(span)
  }
  item('#b8a040', true, 'waiting (striped)')
  if (oneAtATime()) item(SERVED_COLOUR, false, 'served (solid)')
  else for (const thread of server.threads) item(threadColour(thread), false, 'served on thread ' + thread + ' (solid)')
  item('#111', false, 'one message (a tick)')
  legend.lastChild.firstChild.style.width = '4px'
}

function draw() {
  const t = now()
  for (const [id, entry] of lanes) {
    if (entry.state === 'ended' && t - entry.endedAt > KEEP_ENDED_MS) lanes.delete(id)
  }
  while (rateSamples.length > 0 && rateSamples[0][0] < t - RATE_WINDOW_MS) rateSamples.shift()
  let active = 0
  let waiting = 0
  const queue = []
  for (const entry of lanes.values()) {
    if (entry.state === 'served') active++
    else if (entry.state === 'waiting' || entry.state === 'connected') {
      waiting += entry.state === 'waiting' ? 1 : 0
      if (entry.state === 'waiting') queue.push(entry)
    }
  }
  $('active').textContent = String(active)
  $('waiting').textContent = String(waiting)
  const recent = rateSamples.reduce((sum, sample) => sum + sample[1], 0)
  $('rate').textContent = String(Math.round(recent / (RATE_WINDOW_MS / 1000)))
  if (oneAtATime()) drawQueue(queue)
  let oldest = t
  for (const entry of lanes.values()) oldest = Math.min(oldest, entry.since)
  windowMs = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, Math.ceil((t - oldest + 5000) / 5000) * 5000))
  $('axis-start').textContent = '−' + (windowMs / 1000) + ' s'
  $('axis-middle').textContent = '−' + (windowMs / 2000) + ' s'
  drawLanes(t)
}

function drawQueue(queue) {
  queue.sort((a, b) => a.since - b.since || a.id - b.id)
  const list = $('queue')
  list.textContent = ''
  if (queue.length === 0) {
    const li = document.createElement('li')
    li.className = 'empty'
    li.textContent = 'nobody waiting'
    list.append(li)
    return
  }
  queue.forEach((entry, at) => {
    const li = document.createElement('li')
    li.dataset.id = String(entry.id)
    const number = document.createElement('b')
    number.textContent = '#' + entry.id
    li.append(number, at === 0 ? ' next' : ' ' + (at + 1) + '. in line')
    list.append(li)
  })
}

function drawLanes(t) {
  const list = $('lanes')
  const shown = [...lanes.values()].sort((a, b) => a.id - b.id).slice(-MAX_LANES)
  const keep = new Set(shown.map((entry) => entry.id))
  for (const li of [...list.children]) if (!keep.has(Number(li.dataset.id))) li.remove()
  let previous = null
  for (const entry of shown) {
    let li = entry.element
    if (li === undefined || !li.isConnected) li = entry.element = makeLane(entry)
    const expected = previous === null ? list.firstElementChild : previous.nextElementSibling
    if (expected !== li) list.insertBefore(li, expected)
    previous = li
    fillLane(li, entry, t)
  }
  list.classList.toggle('compact', shown.length > COMPACT_LANES)
  const hidden = lanes.size - shown.length
  $('more').hidden = hidden === 0
  $('more').textContent = 'and ' + hidden + ' older connections not drawn'
}

function makeLane(entry) {
  const li = document.createElement('li')
  li.className = 'lane'
  li.dataset.id = String(entry.id)
  li.innerHTML = '<div class="lane-label"><span class="lane-id"></span><span class="badge"></span><div class="lane-detail"></div><div class="lane-detail lane-preview"></div></div><canvas></canvas>'
  return li
}

function fillLane(li, entry, t) {
  li.dataset.state = entry.state
  li.dataset.thread = String(entry.thread)
  li.style.borderLeft = oneAtATime() ? '' : '0.6rem solid ' + (threadColour(entry.thread))
  li.style.paddingLeft = oneAtATime() ? '' : '0.6rem'
  li.querySelector('.lane-id').textContent = '#' + entry.id
  const badge = entry.state === 'served' ? 'SERVED' : entry.state === 'waiting' ? 'WAITING' : entry.state === 'ended' ? 'ENDED · ' + entry.reason : 'CONNECTED'
  li.querySelector('.badge').textContent = badge
  const messages = entry.messages === null ? 'messages before this page: not counted' : entry.messages + ' message' + (entry.messages === 1 ? '' : 's')
  li.querySelector('.lane-detail').textContent = entry.peer + ' · thread ' + entry.thread + ' · ' + messages
  li.querySelector('.lane-preview').textContent = entry.preview === '' ? '' : '“' + entry.preview + '”'
  drawTimeline(li.querySelector('canvas'), entry, t)
}

function drawTimeline(canvas, entry, t) {
  const ratio = window.devicePixelRatio || 1
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio))
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio))
  if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height })
  const g = canvas.getContext('2d')
  g.clearRect(0, 0, width, height)
  const x = (at) => Math.max(0, Math.min(width, ((at - (t - windowMs)) / windowMs) * width))
  const end = entry.endedAt ?? t
  const top = height * 0.2
  const bar = height * 0.6
  const waitEnd = entry.servedAt ?? end
  if (entry.state !== 'served' || entry.servedAt === null || entry.servedAt > entry.since) {
    g.fillStyle = '#fff8dc'
    g.fillRect(x(entry.since), top, x(waitEnd) - x(entry.since), bar)
    g.save()
    g.beginPath()
    g.rect(x(entry.since), top, x(waitEnd) - x(entry.since), bar)
    g.clip()
    g.strokeStyle = '#b8a040'
    g.lineWidth = 3 * ratio
    for (let s = x(entry.since) - bar; s < x(waitEnd); s += 10 * ratio) {
      g.beginPath()
      g.moveTo(s, top + bar)
      g.lineTo(s + bar, top)
      g.stroke()
    }
    g.restore()
  }
  if (entry.servedAt !== null) {
    g.fillStyle = servedColour(entry)
    g.globalAlpha = entry.state === 'ended' ? 0.45 : 1
    g.fillRect(x(entry.servedAt), top, x(end) - x(entry.servedAt), bar)
    g.globalAlpha = 1
  }
  g.fillStyle = '#111'
  for (const tick of entry.ticks) {
    if (tick < t - windowMs) continue
    g.fillRect(x(tick) - ratio, 0, 2 * ratio, height)
  }
  if (entry.endedAt !== null) {
    g.fillStyle = '#111'
    g.fillRect(x(entry.endedAt) - 2 * ratio, top - 4 * ratio, 4 * ratio, bar + 8 * ratio)
  }
}

// Redraw when something changed, and every second so lanes move with time; never faster.
setInterval(() => {
  const t = Date.now()
  if (!dirty && t - lastDraw < 1000) return
  dirty = false
  lastDraw = t
  draw()
}, REDRAW_MS)

const events = new EventSource('/events')
events.onmessage = (message) => onEvent(JSON.parse(message.data))
events.onerror = () => setStatus('lost the server; trying again…', true)
</script>
</body>
</html>
`
