/**
 * The report as a person sees it, in a real browser (Debian's chromium through
 * @echolab/testkit/browser): the lab run for real into a temporary folder, the page opened from
 * the file with no network, and what shows on it checked: one timeline per experiment, one row per
 * client, the waiting segment in experiment 2 and none in experiment 4, the scale chart with both
 * servers. A full-page screenshot is left in the temporary folder for a person to look at.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { withTimeout } from '@echolab/testkit'
import { launchChromium } from '@echolab/testkit/browser'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'echolab-report-'))
let browser: Browser
let page: Page

async function lab(...args: string[]): Promise<void> {
  await promisify(execFile)(process.execPath, [MAIN, ...args, '--reports', dir], {
    timeout: 150_000,
  })
}

beforeAll(async () => {
  await lab()
  // Fewer clients than the real scale run: the chart's shape is what is checked here.
  await lab('scale', '--clients', '1,2,4')
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
  await page.route('**/*', (route) =>
    route.request().url().startsWith('file:') ? route.continue() : route.abort(),
  )
  await withTimeout(
    page.goto(pathToFileURL(join(dir, 'lab.html')).href),
    30_000,
    'the report to load',
  )
}, 240_000)

afterAll(async () => {
  await browser?.close()
})

const experiment = (id: string): Locator =>
  page.locator(`section.experiment[data-experiment="${id}"]`)
const bars = (section: Locator, state: string): Locator =>
  section.locator(`[aria-roledescription="bar"][aria-label*="state: ${state}"]`)

/** The clients a timeline draws a row for, from its bars' labels. */
async function rowsOf(section: Locator): Promise<string[]> {
  const labels = await section
    .locator('[aria-roledescription="bar"]')
    .evaluateAll((marks) => marks.map((mark) => mark.getAttribute('aria-label') ?? ''))
  return [...new Set(labels.map((label) => /client: ([^;]+)/.exec(label)?.[1] ?? '?'))].sort()
}

describe('the lab report in a browser', () => {
  it('shows one timeline per experiment, each with one row per client', async () => {
    expect(await page.locator('section.experiment').count()).toBe(5)
    for (const id of ['1', '2', '3', '4', '5']) {
      expect(await experiment(id).locator('figure.timeline svg').count()).toBe(1)
      expect(await experiment(id).locator('figure.timeline svg').isVisible()).toBe(true)
    }
    expect(await rowsOf(experiment('2'))).toEqual(['client 1', 'client 2'])
    expect(await rowsOf(experiment('3'))).toEqual(['client 1', 'client 2', 'client 3'])
    expect(await rowsOf(experiment('5'))).toHaveLength(4)
    const axis = await experiment('2').locator('.role-axis-label text').allTextContents()
    expect(axis).toEqual(expect.arrayContaining(['client 1', 'client 2']))
  })

  it('draws client 2 waiting in line in experiment 2, and nobody waiting in experiment 4', async () => {
    const waiting = bars(experiment('2'), 'waiting')
    expect(await waiting.count()).toBe(1)
    expect(await waiting.getAttribute('aria-label')).toContain('client: client 2')
    expect((await waiting.boundingBox())?.width).toBeGreaterThan(50)
    expect(await bars(experiment('4'), 'waiting').count()).toBe(0)
    expect(await bars(experiment('4'), 'served').count()).toBe(2)
  })

  it('shows every check passed, and the settings and machine used', async () => {
    expect(await page.locator('li.failed').count()).toBe(0)
    expect(await page.locator('li.ok').count()).toBeGreaterThan(10)
    expect(await page.locator('.machine').textContent()).toContain('cores')
    expect(await page.locator('.machine').textContent()).toContain(`Node ${process.version}`)
    expect(await experiment('5').locator('details').textContent()).toContain(
      '--idle-timeout-ms 1500',
    )
  })

  it('charts the scale run with both servers, and leaves a screenshot', async () => {
    const chart = page.locator('figure.scale-chart svg')
    expect(await chart.isVisible()).toBe(true)
    for (const server of ['server-blocking', 'server-threaded']) {
      expect(
        await chart
          .locator(`[aria-roledescription="line mark"][aria-label*="server: ${server}"]`)
          .count(),
      ).toBeGreaterThan(0)
      expect((await chart.locator('.role-legend').allTextContents()).join(' ')).toContain(server)
    }
    expect(await page.locator('section.scale table tbody tr').count()).toBe(6)
    const screenshot = join(dir, 'report.png')
    await page.screenshot({ path: screenshot, fullPage: true })
    console.info(`report screenshot: ${screenshot}`)
  })
})
