/**
 * The pino logger every app uses (DESIGN.md, "Logging"): JSON lines on stdout by default, pretty
 * when stdout is a terminal or `LOG_FORMAT=pretty`, `LOG_LEVEL` for the level. Every line names
 * its service, host name and thread; every line of a session also carries its connection id
 * (`conn`).
 * The host name tells replicas apart (DESIGN.md, "Replicas"): a Swarm task or a Kubernetes pod
 * has its own, so `docker service logs` shows which replica served each client.
 *
 * Worker threads do not write to stdout themselves: lines from several threads could interleave
 * mid-line in a pipe. A worker's logger writes to a `LineForwarder`, which hands whole lines to
 * the main thread in batches; the main thread writes them to its one destination.
 */
import { hostname } from 'node:os'
import { isMainThread, parentPort, threadId } from 'node:worker_threads'
import { type DestinationStream, type Logger, pino } from 'pino'
import type { LogFormat, LogLevel } from '../server-settings.ts'

export type { Logger } from 'pino'

/** A place log lines go: stdout (JSON or pretty), or the main thread when in a worker. */
export interface LogSink extends DestinationStream {
  /** Writes out what is buffered before the process or thread exits. */
  flushSync(): void
}

/** 'auto' means pretty on a terminal, JSON anywhere else. */
export function resolveLogFormat(format: LogFormat, stdoutIsTTY = process.stdout.isTTY === true) {
  if (format !== 'auto') return format
  return stdoutIsTTY ? 'pretty' : 'json'
}

/** The main thread's sink: stdout, as JSON or prettified. */
export async function stdoutSink(format: 'json' | 'pretty'): Promise<LogSink> {
  return format === 'json' ? jsonStdoutSink() : await prettyStdoutSink()
}

function jsonStdoutSink(): LogSink {
  // Synchronous: a line written is out before the next statement, so an exit right after a
  // flush loses nothing. Worker lines arrive in batches, one write each, so it stays cheap.
  const boom = pino.destination({ dest: 1, sync: true })
  return { write: (line: string) => boom.write(line), flushSync: () => boom.flushSync() }
}

async function prettyStdoutSink(): Promise<LogSink> {
  // Loaded only when asked for: every process and every worker thread loads this module, and
  // pino-pretty with what it brings cost the threaded server about 1 MiB that JSON never uses.
  const { default: pretty } = await import('pino-pretty')
  const stream = pretty({
    sync: true,
    colorize: process.stdout.isTTY === true && !process.env.NO_COLOR,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    singleLine: true,
    destination: 1,
  })
  return { write: (line: string) => stream.write(line), flushSync: () => {} }
}

const LOG_LINES_MESSAGE = 'echolab:log-lines'

/** What a worker posts to its parent: whole JSON log lines, newline-separated. */
interface LogLinesMessage {
  type: typeof LOG_LINES_MESSAGE
  lines: string
}

export function isLogLinesMessage(value: unknown): value is LogLinesMessage {
  return (value as LogLinesMessage | null)?.type === LOG_LINES_MESSAGE
}

/**
 * A worker's sink: collects lines during one turn of the event loop and posts them to the main
 * thread together, so a busy worker costs one message per turn, not one per line.
 */
export class LineForwarder implements LogSink {
  #lines: string[] = []
  #scheduled = false

  write(line: string): void {
    this.#lines.push(line)
    if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(this.flushSync)
    }
  }

  flushSync = (): void => {
    this.#scheduled = false
    if (this.#lines.length === 0) return
    const message: LogLinesMessage = { type: LOG_LINES_MESSAGE, lines: this.#lines.join('') }
    this.#lines = []
    parentPort?.postMessage(message)
  }
}

interface LoggerOptions {
  /** The app's name, on every line as `service`. */
  service: string
  level: LogLevel
  /** Where lines go; by default stdout in the main thread, the main thread in a worker. */
  sink?: LogSink
}

export function createLogger({ service, level, sink }: LoggerOptions): Logger {
  const destination = sink ?? (isMainThread ? jsonStdoutSink() : new LineForwarder())
  return pino(
    {
      level,
      base: { service, hostname: hostname(), pid: process.pid, thread: threadId },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  )
}
