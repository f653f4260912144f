// An Alertmanager's v2 API, optionally with a bearer token; plain-text messages are not sent there.
import { resolveSecret } from '../config.ts'
import { post } from './http.ts'
import type { GroupNotice } from './notice.ts'
import type { Transport } from './transport.ts'

/** Alertmanager v2 API: firing alerts without endsAt (re-sent while active), resolved ones with it. */
export function alertmanagerBody(g: GroupNotice) {
  return g.alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    // JSON leaves an undefined endsAt out, as Alertmanager expects of a firing alert.
    endsAt: a.status === 'resolved' && a.endsAt ? a.endsAt : undefined,
    generatorURL: a.generatorURL,
  }))
}

export const alertmanager: Transport<'alertmanager'> = {
  secret: (t) => t.url,
  send: async (t, g, ctx) => {
    if (g.text) return
    const headers: Record<string, string> = t.bearerToken
      ? { authorization: `Bearer ${resolveSecret(t.bearerToken, ctx.env)}` }
      : {}
    return post(
      t.name,
      `${ctx.secret.replace(/\/+$/, '')}/api/v2/alerts`,
      alertmanagerBody(g),
      ctx.timeoutMs,
      headers,
    )
  },
}
