// Slack incoming webhook: one message listing the firing and resolved alerts of a group, or the plain text.
import { post } from './http.ts'
import type { AlertNotice, GroupNotice } from './notice.ts'
import type { Transport } from './transport.ts'

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

export const slack: Transport<'slack'> = {
  secret: (t) => t.url,
  send: (t, g, ctx) => post(t.name, ctx.secret, slackBody(g), ctx.timeoutMs),
}
