// Server-only data of the Imports page: the recorded `podstart import` runs.
import 'server-only'
import { type ImportRun, listImportRuns } from '@podstart/schema/queries'
import { dashboardQuerier } from './store.ts'

export async function loadImportRuns(opts: {
  cluster?: string
}): Promise<{ ok: true; value: ImportRun[] } | { ok: false; error: string }> {
  try {
    const q = await dashboardQuerier()
    return { ok: true, value: await listImportRuns(q)({ ...opts, limit: 200 }) }
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  }
}
