// Server-only access to the store for the dashboard: the handle `podstart up` shares, or one opened from env.
import 'server-only'
import { countStartups, querierFor } from '@podstart/schema/queries'
import { getStore } from '@podstart/schema/store'

export interface StoreHealth {
  ok: boolean
  store: 'embedded' | 'server' | null
  startups: number | null
  error?: string
}

export async function storeHealth(): Promise<StoreHealth> {
  try {
    const store = await getStore()
    const [row] = await countStartups(querierFor(store))({})
    return { ok: true, store: store.mode, startups: row?.startups ?? 0 }
  } catch (err) {
    return { ok: false, store: null, startups: null, error: (err as Error).message }
  }
}
