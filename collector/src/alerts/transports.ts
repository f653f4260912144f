// Transports: build each receiver's payload from a group of alerts and POST it. Errors name the transport and
// the HTTP status or network error code, never the URL or a key.
import { resolveSecret, type TransportConfig } from './config.ts'

export interface AlertNotice {
  fingerprint: string
  status: 'firing' | 'resolved'
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string | null
  generatorURL: string
}

export interface GroupNotice {
  groupKey: string
  groupLabels: Record<string, string>
  alerts: AlertNotice[]
  /** Plain-text body for chat transports when this is not an alert (the weekly report summary). */
  text?: string
}

export class DeliveryError extends Error {
  override name = 'DeliveryError'
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message)
  }
}

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

export function slackBody(g: GroupNotice) {
  if (g.text) return { text: g.text }
  const firing = g.alerts.filter((a) => a.status === 'firing')
  const resolved = g.alerts.filter((a) => a.status === 'resolved')
  const line = (a: AlertNotice) => `• ${a.annotations.summary ?? a.labels.alertname} <${a.generatorURL}|open>`
  const parts = [
    firing.length ? `:rotating_light: *${firing.length} firing*\n${firing.map(line).join('\n')}` : '',
    resolved.length
      ? `:white_check_mark: *${resolved.length} resolved*\n${resolved.map(line).join('\n')}`
      : '',
  ]
  return { text: parts.filter(Boolean).join('\n') }
}

/** Alertmanager v2 API: firing alerts without endsAt (re-sent while active), resolved ones with it. */
export function alertmanagerBody(g: GroupNotice) {
  return g.alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    ...(a.status === 'resolved' && a.endsAt ? { endsAt: a.endsAt } : {}),
    generatorURL: a.generatorURL,
  }))
}

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

async function post(
  name: string,
  url: string,
  body: unknown,
  timeoutMs: number,
  headers: Record<string, string> = {},
) {
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name
    throw new DeliveryError(`transport ${name}: request failed (${code})`, true)
  }
  await res.arrayBuffer().catch(() => undefined)
  if (!res.ok) {
    throw new DeliveryError(`transport ${name}: HTTP ${res.status}`, res.status >= 500 || res.status === 429)
  }
}

/** Sends one group to one transport; secrets are read at send time so a rotated file takes effect. */
export async function deliver(
  t: TransportConfig,
  g: GroupNotice,
  opts: { externalUrl: string; timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<void> {
  let secret: string
  try {
    secret = resolveSecret(t.type === 'pagerduty' ? t.routingKey : t.url, opts.env)
  } catch (err) {
    throw new DeliveryError(`transport ${t.name}: ${(err as Error).message}`, false)
  }
  switch (t.type) {
    case 'webhook':
      return post(
        t.name,
        secret,
        g.text ? { text: g.text } : webhookBody(t.name, opts.externalUrl, g),
        opts.timeoutMs,
      )
    case 'slack':
      return post(t.name, secret, slackBody(g), opts.timeoutMs)
    case 'alertmanager': {
      if (g.text) return
      const headers: Record<string, string> = t.bearerToken
        ? { authorization: `Bearer ${resolveSecret(t.bearerToken, opts.env)}` }
        : {}
      return post(
        t.name,
        `${secret.replace(/\/+$/, '')}/api/v2/alerts`,
        alertmanagerBody(g),
        opts.timeoutMs,
        headers,
      )
    }
    case 'pagerduty':
      if (g.text) return
      for (const a of g.alerts) await post(t.name, t.url, pagerDutyEvent(secret, a), opts.timeoutMs)
  }
}
