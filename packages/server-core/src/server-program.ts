/**
 * What a server program does around its serving, the same in both servers: read and check its
 * settings (or print `--help`), open its log on stdout, shut down on SIGTERM and SIGINT
 * (Shutdown), and serve the optional metrics port with its live view (serveMetrics). A server
 * says only what stopping and counting mean for its scheduling.
 */
import type { Server } from 'node:http'
import { type ConfigOf, describeSettings, loadConfig } from '@echolab/cli'
import {
  createLogger,
  type Logger,
  type LogSink,
  resolveLogFormat,
  stdoutSink,
} from './logs/logger.ts'
import { type MetricsEndpointOptions, serveMetrics } from './metrics/metrics-endpoint.ts'
import { checkServerConfig, type SERVER_SETTINGS } from './server-settings.ts'
import { Shutdown, type ShutdownOptions } from './shutdown/shutdown.ts'

/** What stopping means for one server: the hooks of its Shutdown. */
type StopHooks = Pick<ShutdownOptions, 'stopAccepting' | 'drain' | 'endNow' | 'state'>

export class ServerProgram<S extends typeof SERVER_SETTINGS> {
  readonly service: string
  readonly config: ConfigOf<S>
  readonly log: Logger
  readonly sink: LogSink
  #shutdown: Shutdown | undefined

  /**
   * Reads `settings` from the command line and the environment and opens the log. With `--help`
   * it prints `heading` and every setting, and resolves with undefined: nothing to serve.
   */
  static async start<S extends typeof SERVER_SETTINGS>(
    service: string,
    settings: S,
    heading: string,
  ): Promise<ServerProgram<S> | undefined> {
    const loaded = loadConfig(settings, { asks: { help: 'h' } })
    if (loaded.asked !== undefined) {
      process.stdout.write(`${heading}\n\n${describeSettings(settings)}\n`)
      return undefined
    }
    checkServerConfig(loaded.config)
    const sink = await stdoutSink(resolveLogFormat(loaded.config.logFormat))
    return new ServerProgram(service, loaded.config, sink)
  }

  private constructor(service: string, config: ConfigOf<S>, sink: LogSink) {
    this.service = service
    this.config = config
    this.sink = sink
    this.log = createLogger({ service, level: config.logLevel, sink })
  }

  /**
   * The program's Shutdown (DESIGN.md, "Shutdown"), listening for the signals from now on: make
   * it before anything a signal could interrupt. Call `serving()` on it once the server listens.
   */
  shutdown(stop: StopHooks): Shutdown {
    const { service, log, sink, config } = this
    this.#shutdown = new Shutdown({ service, log, sink, graceMs: config.shutdownGraceMs, ...stop })
    return this.#shutdown
  }

  /**
   * Starts the metrics port when one is set (see serveMetrics): healthy while the shutdown says
   * the server accepts clients (it is serving, and no shutdown has begun).
   */
  serveMetrics(
    endpoint: Pick<MetricsEndpointOptions, 'snapshot' | 'watch'>,
  ): Promise<Server | undefined> {
    const { service, log, config } = this
    return serveMetrics({
      ...endpoint,
      server: service,
      healthy: () => this.#shutdown?.accepting === true,
      host: config.metricsHost,
      port: config.metricsPort,
      log,
    })
  }
}
