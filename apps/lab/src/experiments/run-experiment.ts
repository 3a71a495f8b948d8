/**
 * Runs one experiment for real: starts its servers on free ports, plays its clients, waits for the
 * servers to log the end of every session, stops the servers, and builds the timeline. Whatever
 * happens (a failure, the watchdog, Ctrl-C through `signal`), every server it started is stopped
 * before it returns or throws.
 */
import { type RunningServer, startServer } from '@echolab/testkit'
import type { ClientRecord } from '../clients/client-record.ts'
import { runScript } from '../clients/run-script.ts'
import { now } from '../clock.ts'
import { serverEntry } from '../servers/server-apps.ts'
import { buildTimeline } from '../timeline/build-timeline.ts'
import type { Timeline } from '../timeline/timeline.ts'
import type { Experiment } from './experiment.ts'

/** An experiment lasts seconds by design; past this something is stuck. */
const EXPERIMENT_WATCHDOG_MS = 60_000
/** How long the servers get to log the end of the sessions once the clients are done. */
const LOG_CATCH_UP_MS = 5_000

export interface ExperimentResult {
  experiment: Experiment
  timeline: Timeline
  /** The expectations the timeline does not show, each with why. */
  problems: { says: string; why: string }[]
}

/** Told about each server once it listens: its label, port and PID. */
type OnServerStarted = (label: string, server: RunningServer) => void

export async function runExperiment(
  experiment: Experiment,
  signal: AbortSignal,
  onServerStarted: OnServerStarted = () => {},
): Promise<ExperimentResult> {
  const watchdog = AbortSignal.any([signal, AbortSignal.timeout(EXPERIMENT_WATCHDOG_MS)])
  const started: RunningServer[] = []
  try {
    for (const setup of experiment.servers) {
      const server = await startServer({ entry: serverEntry(setup.app), args: setup.flags })
      started.push(server)
      onServerStarted(setup.label, server)
      watchdog.throwIfAborted()
    }
    const portOf = (label: string): number =>
      started[experiment.servers.findIndex((s) => s.label === label)]!.port
    const startedAtMs = now()
    const records = await Promise.all(
      experiment.clients.map((script) =>
        runScript(script, portOf(script.server), startedAtMs, watchdog),
      ),
    )
    await sessionsLogged(experiment, started, records)
    await Promise.all(started.map((server) => server.stop()))
    const timeline = buildTimeline(
      startedAtMs,
      records,
      experiment.servers.map((setup, i) => ({ ...setup, logs: started[i]!.logs })),
    )
    const problems = experiment.expectations.flatMap(({ says, check }) => {
      const why = check(timeline)
      return why === null ? [] : [{ says, why }]
    })
    return { experiment, timeline, problems }
  } finally {
    // Already stopped on the way out, unless something failed or Ctrl-C came: stop() by PID,
    // SIGKILL if SIGTERM is not enough, so no server outlives the lab.
    await Promise.allSettled(started.map((server) => server.stop()))
  }
}

/** Waits until each server has logged how each of its sessions ended: the timeline needs it. */
async function sessionsLogged(
  experiment: Experiment,
  servers: readonly RunningServer[],
  records: readonly ClientRecord[],
): Promise<void> {
  await Promise.all(
    experiment.servers.map((setup, i) => {
      const count = records.filter((r) => r.server === setup.label).length
      return servers[i]!.waitForLogs(
        (line) => ['session ended', 'left the queue', 'refused'].includes(line.msg),
        count,
        `${setup.label} to log the end of ${count} sessions`,
        LOG_CATCH_UP_MS,
      )
    }),
  )
}
