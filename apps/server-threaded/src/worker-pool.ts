/**
 * The main thread's pool of worker threads (DESIGN.md, "server-threaded"): starts one worker per
 * slot, tells them all where to listen, forwards their log lines to the one stdout sink (whole
 * lines, one writer: they never interleave), replaces a worker that crashes after a backoff, and
 * gives up (`failure` resolves) when workers keep crashing.
 */
import { Worker } from 'node:worker_threads'
import { workerEntry } from '@echolab/cli'
import {
  isLogLinesMessage,
  LINGERS,
  ListenError,
  type Logger,
  type LogSink,
  type MetricsSnapshot,
  ServerMetrics,
  type WatchBatch,
} from '@echolab/server-core'
import { ConnectionCounters } from './connection-counters.ts'
import { RestartPolicy } from './restart-policy.ts'
import type { ThreadedConfig } from './settings.ts'
import {
  type FromWorker,
  isFromWorker,
  type ListenTarget,
  type ToWorker,
  type WorkerData,
} from './thread-messages.ts'

// V8 lets a busy thread's young generation (where short-lived objects are made: chunks read,
// replies, log lines) grow to tens of MiB, and the pages it touched stay resident. A worker's
// garbage dies young (per message) and what lives long (a session) is small: 2 MiB showed no
// difference in CPU per message here against 4 MiB or V8's default, and saves about 50 MiB with
// 10,000 connections held on two threads (README, "Memory").
const WORKER_YOUNG_GENERATION_MB = 2

const WORKER_ENTRY = workerEntry(import.meta.url, { source: './worker.ts', bundle: './worker.mjs' })

interface WorkerPoolOptions {
  size: number
  config: ThreadedConfig
  /** The main thread's logger, for the pool's own lines. */
  log: Logger
  /** Where the workers' log lines are written. */
  sink: LogSink
  testFaults: boolean
  policy?: RestartPolicy
  /** Where the workers' live-view events go (the WatchHub). */
  onWatchBatch?: (batch: WatchBatch) => void
  /** A worker has exited: its connections are gone. */
  onThreadGone?: (threadId: number) => void
}

/** One slot's current worker. */
class PoolThread {
  readonly worker: Worker
  readonly slot: number
  readonly threadId: number
  readonly exited: Promise<number>
  /** Set once it said 'stopped' or is being terminated: its exit is not a crash. */
  leaving = false
  error: Error | undefined

  constructor(
    slot: number,
    workerData: WorkerData,
    sink: LogSink,
    onWatchBatch: ((batch: WatchBatch) => void) | undefined,
  ) {
    this.slot = slot
    this.worker = new Worker(WORKER_ENTRY, {
      workerData,
      name: `echolab-worker-${slot}`,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    })
    this.threadId = this.worker.threadId
    this.worker.on('message', (message: unknown) => {
      if (isLogLinesMessage(message)) sink.write(message.lines)
      else if (!isFromWorker(message)) return
      else if (message.type === 'stopped') this.leaving = true
      else if (message.type === 'watch-batch') onWatchBatch?.(message.batch)
    })
    this.worker.on('error', (error) => {
      this.error = error
    })
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve))
  }

  send(message: ToWorker): void {
    this.worker.postMessage(message)
  }

  /** The next message of `type` from this worker; rejects if the worker exits first. */
  next<T extends FromWorker['type']>(...types: T[]): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: unknown): void => {
        if (!isFromWorker(message) || !(types as string[]).includes(message.type)) return
        cleanup()
        resolve(message as Extract<FromWorker, { type: T }>)
      }
      const onExit = (code: number): void => {
        cleanup()
        reject(this.error ?? new Error(`worker exited with code ${code}`))
      }
      const cleanup = (): void => {
        this.worker.off('message', onMessage)
        this.worker.off('exit', onExit)
      }
      this.worker.on('message', onMessage)
      this.worker.once('exit', onExit)
    })
  }

  /** Tells it to listen; resolves with where it listens, rejects with a ListenError. */
  async listen(target: ListenTarget): Promise<{ address: string; port: number }> {
    const answer = this.next('listening', 'listen-failed')
    this.send({ type: 'listen', ...target })
    const reply = await answer
    if (reply.type === 'listen-failed') throw new ListenError(reply.message, reply.code)
    return reply
  }
}

