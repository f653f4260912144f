// A streaming tar reader (ustar, GNU long names, pax headers): enough to count and extract image layers.

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'device' | 'fifo' | 'other'

export interface TarHeader {
  name: string
  type: TarEntryType
  /** Bytes of data following the header (0 for links and directories). */
  size: number
  mode: number
  linkname: string
}

export class TarFormatError extends Error {
  override name = 'TarFormatError'
}

const BLOCK = 512

function cString(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start)
  return block.toString('utf8', start, end < 0 || end > start + length ? start + length : end)
}

/** Reads a numeric field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function numeric(block: Buffer, start: number, length: number): number {
  const first = block[start] ?? 0
  if (first & 0x80) {
    let n = first & 0x7f
    for (let i = start + 1; i < start + length; i++) n = n * 256 + (block[i] ?? 0)
    return n
  }
  const text = cString(block, start, length).trim()
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`numeric field "${text}" is not octal`)
  return Number.parseInt(text, 8)
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file'
    case '1':
      return 'hardlink'
    case '2':
      return 'symlink'
    case '3':
    case '4':
      return 'device'
    case '5':
      return 'directory'
    case '6':
      return 'fifo'
    default:
      return 'other'
  }
}

/**
 * Parses one 512-byte header block. Returns null for an all-zero block (the archive's end marker) and
 * the raw type flag in `flag` so the reader can handle pax (`x`, `g`) and GNU long-name (`L`, `K`) records.
 */
export function parseTarHeader(block: Buffer): (TarHeader & { flag: string }) | null {
  if (block.length < BLOCK) throw new TarFormatError(`header block is ${block.length} bytes, not ${BLOCK}`)
  let sum = 0
  let zero = true
  for (let i = 0; i < BLOCK; i++) {
    const b = block[i] as number
    if (b !== 0) zero = false
    sum += i >= 148 && i < 156 ? 0x20 : b
  }
  if (zero) return null
  const stored = numeric(block, 148, 8)
  if (stored !== sum)
    throw new TarFormatError(`header checksum ${stored} does not match ${sum}: not a tar stream`)
  const flag = String.fromCharCode(block[156] ?? 0)
  let name = cString(block, 0, 100)
  // ustar splits long paths into prefix + name.
  if (block.toString('latin1', 257, 262) === 'ustar') {
    const prefix = cString(block, 345, 155)
    if (prefix) name = `${prefix}/${name}`
  }
  return {
    name,
    flag,
    type: entryType(flag),
    size: numeric(block, 124, 12),
    mode: numeric(block, 100, 8),
    linkname: cString(block, 157, 100),
  }
}

/** Parses pax extended header records: `<len> <key>=<value>\n`. */
export function parsePaxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let pos = 0
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos)
    if (space < 0) break
    const len = Number(data.toString('latin1', pos, space))
    if (!Number.isInteger(len) || len <= 0) throw new TarFormatError('malformed pax record length')
    const record = data.toString('utf8', space + 1, pos + len - 1)
    const eq = record.indexOf('=')
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1)
    pos += len
  }
  return out
}

export interface TarVisitor {
  /** Called for each real entry (pax and long-name records already applied). */
  entry(header: TarHeader): void
  /** The entry's data, in order, for entries with size > 0. */
  data?(chunk: Buffer): void
  /** After the last data chunk of an entry. */
  entryEnd?(): void
}

/** Push-based tar reader: feed chunks of the uncompressed stream with write(), then call end(). */
export class TarReader {
  private pending: Buffer[] = []
  private pendingBytes = 0
  private dataLeft = 0
  private padLeft = 0
  private meta: { flag: string; buffers: Buffer[]; left: number } | undefined
  private longName: string | undefined
  private longLink: string | undefined
  private pax: Record<string, string> = {}
  private globalPax: Record<string, string> = {}
  private ended = false
  entries = 0

  constructor(private readonly visitor: TarVisitor) {}

  write(chunk: Buffer): void {
    let buf = chunk
    while (buf.length > 0 && !this.ended) {
      if (this.dataLeft > 0) {
        const n = Math.min(this.dataLeft, buf.length)
        const part = buf.subarray(0, n)
        if (this.meta) this.meta.buffers.push(part)
        else this.visitor.data?.(part)
        this.dataLeft -= n
        buf = buf.subarray(n)
        if (this.dataLeft === 0) this.finishData()
        continue
      }
      if (this.padLeft > 0) {
        const n = Math.min(this.padLeft, buf.length)
        this.padLeft -= n
        buf = buf.subarray(n)
        continue
      }
      const need = BLOCK - this.pendingBytes
      const take = buf.subarray(0, need)
      this.pending.push(take)
      this.pendingBytes += take.length
      buf = buf.subarray(take.length)
      if (this.pendingBytes === BLOCK) {
        const block = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending)
        this.pending = []
        this.pendingBytes = 0
        this.header(block)
      }
    }
  }

  /** Checks the stream did not stop in the middle of an entry. */
  end(): void {
    if (this.dataLeft > 0 || this.pendingBytes > 0 || this.meta) {
      throw new TarFormatError(`tar stream truncated after ${this.entries} entries`)
    }
  }

  private header(block: Buffer): void {
    const h = parseTarHeader(block)
    if (h === null) {
      // Two zero blocks end the archive; one is enough to stop (some writers emit a single one).
      this.ended = true
      return
    }
    this.padLeft = 0
    if (h.flag === 'x' || h.flag === 'g' || h.flag === 'L' || h.flag === 'K') {
      this.meta = { flag: h.flag, buffers: [], left: h.size }
      this.dataLeft = h.size
      this.padLeft = (BLOCK - (h.size % BLOCK)) % BLOCK
      if (h.size === 0) this.finishData()
      return
    }
    const header: TarHeader = { name: h.name, type: h.type, size: h.size, mode: h.mode, linkname: h.linkname }
    const pax = { ...this.globalPax, ...this.pax }
    if (this.longName !== undefined) header.name = this.longName
    if (this.longLink !== undefined) header.linkname = this.longLink
    if (pax.path !== undefined) header.name = pax.path
    if (pax.linkpath !== undefined) header.linkname = pax.linkpath
    if (pax.size !== undefined) header.size = Number(pax.size)
    this.longName = undefined
    this.longLink = undefined
    this.pax = {}
    if (header.type === 'hardlink' || header.type === 'symlink' || header.type === 'directory')
      header.size = 0
    this.entries++
    this.visitor.entry(header)
    this.dataLeft = header.size
    this.padLeft = (BLOCK - (header.size % BLOCK)) % BLOCK
    if (header.size === 0) this.visitor.entryEnd?.()
  }

  private finishData(): void {
    const meta = this.meta
    if (!meta) {
      this.visitor.entryEnd?.()
      return
    }
    this.meta = undefined
    const data = Buffer.concat(meta.buffers)
    if (meta.flag === 'L') this.longName = data.toString('utf8').replace(/\0+$/, '')
    else if (meta.flag === 'K') this.longLink = data.toString('utf8').replace(/\0+$/, '')
    else if (meta.flag === 'x') this.pax = parsePaxRecords(data)
    else this.globalPax = { ...this.globalPax, ...parsePaxRecords(data) }
  }
}
