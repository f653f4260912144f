// Alerts end to end: a slow pull fires through a real Alertmanager to a local webhook receiver and resolves;
// Slack, PagerDuty and generic webhook payloads reach local receivers; a failing transport is retried, its
// failure recorded in the stored history, and nothing else is blocked; no secret reaches a log or an error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AlertEngine, parseAlertsConfig } from '@podstart/collector/alerts'
import { listAlerts } from '@podstart/schema/queries'
import type { StartupRecord } from '@podstart/schema/record'
import { createQuerier, migrate, openStore, type Store } from '@podstart/schema/store'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type JsonReceiver,
  type RunningAlertmanager,
  startAlertmanager,
  startJsonReceiver,
} from '../support/alertmanager.ts'

const SLACK_SECRET = 'T000-slack-secret-path-9f8e7d'
const PD_KEY = 'pd-routing-key-5c4b3a21'
const BROKEN_TOKEN = 'broken-webhook-token-77aa'

function slowPullRecord(pullMs: number): StartupRecord {
  const t0 = Date.now() - 200_000
  const at = (ms: number) => new Date(t0 + ms).toISOString()
  return {
    schemaVersion: 1,
    cluster: 'e2e',
    uid: `uid-${pullMs}`,
    namespace: 'shop',
    pod: 'checkout-abc',
    node: 'node-a',
    workload: { kind: 'Deployment', name: 'checkout' },
    createdAt: at(0),
    readyAt: at(pullMs + 5000),
    outcome: 'ready',
    outcomeReason: null,
    totalMs: pullMs + 5000,
    phases: {
      scheduling: 10,
      sandbox: 500,
      init: 0,
      pullWait: 0,
      pull: pullMs,
      download: null,
      decompress: null,
      start: 300,
      ready: 4190,
    },
    boundaries: {},
    pulls: [
      {
        container: 'checkout',
        init: false,
        image: 'registry.local/shop/checkout:1.5.0',
        imageDigest: null,
        startedAt: at(510),
        pullMs,
        waitMs: 0,
        sizeBytes: 144_000_000,
        sizeKind: 'compressed',
        cached: false,
        attempts: 1,
        outcome: 'ok',
        failureReason: null,
        downloadMs: null,
        decompressMs: null,
        splitMethod: null,
      },
    ],
    containers: [],
    cold: true,
    sloMs: 800,
    fromStatusOnly: false,
    runtime: 'containerd',
    clockSkewClampedMs: 0,
    clockSkewClamps: 0,
  } as unknown as StartupRecord
}