export class WorkerPool {
  readonly size: number
  /** Resolves with the reason when the pool gives up on crashing workers. */
  readonly failure: Promise<Error>
  readonly #options: WorkerPoolOptions
  readonly #counters = new Map<number, ConnectionCounters>()
  readonly #countersMemory: SharedArrayBuffer
  readonly #metrics: ServerMetrics
  readonly #threads: (PoolThread | undefined)[]
  readonly #policy: RestartPolicy
  readonly #restartTimers = new Set<NodeJS.Timeout>()
  #target: ListenTarget | null = null
  #stopping = false
  #watched = false
  #fail: (reason: Error) => void = () => {}

  constructor(options: WorkerPoolOptions) {
    this.#options = options
    this.size = options.size
    this.#policy = options.policy ?? new RestartPolicy()
    this.#countersMemory = ConnectionCounters.allocate(options.size)
    this.#metrics = new ServerMetrics(options.size)
    this.#threads = Array.from({ length: options.size }, () => undefined)
    this.failure = new Promise((resolve) => {
      this.#fail = resolve
    })
  }

  /** Starts every worker and resolves once all are ready to listen. */
  async start(): Promise<void> {
    const threads = this.#threads.map((_, slot) => this.#spawn(slot))
    await Promise.all(threads.map((thread) => thread.next('ready')))
  }

  /**
   * Tells every worker to listen on `target`; resolves once all do (rejects with ListenError).
   * The first listens alone, so that for port 0 the others join the port the kernel gave it.
   */
  async listen(target: ListenTarget): Promise<{ address: string; port: number }> {
    const live = this.#threads.filter((thread) => thread !== undefined)
    const [first, ...others] = live
    const bound = await first!.listen(target)
    const shared = { ...target, port: bound.port }
    this.#target = shared
    await Promise.all(others.map((thread) => thread.listen(shared)))
    for (const thread of live) this.#superviseAfterStart(thread)
    return bound
  }

  /** Connections open across every thread. */
  get active(): number {
    return this.#countersFor(0).active()
  }

  /**
   * Every thread's metrics added up, with the active connections as the admission counters count
   * them (they forget a crashed worker's connections).
   */
  metrics(): MetricsSnapshot {
    return this.#metrics.snapshot(this.active)
  }

  /** The ids of the workers serving now (the live view waits for a snapshot from each). */
  get threadIds(): number[] {
    return this.#threads.flatMap((thread) => (thread === undefined ? [] : [thread.threadId]))
  }

  /** Turns the live view's events on or off in every worker, and in those that replace them. */
  watch(on: boolean): void {
    this.#watched = on
    this.#broadcast({ type: 'watch', on })
  }

  /** Asks every worker for a snapshot of its connections in its event stream. */
  requestSnapshot(request: number): void {
    this.#broadcast({ type: 'watch-snapshot', request })
  }

  #broadcast(message: ToWorker): void {
    for (const thread of this.#threads) thread?.send(message)
  }

  /** Test fault hook: makes the first serving worker throw. */
  crashOne(): void {
    const thread = this.#threads.find((t) => t !== undefined && !t.leaving)
    if (thread === undefined) return
    this.#options.log.warn({ worker: thread.threadId }, 'test fault: crashing a worker')
    thread.send({ type: 'crash' })
  }

  /**
   * Every worker stops accepting at once, its sessions get `graceMs`, then the rest are told the
   * server is shutting down. Resolves when every worker has exited (terminated if it overstays).
   */
  async stop(graceMs: number): Promise<void> {
    const overstayMs = graceMs + LINGERS.toldClientMs + LINGERS.workerOverstayMs
    await this.#stopEvery({ type: 'stop', graceMs }, overstayMs)
  }

