// PagerDuty Events API v2: one trigger or resolve event per alert, deduplicated by its fingerprint; plain-text
// messages are not sent there.
import { post } from './http.ts'
import type { AlertNotice } from './notice.ts'
import type { Transport } from './transport.ts'

export function pagerDutyEvent(routingKey: string, a: AlertNotice) {
  if (a.status === 'resolved')
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: a.fingerprint }
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: a.fingerprint,
    payload: {
      summary: (a.annotations.summary ?? a.labels.alertname ?? 'podstart alert').slice(0, 1024),
      source: a.labels.node ?? a.labels.cluster ?? 'podstart',
      severity: a.labels.severity === 'critical' ? 'critical' : 'warning',
      timestamp: a.startsAt,
      custom_details: { labels: a.labels, description: a.annotations.description },
    },
    links: [{ href: a.generatorURL, text: 'podstart' }],
  }
}

export const pagerduty: Transport<'pagerduty'> = {
  secret: (t) => t.routingKey,
  send: async (t, g, ctx) => {
    if (g.text) return
    for (const a of g.alerts) await post(t.name, t.url, pagerDutyEvent(ctx.secret, a), ctx.timeoutMs)
  },
}
