// Row schemas of image_pulls (migrations/0001_init.up.sql): Insert as sent, Read as decoded.
import { z } from 'zod'
import {
  chSeconds,
  chTimeIn,
  chTimeOut,
  podIdentityShape,
  uint16,
  uint32,
  uint64In,
  uint64Out,
} from './codec.ts'

function pullShape<T extends z.ZodType<string>, V extends z.ZodType<number>>(time: T, big: V) {
  const d = uint32.nullable()
  return {
    ...podIdentityShape,
    pod_created_at: time,
    pull_index: uint16,
    container: z.string().min(1),
    init: z.boolean(),
    image: z.string().min(1),
    image_digest: z.string().nullable(),
    started_at: time.nullable(),
    pull_ms: d,
    wait_ms: d,
    size_bytes: big.nullable(),
    size_kind: z.enum(['compressed', 'uncompressed']).nullable(),
    cached: z.boolean(),
    attempts: uint16,
    outcome: z.enum(['ok', 'failed', 'backoff']),
    failure_reason: z.string().nullable(),
    download_ms: d,
    decompress_ms: d,
    split_method: z.enum(['profile', 'size-model', 'measured', 'truth']).nullable(),
    runtime: z.string().nullable(),
    version: big,
  }
}

/** retain_from (migration 0008): omitted on insert, the column defaults to the startup's created_at. */
export const imagePullInsert = z.object({
  ...pullShape(chTimeIn, uint64In),
  retain_from: chSeconds.optional(),
})
export const imagePullRead = z.object({
  ...pullShape(chTimeOut, uint64Out),
  retain_from: chSeconds.optional(),
})
export type ImagePullInsert = z.infer<typeof imagePullInsert>
export type ImagePullRead = z.output<typeof imagePullRead>
/** Columns read by plain reads (retain_from left out, so they also work on stores before migration 0008). */
export const IMAGE_PULL_COLUMNS: readonly string[] = Object.keys(imagePullInsert.shape).filter(
  (c) => c !== 'retain_from',
)
/** Columns a copy of a pull row carries: IMAGE_PULL_COLUMNS and retain_from (a rewrite keeps its retention). */
export const IMAGE_PULL_COPY_COLUMNS: readonly string[] = [...IMAGE_PULL_COLUMNS, 'retain_from']
