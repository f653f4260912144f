import { storeHealth } from '../src/server/store'

export const dynamic = 'force-dynamic'

export default async function OverviewPage() {
  const health = await storeHealth()
  if (!health.ok) {
    return (
      <section>
        <h1>Store unavailable</h1>
        <p className="muted">{health.error}</p>
        <p>Check CLICKHOUSE_URL or the data directory, then reload.</p>
      </section>
    )
  }
  return (
    <section>
      <h1>Pod startups</h1>
      <p>
        {health.startups} startups stored ({health.store} store).
      </p>
    </section>
  )
}
