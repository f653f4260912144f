// Background evaluation of the default view's advice (see instrumentation.ts); failures only mean the first
// page load evaluates it instead.
import 'server-only'
import { resolveWindow } from '@/lib/time-range.ts'
import { dashboardEnv } from './env.ts'
import { loadFindings } from './findings-cache.ts'

export async function warmFindings(): Promise<void> {
  if (!dashboardEnv().PODSTART_ADVICE_WARMUP) return
  await loadFindings(resolveWindow({}, Date.now()), {}, 1)
}
