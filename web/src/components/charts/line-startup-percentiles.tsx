'use client'
// p50/p90/p99 of created -> Ready per step, in seconds. Dragging across the chart zooms to the steps covered
// (an explicit from/to in the URL, so the zoomed view can be shared).
import { usePathname, useRouter, useSearchParams } from 'next/navigation'
import { useState } from 'react'
import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, Tooltip, XAxis, YAxis } from 'recharts'
import type { PercentilePoint } from '@/charts/startup-series.ts'
import { zoomQuery, zoomWindow } from '@/charts/zoom.ts'
import {
  ChartFrame,
  chartMargin,
  secondsValue,
  timeAxis,
  tooltipStyle,
  utcLabel,
  valueAxis,
} from './chart-frame.tsx'

const PERCENTILES = ['p50', 'p90', 'p99'] as const

/** The label recharts reports under the pointer (a step's `at`), when there is one. */
const labelOf = (state: unknown): string | null => {
  const l = (state as { activeLabel?: unknown } | null)?.activeLabel
  return typeof l === 'string' || typeof l === 'number' ? String(l) : null
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
          const l = labelOf(s)
          if (l) setDrag({ a: l, b: l })
        }}
        onMouseMove={(s) => {
          const l = labelOf(s)
          if (drag && l) setDrag({ ...drag, b: l })
        }}
        onMouseUp={finish}
        onMouseLeave={() => setDrag(null)}
      >
        <CartesianGrid stroke="var(--grid)" vertical={false} />
        <XAxis {...timeAxis} />
        <YAxis {...valueAxis} unit=" s" />
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
