/**
 * Bytes in, LF-terminated lines out. Unlike the server's LineDecoder it keeps a CR before the LF:
 * a reply is checked byte for byte, and `Echo: abc\r` is the right reply to the message `abc\r`
 * (sent as `abc\r\r\n`). Every line is capped, so a peer that never sends LF cannot grow memory.
 */

const LF = 0x0a

export class LineTooLongError extends Error {
  override name = 'LineTooLongError'
}

export class LineSplitter {
  readonly maxLineBytes: number
  #pieces: Buffer[] = []
  #heldBytes = 0

  constructor(maxLineBytes: number) {
    this.maxLineBytes = maxLineBytes
  }

  /**
   * Calls `onLine` with each complete line of `chunk` (without its LF), in order. A line is a view
   * into the chunk or a fresh buffer: copy it to keep it past the call. Throws LineTooLongError.
   */
  push(chunk: Buffer, onLine: (line: Buffer) => void): void {
    let start = 0
    let lf = chunk.indexOf(LF)
    while (lf !== -1) {
      const tail = chunk.subarray(start, lf)
      const line = this.#heldBytes > 0 ? this.#take(tail) : tail
      start = lf + 1
      this.#check(line.length)
      onLine(line)
      lf = chunk.indexOf(LF, start)
    }
    if (start < chunk.length) {
      this.#pieces.push(Buffer.from(chunk.subarray(start)))
      this.#heldBytes += chunk.length - start
      this.#check(this.#heldBytes)
    }
  }

  /** End of stream: the last line if it had no LF, or null. */
  end(): Buffer | null {
    return this.#heldBytes > 0 ? this.#take() : null
  }

  #take(tail?: Buffer): Buffer {
    const line = Buffer.concat(tail ? [...this.#pieces, tail] : this.#pieces)
    this.#pieces = []
    this.#heldBytes = 0
    return line
  }

  #check(bytes: number): void {
    if (bytes > this.maxLineBytes) {
      this.#pieces = []
      this.#heldBytes = 0
      throw new LineTooLongError(`a line longer than ${this.maxLineBytes} bytes`)
    }
  }
}
