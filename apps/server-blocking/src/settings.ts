/**
 * The blocking server's settings: the ones every server shares, plus the size of its line.
 */
import { DEFAULTS, integer, SERVER_SETTINGS, type Setting } from '@echolab/protocol'

const maxWaiting: Setting<number> = {
  flag: 'max-waiting',
  env: 'MAX_WAITING',
  description: 'clients that may wait while one is served; the next one is told the server is busy',
  default: DEFAULTS.maxWaiting,
  // 0 is allowed: nobody waits, a client arriving while another is served is refused at once.
  parse: integer(0, 65_535),
}

export const SETTINGS = { ...SERVER_SETTINGS, maxWaiting }
