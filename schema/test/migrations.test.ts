import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadMigrations, planAllPending } from '../src/store/migrations.ts'

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'podstart-migrations-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

describe('migration files', () => {
  it("the repository's migrations have unique numbers, valid names and known placeholders", () => {
    // loadMigrations throws on duplicates and bad names; planAllPending expands every placeholder.
    const files = loadMigrations()
    expect(files.length).toBeGreaterThan(0)
    expect(new Set(files.map((f) => f.version)).size).toBe(files.length)
    expect(files[0]?.name).toBe('0001_init')
    for (const m of planAllPending({ onCluster: 'main' }).migrations)
      expect(m.statements.length).toBeGreaterThan(0)
  })

  it('names both files of a duplicate number', () => {
    const dir = dirWith({
      '0001_init.up.sql': 'SELECT 1;',
      '0002_a.up.sql': 'SELECT 2;',
      '0002_b.up.sql': 'SELECT 3;',
    })
    expect(() => loadMigrations(dir)).toThrow(
      'duplicate migration number 0002: 0002_a.up.sql and 0002_b.up.sql',
    )
  })

  it('refuses a stray .sql name and a down file without its up file', () => {
    expect(() => loadMigrations(dirWith({ '1_init.up.sql': 'SELECT 1;' }))).toThrow(
      '1_init.up.sql is not named',
    )
    expect(() =>
      loadMigrations(dirWith({ '0001_x.up.sql': 'SELECT 1;', '0002_y.down.sql': 'SELECT 1;' })),
    ).toThrow('0002_y.down.sql has no matching 0002_y.up.sql')
  })

  it('checksums the file bytes (sha256 of the text as committed)', () => {
    const [f] = loadMigrations(dirWith({ '0001_x.up.sql': 'SELECT 1;\n' }))
    // sha256("SELECT 1;\n"), computed with sha256sum
    expect(f?.checksum).toBe('b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd')
  })
})
