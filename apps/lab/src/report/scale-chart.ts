/**
 * The scale results as a Vega-Lite spec: time against the number of clients, one line per server,
 * side by side for the whole run and for the median wait before the first reply. The x axis is
 * logarithmic (1 to 32 clients), so "grows with every client" and "stays flat" both show.
 */
import type { TopLevelSpec } from 'vega-lite'
import type { ScaleRun } from '../scale/scale-run.ts'

const SERVER_COLOURS = {
  'server-blocking': '#c0392b',
  'server-threaded': '#2874a6',
} as const

export function scaleSpec(run: ScaleRun): TopLevelSpec {
  const values = run.points.flatMap((p) => [
    { server: p.server, clients: p.clients, measure: 'whole run', seconds: p.wholeRunMs / 1000 },
    {
      server: p.server,
      clients: p.clients,
      measure: 'median wait for the first reply',
      seconds: p.firstReplyMs.median / 1000,
    },
  ])
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { font: 'system-ui, sans-serif' },
    data: { values },
    facet: { column: { field: 'measure', type: 'nominal', title: null, sort: ['whole run'] } },
    spec: {
      width: 340,
      height: 240,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'clients',
          type: 'quantitative',
          scale: { type: 'log', base: 2 },
          axis: { values: run.settings.clientCounts, title: 'clients at once' },
        },
        y: { field: 'seconds', type: 'quantitative', title: 'seconds' },
        color: {
          field: 'server',
          type: 'nominal',
          scale: { domain: Object.keys(SERVER_COLOURS), range: Object.values(SERVER_COLOURS) },
          legend: { orient: 'top', title: null },
        },
      },
    },
  } as TopLevelSpec
}
