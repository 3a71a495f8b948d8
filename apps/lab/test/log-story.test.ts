/**
 * The lines `npm run lab -- live` prints for a connection's story: read by people watching a
 * terminal, so times in seconds and counts in words ("1 message", not "1 messages").
 */
import { expect, it } from 'vitest'
import { describeLogLine } from '../src/live/log-story.ts'
import { describeLine } from '../src/timeline/server-log.ts'

it('says how long a client waited in seconds', () => {
  expect(describeLogLine({ msg: 'served', conn: 2, waitedMs: 302_040 })).toBe(
    '#2 served after 302.04 s in line',
  )
})

it('counts one message as one message', () => {
  expect(describeLogLine({ msg: 'session ended', conn: 2, reason: 'quit', messages: 1 })).toBe(
    '#2 left: quit (1 message)',
  )
  expect(describeLine({ msg: 'session ended', reason: 'quit', messages: 1 })).toBe(
    'session ended (quit, 1 message)',
  )
  expect(describeLine({ msg: 'session ended', reason: 'quit', messages: 3 })).toBe(
    'session ended (quit, 3 messages)',
  )
})
