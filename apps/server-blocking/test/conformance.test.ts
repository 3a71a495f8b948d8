/**
 * The shared conformance suite (packages/testkit/src/conformance.ts) against the blocking server:
 * the same wire behaviour the threaded server must show.
 */
import { describeConformance } from '@echolab/testkit'
import { startBlockingServer } from './server.ts'

describeConformance('server-blocking', startBlockingServer)
