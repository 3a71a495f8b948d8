/**
 * The live page (issue 14) in a real browser, read the way a person reads it: lanes by state,
 * with a bounded wait for each thing the test expects to see, and screenshots to look at.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import type { ServerProcess } from './server-process.ts'

/** How long the page may take to show what the server did (redraws are throttled to 4/s). */
const SEE_MS = 10_000

interface ShownLane {
  id: number
  state: string
  thread: number
}

/** The port of a server's metrics endpoint (started with `--metrics-port 0`), from its log. */
export async function metricsPortOf(server: ServerProcess): Promise<number> {
  const line = await server.waitForLog(
    (l) => l.msg === 'metrics endpoint listening',
    'the server to log "metrics endpoint listening"',
  )
  return line.port as number
}

export class LivePage {
  readonly page: Page
  /** Where screenshots go: a new temporary directory per page. */
  readonly screenshotDir = mkdtempSync(join(tmpdir(), 'echolab-live-'))

  static async open(browser: Browser, metricsPort: number): Promise<LivePage> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const live = new LivePage(page)
    await page.goto(`http://127.0.0.1:${metricsPort}/`, { timeout: SEE_MS })
    // Functions, not strings: the page's policy forbids eval, and strings are eval'd there.
    // They run in the page, so they name its globals themselves (see PageGlobals).
    await page.waitForFunction(
      () =>
        (globalThis as unknown as PageGlobals).document
          .getElementById('status')
          ?.textContent?.startsWith('live'),
      undefined,
      { timeout: SEE_MS },
    )
    return live
  }

  /**
   * What the page's console reported as errors (a script error, a request that failed, such as
   * a favicon the server does not have): a person with the developer tools open sees them.
   */
  readonly consoleErrors: string[] = []

  constructor(page: Page) {
    this.page = page
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text())
    })
    page.on('pageerror', (error) => this.consoleErrors.push(String(error)))
  }

  /** The lanes the page shows now, in page order. */
  async lanes(): Promise<ShownLane[]> {
    return this.page.evaluate(() =>
      [...(globalThis as unknown as PageGlobals).document.querySelectorAll('#lanes > li.lane')].map(
        (li) => ({
          id: Number(li.dataset.id),
          state: li.dataset.state ?? '',
          thread: Number(li.dataset.thread),
        }),
      ),
    )
  }

  /** Waits until lane `id` shows `state`; fails with what the page showed instead. */
  async waitForLane(id: number, state: string): Promise<void> {
    await this.#waitFor(
      `#lanes > li[data-id="${id}"][data-state="${state}"]`,
      `lane #${id} to show ${state}`,
    )
  }

  /** The text of an element, e.g. a counter (`#active`, `#waiting`). */
  async text(selector: string): Promise<string> {
    return (await this.page.locator(selector).textContent({ timeout: SEE_MS })) ?? ''
  }

  /** Saves a full-page screenshot as `name`.png in screenshotDir; returns its path. */
  async screenshot(name: string): Promise<string> {
    const path = join(this.screenshotDir, `${name}.png`)
    await this.page.screenshot({ path, fullPage: true })
    return path
  }

  /** Waits until an element matches `selector`. */
  async #waitFor(selector: string, what: string): Promise<void> {
    try {
      await this.page.waitForFunction(
        (shown) => (globalThis as unknown as PageGlobals).document.querySelector(shown) !== null,
        selector,
        { timeout: SEE_MS },
      )
    } catch (error) {
      const lanes = JSON.stringify(await this.lanes().catch(() => 'unreadable'))
      throw new Error(`the page did not show ${what} within ${SEE_MS} ms; lanes: ${lanes}`, {
        cause: error,
      })
    }
  }
}

/** The little of the page's DOM the functions run in it use (this package is not typed for the DOM). */
interface PageElement {
  textContent: string | null
  dataset: Record<string, string | undefined>
}
interface PageGlobals {
  document: {
    getElementById(id: string): PageElement | null
    querySelector(selector: string): PageElement | null
    querySelectorAll(selector: string): Iterable<PageElement>
  }
}
