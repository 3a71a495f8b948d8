/**
 * What the deploy tests read: the Kubernetes manifests (through their kustomization), the Swarm
 * stack, each app's Dockerfile, and the environment variables each app reads (from its --help,
 * so the list is the app's own, not a copy).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse, parseAllDocuments } from 'yaml'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const KUBERNETES = `${REPO}deploy/kubernetes/`

export interface KubernetesObject {
  apiVersion: string
  kind: string
  metadata: { name: string; [field: string]: unknown }
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked against the schemas, not typed here
  spec?: any
  [field: string]: unknown
}

interface Kustomization {
  resources: string[]
  images: { name: string; newName?: string; newTag?: string }[]
}

export function kustomization(): Kustomization {
  return parse(readFileSync(`${KUBERNETES}kustomization.yaml`, 'utf8')) as Kustomization
}

/** Every object of every resource the kustomization lists, in order. */
export function kubernetesObjects(): KubernetesObject[] {
  return kustomization().resources.flatMap((file) =>
    parseAllDocuments(readFileSync(`${KUBERNETES}${file}`, 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`)
      return document.toJS() as KubernetesObject
    }),
  )
}

export function kubernetesObject(kind: string, name: string): KubernetesObject {
  const found = kubernetesObjects().find((o) => o.kind === kind && o.metadata.name === name)
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`)
  return found
}

// biome-ignore lint/suspicious/noExplicitAny: the stack file's shape is what the tests check
export function swarmStack(): any {
  return parse(readFileSync(`${REPO}deploy/swarm/stack.yml`, 'utf8'))
}

interface Dockerfile {
  exposed: number[]
  user: string | undefined
  env: Record<string, string>
}

/** The runtime stage (the last FROM) of an app's Dockerfile: its EXPOSE, USER and ENV. */
export function dockerfile(app: string): Dockerfile {
  const text = readFileSync(`${REPO}apps/${app}/Dockerfile`, 'utf8').replace(/\\\n/g, ' ')
  const runtime = text.slice(text.lastIndexOf('\nFROM '))
  const result: Dockerfile = { exposed: [], user: undefined, env: {} }
  for (const line of runtime.split('\n')) {
    const [instruction, ...rest] = line.trim().split(/\s+/)
    if (instruction === 'EXPOSE')
      result.exposed.push(...rest.map((port) => Number.parseInt(port, 10)))
    if (instruction === 'USER') result.user = rest[0]
    if (instruction === 'ENV') {
      for (const pair of rest) {
        const [key, value] = pair.split('=')
        if (key && value !== undefined) result.env[key] = value
      }
    }
  }
  return result
}

/** The environment variables an app reads, as its --help lists them. */
export function settingsVariables(app: string): Set<string> {
  const run = spawnSync(process.execPath, [`${REPO}apps/${app}/src/main.ts`, '--help'], {
    encoding: 'utf8',
    timeout: 30_000,
  })
  if (run.status !== 0) throw new Error(`${app} --help failed: ${run.stderr}`)
  const names = [...run.stdout.matchAll(/^\s+(?:-\w, )?--[\w-]+(?: V)?\s+([A-Z][A-Z0-9_]+)\s*$/gm)]
  return new Set(names.map((match) => match[1] as string))
}

/** The app whose Dockerfile builds an image named `.../<app>[:tag]`. */
export function appOfImage(image: string): string {
  const app = image.split('/').at(-1)?.split(':')[0]
  if (!app) throw new Error(`cannot tell the app of image ${image}`)
  return app
}
