import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TransportConfig } from '../config.ts'
import { DeliveryError, deliver, type GroupNotice } from './index.ts'

interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: unknown
}
const received: Received[] = []
let base = ''
let status = 200
const server = createServer((req, res) => {
  let data = ''
  req.on('data', (c) => (data += c))
  req.on('end', () => {
    received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(data) })
    res.writeHead(status).end()
  })
})
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const group: GroupNotice = {
  groupKey: 'g1',
  groupLabels: { alertname: 'SlowPull' },
  alerts: [
    {
      fingerprint: 'f1',
      status: 'resolved',
      labels: { alertname: 'SlowPull', cluster: 'c' },
      annotations: { summary: 'slow' },
      startsAt: '2025-01-01T00:00:00Z',
      endsAt: '2025-01-01T01:00:00Z',
      generatorURL: 'http://dash/x',
    },
  ],
}
const env = { HOOK: '', KEY: 'routing-key', TOKEN: 'sixteen-chars-token' }
const send = async (t: TransportConfig, g: GroupNotice = group) => {
  received.length = 0
  await deliver(t, g, { externalUrl: 'http://dash', timeoutMs: 2000, env: { ...env, HOOK: `${base}/hook` } })
  return received
}

describe('deliver looks each transport up by its type', () => {
  it('webhook: the Alertmanager webhook body, or { text } for a plain message', async () => {
    const [r] = await send({ name: 'w', type: 'webhook', url: { env: 'HOOK' } })
    expect(r?.path).toBe('/hook')
    expect(r?.body).toMatchObject({
      version: '4',
      receiver: 'w',
      externalURL: 'http://dash',
      status: 'resolved',
    })
    const [t] = await send({ name: 'w', type: 'webhook', url: { env: 'HOOK' } }, { ...group, text: 'hi' })
    expect(t?.body).toEqual({ text: 'hi' })
  })

  it('slack: one text message', async () => {
    const [r] = await send({ name: 's', type: 'slack', url: { env: 'HOOK' } })
    expect(r?.body).toEqual({ text: ':white_check_mark: *1 resolved*\n• slow <http://dash/x|open>' })
  })

  it('alertmanager: v2 API under the base URL with the bearer token; plain messages are not sent', async () => {
    const t: TransportConfig = {
      name: 'am',
      type: 'alertmanager',
      url: { env: 'HOOK' },
      bearerToken: { env: 'TOKEN' },
      resendIntervalMs: 60_000,
    }
    const [r] = await send(t)
    expect(r?.path).toBe('/hook/api/v2/alerts')
    expect(r?.headers.authorization).toBe('Bearer sixteen-chars-token')
    expect(r?.body).toEqual([
      {
        labels: group.alerts[0]?.labels,
        annotations: { summary: 'slow' },
        startsAt: '2025-01-01T00:00:00Z',
        endsAt: '2025-01-01T01:00:00Z',
        generatorURL: 'http://dash/x',
      },
    ])
    expect(await send(t, { ...group, text: 'hi' })).toEqual([])
  })

  it('pagerduty: one event per alert to its URL, keyed by the routing key secret', async () => {
    const [r] = await send({ name: 'pd', type: 'pagerduty', routingKey: { env: 'KEY' }, url: `${base}/pd` })
    expect(r?.path).toBe('/pd')
    expect(r?.body).toEqual({ routing_key: 'routing-key', event_action: 'resolve', dedup_key: 'f1' })
  })

  it('a missing secret is a final delivery error; a 5xx answer is a retryable one', async () => {
    const missing = send({ name: 'w', type: 'webhook', url: { env: 'UNSET' } })
    await expect(missing).rejects.toThrow(DeliveryError)
    await expect(missing).rejects.toMatchObject({ retryable: false, message: /transport w: .*UNSET/ })
    status = 503
    try {
      await expect(send({ name: 's', type: 'slack', url: { env: 'HOOK' } })).rejects.toMatchObject({
        retryable: true,
        message: 'transport s: HTTP 503',
      })
    } finally {
      status = 200
    }
  })
})
