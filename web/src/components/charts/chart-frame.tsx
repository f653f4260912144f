// The frame and styling every dashboard chart shares: one sized box the e2e tests find by its data-chart
// name, the same margins, muted axes, tooltip panel and legend order, so the charts look alike and change
// together.
import type { ReactElement } from 'react'
import { ResponsiveContainer } from 'recharts'
import { formatTick } from '@/lib/format.ts'

export function ChartFrame({
  name,
  height,
  children,
}: {
  name: string
  /** Pixels; without it the .chart class sets the height. */
  height?: number
  children: ReactElement
}) {
  return (
    <div className="chart" data-chart={name} style={height === undefined ? undefined : { height }}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </div>
  )
}

export const chartMargin = { top: 8, right: 12, bottom: 0, left: 0 }

/** Props of every axis. */
export const axisStyle = { stroke: 'var(--muted)', fontSize: 11 }

/** The x axis of a chart with a point per time step (`at`, ISO in UTC). */
export const timeAxis = { dataKey: 'at', tickFormatter: formatTick, ...axisStyle, minTickGap: 40 }

/** The y axis beside a time axis. */
export const valueAxis = { ...axisStyle, width: 56 }

export const tooltipStyle = { background: 'var(--panel)', border: '1px solid var(--border)' }

/** A tooltip value in seconds; recharts hands over whatever the data holds, so anything else is '–'. */
export const secondsValue = (v: unknown) => (typeof v === 'number' ? `${v.toFixed(2)} s` : '–')

/** A time step's tooltip heading. */
export const utcLabel = (l: unknown) => `${String(l)} UTC`
