// Runs one bench scenario in its own process and reports its result (or its failure) to the runner.
import { childArgs, report } from '../child.ts'
import type { ScenarioName, ScenarioResult } from '../result.ts'

const { name, small } = childArgs<{ name: ScenarioName; small: boolean }>()
const runners: Record<ScenarioName, () => Promise<ScenarioResult>> = {
  burst: async () => (await import('../scenarios/burst.ts')).runBurst(small),
  steady: async () => (await import('../scenarios/steady.ts')).runSteady(small),
  queries: async () => (await import('../scenarios/queries.ts')).runQueries(small),
  profiler: async () => (await import('../scenarios/profiler.ts')).runProfiler(small),
  coldstart: async () => (await import('../scenarios/coldstart.ts')).runColdstart(small),
  pages: async () => (await import('../scenarios/pages.ts')).runPages(small),
}
const started = Date.now()
try {
  report({ type: 'result', result: await runners[name]() })
} catch (err) {
  const result: ScenarioResult = {
    scenario: name,
    size: small ? 'small' : 'full',
    ok: false,
    error: (err as Error).stack ?? String(err),
    durationMs: Date.now() - started,
    figures: [],
    baseline: {},
    notes: [],
  }
  report({ type: 'result', result })
}
// The chDB handle and child servers may keep the loop alive: the result is out, so leave.
setTimeout(() => process.exit(0), 200)
