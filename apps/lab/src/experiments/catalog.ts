/**
 * The lab's five experiments (DESIGN.md: the four of the original lab, and "The lab, visible"),
 * each with clients timed to make its point on a small, busy machine: sessions last a second or
 * two, so a client that waits in line waits visibly, and no check depends on a margin of a few
 * milliseconds.
 */
import { type ClientScript, talker } from '../clients/script.ts'
import type { ServerLine, Timeline } from '../timeline/timeline.ts'
import type { Experiment } from './experiment.ts'
import {
  everyReplyRight,
  firstReplyMs,
  lastReplyMs,
  mostActive,
  row,
  server,
  waited,
  when,
} from './timeline-facts.ts'

const BLOCKING = 'server-blocking'
const THREADED = 'server-threaded'
const blocking = { label: BLOCKING, app: BLOCKING, flags: [] } as const
const threaded = { label: THREADED, app: THREADED, flags: [] } as const

const GREETING = 'Olá, meu amigo Servidor'
/** Client 1 of experiments 2 and 4: about two seconds of talk, then `sair`. */
const FIRST_WORDS = ['um', 'dois', 'três', 'quatro']
const FIRST_PAUSE_MS = 600
/** Client 2 starts while client 1 is on its first pause. */
const SECOND_STARTS_AT_MS = 300
const SECOND_WORDS = ['primeiro', 'segundo']
const SECOND_PAUSE_MS = 300

/** Like a person at the keyboard: one message, a second to read the reply, then sair. */
function person(name: string, startAtMs: number, text: string): ClientScript {
  return {
    name,
    server: BLOCKING,
    startAtMs,
    steps: [{ send: text }, { pauseMs: 1_000 }, { quit: true }],
  }
}

const experiment1: Experiment = {
  id: '1',
  title: 'the blocking server and one client',
  lookFor: [
    `client 1 sends "${GREETING}" and gets "Echo: ${GREETING}"; the server logs the message.`,
    'client 1 says sair: the server ends its session and closes the connection,',
    'and keeps listening: client 2, who comes later, is served at once.',
  ],
  servers: [blocking],
  clients: [person('client 1', 0, GREETING), person('client 2', 2_000, 'ainda aí?')],
  expectations: [
    {
      says: `client 1 gets "Echo: ${GREETING}"`,
      check: (t) => everyReplyRight(t, ['client 1']),
    },
    {
      says: 'the server logs the message',
      check: (t) =>
        server(t, BLOCKING).log.some(
          (l) => l.client === 'client 1' && l.detail === `message "${GREETING}"`,
        )
          ? null
          : 'no "message" line for client 1 in the server log',
    },
    {
      says: 'sair ends the session: the server closes the connection',
      check: (t) =>
        server(t, BLOCKING).log.some(
          (l) => l.client === 'client 1' && l.detail.startsWith('session ended (quit'),
        )
          ? null
          : "the server did not log client 1's session ending with quit",
    },
    {
      says: 'the server keeps listening: client 2 is served after client 1 left',
      check: (t) => {
        const second = row(t, 'client 2')
        if (second.connectedMs < row(t, 'client 1').leftMs)
          return 'client 2 came before client 1 left'
        return everyReplyRight(t, ['client 2'])
      },
    },
  ],
}

/** Two clients, the second starting while the first talks: experiments 2 and 4. */
function twoClients(serverLabel: string) {
  return [
    talker('client 1', serverLabel, 0, FIRST_WORDS, FIRST_PAUSE_MS),
    talker('client 2', serverLabel, SECOND_STARTS_AT_MS, SECOND_WORDS, SECOND_PAUSE_MS),
  ]
}

const connectsWhileFirstTalks = {
  says: 'client 2 connects while client 1 is still talking',
  check: (t: Timeline) => {
    const [first, second] = [row(t, 'client 1'), row(t, 'client 2')]
    return second.connectedMs < (lastReplyMs(first) ?? 0)
      ? null
      : `client 2 connected ${when(second.connectedMs)}, after client 1's last reply ${when(lastReplyMs(first))}`
  },
}

