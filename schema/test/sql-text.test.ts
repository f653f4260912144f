import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS_DIR } from '../src/store/migrations.ts'
import { expandPlaceholders, splitStatements } from '../src/store/sql-text.ts'

const fixtures = join(import.meta.dirname, 'fixtures')
const read = (f: string) => readFileSync(join(fixtures, f), 'utf8')

describe('splitStatements', () => {
  it('splits on ; outside quotes and comments and keeps the statement text', () => {
    const sql = [
      '-- a comment; with a semicolon',
      "CREATE TABLE a (x String COMMENT 'one; two', y String COMMENT 'it''s; fine') ENGINE = Memory;",
      '/* block; comment */ SELECT "weird;name", `b;c` FROM a;',
      "SELECT 'back\\'slash;' ;",
      '-- trailing comment only',
    ].join('\n')
    const statements = splitStatements(sql, 'x.sql')
    expect(statements.map((s) => s.sql)).toEqual([
      "-- a comment; with a semicolon\nCREATE TABLE a (x String COMMENT 'one; two', y String COMMENT 'it''s; fine') ENGINE = Memory",
      '/* block; comment */ SELECT "weird;name", `b;c` FROM a',
      "SELECT 'back\\'slash;'",
    ])
    expect(statements.map((s) => s.line)).toEqual([1, 3, 4])
  })

  it('refuses a last statement without ; and an unterminated quote, naming file and line', () => {
    expect(() => splitStatements('SELECT 1;\nSELECT 2', 'f.sql')).toThrow(
      "f.sql:2: the last statement does not end with ';'",
    )
    expect(() => splitStatements("SELECT 1;\n\nSELECT 'x;", 'f.sql')).toThrow('f.sql:3: unterminated')
  })
})

describe('expandPlaceholders', () => {
  const input = read('placeholders.sql')

  it('expands to the plain engines byte for byte', () => {
    expect(expandPlaceholders(input, {}, 'placeholders.sql')).toBe(read('placeholders.plain.expected.sql'))
  })

  it('expands --on-cluster to ON CLUSTER and Replicated engines byte for byte', () => {
    expect(expandPlaceholders(input, { onCluster: 'main' }, 'placeholders.sql')).toBe(
      read('placeholders.on-cluster.expected.sql'),
    )
  })

  it('expands the shipped 0001_init migration with --on-cluster byte for byte', () => {
    const sql = readFileSync(join(MIGRATIONS_DIR, '0001_init.up.sql'), 'utf8')
    expect(expandPlaceholders(sql, { onCluster: 'main' }, '0001_init.up.sql')).toBe(
      read('0001_init.on-cluster.expected.sql'),
    )
  })

  it('names file and line of an unknown placeholder', () => {
    expect(() => expandPlaceholders('SELECT 1;\nCREATE TABLE t{oncluster} (x UInt8);', {}, 'm.sql')).toThrow(
      'm.sql:2: unknown placeholder {oncluster}',
    )
    expect(() =>
      expandPlaceholders(
        'CREATE TABLE t (x UInt8)\nENGINE = {engine:CollapsingMergeTree(sign)};',
        {},
        'm.sql',
      ),
    ).toThrow('m.sql:2: unknown engine placeholder {engine:CollapsingMergeTree(sign)}')
  })

  it('rejects a cluster name that would break out of the quotes', () => {
    expect(() => expandPlaceholders('SELECT 1{on_cluster};', { onCluster: "x' OR 1" })).toThrow(
      'not a valid cluster name',
    )
  })
})
