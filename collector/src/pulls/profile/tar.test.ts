// Tar reading checked against archives GNU tar writes (gnu, pax and ustar formats), not against our own writer.
import { execFileSync } from 'node:child_process'
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseTarHeader, type TarHeader, TarReader } from './tar.ts'

let root: string
const longName = `${'deep/'.repeat(30)}file-with-a-long-name.txt`

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'podstart-tar-test-'))
  mkdirSync(join(root, 'tree/bin'), { recursive: true })
  writeFileSync(join(root, 'tree/bin/tool'), Buffer.alloc(1025, 7), { mode: 0o755 })
  writeFileSync(join(root, 'tree/empty'), '')
  symlinkSync('bin/tool', join(root, 'tree/link'))
  linkSync(join(root, 'tree/bin/tool'), join(root, 'tree/hard'))
  mkdirSync(join(root, 'tree', longName, '..'), { recursive: true })
  writeFileSync(join(root, 'tree', longName), 'long')
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

function read(format: string): { entries: (TarHeader & { data: number })[]; reader: TarReader } {
  const tar = execFileSync('tar', [
    '-C',
    join(root, 'tree'),
    `--format=${format}`,
    '--sort=name',
    '-cf',
    '-',
    '.',
  ])
  const entries: (TarHeader & { data: number })[] = []
  const reader = new TarReader({
    entry: (h) => entries.push({ ...h, data: 0 }),
    data: (c) => {
      entries[entries.length - 1]!.data += c.length
    },
  })
  // Odd chunk sizes make headers and data straddle chunk boundaries.
  for (let i = 0; i < tar.length; i += 777) reader.write(tar.subarray(i, i + 777))
  reader.end()
  return { entries, reader }
}

describe('TarReader', () => {
  it.each(['gnu', 'pax'])(
    'reads every entry GNU tar lists, with long names, links and sizes (%s)',
    (format) => {
      const listed = execFileSync('tar', [
        '-C',
        join(root, 'tree'),
        `--format=${format}`,
        '--sort=name',
        '-cf',
        '-',
        '.',
      ])
      const names = execFileSync('tar', ['-tf', '-'], { input: listed, encoding: 'utf8' }).trim().split('\n')
      const { entries } = read(format)
      expect(entries.map((e) => e.name.replace(/\/$/, ''))).toEqual(names.map((n) => n.replace(/\/$/, '')))
      const byName = new Map(entries.map((e) => [e.name, e]))
      expect(byName.get('./bin/tool')).toMatchObject({ type: 'file', size: 1025, data: 1025, mode: 0o755 })
      expect(byName.get('./empty')).toMatchObject({ type: 'file', size: 0, data: 0 })
      expect(byName.get('./link')).toMatchObject({ type: 'symlink', linkname: 'bin/tool' })
      expect(byName.get('./hard')).toMatchObject({ type: 'hardlink', linkname: './bin/tool', size: 0 })
      expect(byName.get('./bin/')?.type).toBe('directory')
      expect(byName.get(`./${longName}`)).toMatchObject({ type: 'file', data: 4 })
    },
  )

  it('rejects a header whose checksum is wrong, and a stream cut inside an entry', () => {
    const tar = execFileSync('tar', ['-C', join(root, 'tree'), '--format=ustar', '-cf', '-', 'bin'])
    const first = Buffer.from(tar.subarray(0, 512))
    expect(parseTarHeader(first)?.name).toBe('bin/')
    first[0] = (first[0] ?? 0) ^ 1
    expect(() => parseTarHeader(first)).toThrow(/checksum .* not a tar stream/)
    expect(parseTarHeader(Buffer.alloc(512))).toBeNull()
    const r = new TarReader({ entry: () => {} })
    r.write(tar.subarray(0, 512 + 512 + 100)) // directory, then the tool header and part of its data
    expect(() => r.end()).toThrow(/truncated after 2 entries/)
  })
})
