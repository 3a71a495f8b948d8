/**
 * Vega-Lite to SVG in Node: compile the spec to Vega, run a headless View (no DOM, no canvas:
 * Vega estimates text widths), and take its SVG. The SVG carries ARIA labels on every mark
 * ("client: client 2; state: waiting; ..."), which is what the browser test reads.
 */
import { parse, View } from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
