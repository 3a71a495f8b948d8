/**
 * What a heap gained between two snapshots of one thread (idle, then holding connections),
 * grouped so that the table reads: by node type and name, except that all plain strings are one
 * group, all code (bytecode, JIT code, feedback, SFIs) one, all object shapes (Maps, descriptor
 * arrays) one, and unnamed arrays (hash tables, FixedArrays) one.
 *
 * And what holds on to it: a node is new when its id is not in the idle snapshot (ids are stable
 * across the snapshots of one inspector session). Each new node's bytes are split evenly over its
 * strong (non-weak) retaining edges, and each group counts its new nodes' retaining edges by
 * kind: the retainer's type and name and the edge's name. A retainer that is itself old and keeps
 * 1 KiB or more of new bytes per edge (a Map's or a Set's hash table, shared by the thread) is
 * named with its own first retainer, in [ ], which says whose table it is.
 */
import { basename } from 'node:path'
import type { HeapSnapshot } from './heap-snapshot.ts'

interface Retainer {
  label: string
  /** Retaining edges of this kind. */
  edges: number
  /** The new bytes they retain. */
  bytes: number
}

// While counting: an old parent holding a shared table is a kind of retainer of its own.
type RetainerKind = Retainer & { sharedTable?: number }

export interface GroupChange {
  type: string
  name: string
  /** Held minus idle: self sizes and node counts. */
  bytes: number
  count: number
  /** What retains the group's new nodes, most bytes first. */
  retainers: Retainer[]
  /** For closures: where the new ones were defined (`file:line:column`), most often first. */
  definedAt: { place: string; count: number }[]
}

export interface HeapDiff {
  idle: { bytes: number; nodes: number }
  held: { bytes: number; nodes: number }
  /** Biggest change first, whatever its sign. */
  groups: GroupChange[]
  total: number
  /** Sizes Node reports for memory outside the V8 heap (sockets' handles, buffers' data). */
  native: number
  /** Code, feedback and object shapes: the thread warming up its paths, paid once. */
  warmUp: number
}

const STRING_TYPES = new Set(['string', 'concatenated string', 'sliced string'])
const WARM_UP_NAMES = new Set([
  'system / WeakArrayList',
  'system / ProtectedFixedArray',
  'system / SharedFunctionInfoWrapper',
])
// A new node held this much per edge by an old one is a table of the thread's; name its owner.
const SHARED_TABLE_BYTES = 1024

export function diffHeaps(idle: HeapSnapshot, held: HeapSnapshot): HeapDiff {
  const before = sizesByGroup(idle)
  const groups: GroupChange[] = []
  for (const [key, after] of sizesByGroup(held)) {
    const was = before.get(key) ?? { bytes: 0, count: 0 }
    before.delete(key)
    groups.push(change(after, after.bytes - was.bytes, after.count - was.count))
  }
  for (const gone of before.values()) groups.push(change(gone, -gone.bytes, -gone.count))
  groups.sort((a, b) => Math.abs(b.bytes) - Math.abs(a.bytes))

  const added = newNodesByGroup(idle, held)
  const retainers = retainersByGroup(held, added)
  for (const group of groups) {
    const key = groupKey(group.type, group.name)
    group.retainers = retainers.get(key) ?? []
    if (group.type === 'closure') group.definedAt = definedAt(held, added.get(key) ?? [])
  }
  const sum = (keep: (group: GroupChange) => boolean): number =>
    groups.filter(keep).reduce((total, group) => total + group.bytes, 0)
  return {
    idle: { bytes: idle.totalBytes, nodes: idle.count },
    held: { bytes: held.totalBytes, nodes: held.count },
    groups,
    total: sum(() => true),
    native: sum((group) => group.type === 'native'),
    warmUp: sum(
      (group) =>
        group.type === 'code' || group.type === 'object shape' || WARM_UP_NAMES.has(group.name),
    ),
  }
}

function change(group: { type: string; name: string }, bytes: number, count: number): GroupChange {
  return { type: group.type, name: group.name, bytes, count, retainers: [], definedAt: [] }
}

/** The group a node is counted in: its type and name, or one of the catch-all groups. */
function groupOf(type: string, name: string): { type: string; name: string } {
  if (STRING_TYPES.has(type)) return { type, name: '(all)' }
  if (type === 'code') return { type, name: '(bytecode, JIT code, feedback, SFIs: all)' }
  if (type === 'object shape') return { type, name: '(Maps, descriptor arrays: all)' }
  if (type === 'closure') return { type, name: name || '(anonymous)' }
  if (type === 'array' && name === '') return { type, name: '(unnamed: hash tables, FixedArrays)' }
  return { type, name }
}

function groupKey(type: string, name: string): string {
  return `${type}\n${name}`
}

function nodeGroupKey(snapshot: HeapSnapshot, node: number): string {
  const { type, name } = groupOf(snapshot.type(node), snapshot.name(node))
  return groupKey(type, name)
}

function sizesByGroup(
  snapshot: HeapSnapshot,
): Map<string, { type: string; name: string; bytes: number; count: number }> {
  const groups = new Map<string, { type: string; name: string; bytes: number; count: number }>()
  for (let node = 0; node < snapshot.count; node++) {
    const { type, name } = groupOf(snapshot.type(node), snapshot.name(node))
    const key = groupKey(type, name)
    const group = groups.get(key) ?? { type, name, bytes: 0, count: 0 }
    group.bytes += snapshot.size(node)
    group.count += 1
    groups.set(key, group)
  }
  return groups
}

