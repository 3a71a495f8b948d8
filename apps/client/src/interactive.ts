/**
 * Interactive mode, for a person at a terminal (DESIGN.md, "The client"): says where it is
 * connected, shows a prompt, sends each line and prints the reply with its round-trip time.
 * When no reply comes within a second it says the server may be busy with another client (the
 * blocking server's queue, seen from the client's side) and prints the reply when it comes.
 * `sair` (or an alias), Ctrl-D and Ctrl-C leave cleanly: send `sair`, let the server close.
 */

import { clearLine, createInterface, cursorTo } from 'node:readline'
import { isQuitWord } from '@echolab/protocol'
import { describeSocketError, reach, UnreachableError } from './connect.ts'
import { formatDuration, showBytes, styleFor } from './display.ts'
import { LineConnection } from './line-connection.ts'
import { expectedReply, ReplyTracker } from './reply-tracker.ts'
import { describeLoss } from './scripted-report.ts'
import { CLIENT_DEFAULTS, type ConnectionConfig } from './settings.ts'

/** After Ctrl-C, a short wait for the server to close: the person wants out. */
const INTERRUPT_CLOSE_WAIT_MS = 1_000

export interface Terminal {
  input: NodeJS.ReadableStream
  output: NodeJS.WritableStream & { isTTY?: boolean }
}

export async function runInteractive(
  config: ConnectionConfig,
  { input, output }: Terminal = { input: process.stdin, output: process.stdout },
): Promise<number> {
  const style = styleFor(output)
  const where = `${config.host}:${config.port}`
  const connected = await reach(config, (error, attempt) => {
    if (attempt === 1) {
      output.write(`${style.notice(`waiting for ${where} (${describeSocketError(error)})…`)}\n`)
    }
  })
  if (connected instanceof UnreachableError) {
    output.write(`${style.error('error:')} ${connected.message}\n`)
    return connected.exitStatus
  }
  output.write(`connected to ${where}; type a message, ${style.faint('sair or Ctrl-D to leave')}\n`)

  return new Promise((resolve) => {
    const tracker = new ReplyTracker()
    const rl = createInterface({ input, output, prompt: '> ', terminal: true })
    let leaving = false
    let busyTimer: NodeJS.Timeout | undefined
    let noticedFor = 0

    /** Prints a line above the prompt, then redraws the prompt (and what was typed) if due. */
    const print = (text: string): void => {
      clearLine(output, 0)
      cursorTo(output, 0)
      output.write(`${text}\n`)
      if (!leaving && tracker.pending.length === 0) rl.prompt(true)
    }

    const armBusyNotice = (): void => {
      clearTimeout(busyTimer)
      const oldest = tracker.pending[0]
      if (!oldest || oldest.n === noticedFor) return
      const dueInMs = oldest.sentAt + CLIENT_DEFAULTS.busyNoticeMs - performance.now()
      busyTimer = setTimeout(
        () => {
          noticedFor = oldest.n
          print(
            style.notice(
              `no reply after ${formatDuration(CLIENT_DEFAULTS.busyNoticeMs)}: the server may be busy with another client; still waiting…`,
            ),
          )
        },
        Math.max(dueInMs, 0),
      )
    }

    const finish = (code: number): void => {
      clearTimeout(busyTimer)
      process.off('SIGINT', stopWaiting)
      input.pause()
      resolve(code)
    }

    const connection = new LineConnection(connected.socket, {
      onLine(line) {
        const outcome = tracker.receive(line)
        switch (outcome.kind) {
          case 'echo':
            print(
              `${style.reply(showBytes(outcome.reply))}  ${style.faint(`(${formatDuration(outcome.roundTripMs)})`)}`,
            )
            break
          case 'wrong':
            print(
              `${style.error('wrong reply:')} ${showBytes(outcome.reply)} ${style.faint(`(expected ${showBytes(expectedReply(outcome.sent.message))})`)}`,
            )
            break
          case 'server-error':
            print(style.error(showBytes(outcome.reply)))
            break
          case 'unexpected':
            print(`${style.error('unexpected line from the server:')} ${showBytes(outcome.reply)}`)
        }
        armBusyNotice()
      },
      onClose(reason) {
        if (leaving) {
          print(`disconnected from ${where}`)
          return finish(0)
        }
        leaving = true
        const unanswered = tracker.pending.length
        const what = describeLoss(reason)
        print(
          `${style.error('error:')} ${what}${unanswered > 0 ? ` (${unanswered} unanswered)` : ''}`,
        )
        rl.close()
        finish(1)
      },
    })

    // Once leaving, the terminal is back in cooked mode: Ctrl-C arrives as a signal.
    const stopWaiting = (): void => connection.destroy()

    const leave = (waitMs: number): void => {
      if (leaving) return
      leaving = true
      clearTimeout(busyTimer)
      const owed = tracker.pending.length
      if (owed > 0) {
        print(
          style.faint(
            `leaving; ${owed} ${owed === 1 ? 'reply' : 'replies'} still owed (Ctrl-C to stop waiting)`,
          ),
        )
      }
      process.on('SIGINT', stopWaiting)
      rl.close()
      void connection.quit(waitMs)
    }

    rl.on('line', (text) => {
      if (leaving) return
      const message = Buffer.from(text)
      if (isQuitWord(message)) return leave(CLIENT_DEFAULTS.quitCloseWaitMs)
      tracker.sent(message)
      void connection.send(message)
      armBusyNotice()
    })
    rl.on('close', () => leave(CLIENT_DEFAULTS.quitCloseWaitMs))
    rl.on('SIGINT', () => leave(INTERRUPT_CLOSE_WAIT_MS))
    rl.prompt()
  })
}
