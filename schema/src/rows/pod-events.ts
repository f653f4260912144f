// Row schemas of pod_events (raw events, short TTL; migrations/0001_init.up.sql).
import { z } from 'zod'
import { chTimeIn, chTimeOut, uint32, uint64In, uint64Out } from './codec.ts'

function eventShape<T extends z.ZodType<string>, V extends z.ZodType<number>>(time: T, version: V) {
  return {
    cluster: z.string().min(1),
    namespace: z.string().min(1),
    uid: z.string(),
    pod: z.string(),
    event_name: z.string().min(1),
    reason: z.string(),
    message: z.string(),
    type: z.string(),
    source_component: z.string(),
    field_path: z.string(),
    count: uint32,
    first_at: time.nullable(),
    last_at: time.nullable(),
    event_time: time.nullable(),
    created_at: time,
    observed_at: time,
    version,
  }
}

export const podEventInsert = z.object(eventShape(chTimeIn, uint64In))
export const podEventRead = z.object(eventShape(chTimeOut, uint64Out))
export type PodEventInsert = z.infer<typeof podEventInsert>
export type PodEventRead = z.output<typeof podEventRead>
export const POD_EVENT_COLUMNS: readonly string[] = Object.keys(podEventInsert.shape)