  /**
   * Every worker tells its sessions the server is shutting down and stops at once (a second
   * signal). Resolves when every worker has exited (terminated after `LINGERS.stopNowMs`).
   */
  async stopNow(): Promise<void> {
    await this.#stopEvery({ type: 'stop-now' }, LINGERS.stopNowMs)
  }

  async #stopEvery(message: ToWorker, withinMs: number): Promise<void> {
    this.#stopping = true
    for (const timer of this.#restartTimers) clearTimeout(timer)
    this.#restartTimers.clear()
    const live = this.#threads.filter((thread) => thread !== undefined)
    for (const thread of live) thread.send(message)
    await Promise.all(live.map((thread) => this.#exitWithin(thread, withinMs)))
  }

  #spawn(slot: number): PoolThread {
    const { config, testFaults, sink } = this.#options
    const data: WorkerData = {
      config,
      counters: this.#countersMemory,
      metrics: this.#metrics.buffer,
      poolSize: this.size,
      slot,
      testFaults,
    }
    const thread = new PoolThread(slot, data, sink, this.#options.onWatchBatch)
    this.#threads[slot] = thread
    // Queued until the worker listens for messages: it starts watching as it starts serving.
    if (this.#watched) thread.send({ type: 'watch', on: true })
    return thread
  }

  #superviseAfterStart(thread: PoolThread): void {
    void thread.exited.then((exitCode) => {
      if (this.#threads[thread.slot] === thread) this.#threads[thread.slot] = undefined
      this.#options.onThreadGone?.(thread.threadId)
      if (thread.leaving || this.#stopping) return
      this.#onCrash(thread, exitCode)
    })
  }

  #onCrash(thread: PoolThread, exitCode: number): void {
    const { log } = this.#options
    // Its sockets died with it; its share of the active count goes too.
    this.#countersFor(thread.slot).resetSlot()
    const delayMs = this.#policy.onCrash(performance.now())
    const fields = { worker: thread.threadId, slot: thread.slot, exitCode, err: thread.error }
    if (delayMs === null) {
      const { maxCrashesInWindow, crashWindowMs } = this.#policy.options
      const reason = new Error(
        `workers keep crashing (${maxCrashesInWindow} crashes within ${crashWindowMs / 1000} s): stopping`,
      )
      log.fatal(fields, 'worker crashed')
      this.#fail(reason)
      return
    }
    log.error({ ...fields, restartInMs: delayMs }, 'worker crashed')
    // Not unref'd: while every worker is down, this timer is what the server is waiting for.
    const timer = setTimeout(() => {
      this.#restartTimers.delete(timer)
      void this.#replace(thread)
    }, delayMs)
    this.#restartTimers.add(timer)
  }

  async #replace(crashed: PoolThread): Promise<void> {
    if (this.#stopping || this.#target === null) return
    const thread = this.#spawn(crashed.slot)
    try {
      await thread.next('ready')
      if (this.#stopping) return
      await thread.listen(this.#target)
    } catch (error) {
      thread.error ??= error as Error
      if (!this.#stopping) void thread.worker.terminate()
    }
    this.#superviseAfterStart(thread)
    if (thread.error === undefined) {
      this.#options.log.info(
        { worker: thread.threadId, slot: thread.slot, replaced: crashed.threadId },
        'worker replaced',
      )
    }
  }

  async #exitWithin(thread: PoolThread, ms: number): Promise<void> {
    const timer = setTimeout(() => {
      thread.leaving = true
      this.#options.log.warn({ worker: thread.threadId }, 'worker did not stop in time: terminated')
      void thread.worker.terminate()
    }, ms)
    await thread.exited
    clearTimeout(timer)
  }

  #countersFor(slot: number): ConnectionCounters {
    let counters = this.#counters.get(slot)
    if (counters === undefined) {
      counters = new ConnectionCounters(this.#countersMemory, slot)
      this.#counters.set(slot, counters)
    }
    return counters
  }
}
