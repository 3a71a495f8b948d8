/**
 * The live page (issue 14) in a real browser against the real blocking server: two clients, one
 * served and one waiting in line, then the second served once the first says `sair`.
 */
import { type Browser, LivePage, launchChromium, metricsPortOf } from '@echolab/testkit/browser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedAfterEach, connOf } from './server.ts'

const open = closedAfterEach()
let browser: Browser

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

describe('the live page of the blocking server', () => {
  it('shows one client served and one waiting, then the second served after the first says sair', async () => {
    const server = await open.server(['--metrics-port', '0'])
    const live = await LivePage.open(browser, await metricsPortOf(server))

    const first = await open.beingServed(server)
    const second = await open.client(server)
    second.sendLine('segundo')
    const [firstId, secondId] = [await connOf(server, first), await connOf(server, second)]
    await live.waitForLane(firstId, 'served')
    await live.waitForLane(secondId, 'waiting')
    expect(await live.text('#active')).toBe('1')
    expect(await live.text('#waiting')).toBe('1')
    expect(await live.text('#queue')).toContain(`#${secondId}`)
    await live.screenshot('1-one-served-one-waiting')

    first.sendLine('sair')
    expect(await second.nextLine()).toBe('Echo: segundo')
    await live.waitForLane(firstId, 'ended')
    await live.waitForLane(secondId, 'served')
    expect(await live.text('#queue')).toBe('nobody waiting')
    await live.screenshot('2-second-served')
    expect(await live.text(`#lanes > li[data-id="${firstId}"] .badge`)).toBe('ENDED · quit')
    expect(live.consoleErrors, 'errors in the page console').toEqual([])
  })
})
