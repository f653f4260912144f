// Transports by type: each receiver kind builds its own payload from a group of alerts and POSTs it.
import { resolveSecret } from '../config.ts'
import { alertmanager } from './alertmanager.ts'
import { DeliveryError } from './http.ts'
import type { GroupNotice } from './notice.ts'
import { pagerduty } from './pagerduty.ts'
import { slack } from './slack.ts'
import type { Transport, TransportConfigs, TransportType } from './transport.ts'
import { webhook } from './webhook.ts'

export { alertmanagerBody } from './alertmanager.ts'
export { DeliveryError } from './http.ts'
export type { AlertNotice, GroupNotice } from './notice.ts'
export { pagerDutyEvent } from './pagerduty.ts'
export { slackBody } from './slack.ts'
export { webhookBody } from './webhook.ts'

const TRANSPORTS: { [K in TransportType]: Transport<K> } = { webhook, slack, alertmanager, pagerduty }

/** Sends one group to one transport; secrets are read at send time so a rotated file takes effect. */
export async function deliver<K extends TransportType>(
  t: TransportConfigs[K] & { type: K },
  g: GroupNotice,
  opts: { externalUrl: string; timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<void> {
  const transport: Transport<K> = TRANSPORTS[t.type]
  let secret: string
  try {
    secret = resolveSecret(transport.secret(t), opts.env)
  } catch (err) {
    throw new DeliveryError(`transport ${t.name}: ${(err as Error).message}`, false)
  }
  return transport.send(t, g, {
    secret,
    externalUrl: opts.externalUrl,
    timeoutMs: opts.timeoutMs,
    env: opts.env,
  })
}