describe('alerts end to end', () => {
  let amHook: JsonReceiver
  let slack: JsonReceiver
  let pagerduty: JsonReceiver
  let webhook: JsonReceiver
  let broken: JsonReceiver
  let am: RunningAlertmanager
  let store: Store
  let dir: string
  const logs: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'podstart-alerts-'))
    amHook = await startJsonReceiver('/am-hook')
    slack = await startJsonReceiver(`/services/${SLACK_SECRET}`)
    pagerduty = await startJsonReceiver('/v2/enqueue')
    webhook = await startJsonReceiver('/hook')
    broken = await startJsonReceiver(`/hook/${BROKEN_TOKEN}`)
    broken.status = 500
    am = await startAlertmanager(amHook.url)
    store = await openStore({ dataDir: join(dir, 'store'), database: 'podstart' })
    await migrate(store, { log: () => undefined })
  })

  afterAll(async () => {
    await am?.stop()
    for (const r of [amHook, slack, pagerduty, webhook, broken]) await r?.close()
    await store?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('fires a slow pull through Alertmanager and every transport, resolves it, and records a failing transport', async () => {
    const brokenFile = join(dir, 'broken-url')
    writeFileSync(brokenFile, broken.url)
    Object.assign(process.env, { AM_URL: am.url, SLACK_URL: slack.url, PD_KEY, HOOK_URL: webhook.url })
    const config = parseAlertsConfig({
      externalUrl: 'http://dashboard.example:3000',
      rules: { slowPull: { windowMs: 1500, per: 'image' } },
      transports: [
        { name: 'broken', type: 'webhook', url: { file: brokenFile } },
        { name: 'am', type: 'alertmanager', url: { env: 'AM_URL' }, resendIntervalMs: 500 },
        { name: 'chat', type: 'slack', url: { env: 'SLACK_URL' } },
        { name: 'pager', type: 'pagerduty', routingKey: { env: 'PD_KEY' }, url: pagerduty.url },
        { name: 'hook', type: 'webhook', url: { env: 'HOOK_URL' } },
      ],
      delivery: { maxAttempts: 3, initialBackoffMs: 200, maxBackoffMs: 400 },
    })
    const engine = new AlertEngine({
      cluster: 'e2e',
      config,
      querier: createQuerier(store),
      log: (l) => logs.push(l),
    })

    // A 100-500 MB image (144 MB) pulled in 120 s: over the class's 90 s default.
    engine.onStartup(slowPullRecord(120_000))
    // A fast pull of the same class does not fire anything new.
    engine.onStartup(slowPullRecord(2_000))

    const firing = (await amHook.waitFor((b) => (b as { status?: string }).status === 'firing', 20_000)) as {
      version: string
      alerts: Array<{ labels: Record<string, string>; status: string }>
    }
    expect(firing.version).toBe('4')
    expect(firing.alerts[0]?.labels.alertname).toBe('PodstartSlowImagePull')
    expect(firing.alerts[0]?.labels.size_class).toBe('100-500MB')
    expect(firing.alerts[0]?.labels.image).toBe('registry.local/shop/checkout:1.5.0')

    const chat = (await slack.waitFor(() => true)) as { text: string }
    expect(chat.text).toContain('Slow image pull: registry.local/shop/checkout:1.5.0 took 120.0 s')
    const trigger = (await pagerduty.waitFor(
      (b) => (b as { event_action?: string }).event_action === 'trigger',
    )) as {
      routing_key: string
      dedup_key: string
      payload: { summary: string; source: string; severity: string }
    }
    expect(trigger.routing_key).toBe(PD_KEY)
    expect(trigger.payload.source).toBe('e2e')
    expect(trigger.payload.severity).toBe('warning')
    const hook = (await webhook.waitFor(() => true)) as Record<string, unknown>
    expect(hook).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'hook',
      externalURL: 'http://dashboard.example:3000',
    })
    expect(Object.keys(hook).sort()).toEqual(
      [
        'alerts',
        'commonAnnotations',
        'commonLabels',
        'externalURL',
        'groupKey',
        'groupLabels',
        'receiver',
        'status',
        'truncatedAlerts',
        'version',
      ].sort(),
    )

    // The condition clears once no slow pull remains in the 1.5 s window.
    await new Promise((r) => setTimeout(r, 1700))
    await engine.evaluate()
    const resolved = (await amHook.waitFor(
      (b) => (b as { status?: string }).status === 'resolved',
      20_000,
    )) as {
      alerts: Array<{ status: string; endsAt: string }>
    }
    expect(resolved.alerts[0]?.status).toBe('resolved')
    const resolve = (await pagerduty.waitFor(
      (b) => (b as { event_action?: string }).event_action === 'resolve',
    )) as {
      dedup_key: string
    }
    expect(resolve.dedup_key).toBe(trigger.dedup_key)
    await engine.idle()

    // The broken transport was retried (3 attempts), its failure recorded, and the others delivered anyway.
    const brokenResults = engine.deliveries.filter((d) => d.transport === 'broken')
    expect(Math.max(...brokenResults.map((d) => d.attempts))).toBe(3)
    expect(brokenResults.every((d) => !d.ok)).toBe(true)
    expect(engine.deliveries.filter((d) => d.transport !== 'broken').every((d) => d.ok)).toBe(true)
    const stored = await listAlerts(createQuerier(store))({ cluster: 'e2e' })
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ rule: 'slow-pull', state: 'resolved' })
    expect(stored[0]?.endsAt).not.toBeNull()
    expect(stored[0]?.deliveries).toBeGreaterThanOrEqual(4)
    expect(stored[0]?.lastError).toBe('transport broken: HTTP 500')

    // No secret in any log line, delivery error or stored row.
    const surfaces = JSON.stringify([logs, engine.deliveries.map((d) => d.error), stored])
    for (const secret of [SLACK_SECRET, PD_KEY, BROKEN_TOKEN, slack.url, broken.url]) {
      expect(surfaces).not.toContain(secret)
    }
    await engine.stop()
  }, 90_000)

  it('names a missing secret without its value and refuses a bad config', () => {
    expect(() =>
      parseAlertsConfig({ transports: [{ name: 'x', type: 'slack', url: 'https://hooks.slack.com/x' }] }),
    ).toThrow(/transports\.0\.url/)
  })
})
