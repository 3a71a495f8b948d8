/**
 * Connection counts shared by every thread through one SharedArrayBuffer: how many clients are
 * connected (for `maxClients` and the `active` field of "connected" logs) and the next
 * connection id, so ids are unique across the whole server.
 *
 * Each pool slot counts its own connections in its own cell; the server's total is the sum.
 * When a worker crashes its sockets die with it, and the supervisor zeroes that slot's cell
 * before the replacement starts: one shared cell would keep the dead worker's count forever.
 *
 * Admission never lets more than `max` in: a thread first adds itself, then reads the total. Of
 * several threads admitting at once, the last to add sees every other addition (Atomics are
 * sequentially consistent), so if together they are over the limit at least that one backs out.
 * A race can refuse a client that would just have fit; it never admits one too many.
 */

// Cell 0-1: the connection id sequence (one 64-bit cell); then one 32-bit cell per slot.
const ID_CELLS = 2

export class ConnectionCounters {
  readonly #cells: Int32Array
  readonly #ids: BigInt64Array
  readonly #slot: number

  /** Memory for `slots` threads, to hand to every worker. */
  static allocate(slots: number): SharedArrayBuffer {
    return new SharedArrayBuffer((ID_CELLS + slots) * Int32Array.BYTES_PER_ELEMENT)
  }

  /** The counters as seen by the thread in pool slot `slot`. */
  constructor(buffer: SharedArrayBuffer, slot: number) {
    this.#cells = new Int32Array(buffer)
    this.#ids = new BigInt64Array(buffer, 0, 1)
    this.#slot = ID_CELLS + slot
    if (this.#slot >= this.#cells.length) throw new RangeError(`no counter for slot ${slot}`)
  }

  /** Counts one more connection if the server has room: the new total, or null when full. */
  admit(max: number): number | null {
    Atomics.add(this.#cells, this.#slot, 1)
    const active = this.active()
    if (active <= max) return active
    Atomics.sub(this.#cells, this.#slot, 1)
    return null
  }

  /** A connection admitted by this thread has ended. */
  release(): void {
    Atomics.sub(this.#cells, this.#slot, 1)
  }

  /** Connections open across every thread. */
  active(): number {
    let total = 0
    for (let cell = ID_CELLS; cell < this.#cells.length; cell++) {
      total += Atomics.load(this.#cells, cell)
    }
    return total
  }

  /** A connection id no other thread has handed out: 1, 2, 3, ... */
  nextId(): number {
    return Number(Atomics.add(this.#ids, 0, 1n)) + 1
  }

  /** Forgets the connections of this slot's thread (it died with them). Supervisor only. */
  resetSlot(): void {
    Atomics.store(this.#cells, this.#slot, 0)
  }
}
