/**
 * @echolab/protocol: the line protocol and everything both sides share (DESIGN.md).
 */
export * from './config.ts'
export * from './errors.ts'
export * from './line-decoder.ts'
export * from './logger.ts'
export * from './main.ts'
export * from './message-log-budget.ts'
export * from './metrics/metrics-endpoint.ts'
export * from './metrics/server-metrics.ts'
export * from './preview.ts'
export * from './quit-words.ts'
export * from './replies.ts'
export * from './server/connections.ts'
export * from './server/listen.ts'
export * from './server/serve-connection.ts'
export * from './session.ts'
