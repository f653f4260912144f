// Health of the dashboard's view of the store: { ok, store, startups } from the real store.
import { storeHealth } from '@/server/store'

export const dynamic = 'force-dynamic'

export async function GET() {
  const health = await storeHealth()
  return Response.json(health, { status: health.ok ? 200 : 503 })
}
