// A small streaming JSON tokenizer: cuts a byte stream into top-level values, and the elements of a
// top-level object's `items` array one by one, so a Kubernetes List is never held in memory whole. A value
// over the cap is not held either: its bytes are only scanned for structure until it closes, then reported.
import { DEFAULT_MAX_LINE_BYTES } from './lines.ts'

type ScanErrorKind = 'not-json' | 'truncated' | 'value-too-large'

export type ScannedUnit =
  | { type: 'value'; text: string; offset: number; listKind: string | null }
  | { type: 'error'; offset: number; message: string; kind: ScanErrorKind }

export interface JsonScannerOptions {
  /** Longest value emitted (a List item, an array element or a top-level object); longer ones are skipped. */
  maxValueBytes?: number
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_OBJ = 0x7b
const CLOSE_OBJ = 0x7d
const OPEN_ARR = 0x5b
const CLOSE_ARR = 0x5d
const COLON = 0x3a
const NEWLINE = 0x0a

const isSpace = (b: number) =>
  b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0xef || b === 0xbb || b === 0xbf

/**
 * Feed chunks with push(); each call returns the units completed in it. Positions are byte offsets from
 * the start of the stream. Garbage between values is reported once per run and skipped to the next line.
 */
export class JsonScanner {
  readonly maxValueBytes: number
  private offset = 0
  private depth = 0
  private inString = false
  private escape = false
  /** Depth at which emitted units start (1: elements of a top-level array; 2: of `items`). */
  private unitDepth = 0
  private unitStart = -1
  private parts: Buffer[] = []
  private partBytes = 0
  private topIsObject = false
  private inItems = false
  private header = ''
  private keyBytes: number[] | null = null
  private lastKey = ''
  private lastSignificant = 0
  private skippingGarbage = false
  private garbageReported = false
  private listKind: string | null = null
  /** The value being scanned went over the cap: its bytes are no longer kept. */
  private oversize = false

  constructor(opts: JsonScannerOptions = {}) {
    this.maxValueBytes = opts.maxValueBytes ?? DEFAULT_MAX_LINE_BYTES
    if (!(this.maxValueBytes > 0))
      throw new RangeError(`value cap must be a positive byte count, got ${this.maxValueBytes}`)
  }

  push(chunk: Buffer): ScannedUnit[] {
    const out: ScannedUnit[] = []
    let captureFrom = this.unitStart >= 0 ? 0 : -1
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number
      const pos = this.offset + i
      if (this.skippingGarbage) {
        if (b === NEWLINE) this.skippingGarbage = false
        continue
      }
      if (this.inString) {
        if (this.keyBytes && this.keyBytes.length < 32 && b !== QUOTE && b !== BACKSLASH)
          this.keyBytes.push(b)
        if (this.escape) this.escape = false
        else if (b === BACKSLASH) this.escape = true
        else if (b === QUOTE) {
          this.inString = false
          if (this.keyBytes) {
            this.lastKey = String.fromCharCode(...this.keyBytes)
            this.keyBytes = null
          }
        }
        continue
      }
      if (isSpace(b)) continue
      if (this.depth === 0) {
        if (b !== OPEN_OBJ && b !== OPEN_ARR) {
          if (!this.garbageReported) {
            out.push({
              type: 'error',
              offset: pos,
              kind: 'not-json',
              message: `not JSON at byte ${pos} (skipping to the next value)`,
            })
            this.garbageReported = true
          }
          this.skippingGarbage = b !== NEWLINE
          continue
        }
        this.topIsObject = b === OPEN_OBJ
        this.inItems = false
        this.header = ''
        this.listKind = null
        this.unitDepth = this.topIsObject ? 0 : 1
        this.oversize = false
        if (this.topIsObject) {
          this.unitStart = pos
          captureFrom = i
        }
      }
      if (b === QUOTE) {
        this.inString = true
        if (this.depth === 1 && this.topIsObject && !this.inItems) this.keyBytes = []
        this.lastSignificant = b
        continue
      }
      if (b === OPEN_OBJ || b === OPEN_ARR) {
        if (
          b === OPEN_ARR &&
          this.depth === 1 &&
          this.topIsObject &&
          !this.inItems &&
          this.lastKey === 'items' &&
          this.lastSignificant === COLON
        ) {
          // Switch from buffering the List object to emitting its items one by one.
          this.header = this.oversize ? '' : this.flushText(chunk, captureFrom, i)
          this.dropParts()
          const m = /"kind"\s*:\s*"(\w+?)List"/.exec(this.header)
          this.listKind = m ? (m[1] as string) : null
          this.unitStart = -1
          captureFrom = -1
          this.inItems = true
          this.unitDepth = 2
        } else if (this.depth === this.unitDepth && this.unitStart < 0) {
          this.unitStart = pos
          captureFrom = i
          this.oversize = false
        }
        this.depth++
      } else if (b === CLOSE_OBJ || b === CLOSE_ARR) {
        this.depth--
        if (this.depth < 0) {
          out.push({
            type: 'error',
            offset: pos,
            kind: 'not-json',
            message: `unbalanced "${String.fromCharCode(b)}" at byte ${pos}`,
          })
          this.depth = 0
          this.unitStart = -1
          captureFrom = -1
          this.skippingGarbage = true
          continue
        }
        if (this.depth === this.unitDepth && this.unitStart >= 0) {
          const size = pos + 1 - this.unitStart
          if (this.oversize || size > this.maxValueBytes) {
            this.dropParts()
            this.oversize = false
            out.push({
              type: 'error',
              offset: this.unitStart,
              kind: 'value-too-large',
              message: `value at byte ${this.unitStart} is ${size.toLocaleString('en-US')} bytes, over the ${this.maxValueBytes.toLocaleString('en-US')}-byte cap: skipped`,
            })
          } else {
            const text = this.flushText(chunk, captureFrom, i + 1)
            out.push({ type: 'value', text, offset: this.unitStart, listKind: this.listKind })
          }
          this.garbageReported = false
          this.unitStart = -1
          captureFrom = -1
        } else if (this.inItems && this.depth === 1 && b === CLOSE_ARR) {
          this.inItems = false
          this.unitDepth = 0
        }
        if (this.depth === 0) {
          this.unitStart = -1
          captureFrom = -1
        }
      }
      this.lastSignificant = b
    }
    if (this.unitStart >= 0 && captureFrom >= 0 && !this.oversize) {
      const part = chunk.subarray(captureFrom)
      this.parts.push(part)
      this.partBytes += part.length
      // Over the cap: keep scanning the value's structure to find where it ends, but hold none of it.
      if (this.partBytes > this.maxValueBytes) {
        this.dropParts()
        this.oversize = true
      }
    }
    this.offset += chunk.length
    return out
  }

  /** End of stream: reports a value left open (a truncated file). */
  end(): ScannedUnit[] {
    if (this.depth > 0 || this.inString) {
      const at = this.unitStart >= 0 ? ` (value starting at byte ${this.unitStart})` : ''
      return [
        {
          type: 'error',
          offset: this.offset,
          kind: 'truncated',
          message: `truncated at byte ${this.offset}${at}`,
        },
      ]
    }
    return []
  }

  private flushText(chunk: Buffer, from: number, to: number): string {
    if (from >= 0) this.parts.push(chunk.subarray(from, to))
    const text = Buffer.concat(this.parts).toString('utf8')
    this.parts = []
    this.partBytes = 0
    return text
  }

  private dropParts(): void {
    this.parts = []
    this.partBytes = 0
  }
}
