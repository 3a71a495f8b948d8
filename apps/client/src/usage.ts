/** The --help text: how to run the client, every setting with its flag, variable and default. */
import { describeSettings } from '@echolab/cli'
import { BENCH_SETTINGS, CONNECTION_SETTINGS, SCRIPT_SETTINGS } from './settings.ts'

export function usage(): string {
  return `echolab-client: talks to an echolab echo server, by hand, from a script, or under load.

Usage:
  echolab-client [options]                   interactive on a terminal (prompt, reply, round trip)
  echolab-client --message TEXT [--message]  scripted: send these messages, check every reply
  echolab-client --count N [--text TEMPLATE] scripted: N messages made from a template
  some-command | echolab-client              scripted: one message per line of stdin
  echolab-client bench [-c N] [-s BYTES] [-p N] [-d SECONDS] [-t THREADS]
                                             load the server, verify every reply, report rates

Without a terminal or messages (stdin is /dev/null, as in a container), it sends --text once.
Scripted mode sends the messages (each after the previous reply unless --no-wait), stops at a
quit word, ends with sair and prints a summary. Flags win over environment variables.

Settings, each a flag and an environment variable:

Connection (every mode):
${describeSettings(CONNECTION_SETTINGS)}

Interactive and scripted:
${describeSettings(SCRIPT_SETTINGS)}

Bench (echolab-client bench ... or --bench):
${describeSettings(BENCH_SETTINGS)}

  -h, --help      this text
  -V, --version   the version

Exit status: 0 every message got its exact reply (\`Echo: \` + the message); 1 a wrong or
missing reply, an \`Error:\` line from the server, a dropped connection with no reconnection
left or an unreachable server; 2 bad usage. NO_COLOR turns colours off.
`
}
