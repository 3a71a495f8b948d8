/**
 * The servers the client is tested against: ours (real processes via testkit), plain echo
 * servers written apart from ours (testkit's startPlainEchoServer, the lab's two designs), and
 * fakes that misbehave on purpose (testkit's startFakeServer). Each is started on 127.0.0.1 and
 * stopped by its own handle.
 */
import { fileURLToPath } from 'node:url'
import {
  type RunningServer,
  startPlainEchoServer,
  startServer,
  type TestServer,
} from '@echolab/testkit'

export {
  echoes,
  freePort,
  onLines,
  startFakeServer,
  startPlainEchoServer,
  type TestServer,
} from '@echolab/testkit'

const REPO = fileURLToPath(new URL('../../../../', import.meta.url))

type OurServer = 'server-blocking' | 'server-threaded'

/** One of our servers as a real process (testkit): its logs are there to check. */
export function startOurServer(app: OurServer, args: string[] = []): Promise<RunningServer> {
  return startServer({ entry: `${REPO}apps/${app}/src/main.ts`, args })
}

/** Every server the client must work with: ours and plain ones written apart from ours. */
export const ECHO_SERVERS: Record<string, () => Promise<TestServer>> = {
  'server-blocking': () => startOurServer('server-blocking'),
  'server-threaded': () => startOurServer('server-threaded'),
  'a plain echo server serving each client at once': () => startPlainEchoServer('each at once'),
  'a plain echo server serving one client at a time': () => startPlainEchoServer('one at a time'),
}