const experiment2: Experiment = {
  id: '2',
  title: 'the blocking server and two clients started together',
  lookFor: [
    'client 2 connects at once, while client 1 is talking, but the server puts it in line:',
    'it gets no reply until client 1 has said sair. The staircase: one session after the other.',
    'The server log is strictly sequential: client 2 is "served" only after client 1\'s session ended.',
  ],
  servers: [blocking],
  clients: twoClients(BLOCKING),
  expectations: [
    connectsWhileFirstTalks,
    {
      says: 'client 2 waits in line (the server logs it "waiting")',
      check: (t) =>
        waited(row(t, 'client 2')) ? null : 'the server never logged client 2 waiting',
    },
    {
      says: 'client 2 gets no reply until client 1 has left',
      check: (t) => {
        const [first, second] = [row(t, 'client 1'), row(t, 'client 2')]
        const firstReply = firstReplyMs(second)
        const firstEnded = first.segments.find((s) => s.state === 'served')?.toMs ?? null
        if (firstReply === null || firstEnded === null)
          return 'a session never ended or a reply never came'
        return firstReply >= firstEnded
          ? null
          : `client 2's first reply came ${when(firstReply)}, before client 1's session ended ${when(firstEnded)}`
      },
    },
    {
      says: 'the server log is strictly sequential: one session, then the next',
      check: (t) => interleaved(server(t, BLOCKING).log),
    },
    { says: 'every message gets its echo', check: (t) => everyReplyRight(t) },
  ],
}

/** Null if, between a session's "served" and its "session ended", only its own lines appear. */
function interleaved(log: readonly ServerLine[]): string | null {
  let serving: number | null = null
  for (const line of log) {
    if (line.event === 'served') {
      if (serving !== null) return `conn ${line.conn} was served while conn ${serving} still was`
      serving = line.conn
    } else if (line.event === 'message' && line.conn !== serving) {
      return `a message of conn ${line.conn} was logged while conn ${serving} was being served`
    } else if (line.event === 'session ended' && line.conn === serving) {
      serving = null
    }
  }
  return null
}

/** Experiment 3's limit: client 2's message is over it. */
const SMALL_LIMIT_BYTES = 1024

const experiment3: Experiment = {
  id: '3',
  title: 'the concurrent server: each client served on its own',
  lookFor: [
    'The accept loop goes back to accepting at once: client 3 arrives while client 1 talks and is',
    `answered straight away. Client 2 sends a message over the limit (${SMALL_LIMIT_BYTES} bytes here): it alone`,
    'gets "Error: message too long" and is closed; clients 1 and 3 never notice. Every session ends',
    'with its own "session ended" line: no socket is left open.',
  ],
  servers: [{ ...threaded, flags: ['--max-message-bytes', String(SMALL_LIMIT_BYTES)] }],
  clients: [
    talker('client 1', THREADED, 0, FIRST_WORDS, FIRST_PAUSE_MS),
    talker('client 2', THREADED, 500, ['x'.repeat(2 * SMALL_LIMIT_BYTES)], 0),
    talker('client 3', THREADED, 900, SECOND_WORDS, SECOND_PAUSE_MS),
  ],
  expectations: [
    {
      says: 'client 3 is answered at once, while client 1 is still talking',
      check: (t) => {
        const [first, third] = [row(t, 'client 1'), row(t, 'client 3')]
        const reply = firstReplyMs(third)
        return reply !== null && reply < (lastReplyMs(first) ?? 0) && !waited(third)
          ? null
          : `client 3's first reply came ${when(reply)}, client 1's last ${when(lastReplyMs(first))}`
      },
    },
    {
      says: 'client 2 alone is told "Error: message too long" and closed',
      check: (t) => {
        const second = row(t, 'client 2')
        const error = second.errors[0]?.text ?? ''
        if (!error.startsWith('Error: message too long'))
          return `client 2 was told ${JSON.stringify(error)}`
        if (second.closedBy !== 'server') return 'the server did not close client 2'
        return t.rows.some((r) => r.name !== 'client 2' && r.errors.length > 0)
          ? 'another client was told an error too'
          : null
      },
    },
    {
      says: "clients 1 and 3 get every echo, before and after client 2's error",
      check: (t) => {
        const errorAt = row(t, 'client 2').errors[0]?.atMs ?? Number.POSITIVE_INFINITY
        if ((lastReplyMs(row(t, 'client 1')) ?? 0) < errorAt)
          return "client 1 had no reply after client 2's error"
        return everyReplyRight(t, ['client 1', 'client 3'])
      },
    },
    {
      says: 'every session ends with its own "session ended" line: no socket left open',
      check: (t) => {
        const view = server(t, THREADED)
        const unended = t.rows.filter(
          (r) => !view.log.some((l) => l.conn === r.conn && l.event === 'session ended'),
        )
        if (unended.length > 0)
          return `no "session ended" for ${unended.map((r) => r.name).join(', ')}`
        return view.steps.at(-1)?.active === 0 ? null : 'connections were still active at the end'
      },
    },
  ],
}

