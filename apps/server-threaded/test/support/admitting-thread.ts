/**
 * A worker thread for connection-counters.test.ts: admits as fast as it can through the real
 * ConnectionCounters, never releasing, and reports how many it admitted.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { ConnectionCounters } from '../../src/connection-counters.ts'

const { memory, slot, limit, attempts } = workerData as {
  memory: SharedArrayBuffer
  slot: number
  limit: number
  attempts: number
}
const counters = new ConnectionCounters(memory, slot)
let admitted = 0
for (let attempt = 0; attempt < attempts; attempt++) {
  if (counters.admit(limit) !== null) admitted++
}
parentPort?.postMessage(admitted)
