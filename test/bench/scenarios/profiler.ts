// Image profiler inflate: Node's gunzip path as profile-image runs it (zlib, 64 KiB read and output chunks)
// against `gzip -d`, `pigz -d` and `zstd -d` on the same locally built layer (a tar of system libraries).
import { spawnSync } from 'node:child_process'
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { timeCommand } from '../command-time.ts'
import { figure, quantileOf, round, type ScenarioResult } from '../result.ts'

function sink(): Writable & { bytes: number } {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      w.bytes += chunk.length
      cb()
    },
  }) as Writable & { bytes: number }
  w.bytes = 0
  return w
}

async function nodeGunzip(file: string, chunk: number): Promise<number> {
  const started = performance.now()
  await pipeline(createReadStream(file, { highWaterMark: chunk }), createGunzip({ chunkSize: chunk }), sink())
  return performance.now() - started
}

/** A layer of real files: system libraries, cut at `maxBytes` of input. */
function buildLayer(dir: string, maxBytes: number): { tar: string; gz: string; zst: string } {
  const tar = path.join(dir, 'layer.tar')
  const r = spawnSync('bash', [
    '-c',
    `tar -cf - --ignore-failed-read /usr/lib /usr/share 2>/dev/null | head -c ${maxBytes} > ${tar}`,
  ])
  if (r.status !== 0) throw new Error(`building the layer failed: ${r.stderr}`)
  const gz = `${tar}.gz`
  const zst = `${tar}.zst`
  if (spawnSync('bash', ['-c', `gzip -6 -c ${tar} > ${gz}`]).status !== 0) throw new Error('gzip failed')
  if (spawnSync('bash', ['-c', `zstd -q -3 -c ${tar} > ${zst}`]).status !== 0) throw new Error('zstd failed')
  return { tar, gz, zst }
}

const has = (bin: string) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0

export async function runProfiler(small: boolean): Promise<ScenarioResult> {
  const started = Date.now()
  const runs = small ? 3 : 5
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-bench-profiler-'))
  try {
    const layer = buildLayer(dir, small ? 48 * 2 ** 20 : 256 * 2 ** 20)
    const raw = statSync(layer.tar).size
    const median = async (fn: () => Promise<number>) => {
      const ms: number[] = []
      for (let i = 0; i < runs; i++) ms.push(await fn())
      return quantileOf(ms, 0.5) as number
    }
    const mbps = (ms: number | null) => (ms === null ? null : round(raw / 2 ** 20 / (ms / 1000), 0))
    const tools: Record<string, number | null> = {
      'node zlib (64 KiB chunks, profile-image)': await median(() => nodeGunzip(layer.gz, 64 * 1024)),
      'node zlib (1 MiB chunks)': await median(() => nodeGunzip(layer.gz, 1024 * 1024)),
      'gzip -d': has('gzip') ? await median(() => timeCommand('gzip', ['-d', '-c', layer.gz])) : null,
      'pigz -d': has('pigz') ? await median(() => timeCommand('pigz', ['-d', '-c', layer.gz])) : null,
      'zstd -d': has('zstd') ? await median(() => timeCommand('zstd', ['-d', '-q', '-c', layer.zst])) : null,
    }
    const nodeMs = tools['node zlib (64 KiB chunks, profile-image)'] as number
    const pigzMs = tools['pigz -d'] ?? null
    const figures = Object.entries(tools).map(([tool, ms]) =>
      figure(`${tool}`, mbps(ms), 'MB/s uncompressed'),
    )
    figures.push(
      figure('node gunzip time / pigz -d time', pigzMs === null ? null : round(nodeMs / pigzMs, 2), 'x', {
        op: '<=',
        value: 1.1,
      }),
    )
    return {
      scenario: 'profiler',
      size: small ? 'small' : 'full',
      ok: true,
      durationMs: Date.now() - started,
      figures,
      baseline: {
        what: 'the native decompressors on the same layer (pigz -d is the goal; zstd -d on a zstd -3 copy)',
        layerBytes: raw,
        gzipBytes: statSync(layer.gz).size,
        zstdBytes: statSync(layer.zst).size,
        medianMs: Object.fromEntries(Object.entries(tools).map(([k, v]) => [k, round(v, 0)])),
      },
      notes: [
        `median of ${runs} runs per tool; output discarded (inflate only, no extract); layer: tar of /usr/lib + /usr/share`,
      ],
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
