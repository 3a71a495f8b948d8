/**
 * @echolab/server-core: what both servers share and the client never needs (DESIGN.md,
 * "The one difference between the two servers"): the session, the accept loop, listening,
 * logs and their budget, metrics and their endpoint, the live view, the settings every server
 * has, the shutdown policy, and the wiring of them both servers do alike (ServerProgram once per
 * process, SessionHost once per event loop).
 */
export * from './accept/connections.ts'
export * from './accept/descriptors.ts'
export * from './accept/listen.ts'
export * from './end-reasons.ts'
export * from './lingers.ts'
export * from './logs/logger.ts'
export * from './logs/message-log-budget.ts'
export * from './metrics/metrics-endpoint.ts'
export * from './metrics/server-metrics.ts'
export * from './serve-connection.ts'
export * from './server-program.ts'
export * from './server-settings.ts'
export * from './session.ts'
export * from './session-host.ts'
export * from './shutdown/live-sessions.ts'
export * from './shutdown/shutdown.ts'
export * from './watch/connection-watch.ts'
export * from './watch/one-thread-watch.ts'
export * from './watch/watch-events.ts'
export * from './watch/watch-hub.ts'
