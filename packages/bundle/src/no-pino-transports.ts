/**
 * pino starts its transports (`pino.transport()`, the `transport` option) on worker threads, from
 * files it finds on disk beside its own: thread-stream's `lib/worker.js`, which loads pino's
 * `lib/worker.js`, which loads the transport's package. A bundle carries none of those files, and
 * echolab needs none: its logs go through streams in the thread that logs (`pino.destination`,
 * pino-pretty as a stream; worker threads hand their lines to the main thread).
 *
 * So thread-stream, the one door to those worker files, is replaced in the bundle by a class that
 * says so when constructed: a transport added later fails at once with this message, instead of
 * a bundle quietly depending on files it does not ship.
 */
import type { Plugin } from 'esbuild'

const NAMESPACE = 'echolab-no-pino-transports'

export const NO_TRANSPORTS_MESSAGE =
  'pino transports are not part of an echolab bundle (they start worker files the bundle does ' +
  'not ship): log through a stream instead (see packages/bundle/README.md)'

const STUB = `module.exports = class ThreadStream {
  constructor() { throw new Error(${JSON.stringify(NO_TRANSPORTS_MESSAGE)}) }
}`

export const noPinoTransports: Plugin = {
  name: 'no-pino-transports',
  setup(build) {
    build.onResolve({ filter: /^thread-stream$/ }, () => ({
      path: 'thread-stream',
      namespace: NAMESPACE,
    }))
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, () => ({ contents: STUB, loader: 'js' }))
  },
}
