// The CI-sized bench: `npm run bench -- --small` runs every scenario and writes a results file whose structure
// (figures, goals, baselines, machine) is valid and whose burst lost no startup. Timing goals are reported by
// the bench, never asserted here: CI machines differ.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type BenchResults, SCENARIOS } from '../bench/result.ts'
import { repoRoot } from '../support/process.ts'

const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-bench-small-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm run bench -- --small', () => {
  it('completes every scenario with a valid results file and no startup lost', { timeout: 900_000 }, () => {
    const out = path.join(dir, 'bench-results.json')
    const run = spawnSync('npm', ['run', 'bench', '--', '--small', '--out', out], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 880_000,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    })
    expect(run.stdout).toContain('== burst')
    const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults
    expect(results.schemaVersion).toBe(1)
    expect(results.size).toBe('small')
    expect(results.machine.cores).toBeGreaterThan(0)
    expect(results.machine.memoryBytes).toBeGreaterThan(0)
    expect(results.machine.node).toMatch(/^v\d+\./)
    expect(results.scenarios.map((s) => s.scenario)).toEqual([...SCENARIOS])
    for (const s of results.scenarios) {
      expect(s.error, `${s.scenario}: ${s.error}`).toBeUndefined()
      expect(s.ok, s.scenario).toBe(true)
      expect(s.size).toBe('small')
      expect(s.figures.length, s.scenario).toBeGreaterThan(0)
      expect(typeof s.baseline.what, s.scenario).toBe('string')
      const goals = s.figures.filter((f) => f.goal)
      expect(goals.length, `${s.scenario} has figures held to goals`).toBeGreaterThan(0)
      for (const f of goals) {
        // pass is computed from the value and the goal, or null when the value could not be measured.
        if (f.value === null) expect(f.pass).toBeNull()
        else expect(typeof f.pass).toBe('boolean')
      }
    }
    const burst = results.scenarios.find((s) => s.scenario === 'burst')
    const lost = burst?.figures.find((f) => f.name === 'startups lost')
    expect(lost?.value).toBe(0)
    const stored = burst?.figures.find((f) => f.name === 'startups stored')
    expect(stored?.value).toBeGreaterThan(0)
    expect(run.status).toBe(0)
  })
})
