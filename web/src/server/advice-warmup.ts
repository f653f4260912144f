// Background evaluation of the default view's advice (see instrumentation.ts); failures only mean the first
// page load evaluates it instead.
import 'server-only'
import { resolveWindow } from '../lib/time-range.ts'
import { loadFindings } from './dashboard-data.ts'

export async function warmFindings(): Promise<void> {
  await loadFindings(resolveWindow({}, Date.now()), {}, 1)
}
