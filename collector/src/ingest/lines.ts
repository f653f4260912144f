// Cuts a byte stream into '\n'-terminated lines in linear time with a cap on a line's length. Only the
// bytes of each new chunk are scanned for '\n' and a line's chunks are joined once, when it ends: joining
// the rest to every chunk (buffer += chunk) made one 300 MB line cost minutes and gigabytes. A line over
// the cap is dropped as it streams by (its bytes are counted, never held) and reported when it ends.

/** Default cap on one watch line, NDJSON line or JSON value. etcd refuses objects over 1.5 MiB by default,
 * so no real object comes near it once wrapped in a watch event. */
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024

export type LinePiece =
  /** A complete line without its '\n' (it may share memory with the chunk: use it before the next push). */
  | { kind: 'line'; bytes: Buffer; line: number }
  /** A line longer than the cap, skipped; `bytes` is its full length. */
  | { kind: 'too-long'; bytes: number; line: number }

const EMPTY = Buffer.alloc(0)

export class LineSplitter {
  private parts: Buffer[] = []
  private partBytes = 0
  /** Bytes of the current line already dropped because it went over the cap (-1: not skipping). */
  private skipped = -1
  private lineNo = 0

  constructor(readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    if (!(maxLineBytes > 0))
      throw new RangeError(`line cap must be a positive byte count, got ${maxLineBytes}`)
  }

  /** Number of lines ended so far (1-based number of the last line returned). */
  get lines(): number {
    return this.lineNo
  }

  *push(chunk: Uint8Array): Generator<LinePiece> {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    let start = 0
    for (let nl = buf.indexOf(0x0a, start); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      yield this.finish(buf.subarray(start, nl))
      start = nl + 1
    }
    if (start < buf.length) this.hold(start === 0 ? buf : buf.subarray(start))
  }

  /** End of stream: the last line when it had no '\n'. */
  *end(): Generator<LinePiece> {
    if (this.partBytes > 0 || this.skipped >= 0) yield this.finish(EMPTY)
  }

  private finish(tail: Buffer): LinePiece {
    this.lineNo++
    const line = this.lineNo
    if (this.skipped >= 0 || this.partBytes + tail.length > this.maxLineBytes) {
      const bytes = Math.max(this.skipped, 0) + this.partBytes + tail.length
      this.clear()
      return { kind: 'too-long', bytes, line }
    }
    const bytes = this.parts.length === 0 ? tail : Buffer.concat([...this.parts, tail])
    this.clear()
    return { kind: 'line', bytes, line }
  }

  private hold(rest: Buffer): void {
    if (this.skipped >= 0) {
      this.skipped += rest.length
      return
    }
    if (this.partBytes + rest.length > this.maxLineBytes) {
      this.skipped = this.partBytes + rest.length
      this.parts = []
      this.partBytes = 0
      return
    }
    this.parts.push(rest)
    this.partBytes += rest.length
  }

  private clear(): void {
    this.parts = []
    this.partBytes = 0
    this.skipped = -1
  }
}
