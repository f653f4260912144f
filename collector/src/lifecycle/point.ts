// A candidate boundary: a time and the source it came from, and how an event's times become one.
import type { BoundarySource } from '@podstart/schema/record'
import { type CompactEvent, TimeSrc } from './events.ts'

export interface Point {
  ms: number
  source: BoundarySource
}

const TIME_SRC: Record<TimeSrc, BoundarySource> = {
  [TimeSrc.None]: 'inferred',
  [TimeSrc.EventName]: 'event-name',
  [TimeSrc.EventTime]: 'event-time',
  [TimeSrc.EventTimestamp]: 'event-timestamp',
}

/** An event's first occurrence, or with `latest` its last one (an aggregated event repeats the transition). */
export function eventPoint(e: CompactEvent, latest: boolean): Point {
  return latest && e.count > 1
    ? { ms: e.lastMs, source: TIME_SRC[e.lastSrc] }
    : { ms: e.firstMs, source: TIME_SRC[e.firstSrc] }
}
