/**
 * The cli package's unit tests: settings are read from argv and env objects given to the loader,
 * so no test starts a process or opens a socket. `npm test -w @echolab/cli` runs them.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
  },
})
