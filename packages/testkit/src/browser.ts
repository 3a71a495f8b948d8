/**
 * A real browser for the tests that check what a person sees (the lab report, the live page):
 * Debian's chromium driven by playwright-core, which downloads nothing. Where chromium is
 * missing the test fails with a sentence saying how to install it, never silently passes.
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

const CHROMIUM_PATH = process.env.ECHOLAB_CHROMIUM ?? '/usr/bin/chromium'

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no chromium at ${CHROMIUM_PATH}: install Debian's (bash .ci/browser-setup.sh) or set ECHOLAB_CHROMIUM`,
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Root in a container needs --no-sandbox; the rest keep a closed network quiet.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export type { Browser } from 'playwright-core'
export * from './live-page.ts'
