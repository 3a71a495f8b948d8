/**
 * What the protocol code costs per message, without sockets: a read of N messages goes through
 * the decoder, the quit-word check, the per-message hooks both servers install (metrics, the
 * message log budget) and the reply batch, as a session does it. It isolates our code from
 * Node's socket path and the kernel, which the server benchmark (apps/server-threaded, `npm run
 * bench`) measures together. Prints figures; it is not a test.
 *
 *   npm run bench -w @echolab/protocol
 *   node packages/protocol/bench/message-path.ts --size 64 --reads 200000
 */
import { parseArgs } from 'node:util'
import { isQuitWord, LineDecoder, ReplyBatch } from '@echolab/protocol'
import { MessageLogBudget } from '../src/logs/message-log-budget.ts'
import { ServerMetrics } from '../src/metrics/server-metrics.ts'

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '64' },
    reads: { type: 'string', default: '200000' },
  },
})
const SIZE = Number(values.size)
const READS = Number(values.reads)

/** Nanoseconds per message for reads carrying `perRead` messages of SIZE bytes each. */
function nsPerMessage(perRead: number): number {
  const line = Buffer.alloc(SIZE + 1, 'x')
  line[SIZE] = 0x0a
  const read = Buffer.concat(Array.from({ length: perRead }, () => line))
  const decoder = new LineDecoder(1 << 20)
  const replies = new ReplyBatch()
  const metricsRow = new ServerMetrics(1).row(0)
  const budget = new MessageLogBudget(50, () => {})
  let replyBytes = 0
  const onMessage = (message: Buffer): boolean => {
    if (isQuitWord(message)) return false
    metricsRow.message(message.length)
    budget.take()
    replies.add(message)
    return true
  }
  const serveRead = (): void => {
    decoder.write(read, onMessage)
    replyBytes += replies.take().length
  }
  for (let i = 0; i < Math.min(READS, 20_000); i++) serveRead() // let the JIT settle
  const started = process.hrtime.bigint()
  for (let i = 0; i < READS; i++) serveRead()
  const elapsed = Number(process.hrtime.bigint() - started)
  if (replyBytes === 0) throw new Error('no replies were built')
  return elapsed / (READS * perRead)
}

console.log(
  `protocol code per message, ${SIZE}-byte messages, ${READS} reads (Node ${process.version})`,
)
for (const perRead of [1, 16]) {
  console.log(
    `  ${String(perRead).padStart(2)} message(s) per read: ${nsPerMessage(perRead).toFixed(0)} ns`,
  )
}
