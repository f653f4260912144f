// `podstart collect --alerts-config` as deployed: the collector process feeds its alert engine, which reaches a
// webhook receiver; the webhook URL (a secret) never appears in the collector's output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startSimulatedCluster } from '@podstart/collector/sim'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, type RunningProcess, startPodstart, waitFor } from '../support/process.ts'

describe('podstart collect with alerts', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-collect-alerts-'))
  let proc: RunningProcess | undefined
  const cleanup: Array<() => Promise<unknown>> = []
  afterAll(async () => {
    await proc?.stop()
    for (const c of cleanup) await c()
    rmSync(dir, { recursive: true, force: true })
  })

  it('delivers a slow-pull alert to a webhook receiver', async () => {
    const bodies: Array<{ status: string; alerts: Array<{ labels: Record<string, string> }> }> = []
    const receiver = http.createServer((req, res) => {
      let body = ''
      req.on('data', (d) => {
        body += d
      })
      req.on('end', () => {
        bodies.push(JSON.parse(body))
        res.writeHead(200).end()
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    cleanup.push(() => new Promise((r) => receiver.close(r)))
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook/s3cr3t-path`

    const sim = await startSimulatedCluster({
      port: 0,
      scenario: 'fast',
      seed: 5,
      pods: 20,
      rate: 10,
      startDelayMs: 4_000,
    })
    cleanup.push(() => sim.stop())
    const kubeconfig = path.join(dir, 'kubeconfig')
    await sim.writeKubeconfig(kubeconfig)
    const config = path.join(dir, 'alerts.yaml')
    // Every cold pull above 1 ms counts as slow, so the first pulled image fires.
    writeFileSync(
      config,
      [
        'rules:',
        '  slowPull: { sizeClasses: [{ name: all, maxBytes: null, slowMs: 1 }], unknownSizeClass: all }',
        'transports:',
        '  - { name: hook, type: webhook, url: { env: TEST_ALERT_WEBHOOK } }',
        'delivery: { initialBackoffMs: 200, maxBackoffMs: 1000 }',
      ].join('\n'),
    )
    const metricsPort = await freePort()
    proc = startPodstart(
      [
        'collect',
        '--cluster',
        'alerting',
        '--kubeconfig',
        kubeconfig,
        '--migrate',
        '--data',
        path.join(dir, 'store'),
        '--metrics-port',
        String(metricsPort),
        '--alerts-config',
        config,
      ],
      { env: { TEST_ALERT_WEBHOOK: hookUrl } },
    )
    const alert = await waitFor(
      async () =>
        bodies
          .flatMap((b) => b.alerts)
          .find((a) => a.labels.alertname === 'PodstartSlowPull' || /slow/i.test(a.labels.alertname ?? '')),
      90_000,
      `a slow-pull alert at the receiver (collector output: ${proc.output().slice(-2000)})`,
    )
    expect(alert.labels.cluster).toBe('alerting')
    expect(proc.output()).not.toContain('s3cr3t-path')
  }, 120_000)
})
