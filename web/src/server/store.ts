// Server-only access to the store for the dashboard: the handle `podstart up` shares, or one opened from env.
import 'server-only'
import { countStartups } from '@podstart/schema/queries'
import { createQuerier, getStore, type Querier } from '@podstart/schema/store'

export interface StoreHealth {
  ok: boolean
  store: 'embedded' | 'server' | null
  startups: number | null
  error?: string
}

/** A querier over the shared store (opened on first use; a failed open is retried on the next call). */
export async function dashboardQuerier(): Promise<Querier> {
  return createQuerier(await getStore())
}

export async function storeHealth(): Promise<StoreHealth> {
  try {
    const store = await getStore()
    const startups = await countStartups(createQuerier(store))({})
    return { ok: true, store: store.mode, startups }
  } catch (err) {
    return { ok: false, store: null, startups: null, error: (err as Error).message }
  }
}
