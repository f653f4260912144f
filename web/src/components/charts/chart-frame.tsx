// The frame and styling every dashboard chart shares: one sized box the e2e tests find by its data-chart
// name, the same margins, muted axes, tooltip panel and legend order, so the charts look alike and change
// together.
import type { ReactElement } from 'react'
import { ResponsiveContainer } from 'recharts'
import { niceCountTicks, niceDurationTicks } from '@/charts/ticks.ts'
import { formatChartTime, formatCount, formatSeconds, formatTick } from '@/lib/format.ts'

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

/** A tooltip value in seconds (every chart's durations); recharts hands over whatever the data holds, so anything else is '–'. */
export const secondsValue = (v: unknown) => (typeof v === 'number' ? formatSeconds(v) : '–')

/** A tooltip count. */
export const countValue = (v: unknown) => (typeof v === 'number' ? formatCount(v) : '–')

/** A time step's or day's tooltip heading, in the one format of every chart: '2024-05-01 10:00:00 UTC'. */
export const utcLabel = (l: unknown) => formatChartTime(l)

/**
 * The props of a duration axis (values in seconds) up to `max`: round ticks in one unit (ms, s or min) and
 * the domain they span, every tick drawn.
 */
export function durationAxisProps(max: number, target = 5) {
  const t = niceDurationTicks(max, target)
  return { ticks: t.ticks, domain: t.domain, tickFormatter: t.format, interval: 0 as const }
}

/** The props of a count axis up to `max`: whole round ticks. */
export function countAxisProps(max: number, target = 5) {
  const t = niceCountTicks(max, target)
  return {
    ticks: t.ticks,
    domain: t.domain,
    tickFormatter: t.format,
    interval: 0 as const,
    allowDecimals: false,
  }
}
