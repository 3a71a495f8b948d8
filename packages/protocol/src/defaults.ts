/**
 * The defaults that are part of the contract (DESIGN.md, "The wire protocol"): every server and
 * client agrees on them without being told.
 */
export const PROTOCOL_DEFAULTS = Object.freeze({
  /** The lab's port. */
  port: 5000,
  /** Largest message, LF excluded: big enough for any line a person or script sends. */
  maxMessageBytes: 64 * 1024,
})
