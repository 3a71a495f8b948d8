/**
 * A V8 heap snapshot (the `.heapsnapshot` JSON DevTools reads) as nodes and edges to walk. The
 * fields of a node and of an edge are looked up by name in the snapshot's own meta: their order
 * is V8's to change.
 */
import { readFileSync } from 'node:fs'

interface SnapshotJson {
  snapshot: {
    meta: {
      node_fields: string[]
      node_types: [string[], ...unknown[]]
      edge_fields: string[]
      edge_types: [string[], ...unknown[]]
      location_fields: string[]
    }
  }
  nodes: number[]
  edges: number[]
  strings: string[]
  locations?: number[]
}

/** An edge from a node: `name` is an index for element and hidden edges, else a string. */
interface Edge {
  type: string
  name: string | number
  to: number
}

type NodeField = 'type' | 'name' | 'id' | 'size' | 'edgeCount'

/** Nodes are numbered 0 to count - 1 (their ordinal, not their id). */
export class HeapSnapshot {
  readonly count: number
  readonly #json: SnapshotJson
  readonly #nodeTypes: string[]
  readonly #edgeTypes: string[]
  readonly #node: Record<NodeField, number>
  readonly #nodeWidth: number
  readonly #edge: Record<'type' | 'name' | 'to', number>
  readonly #edgeWidth: number
  /** Where each node's edges start in `edges`; one more entry for the end of the last. */
  readonly #firstEdge: Uint32Array
  /** Functions' positions in their scripts, 0-based, by node. */
  readonly #locations = new Map<number, { line: number; column: number }>()

  static read(file: string): HeapSnapshot {
    return new HeapSnapshot(JSON.parse(readFileSync(file, 'utf8')))
  }

  private constructor(json: SnapshotJson) {
    this.#json = json
    const { meta } = json.snapshot
    this.#nodeTypes = meta.node_types[0]
    this.#edgeTypes = meta.edge_types[0]
    const node = fieldIndex(meta.node_fields)
    this.#node = {
      type: node('type'),
      name: node('name'),
      id: node('id'),
      size: node('self_size'),
      edgeCount: node('edge_count'),
    }
    this.#nodeWidth = meta.node_fields.length
    const edge = fieldIndex(meta.edge_fields)
    this.#edge = { type: edge('type'), name: edge('name_or_index'), to: edge('to_node') }
    this.#edgeWidth = meta.edge_fields.length
    this.count = json.nodes.length / this.#nodeWidth
    this.#firstEdge = new Uint32Array(this.count + 1)
    for (let i = 0; i < this.count; i++) {
      this.#firstEdge[i + 1] = this.#firstEdge[i]! + this.#field(i, 'edgeCount') * this.#edgeWidth
    }
    const location = fieldIndex(meta.location_fields)
    const locations = json.locations ?? []
    const width = meta.location_fields.length
    for (let at = 0; at < locations.length; at += width) {
      this.#locations.set(locations[at + location('object_index')]! / this.#nodeWidth, {
        line: locations[at + location('line')]!,
        column: locations[at + location('column')]!,
      })
    }
  }

  type(node: number): string {
    return this.#nodeTypes[this.#field(node, 'type')]!
  }

  name(node: number): string {
    return this.#json.strings[this.#field(node, 'name')]!
  }

  /** Stable across the snapshots of one inspector session: what tells a new object from an old. */
  id(node: number): number {
    return this.#field(node, 'id')
  }

  size(node: number): number {
    return this.#field(node, 'size')
  }

  get totalBytes(): number {
    let total = 0
    for (let node = 0; node < this.count; node++) total += this.size(node)
    return total
  }

  *edges(node: number): Generator<Edge> {
    const { edges, strings } = this.#json
    for (let at = this.#firstEdge[node]!; at < this.#firstEdge[node + 1]!; at += this.#edgeWidth) {
      const type = this.#edgeTypes[edges[at + this.#edge.type]!]!
      const name = edges[at + this.#edge.name]!
      yield {
        type,
        name: type === 'element' || type === 'hidden' ? name : strings[name]!,
        to: edges[at + this.#edge.to]! / this.#nodeWidth,
      }
    }
  }

  /** The node that `node`'s edge called `name` leads to. */
  child(node: number, name: string): number | undefined {
    for (const edge of this.edges(node)) if (edge.name === name) return edge.to
    return undefined
  }

  location(node: number): { line: number; column: number } | undefined {
    return this.#locations.get(node)
  }

  #field(node: number, field: NodeField): number {
    return this.#json.nodes[node * this.#nodeWidth + this.#node[field]]!
  }
}

function fieldIndex(fields: readonly string[]): (name: string) => number {
  return (name) => {
    const index = fields.indexOf(name)
    if (index === -1) throw new Error(`a heap snapshot without the field ${name}`)
    return index
  }
}
