// Dashboard answers kept per snapshot of the data they read (@podstart/schema dashboardSnapshot): a page asks
// one cheap snapshot question per window, and every answer already computed for that snapshot is served from
// memory. A write or a rollup rebuild changes the snapshot, so no answer outlives the data it came from.
import 'server-only'
import { type DashboardSnapshot, dashboardSnapshot } from '@podstart/schema/queries'
import { cache } from 'react'
import type { TimeWindow } from '@/lib/time-range.ts'
import { dashboardQuerier } from './store.ts'

/** Entries kept (least recently used dropped first); an answer is a few kB, a page asks about 15. */
const MAX_ANSWERS = 3_000

interface Shared {
  answers: Map<string, unknown>
  pending: Map<string, Promise<unknown>>
  snapshots: Map<string, Promise<DashboardSnapshot>>
}
// On globalThis: Next.js bundles route segments apart, and every segment must share the one cache.
const KEY = Symbol.for('podstart.dashboard.answers')
const g = globalThis as Record<symbol, Shared | undefined>
const shared: Shared = g[KEY] ?? { answers: new Map(), pending: new Map(), snapshots: new Map() }
g[KEY] = shared

/**
 * The snapshot of a window, read once per request (React's per-request cache); requests arriving while one is
 * being read share that read (its answer is as fresh as any of theirs would be).
 */
const requestSnapshot = cache(async (from: string, to: string): Promise<DashboardSnapshot> => {
  const k = `${from}|${to}`
  let p = shared.snapshots.get(k)
  if (!p) {
    p = dashboardQuerier()
      .then((q) => dashboardSnapshot(q, { from, to }))
      .finally(() => shared.snapshots.delete(k))
    shared.snapshots.set(k, p)
  }
  return p
})

/**
 * `run`'s answer for this window's snapshot: from memory when the same question (`name` and `params`, without
 * the window's end, which the snapshot already accounts for) was answered for the same snapshot, shared when it
 * is being answered, else run. Failures are never kept.
 */
export async function answer<T>(
  window: TimeWindow,
  name: string,
  params: unknown,
  run: () => Promise<T>,
): Promise<T> {
  const snap = await requestSnapshot(window.from, window.to)
  const key = JSON.stringify([snap.key, name, window.stepSeconds, params])
  if (shared.answers.has(key)) {
    const v = shared.answers.get(key) as T
    shared.answers.delete(key)
    shared.answers.set(key, v)
    return v
  }
  let p = shared.pending.get(key) as Promise<T> | undefined
  if (!p) {
    p = run()
      .then((v) => {
        shared.answers.set(key, v)
        if (shared.answers.size > MAX_ANSWERS) {
          const oldest = shared.answers.keys().next().value
          if (oldest !== undefined) shared.answers.delete(oldest)
        }
        return v
      })
      .finally(() => shared.pending.delete(key))
    shared.pending.set(key, p)
  }
  return p
}