/** The held snapshot's nodes whose ids the idle one does not have, by group. */
function newNodesByGroup(idle: HeapSnapshot, held: HeapSnapshot): Map<string, number[]> {
  const idleIds = new Set<number>()
  for (let node = 0; node < idle.count; node++) idleIds.add(idle.id(node))
  const added = new Map<string, number[]>()
  for (let node = 0; node < held.count; node++) {
    if (idleIds.has(held.id(node))) continue
    const key = nodeGroupKey(held, node)
    const nodes = added.get(key) ?? []
    nodes.push(node)
    added.set(key, nodes)
  }
  return added
}

function retainersByGroup(
  held: HeapSnapshot,
  added: Map<string, number[]>,
): Map<string, Retainer[]> {
  const groupOfNew = new Map<number, string>()
  for (const [key, nodes] of added) for (const node of nodes) groupOfNew.set(node, key)
  const strongEdges = new Uint32Array(held.count)
  for (let parent = 0; parent < held.count; parent++) {
    for (const edge of held.edges(parent)) {
      if (edge.type !== 'weak' && groupOfNew.has(edge.to)) strongEdges[edge.to]! += 1
    }
  }
  // By group, then by kind of edge; an old parent holding a shared table is a kind of its own.
  const kinds = new Map<string, Map<string, RetainerKind>>()
  for (let parent = 0; parent < held.count; parent++) {
    for (const edge of held.edges(parent)) {
      const key = groupOfNew.get(edge.to)
      if (key === undefined || edge.type === 'weak') continue
      const share = held.size(edge.to) / strongEdges[edge.to]!
      const parentIsOld = !groupOfNew.has(parent)
      const sharedTable = parentIsOld && share >= SHARED_TABLE_BYTES ? parent : undefined
      const label = `${parentIsOld ? '(old) ' : ''}${nodeLabel(held, parent)} ${edgeLabel(edge)}`
      const kindKey = `${sharedTable ?? ''}\n${label}`
      const byKind = kinds.get(key) ?? new Map<string, RetainerKind>()
      kinds.set(key, byKind)
      const kind = byKind.get(kindKey) ?? { label, edges: 0, bytes: 0 }
      if (sharedTable !== undefined) kind.sharedTable = sharedTable
      kind.edges += 1
      kind.bytes += share
      byKind.set(kindKey, kind)
    }
  }
  return namingTableOwners(held, kinds)
}

/** Folds each group's kinds of retainers into labels; a shared table's says whose it is. */
function namingTableOwners(
  held: HeapSnapshot,
  kinds: Map<string, Map<string, RetainerKind>>,
): Map<string, Retainer[]> {
  const tables = new Set<number>()
  for (const byKind of kinds.values()) {
    for (const { sharedTable } of byKind.values()) {
      if (sharedTable !== undefined) tables.add(sharedTable)
    }
  }
  const owners = firstRetainers(held, tables)
  const retainers = new Map<string, Retainer[]>()
  for (const [key, byKind] of kinds) {
    const folded = new Map<string, Retainer>()
    for (const { label, edges, bytes, sharedTable } of byKind.values()) {
      const owner =
        sharedTable === undefined
          ? ''
          : `   [${held.name(sharedTable)} <- ${owners.get(sharedTable) ?? '?'}]`
      const retainer = folded.get(label + owner) ?? { label: label + owner, edges: 0, bytes: 0 }
      retainer.edges += edges
      retainer.bytes += bytes
      folded.set(retainer.label, retainer)
    }
    retainers.set(
      key,
      [...folded.values()].sort((a, b) => b.bytes - a.bytes),
    )
  }
  return retainers
}

/** Each of `nodes`' first strong retainer that is not a synthetic root, as a label. */
function firstRetainers(held: HeapSnapshot, nodes: Set<number>): Map<number, string> {
  const found = new Map<number, string>()
  if (nodes.size === 0) return found
  for (let parent = 0; parent < held.count; parent++) {
    if (held.type(parent) === 'synthetic') continue
    for (const edge of held.edges(parent)) {
      if (edge.type === 'weak' || !nodes.has(edge.to) || found.has(edge.to)) continue
      const name = typeof edge.name === 'number' ? `[${edge.name}]` : edge.name
      found.set(edge.to, `${nodeLabel(held, parent)} .${name}`)
    }
  }
  return found
}

function nodeLabel(snapshot: HeapSnapshot, node: number): string {
  const type = snapshot.type(node)
  const name = snapshot.name(node)
  if (STRING_TYPES.has(type)) return `${type} ${JSON.stringify(name.slice(0, 30))}`
  if (type === 'closure') return `closure ${name || '(anonymous)'}`
  return `${type} ${name.slice(0, 60)}`
}

function edgeLabel(edge: { type: string; name: string | number }): string {
  if (edge.type === 'element' || edge.type === 'hidden') return `[${edge.type[0]}]`
  if (edge.type === 'context') return `ctx.${edge.name}`
  return `.${edge.name}`
}

/** Where closures were defined: the snapshot's location and their script's name. */
function definedAt(held: HeapSnapshot, closures: number[]): { place: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const closure of closures) {
    const place = placeOf(held, closure)
    counts.set(place, (counts.get(place) ?? 0) + 1)
  }
  return [...counts]
    .map(([place, count]) => ({ place, count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, 3)
}

function placeOf(held: HeapSnapshot, closure: number): string {
  const shared = held.child(closure, 'shared')
  const script =
    shared === undefined
      ? undefined
      : (held.child(shared, 'script') ?? held.child(shared, 'script_or_debug_info'))
  const scriptName = script === undefined ? undefined : held.child(script, 'name')
  const file =
    scriptName !== undefined && STRING_TYPES.has(held.type(scriptName))
      ? basename(held.name(scriptName))
      : undefined
  const location = held.location(closure)
  if (location === undefined) return file ?? ''
  return `${file ?? '?'}:${location.line + 1}:${location.column + 1}`
}
