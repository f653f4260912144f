// The alerts of deploy/monitoring as Prometheus reads them: `promtool check rules` on the PrometheusRule's
// spec, and `promtool test rules` (deploy/monitoring/prometheus-rules.test.yaml), where each alert fires on
// its own input series and resolves when they recover. A broken threshold must make the unit tests fail.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { type K8sObject, kustomize } from '../support/manifests.ts'
import { repoRoot } from '../support/process.ts'
import { promtool, rulesFileOf } from '../support/prometheus.ts'

const TESTS = join(repoRoot, 'deploy/monitoring/prometheus-rules.test.yaml')

describe('deploy/monitoring PrometheusRule', () => {
  let dir: string
  let rule: K8sObject
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'podstart-rules-'))
    const found = kustomize('monitoring').find((o) => o.kind === 'PrometheusRule')
    if (!found) throw new Error('deploy/monitoring renders no PrometheusRule')
    rule = found
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const alerts = () =>
    rule.spec.groups.flatMap((g: { rules: { alert?: string }[] }) => g.rules.flatMap((r) => r.alert ?? []))

  it('passes promtool check rules', async () => {
    writeFileSync(join(dir, 'rules.yaml'), rulesFileOf(rule))
    const r = await promtool(['check', 'rules', 'rules.yaml'], dir)
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/)
    expect(r.code).toBe(0)
  })

  it('unit tests every alert firing and resolving (promtool test rules)', async () => {
    writeFileSync(join(dir, 'rules.yaml'), rulesFileOf(rule))
    copyFileSync(TESTS, join(dir, 'tests.yaml'))
    const r = await promtool(['test', 'rules', 'tests.yaml'], dir)
    expect(r.output).toContain('SUCCESS')
    expect(r.code).toBe(0)
    // Each alert has a case where it fires and one at which it is resolved (exp_alerts: []).
    const cases = parse(readFileSync(TESTS, 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[]
    }
    const checks = cases.tests.flatMap((t) => t.alert_rule_test ?? [])
    for (const alert of alerts()) {
      const mine = checks.filter((c) => c.alertname === alert)
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        `${alert} fires in a test`,
      ).toBe(true)
      expect(
        mine.some(
          (c, i) => c.exp_alerts.length === 0 && mine.slice(0, i).some((p) => p.exp_alerts.length > 0),
        ),
        `${alert} resolves after firing in a test`,
      ).toBe(true)
    }
  })

  it('the unit tests fail when a threshold is wrong (so they can fail)', async () => {
    const broken = structuredClone(rule)
    for (const g of broken.spec.groups)
      for (const r of g.rules) if (r.alert === 'PodstartSliP99Over5s') r.expr = r.expr.replace('> 5', '> 8')
    writeFileSync(join(dir, 'rules.yaml'), rulesFileOf(broken))
    copyFileSync(TESTS, join(dir, 'tests.yaml'))
    const r = await promtool(['test', 'rules', 'tests.yaml'], dir)
    expect(r.code).not.toBe(0)
    expect(r.output).toContain('PodstartSliP99Over5s')
  })
})
