/**
 * The shared conformance suite (packages/testkit/src/conformance.ts) against the threaded server:
 * the same wire behaviour as the blocking server, whatever the scheduling.
 */
import { describeConformance } from '@echolab/testkit'
import { startThreadedServer } from './server.ts'

describeConformance('server-threaded', startThreadedServer)
