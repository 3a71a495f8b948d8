/**
 * The deploy checks: the Kubernetes manifests against the API schemas and the images, and the
 * Swarm stack read offline. `npm test -w @echolab/deploy` runs them.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A watchdog: each app's --help runs as a process on a small, shared machine.
    testTimeout: 60_000,
  },
})
