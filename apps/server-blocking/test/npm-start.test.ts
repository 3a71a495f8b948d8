/**
 * Ctrl-C where a person presses it: on a terminal, with the server under `npm start`. The
 * terminal sends SIGINT to the whole foreground group and npm forwards it to the server too, so
 * one keypress can reach the server twice (or once, when the two coalesce); either way it is one
 * request (server-core's Shutdown): the client being served keeps its grace period, and the
 * server exits 0.
 */
import { fileURLToPath } from 'node:url'
import { connectClient, type LineClient } from '@echolab/testkit'
import { Terminal } from '@echolab/testkit/terminal'
import { afterEach, expect, it } from 'vitest'

const APP_DIR = fileURLToPath(new URL('..', import.meta.url))
// `npm start` builds the app first when its dist/ is stale: turbo, on a machine that may be busy.
const START_MS = 90_000

const opened: { terminal?: Terminal; client?: LineClient } = {}
afterEach(async () => {
  opened.client?.destroy()
  await opened.terminal?.close()
})

it('one Ctrl-C under npm start is one request: the client being served keeps its grace period', async () => {
  const env = { ...definedEnv(), LOG_FORMAT: 'json', LOG_LEVEL: 'info' }
  const args = ['--host', '127.0.0.1', '--port', '0', '--shutdown-grace-ms', '60000']
  const terminal = await Terminal.open(['npm', 'start', '--', ...args], env, APP_DIR)
  opened.terminal = terminal
  const listening = await terminal.waitFor(/"port":(\d+),[^\n]*"msg":"listening"/, START_MS)
  const port = Number(listening.match(/"port":(\d+),[^\n]*"msg":"listening"/)?.[1])

  const client = await connectClient(port)
  opened.client = client
  client.sendLine('before')
  expect(await client.nextLine()).toBe('Echo: before')

  await terminal.press('C-c')
  await terminal.waitFor('"msg":"shutting down"')
  client.sendLine('during the grace period')
  expect(await client.nextLine()).toBe('Echo: during the grace period')
  client.sendLine('sair')
  expect((await client.readToEnd()).toString()).toBe('')

  const screen = await terminal.waitFor('"msg":"stopped"')
  expect(screen).toContain('"exitStatus":0')
  expect(screen).not.toContain('second signal: stopping now')
})

/** This process's environment, as the terminal's (PATH finds npm and the pinned Node). */
function definedEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  )
}
