/**
 * `npm run lab -- live` as a person uses it: it prints the page's address and the nc command,
 * the page answers, a client is echoed and its story shows in the terminal, and Ctrl-C (SIGINT)
 * stops the server and the lab with status 0.
 */
import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { connectClient, withTimeout } from '@echolab/testkit'
import { afterEach, describe, expect, it } from 'vitest'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
let lab: ChildProcessByStdio<null, Readable, Readable> | undefined

afterEach(() => {
  if (lab?.exitCode === null) lab.kill('SIGKILL')
})

/** Resolves with the lab's output so far once `pattern` appears in it. */
function outputMatching(child: ChildProcessByStdio<null, Readable, Readable>, pattern: RegExp) {
  let output = ''
  return withTimeout(
    new Promise<RegExpMatchArray>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        output += text
        const found = output.match(pattern)
        if (found !== null) resolve(found)
      })
    }),
    60_000,
    `the lab to print ${pattern}`,
  )
}

describe('npm run lab -- live', () => {
  it('serves the page, echoes a client, tells its story, and stops cleanly on Ctrl-C', async () => {
    lab = spawn(process.execPath, [MAIN, 'live', 'blocking', '--port', '0', '--page-port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = once(lab, 'exit')
    const [, pageUrl, ncPort] =
      (await outputMatching(lab, /open the page: +(http:\/\/\S+)\n.*nc 127\.0\.0\.1 (\d+)/s)) ?? []
    const page = await fetch(pageUrl!)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<title>echolab live</title>')

    const story = outputMatching(lab, /#1 says "Olá"/)
    const client = await connectClient(Number(ncPort))
    client.sendLine('Olá')
    expect(await client.nextLine()).toBe('Echo: Olá')
    await story
    client.destroy()

    lab.kill('SIGINT')
    const [code] = await withTimeout(exited, 30_000, 'the lab to exit after SIGINT')
    expect(code).toBe(0)
    // The server went with it: nothing listens on its port any more.
    const probe = connect(Number(ncPort), '127.0.0.1')
    const [error] = (await withTimeout(once(probe, 'error'), 5_000, 'the refused connect')) as [
      NodeJS.ErrnoException,
    ]
    expect(error.code).toBe('ECONNREFUSED')
  })

  it('stops with one line naming an unknown server, exit 2', async () => {
    const failed = await promisify(execFile)(process.execPath, [MAIN, 'live', 'bogus'], {
      timeout: 30_000,
    }).catch((error: { code: number; stderr: string }) => error)
    expect(failed).toMatchObject({
      code: 2,
      stderr: "lab: no server 'bogus': choose blocking or threaded\n",
    })
  })
})