const experiment4: Experiment = {
  id: '4',
  title: 'the concurrent server and two clients started together',
  lookFor: [
    'The same two clients as experiment 2, now at the concurrent server: client 2 is answered at',
    'once, while client 1 is still talking. No one waits in line; the server shows two active',
    'connections at the same time. The overlap.',
  ],
  servers: [threaded],
  clients: twoClients(THREADED),
  expectations: [
    connectsWhileFirstTalks,
    {
      says: 'client 2 is answered while client 1 is still talking',
      check: (t) => {
        const [first, second] = [row(t, 'client 1'), row(t, 'client 2')]
        const reply = firstReplyMs(second)
        return reply !== null && reply < (lastReplyMs(first) ?? 0)
          ? null
          : `client 2's first reply came ${when(reply)}, client 1's last ${when(lastReplyMs(first))}`
      },
    },
    {
      says: 'nobody waits in line',
      check: (t) => (t.rows.some(waited) ? 'a client waited in line' : null),
    },
    {
      says: 'the server has two active connections at once',
      check: (t) => {
        const most = mostActive(server(t, THREADED))
        return most >= 2 ? null : `at most ${most} active at once`
      },
    },
    { says: 'every message gets its echo', check: (t) => everyReplyRight(t) },
  ],
}

/** Experiment 5's idle timeout: long enough to see, short enough to wait for. */
const IDLE_TIMEOUT_MS = 1_500
/** Sent one byte at a time, for longer than the idle timeout: the multi-byte "á" is split too. */
const SLOW_BYTES = Buffer.from('Olá, meu amigo')
const SLOW_BYTE_EVERY_MS = 200

function slowAndQuick(serverLabel: string, prefix: string) {
  return [
    {
      name: `${prefix}: slow client`,
      server: serverLabel,
      startAtMs: 0,
      steps: [
        { trickle: SLOW_BYTES, byteEveryMs: SLOW_BYTE_EVERY_MS },
        { waitForClose: true },
      ] as const,
    },
    talker(`${prefix}: client 2`, serverLabel, SECOND_STARTS_AT_MS, SECOND_WORDS, SECOND_PAUSE_MS),
  ]
}

function cutAt(t: Timeline, name: string): number | null {
  const error = row(t, name).errors.find((e) => e.text.startsWith('Error: idle timeout'))
  return error?.atMs ?? null
}

const experiment5: Experiment = {
  id: '5',
  title: 'head-of-line blocking: a client that sends one byte at a time',
  lookFor: [
    `At both servers at once, a slow client sends "${SLOW_BYTES}" one byte every ${SLOW_BYTE_EVERY_MS} ms. The blocking`,
    'server is stuck with it: client 2 waits in line until the idle timeout (no complete message',
    `for ${IDLE_TIMEOUT_MS / 1000} s here) cuts the slow client. The concurrent server answers client 2 at once.`,
  ],
  servers: [
    { ...blocking, flags: ['--idle-timeout-ms', String(IDLE_TIMEOUT_MS)] },
    { ...threaded, flags: ['--idle-timeout-ms', String(IDLE_TIMEOUT_MS)] },
  ],
  clients: [...slowAndQuick(BLOCKING, 'blocking'), ...slowAndQuick(THREADED, 'threaded')],
  expectations: [
    {
      says: 'the idle timeout cuts the slow client at both servers',
      check: (t) => {
        const uncut = ['blocking: slow client', 'threaded: slow client'].filter(
          (n) => cutAt(t, n) === null,
        )
        return uncut.length === 0 ? null : `not cut by the idle timeout: ${uncut.join(', ')}`
      },
    },
    {
      says: 'at the blocking server, client 2 gets no reply until the slow client is cut',
      check: (t) => {
        const reply = firstReplyMs(row(t, 'blocking: client 2'))
        const cut = cutAt(t, 'blocking: slow client')
        return reply !== null && cut !== null && reply >= cut
          ? null
          : `client 2's first reply came ${when(reply)}, the slow client was cut ${when(cut)}`
      },
    },
    {
      says: 'at the concurrent server, client 2 is answered before the slow client is cut',
      check: (t) => {
        const reply = firstReplyMs(row(t, 'threaded: client 2'))
        const cut = cutAt(t, 'threaded: slow client')
        return reply !== null && cut !== null && reply < cut
          ? null
          : `client 2's first reply came ${when(reply)}, the slow client was cut ${when(cut)}`
      },
    },
    {
      says: 'client 2 gets every echo at both servers',
      check: (t) => everyReplyRight(t, ['blocking: client 2', 'threaded: client 2']),
    },
  ],
}

export const EXPERIMENTS: readonly Experiment[] = [
  experiment1,
  experiment2,
  experiment3,
  experiment4,
  experiment5,
]
