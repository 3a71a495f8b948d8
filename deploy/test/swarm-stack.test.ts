/**
 * The Swarm stack, read offline: what `docker stack deploy` needs that Compose does not, and
 * agreement with the images. (.ci/swarm-test.sh deploys it for real on a single-node swarm.)
 */
import { describe, expect, it } from 'vitest'
import { appOfImage, dockerfile, settingsVariables, swarmStack } from './manifests.ts'

const stack = swarmStack()
const { server, client } = stack.services

/** Compose's variable sign, kept out of string literals so they do not read as templates. */
const dollar = '$'

/** "20s" → 20000. */
function durationMs(text: string): number {
  const match = /^(\d+)s$/.exec(text)
  if (!match) throw new Error(`not a duration in seconds: ${text}`)
  return Number(match[1]) * 1000
}

describe('the Swarm stack', () => {
  it('replicates only the concurrent server, and names images by registry and tag', () => {
    expect(Object.keys(stack.services).sort()).toEqual(['client', 'server'])
    const named = (app: string): string =>
      `${dollar}{ECHOLAB_REGISTRY:-echolab}/${app}:${dollar}{ECHOLAB_TAG:-local}`
    expect(server.image).toBe(named('server-threaded'))
    expect(client.image).toBe(named('client'))
  })

  it('has no default value with braces inside a variable (docker stack cuts it at the first "}")', () => {
    const text = JSON.stringify(stack)
    for (const [, inside] of text.matchAll(/\$\{([^}]*)\}/g)) expect(inside).not.toContain('{')
  })

  it('publishes no port (host mode would hold back a second replica on one node)', () => {
    expect(server.ports).toBeUndefined()
  })

  it('runs each client once: a clean exit is never restarted', () => {
    expect(client.deploy.restart_policy.condition).toBe('on-failure')
  })

  it('updates the servers one at a time, the new one healthy before the old one stops', () => {
    expect(server.deploy.update_config).toMatchObject({
      parallelism: 1,
      order: 'start-first',
      failure_action: 'rollback',
    })
    expect(server.healthcheck.test.join(' ')).toContain('/healthz')
  })

  it('gives a stopping server longer than its shutdown grace', () => {
    expect(durationMs(server.stop_grace_period)).toBeGreaterThan(
      Number(server.environment.SHUTDOWN_GRACE_MS) + 5_000,
    )
  })

  it('checks health on the metrics port the server listens on', () => {
    const port = server.environment.METRICS_PORT ?? dockerfile('server-threaded').env.METRICS_PORT
    expect(server.healthcheck.test.join(' ')).toContain(`127.0.0.1:${port}/healthz`)
  })

  it.each([
    ['server', () => server],
    ['client', () => client],
  ])('gives the %s only variables its app reads', (_, service) => {
    const app = appOfImage(service().image)
    const reads = settingsVariables(app)
    for (const name of Object.keys(service().environment)) {
      expect(reads, `${app} reads ${name}`).toContain(name)
    }
  })

  it('points the clients at the server service', () => {
    expect(client.environment.SERVER_HOST).toBe('server')
    expect(dockerfile('server-threaded').exposed).toContain(client.environment.SERVER_PORT)
  })
})
