/**
 * Making sure nobody listens on the port before the workers share it.
 *
 * Workers listen with `reusePort`, and the kernel lets any number of `reusePort` listeners of the
 * same user share a port: a second server started on a busy port would silently split the
 * traffic with the first. A listener that did not ask for `reusePort` makes the workers' listen
 * fail with EADDRINUSE by itself; one that did (another instance of this server) does not, so the
 * main thread first asks the port the way a client would: it connects. An answer means the port
 * is taken, and the program stops with the same one line as any busy port. It only ever
 * connects to this machine: for an address that is not one of its own, listen() fails anyway.
 *
 * Why not bind the port exclusively to test it: a listener, even one closed a moment later,
 * accepts the connections that arrive while it is open, and closing it resets them. A client
 * that connects the moment the port opens (a readiness check, a deploy script) must be served,
 * not reset, so nothing listens on the port before the workers do.
 */
import { lookup } from 'node:dns/promises'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import { listenError } from '@echolab/server-core'

// A listener that takes this long to answer on loopback is not answering: let listen() decide.
const CHECK_TIMEOUT_MS = 1_000

/** Rejects with a ListenError (EADDRINUSE) when something accepts connections at host:port. */
export async function checkNobodyListens(host: string, port: number): Promise<void> {
  if (port === 0) return // the kernel picks a port nobody uses
  const address = await localAddressOf(host)
  // Not an address of this machine (or no address at all): the workers' listen says so, and
  // nothing is sent to another host on the way.
  if (address === null) return
  if (await accepts(address, port)) {
    const inUse = Object.assign(new Error('address already in use'), { code: 'EADDRINUSE' })
    throw listenError(inUse, host, port)
  }
}

/** Whether a connection to host:port is accepted; refused, unreachable or silent mean no. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: CHECK_TIMEOUT_MS })
    const answer = (accepted: boolean): void => {
      socket.destroy()
      resolve(accepted)
    }
    socket.once('connect', () => answer(true))
    socket.once('error', () => answer(false))
    socket.once('timeout', () => answer(false))
  })
}

/**
 * The address to connect to for `host`, if it is one of this machine's: a wildcard address means
 * "every interface", and loopback is one of them.
 */
async function localAddressOf(host: string): Promise<string | null> {
  const address = await lookup(host).then(
    (found) => found.address,
    () => null, // a name that does not resolve: listen() explains it
  )
  if (address === null) return null
  if (address === '0.0.0.0') return '127.0.0.1'
  if (address === '::') return '::1'
  if (address.startsWith('127.')) return address // all of 127.0.0.0/8 is loopback
  const local = Object.values(networkInterfaces()).some((addresses) =>
    addresses?.some((candidate) => candidate.address === address),
  )
  return local ? address : null
}
