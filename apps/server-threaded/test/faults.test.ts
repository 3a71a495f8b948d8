/**
 * The shared fault suite (packages/testkit/src/fault-suite.ts) against the threaded server: what a
 * hostile client found (issue 11), against a real process, so that it stays fixed.
 */
import { describeFaults } from '@echolab/testkit'
import { ENTRY } from './server.ts'

describeFaults('server-threaded', ENTRY, { concurrent: true })
