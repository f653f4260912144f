// Alerts and the weekly report delivery for a running collector: an AlertEngine fed by every written startup
// (and evaluated periodically over the store), and a cron schedule that sends the report summary with a link.

import { renderSummary } from '@podstart/schema/report'
import type { Querier } from '@podstart/schema/store'
import { AlertEngine, loadAlertsConfig, produceReport, ReportSchedule, reportLink } from '../alerts/index.ts'

export interface Alerting {
  engine: AlertEngine
  stop(): Promise<void>
}

export function startAlerting(opts: {
  cluster: string
  configPath: string
  querier: Querier
  dashboardUrl?: string
  log: (line: string) => void
}): Alerting {
  const config = loadAlertsConfig(opts.configPath)
  const engine = new AlertEngine({ cluster: opts.cluster, config, querier: opts.querier, log: opts.log })
  engine.start()
  const schedule = new ReportSchedule({
    expression: config.report?.schedule ?? '0 8 * * 1',
    log: opts.log,
    run: async () => {
      const report = await produceReport(opts.querier, {
        toMs: Date.now(),
        windowMs: 7 * 86_400_000,
        cluster: opts.cluster,
        dashboardUrl: opts.dashboardUrl,
        log: opts.log,
      })
      const link = opts.dashboardUrl ? reportLink(opts.dashboardUrl, report) : undefined
      engine.announce(renderSummary(report, link), config.report?.transports)
      opts.log(`weekly report sent (${report.regressions.length} regressions)`)
    },
  })
  schedule.start()
  opts.log(
    `alerts: ${config.transports.length} transports; weekly report "${config.report?.schedule ?? '0 8 * * 1'}" UTC`,
  )
  return {
    engine,
    async stop() {
      schedule.stop()
      await engine.stop()
    },
  }
}
