/**
 * @echolab/testkit: what the end-to-end suites share (real processes, real sockets, watchdogs)
 * and the conformance suite every server must pass.
 */
export * from './build-copy.ts'
export * from './conformance.ts'
export * from './fake-servers.ts'
export * from './fault-suite.ts'
export * from './line-client.ts'
export * from './process-stats.ts'
export * from './server-process.ts'
export * from './settings-suite.ts'
export * from './thrown.ts'
export * from './watchdog.ts'
