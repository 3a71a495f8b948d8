/**
 * An experiment of the lab, written down: which servers it starts with which settings, which
 * clients it runs and when, what a person should look for, and what the lab checks the timeline
 * shows.
 */
import type { ClientScript } from '../clients/script.ts'
import type { ServerApp } from '../servers/server-apps.ts'
import type { Timeline } from '../timeline/timeline.ts'

interface ServerSetup {
  /** How rows and checks name it: usually the app's name. */
  label: string
  app: ServerApp
  /** Flags beyond `--host 127.0.0.1 --port 0`. */
  flags: readonly string[]
}

interface Expectation {
  /** What the lab expects, as a sentence: "client 2 gets no reply until client 1 has left". */
  says: string
  /** Null when the timeline shows it; otherwise why not, in a sentence. */
  check(timeline: Timeline): string | null
}

export interface Experiment {
  id: string
  title: string
  /** A few lines on what to look for in the timeline. */
  lookFor: readonly string[]
  servers: readonly ServerSetup[]
  clients: readonly ClientScript[]
  expectations: readonly Expectation[]
}
