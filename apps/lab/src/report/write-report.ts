/**
 * Writes the report page from the saved runs in `dir` and returns its path: every chart rendered
 * to SVG here, in Node, so the page needs nothing at all to be viewed.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderSvg } from './render-svg.ts'
import { reportPage } from './report-page.ts'
import { loadRuns } from './saved-runs.ts'
import { scaleSpec } from './scale-chart.ts'
import { timelineSpec } from './timeline-chart.ts'

const REPORT_FILE = 'lab.html'

export async function writeReport(dir: string): Promise<string> {
  const runs = loadRuns(dir)
  const timelines = new Map<string, string>()
  for (const experiment of runs.experiments) {
    timelines.set(experiment.id, await renderSvg(timelineSpec(experiment.timeline)))
  }
  const scale = runs.scale === null ? null : await renderSvg(scaleSpec(runs.scale))
  const file = join(dir, REPORT_FILE)
  writeFileSync(file, reportPage(runs, { timelines, scale }, new Date()))
  return file
}
