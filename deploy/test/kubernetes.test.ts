/**
 * The Kubernetes manifests, validated offline (no cluster can run here): every object against
 * the Kubernetes API schemas (kubernetes-models), then checked against the images they run:
 * the ports each Dockerfile exposes, the variables each app reads, its user, its shutdown grace.
 */

import { Deployment } from 'kubernetes-models/apps/v1'
import { Job } from 'kubernetes-models/batch/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { Namespace, Service } from 'kubernetes-models/v1'
import { describe, expect, it } from 'vitest'
import {
  appOfImage,
  dockerfile,
  type KubernetesObject,
  kubernetesObject,
  kubernetesObjects,
  kustomization,
  settingsVariables,
} from './manifests.ts'

const MODELS: Record<string, new (object: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
}

/** The pod template's containers of a Deployment or Job. */
// biome-ignore lint/suspicious/noExplicitAny: shapes are checked by the schemas above
function containersOf(object: KubernetesObject): any[] {
  return object.spec.template.spec.containers
}

// biome-ignore lint/suspicious/noExplicitAny: a container as the manifest writes it
function envOf(container: any): Record<string, string> {
  return Object.fromEntries(
    (container.env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]),
  )
}

const server = kubernetesObject('Deployment', 'server')
const service = kubernetesObject('Service', 'server')
const clients = kubernetesObject('Job', 'client')
const [serverContainer] = containersOf(server)
const [clientContainer] = containersOf(clients)

describe('the manifests against the Kubernetes API schemas', () => {
  it.each(kubernetesObjects().map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))(
    '%s is valid',
    (_, object) => {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`]
      expect(Model, `a model for ${object.apiVersion} ${object.kind}`).toBeDefined()
      expect(() => new Model!(object as never).validate()).not.toThrow()
    },
  )

  it('the schema check is real: a port that is not a number fails it', () => {
    const broken = structuredClone(server)
    containersOf(broken)[0].ports[0].containerPort = 'five thousand'
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/)
  })

  it('every selector matches its pod template, and the Service and budget pick the server pods', () => {
    const podLabels = server.spec.template.metadata.labels
    expect(podLabels).toMatchObject(server.spec.selector.matchLabels)
    expect(podLabels).toMatchObject(service.spec.selector)
    expect(podLabels).toMatchObject(
      kubernetesObject('PodDisruptionBudget', 'server').spec.selector.matchLabels,
    )
  })
})

describe('the manifests agree with the images', () => {
  it('each image is one this repository builds, and the kustomization can point it elsewhere', () => {
    const images = [serverContainer.image, clientContainer.image]
    expect(images.map(appOfImage)).toEqual(['server-threaded', 'client'])
    expect(kustomization().images.map((i) => i.name)).toEqual(images)
  })

  it('the server exposes what its Dockerfile exposes, and the probes use its metrics port', () => {
    const image = dockerfile('server-threaded')
    const ports = Object.fromEntries(
      serverContainer.ports.map((p: { name: string; containerPort: number }) => [
        p.name,
        p.containerPort,
      ]),
    )
    expect(Object.values(ports).sort()).toEqual(image.exposed.sort())
    const env = envOf(serverContainer)
    expect(Number(env.METRICS_PORT ?? image.env.METRICS_PORT)).toBe(ports.metrics)
    expect(env.METRICS_HOST, 'the kubelet probes the pod address, not loopback').toBe('0.0.0.0')
    expect(serverContainer.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' })
    expect(serverContainer.livenessProbe.httpGet.port).toBe('metrics')
    for (const port of service.spec.ports) expect(ports[port.targetPort]).toBe(port.port)
  })

  it.each([
    ['server-threaded', () => serverContainer],
    ['client', () => clientContainer],
  ])('every variable given to %s is one it reads', (app, container) => {
    const reads = settingsVariables(app)
    for (const name of Object.keys(envOf(container()))) {
      expect(reads, `${app} reads ${name}`).toContain(name)
    }
  })

  it('the clients reach the Service by its name and port', () => {
    const env = envOf(clientContainer)
    expect(env.SERVER_HOST).toBe(service.metadata.name)
    const echo = service.spec.ports.find((p: { name: string }) => p.name === 'echo')
    expect(Number(env.SERVER_PORT)).toBe(echo.port)
  })

  it.each([
    ['server-threaded', server],
    ['client', clients],
  ])('%s runs as the image user node (uid 1000 in the Node images), never root', (app, object) => {
    expect(dockerfile(app).user).toBe('node')
    expect(object.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
    })
  })

  it('a stopping server gets longer than its shutdown grace to end by itself', () => {
    const graceMs = Number(envOf(serverContainer).SHUTDOWN_GRACE_MS)
    expect(server.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
      graceMs + 5_000,
    )
  })

  it('a rolling update never has fewer ready servers than asked, and clients run once', () => {
    expect(server.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 })
    expect(clients.spec.completionMode).toBe('Indexed')
    expect(clients.spec.template.spec.restartPolicy).toBe('Never')
  })
})
