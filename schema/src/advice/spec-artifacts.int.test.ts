// Artifacts from the pods' own specs, over the embedded store: probes, ports, images and node selectors come from
// workload_images (as the collector records them); what is not recorded is a marked placeholder, never a guess.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Querier } from '../store/index.ts'
import { insertStartups } from '../writes/startups.ts'
import { evaluateAdvice } from './engine.ts'
import { at, openMigratedStore, startup, WINDOW } from './signals/fixture-store.ts'
import {
  FILL_IN,
  nodeSelectorLines,
  selectorChecklistLine,
  templateContainerLines,
} from './spec-artifacts.ts'
import type { Finding } from './types.ts'

let q: Querier
let cleanup: () => Promise<void>
let findings: Finding[]
const wl = (name: string) => ({ kind: 'Deployment', name })
const PROBE = { httpGet: { path: '/ready', port: 9090 }, periodSeconds: 10 }

beforeAll(async () => {
  ;({ q, cleanup } = await openMigratedStore())
  // Two workloads, each 5 startups that wait 30 s from started to Ready (the readiness rule fires for both).
  const slow = (name: string) =>
    Array.from({ length: 5 }, (_, i) =>
      startup({
        uid: `${name}-${i}`,
        workload: wl(name),
        createdAtMs: i * 3_600_000,
        phases: { scheduling: 200, sandbox: 300, start: 200, ready: 30_000 },
      }),
    )
  await insertStartups(q, [...slow('search'), ...slow('legacy')], 1)
  const row = (name: string, container: string, image: string) => ({
    cluster: 'prod',
    namespace: 'shop',
    workload_kind: 'Deployment',
    workload_name: name,
    container,
    init: false,
    image,
    pull_policy: 'IfNotPresent',
    immutable_reference: false,
    last_seen_at: at(0),
    version: 1,
  })
  await q.insert('workload_images', [
    {
      ...row('search', 'server', 'reg.example/shop/search:4'),
      readiness_probe: JSON.stringify(PROBE),
      startup_probe: '',
      container_ports: [9090, 9100],
      node_selector: { 'node.kubernetes.io/pool': 'search' },
      spec_recorded: true,
    },
    // Written before the specs were recorded (migration 0011): probe, ports and selector are unknown.
    row('legacy', 'app', 'reg.example/shop/legacy:1'),
  ])
  findings = await evaluateAdvice(q, { ...WINDOW, cluster: 'prod' })
})
afterAll(async () => cleanup?.())

const readinessOf = (name: string) =>
  findings.find((f) => f.ruleId === 'readiness' && f.scope.workload?.name === name)

describe('artifacts from the recorded specs', () => {
  it("uses the container's own name and readiness probe handler", () => {
    const content = readinessOf('search')?.artifact?.content ?? ''
    expect(content).not.toContain(FILL_IN)
    expect(content).not.toContain('/healthz')
    const lines = content.split('\n').map((l) => l.trim())
    expect(lines).toContain('- name: server')
    // The same handler for the startup and the readiness probe, as recorded (JSON is flow YAML).
    expect(lines.filter((l) => l === 'httpGet: {"path":"/ready","port":9090}')).toHaveLength(2)
  })

  it('marks every value an unrecorded spec leaves unknown, instead of guessing', () => {
    const content = readinessOf('legacy')?.artifact?.content ?? ''
    expect(content).not.toContain('/healthz')
    expect(content).not.toContain('8080')
    const lines = content.split('\n').map((l) => l.trim())
    expect(lines).toContain(`- name: "${FILL_IN}: container name>"`)
    expect(
      lines.filter(
        (l) => l === `httpGet: { path: "${FILL_IN}: readiness path>", port: "${FILL_IN}: container port>" }`,
      ),
    ).toHaveLength(2)
    expect(lines[0]).toContain('must be filled in')
  })

  it('fills a template with recorded images, ports and nodeSelector; unknown ones are marked', () => {
    const known = [
      {
        cluster: 'prod',
        namespace: 'shop',
        workload: wl('search'),
        container: 'server',
        image: 'reg.example/shop/search:4',
        readinessProbe: PROBE,
        startupProbe: null,
        ports: [9090],
        nodeSelector: { 'node.kubernetes.io/pool': 'search' },
        specRecorded: true,
      },
    ]
    expect(nodeSelectorLines(known, '  ')).toBe(
      '  nodeSelector: # as in the pods\' recorded spec\n    "node.kubernetes.io/pool": "search"',
    )
    expect(templateContainerLines(known, '  ')).toBe(
      '  - { name: "server", image: "reg.example/shop/search:4", ports: [{ containerPort: 9090 }] }',
    )
    expect(selectorChecklistLine(known)).toBe(
      "Recorded nodeSelector: node.kubernetes.io/pool=search; the nodes it matches: kubectl get nodes -l 'node.kubernetes.io/pool=search'",
    )
    expect(selectorChecklistLine([])).toContain('unknown')
    expect(nodeSelectorLines([], '  ')).toContain(FILL_IN)
    expect(templateContainerLines([], '  ')).toContain(`image: "${FILL_IN}: image>"`)
  })
})
