// A workload's rollouts on the window's timeline (a mark per rollout, its bar as long as it took) and a table.
import type { WorkloadRollout } from '@podstart/schema/queries'
import { formatMs, formatTime } from '@/lib/format.ts'
import type { TimeWindow } from '@/lib/time-range.ts'
import { Empty } from './states.tsx'

export function RolloutsPanel({
  rollouts,
  window,
}: {
  rollouts: WorkloadRollout[] | { error: string }
  window: TimeWindow
}) {
  return (
    <section
      className="panel"
      aria-labelledby="h-rollouts"
      style={{ marginBottom: '0.9rem' }}
      data-section="rollouts"
    >
      <h2 id="h-rollouts">Rollouts</h2>
      <p className="note">
        Each new ReplicaSet, from its creation until its last pod was Ready (pods belong to it by name).
      </p>
      {'error' in rollouts ? (
        <Empty title="Rollouts could not be read.">{rollouts.error}</Empty>
      ) : rollouts.length === 0 ? (
        <Empty title="No rollout in this window.">
          Rollouts are recorded by the collector from ReplicaSets it watches.
        </Empty>
      ) : (
        <>
          <RolloutTimeline rollouts={rollouts} window={window} />
          <table data-table="rollouts">
            <thead>
              <tr>
                <th>replica set</th>
                <th>revision</th>
                <th>started</th>
                <th>image only</th>
                <th>pods ready</th>
                <th>took</th>
                <th className="wrap">images</th>
              </tr>
            </thead>
            <tbody>
              {rollouts.map((r) => (
                <tr key={`${r.cluster}/${r.replicaSet}`}>
                  <td>{r.replicaSet}</td>
                  <td>{r.revision}</td>
                  <td>{formatTime(r.startedAt)}</td>
                  <td>{r.imageOnly === null ? '?' : r.imageOnly ? 'yes' : 'no'}</td>
                  <td>
                    {r.readyPods} / {r.pods}
                  </td>
                  <td>
                    {r.durationMs === null ? (
                      <span className="muted">not all ready</span>
                    ) : (
                      formatMs(r.durationMs)
                    )}
                  </td>
                  <td className="wrap">{r.images.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}

function RolloutTimeline({ rollouts, window }: { rollouts: WorkloadRollout[]; window: TimeWindow }) {
  const from = Date.parse(window.from)
  const span = Date.parse(window.to) - from
  const x = (ms: number) => Math.max(0, Math.min(1000, ((ms - from) / span) * 1000))
  return (
    <svg
      viewBox="0 0 1000 40"
      className="waterfall"
      role="img"
      aria-label="Rollouts on the timeline"
      style={{ height: 40 }}
    >
      <line x1={0} x2={1000} y1={30} y2={30} className="axis" />
      {rollouts.map((r) => {
        const start = Date.parse(r.startedAt)
        const end = r.durationMs === null ? Date.parse(window.to) : start + r.durationMs
        return (
          <g key={r.replicaSet}>
            <title>{`${r.replicaSet}: ${r.durationMs === null ? 'not all ready' : formatMs(r.durationMs)}`}</title>
            <rect
              x={x(start)}
              y={14}
              width={Math.max(2, x(end) - x(start))}
              height={12}
              fill="var(--accent)"
              opacity={0.7}
            />
            <line x1={x(start)} x2={x(start)} y1={6} y2={32} stroke="var(--accent)" />
          </g>
        )
      })}
      <text x={2} y={10}>
        {window.from.slice(5, 16).replace('T', ' ')}
      </text>
      <text x={998} y={10} textAnchor="end">
        {window.to.slice(5, 16).replace('T', ' ')}
      </text>
    </svg>
  )
}
