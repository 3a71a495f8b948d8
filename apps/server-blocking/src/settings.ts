/**
 * The blocking server's settings: the ones every server shares, plus the size of its line.
 */
import { integer, type Setting } from '@echolab/cli'
import { SERVER_SETTINGS } from '@echolab/server-core'

/** Clients allowed to wait: a queue, not a denial of service. */
const MAX_WAITING = 128

const maxWaiting: Setting<number> = {
  flag: 'max-waiting',
  env: 'MAX_WAITING',
  description: 'clients that may wait while one is served; the next one is told the server is busy',
  default: MAX_WAITING,
  // 0 is allowed: nobody waits, a client arriving while another is served is refused at once.
  parse: integer(0, 65_535),
}

export const SETTINGS = { ...SERVER_SETTINGS, maxWaiting }
