// Step 3 of a record: a boundary never precedes the one before it. A negative duration is clock skew (the
// kubelet's clock behind the API server's): clamp it, count it, and show it (clockSkewClamps on the record).
import { BOUNDARY_NAMES, type BoundaryName, type BoundarySource } from '@podstart/schema/record'
import type { Boundaries } from './boundaries.ts'
import type { Point } from './point.ts'

/** How many boundaries were moved, and by how much in all (ms). */
export interface ClampCount {
  clamps: number
  clampedMs: number
}

/** The chain in startup order; finished follows whichever of them is last. */
const CLAMP_CHAIN = BOUNDARY_NAMES.filter(
  (b): b is Exclude<BoundaryName, 'finished'> => b !== 'finished',
) satisfies ReadonlyArray<keyof Boundaries>

/** Whole-second sources are truncated: within a second of the boundary before, that is rounding, not skew. */
const SECOND_SOURCES = new Set<BoundarySource>(['condition', 'event-timestamp', 'status', 'inferred'])

/**
 * Rounds every boundary to whole ms and moves each one that precedes its predecessor up to it. Without init
 * containers, initialized is sandboxReady itself (the kubelet sets Initialized before the sandbox), so init is 0.
 */
export function clampMonotone(b: Boundaries, hasInit: boolean): { boundaries: Boundaries } & ClampCount {
  const out: Boundaries = { ...b, initialized: hasInit ? b.initialized : null }
  let clamps = 0
  let clampedMs = 0
  let prev: Point | null = null
  for (const name of CLAMP_CHAIN) {
    const given = out[name]
    if (!given) continue
    const p: Point = { ms: Math.round(given.ms), source: given.source }
    if (prev && p.ms < prev.ms) {
      const deficit = prev.ms - p.ms
      if (!(SECOND_SOURCES.has(p.source) && deficit < 1000)) {
        clamps++
        clampedMs += deficit
      }
      p.ms = prev.ms
    }
    ;(out as Record<(typeof CLAMP_CHAIN)[number], Point | null>)[name] = p
    prev = p
  }
  if (!hasInit && out.sandboxReady) out.initialized = { ...out.sandboxReady }
  if (out.finished)
    out.finished = {
      ms: Math.round(Math.max(out.finished.ms, prev?.ms ?? out.finished.ms)),
      source: out.finished.source,
    }
  return { boundaries: out, clamps, clampedMs }
}

/**
 * The second clamp: the pulls must fit between Initialized and the last start. When they do not, some boundary
 * ran ahead; the total stays exact by taking the excess from the least exact phase first (the wait), then the
 * pull. Returns the fitted phases and the start that is left.
 */
export function fitPulls(
  initializedMs: number,
  containersStartedMs: number,
  pullWait: number | null,
  pull: number,
): { pullWait: number | null; pull: number; start: number } & ClampCount {
  let rest = containersStartedMs - initializedMs - (pullWait ?? 0) - pull
  if (rest >= 0) return { pullWait, pull, start: rest, clamps: 0, clampedMs: 0 }
  const clampedMs = -rest
  const fromWait = Math.min(pullWait ?? 0, -rest)
  const wait = pullWait === null ? null : pullWait - fromWait
  rest += fromWait
  let fitted = pull
  if (rest < 0) {
    fitted = Math.max(0, pull + rest)
    rest = 0
  }
  return { pullWait: wait, pull: fitted, start: rest, clamps: 1, clampedMs }
}
