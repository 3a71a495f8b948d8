/**
 * How long the servers wait for others while they close, in one place: a session that has said
 * goodbye, a refused client, the shutdown. The grace period that sessions get at shutdown is a
 * setting (`shutdownGraceMs`, server-settings.ts); these are not settings: they bound what
 * happens after a client has been told to go.
 */
export const LINGERS = Object.freeze({
  /**
   * A client told goodbye (its last reply or an `Error:` line written out: the session ended,
   * it was refused, the server shuts down) gets this long to read it and hang up; then its
   * socket is destroyed, so a client that never closes its side cannot hold a server (or a
   * thread) open. A session caps it at its `drainTimeoutMs`.
   */
  toldClientMs: 2_000,
  /**
   * A second SIGTERM/SIGINT means "now": the threaded server's workers get this long to tell
   * their clients and hand over their last log lines before they are terminated.
   */
  stopNowMs: 1_000,
  /**
   * A worker that is still running this long after its grace period and `toldClientMs` is
   * terminated: it is stuck, and the server must exit anyway.
   */
  workerOverstayMs: 3_000,
})
