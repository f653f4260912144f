// A generic webhook: Alertmanager's webhook body (version 4), or `{ text }` for a plain-text message.
import { post } from './http.ts'
import type { AlertNotice, GroupNotice } from './notice.ts'
import type { Transport } from './transport.ts'

const ZERO_TIME = '0001-01-01T00:00:00Z'

function common(alerts: AlertNotice[], pick: 'labels' | 'annotations'): Record<string, string> {
  const [first, ...rest] = alerts
  if (!first) return {}
  return Object.fromEntries(
    Object.entries(first[pick]).filter(([k, v]) => rest.every((a) => a[pick][k] === v)),
  )
}

/** Alertmanager's webhook body (version 4). */
export function webhookBody(receiver: string, externalURL: string, g: GroupNotice) {
  return {
    version: '4',
    groupKey: g.groupKey,
    truncatedAlerts: 0,
    status: g.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver,
    groupLabels: g.groupLabels,
    commonLabels: common(g.alerts, 'labels'),
    commonAnnotations: common(g.alerts, 'annotations'),
    externalURL,
    alerts: g.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? ZERO_TIME,
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
  }
}

export const webhook: Transport<'webhook'> = {
  secret: (t) => t.url,
  send: (t, g, ctx) =>
    post(
      t.name,
      ctx.secret,
      g.text ? { text: g.text } : webhookBody(t.name, ctx.externalUrl, g),
      ctx.timeoutMs,
    ),
}
