// The same startups as clusterloader2 and kube-burner report them, each with its own definition and percentile
// method (docs/slo.md), so a number read here matches the peer's report of the same pods.
import type { PeerSummary } from '@podstart/schema/queries'
import { formatCount, formatMs } from '@/lib/format.ts'
import { Numbers } from './numbers.tsx'

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : formatMs(v))

export function PeerViewsPanel({ peers }: { peers: PeerSummary }) {
  const rows: [string, string, string, (number | null)[]][] = [
    [
      'clusterloader2 pod_startup, receipt stamping',
      'p50 / p90 / p99, nearest rank',
      formatCount(peers.cl2.pods),
      peers.cl2.receipt,
    ],
    [
      'clusterloader2 pod_startup, classic stamping',
      'p50 / p90 / p99, nearest rank',
      formatCount(peers.cl2.pods),
      peers.cl2.classic,
    ],
    [
      'kube-burner Ready',
      'P50 / P95 / P99, montanaflynn/stats v0.7.1',
      formatCount(peers.kubeBurner.pods),
      peers.kubeBurner.ready,
    ],
    [
      'kube-burner ContainersStarted',
      'P50 / P95 / P99, montanaflynn/stats v0.7.1',
      formatCount(peers.kubeBurner.pods),
      peers.kubeBurner.containersStarted,
    ],
  ]
  return (
    <section className="panel" aria-labelledby="h-peers">
      <h2 id="h-peers">As clusterloader2 and kube-burner report it</h2>
      <p className="note">
        clusterloader2: created → first update with phase Running, nothing excluded. kube-burner:
        creationTimestamp → condition (whole seconds), Ready pods only. Every view:{' '}
        <code>podstart slo --as cl2|kube-burner --json</code>.
      </p>
      <Numbers caption="Peer views (percentile method per row)">
        <thead>
          <tr>
            <th>figure</th>
            <th>percentiles</th>
            <th>pods</th>
            <th>values</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, method, pods, v]) => (
            <tr key={name} data-peer={name}>
              <td>{name}</td>
              <td>{method}</td>
              <td>{pods}</td>
              <td>{v.map(ms).join(' / ')}</td>
            </tr>
          ))}
        </tbody>
      </Numbers>
    </section>
  )
}
