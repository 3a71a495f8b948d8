/**
 * What the client prints never moves a cursor or reorders text (issue 11): a reply holding C1
 * controls, U+0085, the line and paragraph separators or bidi controls is shown escaped, as C0
 * controls already were. The real client program against the real threaded server.
 */
import { describe, expect, it } from 'vitest'
import { cleanupAfterEach } from './support/cleanup.ts'
import { runClient } from './support/client-process.ts'
import { startOurServer } from './support/servers.ts'

const { started } = cleanupAfterEach()

describe("the client's screen", () => {
  it('shows C1 controls, separators and bidi controls in a reply escaped', async () => {
    const server = await started(startOurServer('server-threaded'))
    const sneaky = 'a\u009b2Jb\u0085c\u2028d\u2029e\u202eevil\u2066f'
    const run = await runClient(['--port', String(server.port), '--message', sneaky])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Echo: a\\x9b2Jb\\x85c\\u2028d\\u2029e\\u202eevil\\u2066f')
    expect(run.stdout).not.toMatch(/(?![\t\n])[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u)
  })
})
