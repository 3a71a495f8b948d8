/**
 * The live page (issue 14) in a real browser against the real threaded server: two clients are
 * served at once, each lane coloured and labelled by its thread, every thread merged in one page.
 */
import { connectClient, type LineClient, type RunningServer } from '@echolab/testkit'
import { type Browser, LivePage, launchChromium, metricsPortOf } from '@echolab/testkit/browser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectedLineOf, startThreadedServer } from './server.ts'

let browser: Browser
let server: RunningServer
const clients: LineClient[] = []

beforeAll(async () => {
  browser = await launchChromium()
  server = await startThreadedServer(['--threads', '2', '--metrics-port', '0'])
})
afterAll(async () => {
  for (const client of clients) client.destroy()
  await browser?.close()
  await server?.stop()
})

async function talkingClient(word: string): Promise<{ client: LineClient; id: number }> {
  const client = await connectClient(server.port)
  clients.push(client)
  client.sendLine(word)
  expect(await client.nextLine()).toBe(`Echo: ${word}`)
  return { client, id: (await connectedLineOf(server, client)).conn as number }
}

describe('the live page of the threaded server', () => {
  it('shows two clients served at once, each lane labelled with its thread', async () => {
    const live = await LivePage.open(browser, await metricsPortOf(server))
    const first = await talkingClient('um')
    const second = await talkingClient('dois')
    await live.waitForLane(first.id, 'served')
    await live.waitForLane(second.id, 'served')
    expect(await live.text('#active')).toBe('2')
    expect(await live.text('#waiting')).toBe('0')
    const threads = new Set((await live.lanes()).map((lane) => lane.thread))
    for (const thread of threads) expect(await live.text('#legend')).toContain(`thread ${thread}`)
    await live.screenshot('1-both-served')

    first.client.sendLine('sair')
    await live.waitForLane(first.id, 'ended')
    await live.waitForLane(second.id, 'served')
    await live.screenshot('2-one-left-the-other-still-served')
    expect(live.consoleErrors, 'errors in the page console').toEqual([])
  })
})
