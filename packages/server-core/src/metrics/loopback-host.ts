/**
 * DNS rebinding: any web page can make the name it came from resolve to 127.0.0.1 and then read
 * what a port on loopback answers as if it were its own (the live view: peers, message
 * previews). The browser still sends that name as `Host`. So an endpoint that listens on
 * loopback only answers requests addressed to loopback: `Host` 127.x.x.x, [::1] or localhost.
 * One that listens elsewhere (METRICS_HOST=0.0.0.0) was opened on purpose and is left alone.
 */

/** Whether a listening host or a `Host` name (without its port) is loopback. */
export function isLoopbackName(name: string): boolean {
  const lower = name.toLowerCase()
  return lower === 'localhost' || lower === '::1' || /^127\.\d+\.\d+\.\d+$/.test(lower)
}

/** Whether a `Host` header (`127.0.0.1:9464`, `[::1]:9464`, `localhost`) names loopback. */
export function addressedToLoopback(hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false
  const name = hostHeader.startsWith('[')
    ? hostHeader.slice(1, hostHeader.indexOf(']'))
    : (hostHeader.split(':')[0] ?? '')
  return isLoopbackName(name)
}
