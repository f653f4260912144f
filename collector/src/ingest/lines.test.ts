import { describe, expect, it } from 'vitest'
import { type LinePiece, LineSplitter } from './lines.ts'

const show = (p: LinePiece) =>
  p.kind === 'line' ? `${p.line}:${p.bytes.toString('utf8')}` : `${p.line}:too-long ${p.bytes}`

function split(chunks: string[], cap?: number): string[] {
  const s = new LineSplitter(cap)
  const out: string[] = []
  for (const c of chunks) for (const p of s.push(Buffer.from(c))) out.push(show(p))
  for (const p of s.end()) out.push(show(p))
  return out
}

describe('LineSplitter', () => {
  it('joins lines cut across chunks and keeps a last line without a newline', () => {
    expect(split(['ab', 'c\nd', '', 'e\n\nf'])).toEqual(['1:abc', '2:de', '3:', '4:f'])
    expect(split(['x\n'])).toEqual(['1:x'])
  })

  it('keeps a line of exactly the cap and skips a longer one with its full size, then goes on', () => {
    expect(split(['abcd\nabcde\nok\n'], 4)).toEqual(['1:abcd', '2:too-long 5', '3:ok'])
    // Over the cap across chunks: counted as it streams, reported at its newline.
    expect(split(['ab', 'cdef', 'gh', 'ij\nok'], 4)).toEqual(['1:too-long 10', '2:ok'])
    // Over the cap at the end of the stream.
    expect(split(['ok\nabcdefgh'], 4)).toEqual(['1:ok', '2:too-long 8'])
  })

  it('holds none of a skipped line: memory stays at the cap while it streams', () => {
    const s = new LineSplitter(1024)
    const chunk = Buffer.alloc(64 * 1024, 0x61)
    for (let i = 0; i < 100; i++) expect([...s.push(chunk)]).toEqual([])
    expect((s as unknown as { partBytes: number }).partBytes).toBe(0)
    const [p, q] = [...s.push(Buffer.from('\ngood\n'))]
    expect(p).toEqual({ kind: 'too-long', bytes: 100 * 64 * 1024, line: 1 })
    expect(q && show(q)).toBe('2:good')
  })

  it('refuses a cap that is not a positive byte count', () => {
    expect(() => new LineSplitter(0)).toThrow(/positive byte count, got 0/)
  })
})
