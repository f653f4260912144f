// `podstart up` as a user runs it: one process, embedded store, migrations, dashboard and health on one port.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, type RunningProcess, runPodstart, startPodstart, waitFor } from '../support/process.ts'

describe('podstart up', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-up-'))
  let up: RunningProcess | undefined
  afterAll(async () => {
    await up?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves /api/health from the embedded store, with /healthz, /readyz and /metrics on the same port', async () => {
    const port = await freePort()
    up = startPodstart(['up', '--port', String(port), '--no-collector'], { cwd: dir })
    const base = `http://127.0.0.1:${port}`
    await waitFor(
      async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined),
      90_000,
      `readyz (${up.output()})`,
    )
    const health = (await (await fetch(`${base}/api/health`)).json()) as {
      ok: boolean
      store: string
      startups: number
    }
    expect(health).toEqual({ ok: true, store: 'embedded', startups: 0 })
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n')
    const metrics = await (await fetch(`${base}/metrics`)).text()
    expect(metrics).toMatch(/^# HELP podstart_/m)
    const page = await fetch(`${base}/`)
    expect(page.status).toBe(200)
    expect(up.output()).toContain(`dashboard on http://127.0.0.1:${port}`)
  }, 120_000)

  it('--demo serves at once and imports the simulated history in the background, in slices', async () => {
    const port = await freePort()
    const demo = startPodstart(
      ['up', '--demo', '--history', '14d', '--port', String(port), '--data', path.join(dir, 'demo')],
      { cwd: dir },
    )
    try {
      const base = `http://127.0.0.1:${port}`
      const health = async () =>
        (await (await fetch(`${base}/api/health`)).json()) as { ok: boolean; startups: number }
      await waitFor(
        async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined),
        90_000,
        `readyz (${demo.output()})`,
      )
      // Ready before two weeks of history are in: the import does not hold the server back.
      expect(demo.output()).not.toMatch(/demo: stored \d+ historical startups/)
      // Startups arrive while the import runs (slices are written as they are made), then all of them.
      const seen: number[] = []
      const stored = await waitFor(
        async () => {
          seen.push((await health()).startups)
          return /demo: stored (\d+) historical startups/.exec(demo.output())?.[1]
        },
        120_000,
        `history import (${demo.output()})`,
      )
      expect(Number(stored)).toBeGreaterThan(14 * 24 * 60 * 0.8)
      expect(demo.output()).toMatch(/demo: history \d+%/)
      expect(seen.some((n) => n > 0 && n < Number(stored))).toBe(true)
      expect((await health()).startups).toBeGreaterThanOrEqual(Number(stored))
    } finally {
      expect(await demo.stop()).toBe(0)
    }
  }, 240_000)

  it('refuses a second process on the same data directory with one clear line', async () => {
    const port = await freePort()
    const second = await runPodstart(['up', '--port', String(port), '--no-collector'], { cwd: dir })
    expect(second.code).toBe(3)
    const lines = second.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/in use by another podstart process/)
  }, 60_000)

  it('prints the migration plan with migrate --dry', async () => {
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'podstart-dry-'))
    try {
      const r = await runPodstart(['migrate', '--dry', '--data', path.join(fresh, 'store')])
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/0001_init/)
      expect(r.stdout).toMatch(/0003_cluster_inventory/)
    } finally {
      rmSync(fresh, { recursive: true, force: true })
    }
  }, 60_000)
})
