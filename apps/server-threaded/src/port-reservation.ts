/**
 * Claiming the port before the workers share it.
 *
 * Workers listen with `reusePort`, and the kernel lets any number of `reusePort` listeners of
 * the same user share a port: a second server started on a busy port would silently split the
 * traffic with the first. So the main thread first binds the port WITHOUT `reusePort`: that bind
 * fails with EADDRINUSE when anyone listens there (a reusePort group included), which becomes
 * the one-line ListenError. It also turns port 0 into a real port number for every worker.
 *
 * The exclusive probe would then keep the workers out, so it is swapped, in the same turn of
 * the event loop, for a `reusePort` holder on the same port: the port never sits free for
 * another server to take, and a port-0 port cannot be reused by someone else before the
 * workers join it. Once every worker listens, the holder is released. A connection that lands
 * on the holder in those few milliseconds is refused politely: this thread does not serve.
 */
import { type AddressInfo, createServer } from 'node:net'
import { EchoError, listen, refuse } from '@echolab/protocol'

export interface PortReservation {
  /** The address and port bound (the real port when 0 was asked for). */
  readonly address: AddressInfo
  /** Closes the holder; call once the workers listen. */
  release(): Promise<void>
}

export async function reservePort(host: string, port: number): Promise<PortReservation> {
  const probe = createServer()
  const address = await listen(probe, { host, port })
  // Closing a listener closes its socket at once; the callback only reports it later.
  probe.close()
  const holder = createServer({ pauseOnConnect: true }, (socket) => {
    refuse(socket, EchoError.serverBusy('starting up, try again'))
  })
  await listen(holder, { host, port: address.port, reusePort: true })
  return {
    address,
    release: () => new Promise((resolve) => holder.close(() => resolve())),
  }
}
