// `podstart report`: the weekly regression report from the store as Markdown, HTML or JSON; --send delivers the
// short summary with a link to the transports of an alerts config.
import { writeFileSync } from 'node:fs'
import { renderHtml, renderJson, renderMarkdown, renderSummary } from '@podstart/schema/report'
import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { loadAlertsConfig } from '../../alerts/config.ts'
import { AlertEngine } from '../../alerts/engine.ts'
import { produceReport, reportLink } from '../../alerts/report-delivery.ts'
import { logger } from '../../observability/log.ts'
import { type Command, durationFlag, EXIT, parseCommandArgs, UsageError } from '../args.ts'
import { storeConfig } from '../env.ts'

const log = logger()
const help = `podstart report: what changed in pod startups between this window and the one before

Usage: podstart report [--window 7d] [--compare previous|DATE] [--format md|html|json] [--out FILE]
                       [--send --alerts-config FILE] [--cluster NAME] [--namespace NS] [--to DATE] [--data DIR]

Compares the window ending now (or --to) with the previous one (or the window starting at --compare DATE) per
cluster, namespace, workload, image and node: startup and phase p50/p90/p99, counts, cold-start share, pull
failures, image sizes. A regression is large (p90 +25% and +1 s by default) and significant (Mann-Whitney U,
Benjamini-Hochberg FDR 5% over every test in the report, at least 20 samples a side); see docs/reports.md.

Options:
  --window D         window length (default 7d)
  --compare X        previous (default) or the start DATE (ISO) of the comparison window
  --to DATE          end of the current window (default now)
  --format F         md (default), html or json (schema: schema/src/report/report.schema.json)
  --out FILE         write there instead of stdout
  --send             deliver the summary and a link to the transports of --alerts-config
  --alerts-config F  alerts YAML (transports, externalUrl used as the dashboard link)
  --cluster NAME     one cluster only
  --namespace NS     one namespace only
  --data DIR         embedded store directory (default $PODSTART_DATA_DIR or ./.podstart)`

export const command: Command = {
  summary: 'weekly regression report (Markdown, HTML, JSON; --send to transports)',
  help,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      window: { type: 'string' },
      compare: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      send: { type: 'boolean' },
      'alerts-config': { type: 'string' },
      cluster: { type: 'string' },
      namespace: { type: 'string' },
      data: { type: 'string' },
    })
    const format = values.format ?? 'md'
    if (!['md', 'html', 'json'].includes(format))
      throw new UsageError(`--format must be md, html or json, got "${format}"`)
    const windowMs = durationFlag('--window', values.window, 7 * 86_400_000)
    const toMs = values.to ? Date.parse(values.to) : Date.now()
    if (Number.isNaN(toMs)) throw new UsageError(`--to is not a date: "${values.to}"`)
    let compareFromMs: number | undefined
    if (values.compare && values.compare !== 'previous') {
      compareFromMs = Date.parse(values.compare)
      if (Number.isNaN(compareFromMs))
        throw new UsageError(`--compare must be "previous" or a date, got "${values.compare}"`)
    }
    if (values.send && !values['alerts-config']) throw new UsageError('--send needs --alerts-config FILE')
    const alerts = values['alerts-config'] ? loadAlertsConfig(values['alerts-config']) : undefined

    const store = await openStore(storeConfig(values.data))
    try {
      await migrate(store, { log: () => undefined })
      const q = createQuerier(store)
      const report = await produceReport(q, {
        toMs,
        windowMs,
        compareFromMs,
        cluster: values.cluster,
        namespace: values.namespace,
        dashboardUrl: alerts?.externalUrl,
        log: log.info,
      })
      const text =
        format === 'html'
          ? renderHtml(report)
          : format === 'json'
            ? renderJson(report)
            : renderMarkdown(report)
      if (values.out) writeFileSync(values.out, text)
      else process.stdout.write(text)
      if (values.send && alerts) {
        const engine = new AlertEngine({
          cluster: values.cluster ?? '',
          config: alerts,
          log: log.info,
        })
        engine.announce(
          renderSummary(report, reportLink(alerts.externalUrl, report)),
          alerts.report?.transports,
        )
        await engine.stop()
        const failed = engine.deliveries.filter((d) => !d.ok && d.attempts >= alerts.delivery.maxAttempts)
        if (failed.length) {
          console.error(`report summary not delivered: ${failed.map((f) => f.error).join('; ')}`)
          return EXIT.failed
        }
      }
      return EXIT.ok
    } finally {
      await store.close()
    }
  },
}
