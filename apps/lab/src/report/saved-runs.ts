/**
 * What the report is made from, kept as JSON beside it in the reports folder: the last run of each
 * experiment and the last scale run. `npm run lab -- 2` replaces experiment 2 only, and
 * `npm run lab -- scale` the scale results only, so the report always shows the latest of each.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Step } from '../clients/script.ts'
import type { ExperimentResult } from '../experiments/run-experiment.ts'
import type { ScaleRun } from '../scale/scale-run.ts'
import type { Timeline } from '../timeline/timeline.ts'
import { type Machine, thisMachine } from './machine.ts'

export interface SavedExperiment {
  id: string
  title: string
  lookFor: readonly string[]
  ranAt: string
  machine: Machine
  servers: { label: string; app: string; flags: readonly string[] }[]
  clients: { name: string; server: string; startAtMs: number; steps: string[] }[]
  checks: { says: string; why: string | null }[]
  timeline: Timeline
}

export interface SavedRuns {
  experiments: SavedExperiment[]
  scale: ScaleRun | null
}

const EXPERIMENTS_FILE = 'experiments.json'
const SCALE_FILE = 'scale.json'

export function loadRuns(dir: string): SavedRuns {
  return {
    experiments: readJson<SavedExperiment[]>(join(dir, EXPERIMENTS_FILE)) ?? [],
    scale: readJson<ScaleRun>(join(dir, SCALE_FILE)),
  }
}

export function saveExperiments(dir: string, results: readonly ExperimentResult[]): void {
  const kept = loadRuns(dir).experiments.filter(
    (e) => !results.some((r) => r.experiment.id === e.id),
  )
  const fresh = results.map(toSaved)
  const all = [...kept, ...fresh].sort((a, b) => Number(a.id) - Number(b.id))
  writeJson(join(dir, EXPERIMENTS_FILE), all)
}

export function saveScale(dir: string, run: ScaleRun): void {
  writeJson(join(dir, SCALE_FILE), run)
}

function toSaved({ experiment, timeline, problems }: ExperimentResult): SavedExperiment {
  return {
    id: experiment.id,
    title: experiment.title,
    lookFor: experiment.lookFor,
    ranAt: new Date(timeline.startedAtMs).toISOString(),
    machine: thisMachine(),
    servers: experiment.servers.map(({ label, app, flags }) => ({ label, app, flags })),
    clients: experiment.clients.map((c) => ({
      name: c.name,
      server: c.server,
      startAtMs: c.startAtMs,
      steps: c.steps.map(describeStep),
    })),
    checks: experiment.expectations.map(({ says }) => ({
      says,
      why: problems.find((p) => p.says === says)?.why ?? null,
    })),
    timeline,
  }
}

/** `send "um"`, `pause 600 ms`, `sair`. */
function describeStep(step: Step): string {
  if ('send' in step) {
    const text =
      step.send.length > 40 ? `${step.send.slice(0, 12)}… (${step.send.length} bytes)` : step.send
    return `send "${text}"`
  }
  if ('pauseMs' in step) return `pause ${step.pauseMs} ms`
  if ('trickle' in step)
    return `send "${Buffer.from(step.trickle)}" one byte every ${step.byteEveryMs} ms, no line end`
  if ('waitForClose' in step) return 'wait for the server to close'
  return 'sair'
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T
  } catch {
    return null
  }
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(join(file, '..'), { recursive: true })
  writeFileSync(file, `${JSON.stringify(value, null, 1)}\n`)
}
