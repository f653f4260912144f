// Times the "inflate" share of decompress per tool: Node zlib, GNU gzip, pigz, zstd (CLI or pure-JS fallback).
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, createReadStream, createWriteStream, openSync, statSync } from 'node:fs'
import { Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { Decompress } from 'fzstd'
import type { LayerCompression } from '../registry/media.ts'

/** What inflated the bytes. `zstd-recompressed` is zstd -d on a zstd -3 copy of a gzip layer (an estimate). */
export type InflateTool = 'node-zlib' | 'gzip' | 'pigz' | 'zstd' | 'fzstd' | 'zstd-recompressed'

export interface InflateTiming {
  tool: InflateTool
  ms: number
  /** Uncompressed bytes per second of wall time. */
  bytesPerSec: number
}

const CHUNK = 64 * 1024

/** Which external decompressors are on PATH (checked once per process). */
export interface InstalledTools {
  gzip: boolean
  pigz: boolean
  zstd: boolean
}

let installed: InstalledTools | undefined
export function installedTools(): InstalledTools {
  if (!installed) {
    const has = (bin: string) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0
    installed = { gzip: has('gzip'), pigz: has('pigz'), zstd: has('zstd') }
  }
  return installed
}

/** Runs `bin args...` with stdout to a file (or /dev/null) and returns its wall time; rejects with its stderr. */
function timeCommand(bin: string, args: string[], stdoutFile = '/dev/null'): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = openSync(stdoutFile, 'w')
    const started = performance.now()
    const child = spawn(bin, args, { stdio: ['ignore', out, 'pipe'] })
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.on('error', (err) => {
      closeSync(out)
      reject(err)
    })
    child.on('close', (code) => {
      const ms = performance.now() - started
      closeSync(out)
      if (code === 0) resolve(ms)
      else reject(new Error(`${bin} ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n')[0] ?? ''}`))
    })
  })
}

function counter(): Writable & { bytes: number } {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      w.bytes += chunk.length
      cb()
    },
  }) as Writable & { bytes: number }
  w.bytes = 0
  return w
}

/** fzstd as a stream, for hosts without the zstd CLI. */
function fzstdTransform(): Transform {
  let push: (chunk: Uint8Array) => void = () => {}
  const decoder = new Decompress((data) => push(data))
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      push = (d) => this.push(Buffer.from(d.buffer, d.byteOffset, d.byteLength))
      try {
        decoder.push(chunk)
        cb()
      } catch (err) {
        cb(err as Error)
      }
    },
    flush(cb) {
      push = (d) => this.push(Buffer.from(d.buffer, d.byteOffset, d.byteLength))
      try {
        decoder.push(new Uint8Array(0), true)
        cb()
      } catch (err) {
        cb(err as Error)
      }
    },
  })
}

/** Node zlib gunzip of a file with 64 KiB chunks (as the profiler's reference inflater); returns output bytes. */
async function timeNodeGunzip(file: string): Promise<{ ms: number; bytes: number }> {
  const sink = counter()
  const started = performance.now()
  await pipeline(createReadStream(file, { highWaterMark: CHUNK }), createGunzip({ chunkSize: CHUNK }), sink)
  return { ms: performance.now() - started, bytes: sink.bytes }
}

async function timeFzstd(file: string): Promise<{ ms: number; bytes: number }> {
  const sink = counter()
  const started = performance.now()
  await pipeline(createReadStream(file, { highWaterMark: CHUNK }), fzstdTransform(), sink)
  return { ms: performance.now() - started, bytes: sink.bytes }
}

/**
 * Writes the uncompressed tar of a layer to `out` (not timed: the extract pass reads it back, so extract
 * is measured without inflate). Returns which decoder did it.
 */
export async function inflateToFile(
  file: string,
  compression: LayerCompression,
  out: string,
): Promise<string> {
  if (compression === 'gzip') {
    await pipeline(
      createReadStream(file, { highWaterMark: CHUNK }),
      createGunzip({ chunkSize: CHUNK }),
      createWriteStream(out),
    )
    return 'node-zlib'
  }
  if (compression === 'zstd') {
    if (installedTools().zstd) {
      await timeCommand('zstd', ['-d', '-q', '-c', file], out)
      return 'zstd'
    }
    await pipeline(createReadStream(file, { highWaterMark: CHUNK }), fzstdTransform(), createWriteStream(out))
    return 'fzstd'
  }
  await pipeline(createReadStream(file), createWriteStream(out))
  return 'copy'
}

/** Times every available inflater for a layer. `uncompressedBytes` turns wall time into a rate. */
export async function timeInflaters(
  file: string,
  compression: LayerCompression,
  uncompressedBytes: number,
  scratch: { tarFile: string; recompressedFile: string },
): Promise<{ timings: InflateTiming[]; recompressedBytes?: number }> {
  const tools = installedTools()
  const timings: InflateTiming[] = []
  const add = (tool: InflateTool, ms: number) =>
    timings.push({ tool, ms, bytesPerSec: ms > 0 ? (uncompressedBytes / ms) * 1000 : 0 })
  let recompressedBytes: number | undefined
  if (compression === 'gzip') {
    add('node-zlib', (await timeNodeGunzip(file)).ms)
    if (tools.gzip) add('gzip', await timeCommand('gzip', ['-d', '-c', file]))
    if (tools.pigz) add('pigz', await timeCommand('pigz', ['-d', '-c', file]))
    if (tools.zstd) {
      // What the same layer would cost as zstd: recompress once at the default level, time only the decode.
      await timeCommand('zstd', ['-3', '-q', '-c', scratch.tarFile], scratch.recompressedFile)
      recompressedBytes = statSync(scratch.recompressedFile).size
      add('zstd-recompressed', await timeCommand('zstd', ['-d', '-q', '-c', scratch.recompressedFile]))
    }
  } else if (compression === 'zstd') {
    if (tools.zstd) add('zstd', await timeCommand('zstd', ['-d', '-q', '-c', file]))
    else add('fzstd', (await timeFzstd(file)).ms)
  }
  return recompressedBytes === undefined ? { timings } : { timings, recompressedBytes }
}
