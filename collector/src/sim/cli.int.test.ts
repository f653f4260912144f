// `podstart simulate` as a user runs it: serve until done and write the truth, or write history as NDJSON.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { validateStartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/podstart.mjs')

describe('podstart simulate', () => {
  it('serves the fast scenario until done and writes the truth and the manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podstart-sim-cli-'))
    const truth = join(dir, 'truth.ndjson')
    const kubeconfig = join(dir, 'kubeconfig')
    const { stdout } = await run(
      process.execPath,
      [
        bin,
        'simulate',
        '--scenario',
        'fast',
        '--speed',
        '5',
        '--pods',
        '12',
        '--rate',
        '20',
        '--truth',
        truth,
        '--kubeconfig-out',
        kubeconfig,
        '--exit-when-done',
      ],
      { timeout: 60_000 },
    )
    expect(stdout).toMatch(/serving at http:\/\/127\.0\.0\.1:\d+/)
    const records = readFileSync(truth, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(records).toHaveLength(12)
    for (const r of records) expect(validateStartupRecord(r).errors).toEqual([])
    const manifest = JSON.parse(readFileSync(`${truth}.manifest.json`, 'utf8'))
    expect(manifest.map((m: { kind: string }) => m.kind)).toContain('pull-failures')
    expect(readFileSync(kubeconfig, 'utf8')).toContain('insecure-skip-tls-verify: true')
  })

  it('writes history as NDJSON watch lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podstart-sim-cli-'))
    const out = join(dir, 'history.ndjson')
    await run(
      process.execPath,
      [
        bin,
        'simulate',
        '--scenario',
        'fast',
        '--history',
        '2d',
        '--history-out',
        out,
        '--pods-per-hour',
        '4',
      ],
      {
        timeout: 60_000,
      },
    )
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.length).toBeGreaterThan(100)
    expect(lines[0]).toMatchObject({ type: 'ADDED', object: { kind: 'Node' } })
    expect(lines.some((l) => l.object.kind === 'Pod' && l.type === 'MODIFIED')).toBe(true)
  })

  it('rejects a bad fault spec as a usage error', async () => {
    const err = await run(process.execPath, [bin, 'simulate', '--faults', 'explode=1s']).catch((e) => e)
    expect(err.code).toBe(2)
    expect(err.stderr).toMatch(/unknown fault "explode"/)
  })
})
