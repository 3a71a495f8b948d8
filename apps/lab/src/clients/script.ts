/**
 * What a lab client does, written down before it runs: when it connects, then its steps in order.
 * The experiments are made of these; `runScript` plays one against a server and records it.
 */

export type Step =
  /** Sends a line and waits for its reply (or for the server to end the session). */
  | { send: string }
  /** Says nothing for a while. */
  | { pauseMs: number }
  /** Sends these bytes one at a time and no line end: a message that never completes. */
  | { trickle: Uint8Array; byteEveryMs: number }
  /** Waits, silent, until the server closes the connection. */
  | { waitForClose: true }
  /** Says `sair` and waits for the server to close. */
  | { quit: true }

export interface ClientScript {
  /** How the timeline names it: "client 1". */
  name: string
  /** The label of the server it talks to (experiment 5 runs two). */
  server: string
  /** When it connects, from the start of the experiment. */
  startAtMs: number
  steps: readonly Step[]
}

/** A client that sends `messages`, pausing `pauseMs` after each reply, then says `sair`. */
export function talker(
  name: string,
  server: string,
  startAtMs: number,
  messages: readonly string[],
  pauseMs: number,
): ClientScript {
  const steps: Step[] = []
  messages.forEach((text, i) => {
    if (i > 0) steps.push({ pauseMs })
    steps.push({ send: text })
  })
  steps.push({ quit: true })
  return { name, server, startAtMs, steps }
}
