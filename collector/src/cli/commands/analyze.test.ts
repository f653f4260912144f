// The analyze CLI as a child process: output, exit codes, and problems naming the file and position.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { validateStartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { event, pod, T0 } from '../../../test/fixtures/lifecycle/builders.ts'

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/podstart.mjs')
const dir = mkdtempSync(path.join(tmpdir(), 'podstart-analyze-'))
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [bin, 'analyze', ...args], { encoding: 'utf8', input })

const p = pod({
  uid: 'u1',
  name: 'web-1',
  createdMs: T0,
  node: 'n',
  phase: 'Running',
  containers: [{ name: 'app', image: 'a:1' }],
  conditions: {
    PodScheduled: T0 + 100,
    PodReadyToStartContainers: T0 + 1000,
    Initialized: T0,
    ContainersReady: T0 + 5000,
    Ready: T0 + 5000,
  },
})
const evs = [
  event({
    pod: 'web-1',
    uid: 'u1',
    reason: 'Pulling',
    message: 'Pulling image "a:1"',
    atMs: T0 + 1200,
    container: 'app',
  }),
  event({
    pod: 'web-1',
    uid: 'u1',
    reason: 'Pulled',
    message: 'Successfully pulled image "a:1" in 2s (2s including waiting)',
    atMs: T0 + 3200,
    container: 'app',
  }),
  event({
    pod: 'web-1',
    uid: 'u1',
    reason: 'Started',
    message: 'Started container app',
    atMs: T0 + 3300,
    container: 'app',
  }),
]
const listFile = path.join(dir, 'dump.json')
writeFileSync(
  listFile,
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [p, ...evs], metadata: {} }, null, 2),
)

describe('podstart analyze', () => {
  it('prints the table with phases, outcomes and precision', () => {
    const r = run([listFile])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^pull\s+1\s+2\.000\s+2\.000\s+2\.000$/m)
    expect(r.stdout).toMatch(/^total\s+1\s+5\.000/m)
    expect(r.stdout).toContain('outcomes: ready 1')
    expect(r.stdout).toMatch(/precision: boundaries by source: .*event-name 1/)
    // The table's percentiles are computed from the values: it names nearest rank, not the rollups' method.
    expect(r.stdout).toMatch(/^Percentiles: nearest rank, rank ceil\(p \* n\)/m)
    expect(r.stdout).not.toContain('ClickHouse quantiles')
  })

  it('--json prints valid records; pods and events may come from separate files and stdin', () => {
    const podsFile = path.join(dir, 'pods.json')
    writeFileSync(
      podsFile,
      JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [{ ...p, kind: undefined }] }),
    )
    const r = run(
      [podsFile, '-', '--json', '--cluster', 'prod'],
      JSON.stringify({ kind: 'EventList', items: evs }),
    )
    expect(r.status).toBe(0)
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(1)
    expect(validateStartupRecord(lines[0]).errors).toEqual([])
    expect(lines[0]).toMatchObject({ cluster: 'prod', totalMs: 5000, phases: { pull: 2000 } })
  })

  it('NDJSON with a line broken in the middle: names file and line, still analyses the rest', () => {
    const f = path.join(dir, 'watch.ndjson')
    const lines = [p, ...evs].map((object, i) =>
      JSON.stringify({ type: 'ADDED', object, observedAt: new Date(T0 + 6000 + i).toISOString() }),
    )
    lines.splice(2, 0, lines[1]!.slice(0, 40))
    writeFileSync(f, `${lines.join('\n')}\n`)
    const r = run([f, '--json'])
    expect(r.status).toBe(0)
    expect(r.stderr).toContain(`${f}: line 3: invalid JSON`)
    expect(JSON.parse(r.stdout.trim()).phases.pull).toBe(2000)
  })

  it('truncated JSON and non-JSON: byte positions; exit 1 when nothing could be read', () => {
    const trunc = path.join(dir, 'trunc.json')
    const full = JSON.stringify({ kind: 'List', items: [p, ...evs] })
    writeFileSync(trunc, full.slice(0, full.length - 200))
    const r = run([trunc, '--json'])
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(new RegExp(`${trunc}: byte \\d+: truncated at byte ${full.length - 200}`))
    const junk = path.join(dir, 'junk.txt')
    writeFileSync(junk, 'this is not json\n')
    const j = run([junk])
    expect(j.status).toBe(1)
    expect(j.stderr).toContain(`${junk}: byte 0: not JSON at byte 0`)
    expect(j.stderr).toContain('nothing could be read')
  })

  it('a missing file is bad usage (exit 2), as in import, naming the file', () => {
    const missing = run([path.join(dir, 'nope.json')])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain(`cannot read ${path.join(dir, 'nope.json')}: no such file`)
    // Also when another file exists: nothing is analysed half.
    const both = run([listFile, path.join(dir, 'nope.json')])
    expect(both.status).toBe(2)
    expect(both.stdout).toBe('')
  })

  it('a Kubernetes Status object instead of a dump exits 1, naming the API reason', () => {
    const status = path.join(dir, 'forbidden.json')
    writeFileSync(
      status,
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'pods is forbidden: User "dev" cannot list resource "pods" in API group "" at the cluster scope',
        reason: 'Forbidden',
        details: { kind: 'pods' },
        code: 403,
      }),
    )
    const r = run([status])
    expect(r.status).toBe(1)
    // The reader names the file and the API's reason (its position wording is the reader's own).
    expect(r.stderr).toMatch(/forbidden\.json: .*a Kubernetes Status.*Forbidden/)
    // With a good file next to it the breakdown is printed, but the exit still says an input was unusable.
    const mixed = run([listFile, status, '--json'])
    expect(mixed.status).toBe(1)
    expect(mixed.stdout.trim().split('\n')).toHaveLength(1)
  })

  it('usage errors exit 2', () => {
    expect(run([]).status).toBe(2)
    expect(run([listFile, '--top', 'x']).status).toBe(2)
    expect(run([listFile, '--bogus']).status).toBe(2)
  })
})
