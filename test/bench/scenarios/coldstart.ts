// Cold start: from `podstart up --demo` on a fresh data directory of a built tree to the dashboard serving data
// (/api/health reports startups > 0), with the time to the first HTTP answer along the way.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { repoRoot } from '../child.ts'
import { figure, round, type ScenarioResult } from '../result.ts'

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  const { port } = server.address() as net.AddressInfo
  await new Promise((r) => server.close(r))
  return port
}

/** The dashboard must be built (`next build`); builds it when it is not, and says how long that took. */
function ensureBuilt(notes: string[]): void {
  const web = path.join(repoRoot, 'web')
  if (existsSync(path.join(web, '.next', 'BUILD_ID'))) return
  const t = Date.now()
  const r = spawnSync('npx', ['next', 'build'], {
    cwd: web,
    stdio: 'ignore',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  })
  if (r.status !== 0) throw new Error('the dashboard is not built and `next build` failed')
  notes.push(
    `dashboard built first (next build, ${round((Date.now() - t) / 1000, 0)} s; not part of the cold start)`,
  )
}

export async function runColdstart(small: boolean): Promise<ScenarioResult> {
  const started = Date.now()
  const notes: string[] = []
  ensureBuilt(notes)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-bench-coldstart-'))
  const port = await freePort()
  const t0 = performance.now()
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'collector/bin/podstart.mjs'),
      'up',
      '--demo',
      '--port',
      String(port),
      '--data',
      path.join(dir, 'store'),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } },
  )
  let out = ''
  child.stdout.on('data', (d) => {
    out += d
  })
  child.stderr.on('data', (d) => {
    out += d
  })
  let firstAnswerMs: number | null = null
  let servingMs: number | null = null
  let startups = 0
  const limitMs = small ? 90_000 : 120_000
  try {
    while (performance.now() - t0 < limitMs && child.exitCode === null) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(5000) })
        firstAnswerMs ??= performance.now() - t0
        const body = (await res.json()) as { startups?: number }
        if ((body.startups ?? 0) > 0) {
          servingMs = performance.now() - t0
          startups = body.startups ?? 0
          break
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)))
    rmSync(dir, { recursive: true, force: true })
  }
  if (servingMs === null)
    notes.push(`no startups served within ${limitMs / 1000} s; output: ${out.slice(-600)}`)
  notes.push('fresh data directory; includes migrations, the demo history import and the simulated cluster')
  return {
    scenario: 'coldstart',
    size: small ? 'small' : 'full',
    ok: servingMs !== null,
    durationMs: Date.now() - started,
    figures: [
      figure(
        'start -> first /api/health answer',
        round(firstAnswerMs === null ? null : firstAnswerMs / 1000, 2),
        's',
      ),
      figure(
        'start -> dashboard serving startups',
        round(servingMs === null ? null : servingMs / 1000, 2),
        's',
        {
          op: '<',
          value: 30,
        },
      ),
      figure('startups served at that moment', startups, 'startups'),
    ],
    baseline: {
      what: 'none: an absolute goal',
      command: 'node collector/bin/podstart.mjs up --demo --data <fresh dir>',
    },
    notes,
  }
}
