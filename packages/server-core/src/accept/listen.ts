/**
 * Starting to listen, with the failures a person can fix explained in one line.
 */
import type { AddressInfo, Server } from 'node:net'
import { ProgramError } from '@echolab/cli'

interface ListenOptions {
  host: string
  port: number
  /** Linux only: several listeners (threads) share the port and the kernel spreads connections. */
  reusePort?: boolean
  /** Room for connections the kernel has accepted and the server has not yet picked up. */
  backlog?: number
}

/** Error thrown when the server cannot listen; its message is the one line to print. */
export class ListenError extends ProgramError {
  override name = 'ListenError'
  readonly code: string | undefined
  constructor(message: string, code: string | undefined) {
    super(message, 1)
    this.code = code
  }
}

export function listen(server: Server, options: ListenOptions): Promise<AddressInfo> {
  const { host, port, reusePort = false, backlog = 4096 } = options
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(listenError(error, host, port))
    }
    server.once('error', onError)
    server.listen({ host, port, backlog, reusePort }, () => {
      server.off('error', onError)
      resolve(server.address() as AddressInfo)
    })
  })
}

/** The ListenError for a failed bind or listen on `host`:`port`. */
export function listenError(error: NodeJS.ErrnoException, host: string, port: number): ListenError {
  return new ListenError(explainListenError(error, host, port), error.code)
}

function explainListenError(error: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host}:${port}`
  switch (error.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is already in use (is another server running?)`
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges)`
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: no such address on this machine`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on ${where}: the host name does not resolve`
    default:
      return `cannot listen on ${where}: ${error.message}`
  }
}
