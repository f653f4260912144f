'use client'
// p50/p90/p99 of created -> Ready per step, in seconds. Dragging across the chart zooms to the steps covered
// (an explicit from/to in the URL, so the zoomed view can be shared).
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { useRef, useState } from 'react'
import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, Tooltip, XAxis, YAxis } from 'recharts'
import type { PercentilePoint } from '@/charts/startup-series.ts'
import { dataMax } from '@/charts/ticks.ts'
import { zoomQuery, zoomWindow } from '@/charts/zoom.ts'
import {
  ChartFrame,
  chartMargin,
  durationAxisProps,
  secondsValue,
  timeAxis,
  tooltipStyle,
  utcLabel,
  valueAxis,
} from './chart-frame.tsx'

const PERCENTILES = ['p50', 'p90', 'p99'] as const

/** The step under the pointer (its `at`): recharts' active label, else the point at its active index. */
const labelOf = (state: unknown, points: PercentilePoint[]): string | null => {
  const s = state as { activeLabel?: unknown; activeTooltipIndex?: unknown } | null
  const l = s?.activeLabel
  if (typeof l === 'string' || typeof l === 'number') return String(l)
  const i = Number(s?.activeTooltipIndex)
  return Number.isInteger(i) ? (points[i]?.at ?? null) : null
}

export function LineStartupPercentiles({
  points,
  stepSeconds,
}: {
  points: PercentilePoint[]
  stepSeconds: number
}) {
  const router = useRouter()
  const pathname = usePathname()
  const search = useSearchParams()
  const [drag, setDrag] = useState<{ a: string; b: string } | null>(null)
  // The last step hovered: a press may come before recharts reports a label for it.
  const hovered = useRef<string | null>(null)
  const finish = () => {
    if (drag && drag.a !== drag.b) {
      const w = zoomWindow(drag.a, drag.b, stepSeconds)
      if (w) router.push(`${pathname}${zoomQuery(search.toString(), w)}`)
    }
    setDrag(null)
  }
  return (
    <ChartFrame name="startup-percentiles">
      <LineChart
        data={points}
        margin={chartMargin}
        onMouseDown={(s) => {
          const l = labelOf(s, points) ?? hovered.current
          if (l) setDrag({ a: l, b: l })
        }}
        onMouseMove={(s) => {
          const l = labelOf(s, points)
          if (l) hovered.current = l
          if (drag && l) setDrag({ ...drag, b: l })
        }}
        onMouseUp={finish}
        onMouseLeave={() => setDrag(null)}
      >
        <CartesianGrid stroke="var(--grid)" vertical={false} />
        <XAxis {...timeAxis} />
        <YAxis {...valueAxis} {...durationAxisProps(dataMax(points, PERCENTILES))} />
        <Tooltip formatter={secondsValue} labelFormatter={utcLabel} contentStyle={tooltipStyle} />
        <Legend itemSorter={null} />
        {PERCENTILES.map((p) => (
          <Line
            key={p}
            name={p}
            dataKey={p}
            stroke={`var(--${p})`}
            dot={false}
            strokeWidth={2}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
        {drag && drag.a !== drag.b ? (
          <ReferenceArea x1={drag.a} x2={drag.b} fill="var(--accent)" fillOpacity={0.15} />
        ) : null}
      </LineChart>
    </ChartFrame>
  )
}
