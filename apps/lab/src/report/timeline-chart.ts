/**
 * An experiment's timeline as a Vega-Lite spec: one bar row per client (waiting in line, being
 * served), a mark for each message sent, each reply, each byte of a slow message and each
 * `Error:` line; below it, each server's active and waiting connections over the same time axis.
 */
import type { TopLevelSpec } from 'vega-lite'
import type { Timeline } from '../timeline/timeline.ts'

const STATE_COLOURS = { waiting: '#e8a317', served: '#2f8f5b' } as const

const EVENT_SHAPES = {
  'message sent': 'triangle-right',
  reply: 'circle',
  'byte sent': 'diamond',
  'Error: line': 'cross',
} as const

const WIDTH = 720
const ROW_HEIGHT = 28

const seconds = (ms: number): number => Math.round(ms) / 1000

export function timelineSpec(timeline: Timeline): TopLevelSpec {
  const clients = timeline.rows.map((r) => r.name)
  const segments = timeline.rows.flatMap((row) =>
    row.segments.map((s) => ({
      client: row.name,
      state: s.state,
      from: seconds(s.fromMs),
      to: seconds(s.toMs),
    })),
  )
  const events = timeline.rows.flatMap((row) => [
    ...row.messages.map((m) => ({
      client: row.name,
      event: 'message sent',
      at: seconds(m.sentMs),
    })),
    ...row.messages.flatMap((m) =>
      m.replyMs === null ? [] : [{ client: row.name, event: 'reply', at: seconds(m.replyMs) }],
    ),
    ...row.bytesMs.map((ms) => ({ client: row.name, event: 'byte sent', at: seconds(ms) })),
    ...row.errors.map((e) => ({ client: row.name, event: 'Error: line', at: seconds(e.atMs) })),
  ])
  const counts = timeline.servers.flatMap((view) =>
    view.steps.flatMap((step) => [
      { server: view.label, state: 'active', at: seconds(step.atMs), connections: step.active },
      { server: view.label, state: 'waiting', at: seconds(step.atMs), connections: step.waiting },
    ]),
  )
  // A little room after the last event, so a mark at the very end is not cut in half.
  const endS = seconds(timeline.endMs * 1.02 + 20)
  const x = { scale: { domain: [0, endS] }, title: 'seconds from the start' }
  const y = { field: 'client', type: 'nominal', sort: clients, title: null } as const
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { font: 'system-ui, sans-serif' },
    // The client rows colour states, the server rows counts: two colour scales, one time axis.
    resolve: { scale: { color: 'independent' } },
    vconcat: [
      {
        width: WIDTH,
        height: ROW_HEIGHT * clients.length,
        layer: [
          {
            data: { values: segments },
            mark: { type: 'bar', height: ROW_HEIGHT * 0.6 },
            encoding: {
              y,
              x: { field: 'from', type: 'quantitative', ...x },
              x2: { field: 'to' },
              color: {
                field: 'state',
                type: 'nominal',
                scale: { domain: Object.keys(STATE_COLOURS), range: Object.values(STATE_COLOURS) },
                legend: { title: 'at the server', orient: 'top' },
              },
            },
          },
          {
            data: { values: events },
            mark: { type: 'point', filled: true, size: 60, color: '#1b3a5c' },
            encoding: {
              y,
              x: { field: 'at', type: 'quantitative', ...x },
              shape: {
                field: 'event',
                type: 'nominal',
                scale: { domain: Object.keys(EVENT_SHAPES), range: Object.values(EVENT_SHAPES) },
                legend: { title: 'the client', orient: 'top' },
              },
            },
          },
        ],
      },
      ...timeline.servers.map((view) => ({
        width: WIDTH,
        height: 50,
        title: { text: `${view.label}: connections`, anchor: 'start', fontSize: 12 },
        data: { values: counts.filter((c) => c.server === view.label) },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'at', type: 'quantitative', ...x },
          y: { field: 'connections', type: 'quantitative', title: null, axis: { tickMinStep: 1 } },
          color: {
            field: 'state',
            type: 'nominal',
            scale: {
              domain: ['active', 'waiting'],
              range: [STATE_COLOURS.served, STATE_COLOURS.waiting],
            },
            legend: { title: 'the server', orient: 'top' },
          },
        },
      })),
    ],
  } as TopLevelSpec
}
