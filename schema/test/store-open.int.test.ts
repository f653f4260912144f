// Store failures as a user meets them: through `podstart migrate`, one line on stderr, exit code 3.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getSharedStore, getStore, openStore, type Store, setSharedStore } from '../src/store/index.ts'
import { openTempStore } from './fixtures/temp-store.ts'

const repo = resolve(import.meta.dirname, '..', '..')
const bin = join(repo, 'collector', 'bin', 'podstart.mjs')

function podstart(args: string[], env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('CLICKHOUSE_') && !k.startsWith('PODSTART_')),
  )
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

let held: { store: Store; dir: string; cleanup(): Promise<void> }
beforeAll(async () => {
  held = await openTempStore()
})
afterAll(async () => held?.cleanup())

describe('podstart migrate when the store is unavailable', () => {
  it('a data directory held by another process gives one clear line and exit 3', () => {
    const r = podstart(['migrate', '--data', held.dir], {})
    expect(r.stderr).toBe(
      `podstart migrate: the embedded store at ${held.dir} is in use by another podstart process (one process per data directory); stop it or use --data DIR\n`,
    )
    expect(r.code).toBe(3)
  })

  it('an unreachable CLICKHOUSE_URL gives one line naming the URL without credentials, exit 3', () => {
    const r = podstart(['migrate'], { CLICKHOUSE_URL: 'http://podstart:s3cret-pw@127.0.0.1:1' })
    expect(r.stderr).toBe(
      'podstart migrate: cannot reach ClickHouse at http://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n',
    )
    expect(r.code).toBe(3)
    expect(r.stdout + r.stderr).not.toContain('s3cret-pw')
  })

  it('--dry without a reachable store prints the whole plan as pending, with a note', () => {
    const r = podstart(['migrate', '--dry'], {
      CLICKHOUSE_URL: 'http://127.0.0.1:1',
      CLICKHOUSE_PASSWORD: 'pw-xyz',
    })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /^note: store not reachable \(cannot reach ClickHouse at http:\/\/127\.0\.0\.1:1: /,
    )
    expect(r.stdout).toMatch(/\napply 0001_init \(sha256 [0-9a-f]{12}…\)\n/)
    expect(r.stdout).toContain('CREATE TABLE IF NOT EXISTS pod_startups\n(')
    expect(r.stdout).not.toContain('pw-xyz')
  })
})

describe('opening', () => {
  it('ignores a status file left by a process that is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podstart-stale-'))
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    })
    writeFileSync(join(dir, 'status'), `PID: ${gone.stdout}\nStarted at: 2025-01-01 00:00:00\nRevision: 1\n`)
    // The process holds held.dir already; chDB binds one directory per process, so open it in a child.
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { openStore } = await import(${JSON.stringify(join(import.meta.dirname, '..', 'src', 'store', 'index.ts'))});
         const s = await openStore({ dataDir: ${JSON.stringify(dir)}, database: 'podstart' }); await s.ping(); console.log(s.describe()); await s.close()`,
      ],
      { cwd: repo, encoding: 'utf8', timeout: 60_000 },
    )
    expect(r.stdout.trim()).toBe(`embedded store at ${dir} (database podstart)`)
    expect(r.status).toBe(0)
  })

  it('shares one handle per process through globalThis and never caches a failed open', async () => {
    setSharedStore(undefined)
    const bad = { dataDir: held.dir, database: 'podstart', url: 'http://127.0.0.1:1' }
    await expect(getStore(bad)).rejects.toThrow('cannot reach ClickHouse at http://127.0.0.1:1')
    expect(getSharedStore()).toBeUndefined()
    const store = await getStore({ dataDir: held.dir, database: 'podstart' })
    expect(store.mode).toBe('embedded')
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('podstart.store')]).toBe(store)
    expect(await getStore()).toBe(store)
    setSharedStore(undefined)
  })

  it('answers 64-bit integers as strings and DateTime64 as text, as a server does', async () => {
    const store = await openStore({ dataDir: held.dir, database: 'podstart' })
    const rs = await store.client.query({
      query:
        "SELECT toUInt64(9007199254740993) AS big, toDateTime64('2025-01-02 03:04:05.678', 3, 'UTC') AS t",
      format: 'JSONEachRow',
    })
    expect(await rs.json()).toEqual([{ big: '9007199254740993', t: '2025-01-02 03:04:05.678' }])
  })
})
