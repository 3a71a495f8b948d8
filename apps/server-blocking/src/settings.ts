/**
 * The blocking server's settings: the ones every server shares, plus the size of its line.
 */
import { integer, type Setting } from '@echolab/cli'
import { clientsThatFit, descriptorLimit, SERVER_SETTINGS } from '@echolab/server-core'

/**
 * Clients allowed to wait: a queue, not a denial of service. 128, or fewer when the process's
 * descriptor limit leaves room for fewer sockets besides the one served (accept/descriptors.ts).
 */
const MAX_WAITING = Math.max(0, Math.min(128, clientsThatFit(descriptorLimit()) - 1))

const maxWaiting: Setting<number> = {
  flag: 'max-waiting',
  env: 'MAX_WAITING',
  description: 'clients that may wait while one is served; the next one is told the server is busy',
  default: MAX_WAITING,
  // 0 is allowed: nobody waits, a client arriving while another is served is refused at once.
  parse: integer(0, 65_535),
}

export const SETTINGS = { ...SERVER_SETTINGS, maxWaiting }
