/**
 * The deploy checks: the Kubernetes manifests against the API schemas and the images, and the
 * Swarm stack read offline. All end-to-end, since each app's --help runs as a process.
 * `npm test -w @echolab/deploy` runs them.
 */
import { testTiers } from '@echolab/testkit/vitest-tiers'
import { defineConfig } from 'vitest/config'

export default defineConfig(testTiers({ unit: [], e2eTimeoutMs: 60_000 }))
