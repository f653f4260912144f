// The weekly report from the store: figures and samples of both windows in SQL, advice linked, the model built; and its scheduled delivery
// (a cron expression in UTC, default Monday 08:00) as a short summary with a link to the dashboard's report page.
import { evaluateAdvice } from '@podstart/schema/advice'
import {
  type AdviceLink,
  type Report,
  type ReportConfig,
  renderSummary,
  reportFromStore,
} from '@podstart/schema/report'
import type { Querier } from '@podstart/schema/store'
import { CronExpressionParser } from 'cron-parser'

export interface ReportRequest {
  /** End of the current window (ms, exclusive). */
  toMs: number
  windowMs: number
  /** Start of the previous window (ms); default: the window right before the current one. */
  compareFromMs?: number
  cluster?: string
  namespace?: string
  dashboardUrl?: string
  config?: Partial<ReportConfig>
  log?: (line: string) => void
}

const iso = (ms: number) => new Date(ms).toISOString()

/** Advice for the current window; a failing advice engine leaves the report without links, not without a report. */
async function adviceFor(q: Querier, from: string, to: string, r: ReportRequest): Promise<AdviceLink[]> {
  try {
    return await evaluateAdvice(q, {
      from,
      to,
      ...(r.cluster ? { cluster: r.cluster } : {}),
      ...(r.namespace ? { namespace: r.namespace } : {}),
    })
  } catch (err) {
    r.log?.(`advice not linked: ${(err as Error).message}`)
    return []
  }
}

export async function produceReport(q: Querier, r: ReportRequest): Promise<Report> {
  const curFrom = r.toMs - r.windowMs
  const prevFrom = r.compareFromMs ?? curFrom - r.windowMs
  const prevTo = prevFrom + r.windowMs
  const scope = {
    ...(r.cluster ? { cluster: r.cluster } : {}),
    ...(r.namespace ? { namespace: r.namespace } : {}),
  }
  const current = { from: iso(curFrom), to: iso(r.toMs) }
  const previous = { from: iso(prevFrom), to: iso(prevTo) }
  // Counts and percentiles in SQL, rank tests on bounded per-group samples (docs/reports.md).
  return reportFromStore(q, {
    ...scope,
    current,
    previous,
    advice: await adviceFor(q, current.from, current.to, r),
    generatedAt: iso(Date.now()),
    ...(r.dashboardUrl ? { dashboardUrl: r.dashboardUrl } : {}),
    ...(r.config ? { config: r.config } : {}),
  })
}

/** Next run of a cron expression strictly after `afterMs`, in UTC; throws on a bad expression. */
export function nextRunMs(expression: string, afterMs: number): number {
  return CronExpressionParser.parse(expression, { currentDate: new Date(afterMs), tz: 'UTC' })
    .next()
    .getTime()
}

/** The link a summary carries: the dashboard's report page for the window. */
export function reportLink(dashboardUrl: string, report: Report): string {
  const base = dashboardUrl.replace(/\/+$/, '')
  return `${base}/reports?to=${encodeURIComponent(report.windows.current.to)}`
}

export class ReportSchedule {
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly opts: {
      expression: string
      run: () => Promise<void>
      log?: (line: string) => void
      now?: () => number
    },
  ) {
    nextRunMs(opts.expression, Date.now())
  }

  start(): void {
    const now = (this.opts.now ?? Date.now)()
    const at = nextRunMs(this.opts.expression, now)
    // setTimeout holds at most ~24.8 days; a weekly schedule is well within it.
    this.timer = setTimeout(
      () => {
        this.opts
          .run()
          .catch((err) => this.opts.log?.(`scheduled report failed: ${(err as Error).message}`))
          .finally(() => this.start())
      },
      Math.min(at - now, 2 ** 31 - 1),
    )
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
  }
}

export { renderSummary }
