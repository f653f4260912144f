// One startup as a waterfall: phase spans and per-container pull wait / pull / create / run on a time axis
// from creation. Server-rendered SVG: exact positions, no hydration needed, numbers in each row's label.
import type { PodWaterfall, SpanKind } from '@/charts/pod-waterfall.ts'
import { niceDurationTicks } from '@/charts/ticks.ts'
import { formatMs } from '@/lib/format.ts'

const COLOR: Record<SpanKind, string> = {
  phase: 'var(--phase-scheduling)',
  'pull-wait': 'var(--phase-pullWait)',
  'pull-retry': 'var(--bad)',
  pull: 'var(--phase-pull)',
  create: 'var(--phase-start)',
  run: 'var(--phase-ready)',
}
const PHASE_COLOR: Record<string, string> = {
  scheduling: 'var(--phase-scheduling)',
  sandbox: 'var(--phase-sandbox)',
  init: 'var(--phase-init)',
  ready: 'var(--phase-ready)',
}

/** A reason short enough for the row; the row's tooltip holds all of it. */
const shortNote = (note: string) => (note.length > 70 ? `${note.slice(0, 69)}…` : note)

export function PodWaterfallChart({ waterfall }: { waterfall: PodWaterfall }) {
  const rowH = 22
  const labelW = 230
  const width = 1000
  const plotW = width - labelW - 90
  const rows = waterfall.spans
  const height = rows.length * rowH + 30
  // Round ticks (0, 2, 4, 6 s), the axis ending at the first one at or after the last boundary.
  const axis = niceDurationTicks(waterfall.spanMs / 1000, 5)
  const axisMs = axis.domain[1] * 1000
  const x = (ms: number) => labelW + (ms / axisMs) * plotW
  const ticks = axis.ticks
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      className="waterfall"
      role="img"
      aria-label="Startup waterfall"
      data-chart="pod-waterfall"
    >
      {ticks.map((t) => (
        <g key={t}>
          <line
            x1={x(t * 1000)}
            x2={x(t * 1000)}
            y1={0}
            y2={height - 20}
            className="axis"
            strokeDasharray="2 3"
          />
          <text x={x(t * 1000)} y={height - 6} textAnchor="middle">
            {axis.format(t)}
          </text>
        </g>
      ))}
      {rows.map((s, i) => {
        const y = i * rowH + 4
        const placed = s.startMs !== null && s.endMs !== null
        const color = s.kind === 'phase' ? (PHASE_COLOR[s.label] ?? 'var(--muted)') : COLOR[s.kind]
        return (
          <g key={`${s.kind}/${s.label}/${s.startMs}`} data-span={s.label} data-span-kind={s.kind}>
            <title>{`${s.label}: ${formatMs(s.durationMs)}${s.bounds ? `, ${s.bounds}` : ''}${s.note ? ` (${s.note})` : ''}`}</title>
            <text x={0} y={y + 13}>
              {s.label}
            </text>
            {placed ? (
              <rect
                x={x(s.startMs as number)}
                y={y + 2}
                width={Math.max(1.5, x(s.endMs as number) - x(s.startMs as number))}
                height={rowH - 8}
                fill={color}
                rx={2}
              />
            ) : null}
            <text
              x={placed ? Math.min(x(s.endMs as number) + 6, width - 84) : labelW}
              y={y + 13}
              className="muted"
            >
              {formatMs(s.durationMs)}
              {placed ? '' : s.durationMs === null ? ' (no evidence)' : ' (sum, no single position)'}
              {s.kind === 'pull-retry' || (s.kind === 'phase' && s.note && s.startMs !== null)
                ? ` ${shortNote(s.note ?? '')}`
                : ''}
            </text>
          </g>
        )
      })}
    </svg>
  )
}
