/**
 * Loaded before every unit test file (vitest `setupFiles` of the unit tier): a unit test that
 * listens, connects or starts a process fails at once, naming what it did, instead of quietly
 * making the fast tier slow and flaky. Such a test belongs to the end-to-end tier. Worker
 * threads stay allowed: they are neither sockets nor processes.
 */
import childProcess from 'node:child_process'
import { syncBuiltinESMExports } from 'node:module'
import net from 'node:net'

function refused(what: string): () => never {
  return () => {
    throw new Error(`a unit test ${what}: it belongs to the end-to-end tier (vitest.config.ts)`)
  }
}

net.Server.prototype.listen = refused('listened on a port')
net.Socket.prototype.connect = refused('opened a connection')
for (const start of [
  'spawn',
  'spawnSync',
  'exec',
  'execSync',
  'execFile',
  'execFileSync',
  'fork',
]) {
  Object.assign(childProcess, { [start]: refused(`started a process (${start})`) })
}
// So that `import { spawn } from 'node:child_process'` gets the refusal too.
syncBuiltinESMExports()
