// Alert history: every episode the collector raised, firing first, with its delivery record.
import { dashboardEnv } from '@/server/env.ts'
import { loadAlertHistory } from '@/server/reports.ts'

export const dynamic = 'force-dynamic'

export default async function AlertsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}) {
  const sp = await searchParams
  const state = sp.state === 'firing' || sp.state === 'resolved' ? sp.state : undefined
  const cluster = typeof sp.cluster === 'string' && sp.cluster ? sp.cluster : undefined
  const loaded = await loadAlertHistory({ state, cluster })
  if (!loaded.ok) {
    return (
      <section>
        <h1>Alerts</h1>
        <p className="muted">Store unavailable: {loaded.error}</p>
      </section>
    )
  }
  const fp = typeof sp.fingerprint === 'string' ? sp.fingerprint : undefined
  const rows = fp ? loaded.value.filter((a) => a.fingerprint === fp) : loaded.value
  const config = dashboardEnv().PODSTART_ALERTS_CONFIG
  return (
    <section>
      <h1>Alerts</h1>
      {config ? (
        <p className="meta" data-alerts-config="loaded">
          Alert rules from <code>{config}</code> are evaluated by the collector in this process.
        </p>
      ) : (
        <p className="meta" data-alerts-config="none">
          No alerts config is loaded here: no alert rules are evaluated by this process. Start{' '}
          <code>podstart up --alerts-config FILE</code> (or a collector with one) to raise alerts on slow or
          failing pulls; episodes recorded by other collectors still show below.
        </p>
      )}
      <p className="subtitle">{rows.length} alert episode(s).</p>
      <table>
        <thead>
          <tr>
            <th>state</th>
            <th>rule</th>
            <th>summary</th>
            <th>labels</th>
            <th>started</th>
            <th>ended</th>
            <th>deliveries</th>
            <th>last error</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={`${a.fingerprint}-${a.startsAt}`}>
              <td>{a.state}</td>
              <td>{a.rule}</td>
              <td>{a.annotations.summary ?? ''}</td>
              <td>
                {Object.entries(a.labels)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')}
              </td>
              <td>{a.startsAt.slice(0, 19).replace('T', ' ')}</td>
              <td>{a.endsAt ? a.endsAt.slice(0, 19).replace('T', ' ') : '–'}</td>
              <td>
                {a.deliveries}
                {a.lastSentAt ? ` (last ${a.lastSentAt.slice(11, 19)})` : ''}
              </td>
              <td>{a.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
