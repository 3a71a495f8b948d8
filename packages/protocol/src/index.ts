/**
 * @echolab/protocol: the wire and nothing else (DESIGN.md, "The wire protocol"): the line decoder,
 * replies, error lines and their codes, quit words, the preview that shows a message to a person,
 * and the defaults every side agrees on. No runtime dependency, no sockets, no timers, no logs.
 */
export * from './defaults.ts'
export * from './errors.ts'
export * from './line-decoder.ts'
export * from './preview.ts'
export * from './quit-words.ts'
export * from './replies.ts'
