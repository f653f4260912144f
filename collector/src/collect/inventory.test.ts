// workload_images rows carry what the advice's artifacts need from the pod spec: probes, ports, nodeSelector.
import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../lifecycle/kube-object.ts'
import { WorkloadImageTracker } from './inventory.ts'

const pod = (spec: Record<string, unknown>): KubeObject =>
  ({
    metadata: {
      name: 'search-7d9f-abcde',
      namespace: 'shop',
      labels: { 'pod-template-hash': '7d9f' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'search-7d9f', controller: true }],
    },
    spec,
  }) as unknown as KubeObject

describe('WorkloadImageTracker', () => {
  it("records each container's probes, declared ports and the pod's nodeSelector", () => {
    const readinessProbe = { httpGet: { path: '/ready', port: 9090 }, periodSeconds: 10 }
    const [row] = new WorkloadImageTracker().rows(
      'prod',
      pod({
        nodeSelector: { 'node.kubernetes.io/pool': 'search' },
        containers: [
          {
            name: 'server',
            image: 'reg.example/shop/search:4',
            readinessProbe,
            ports: [{ containerPort: 9090 }, { containerPort: 9100, name: 'metrics' }],
          },
        ],
      }),
      1000,
    )
    expect(row).toMatchObject({
      workload_kind: 'Deployment',
      workload_name: 'search',
      container: 'server',
      image: 'reg.example/shop/search:4',
      readiness_probe: JSON.stringify(readinessProbe),
      startup_probe: '',
      container_ports: [9090, 9100],
      node_selector: { 'node.kubernetes.io/pool': 'search' },
      spec_recorded: true,
    })
  })

  it('writes a container again when its probe changes, not when nothing did', () => {
    const t = new WorkloadImageTracker()
    const spec = (path: string) => ({
      containers: [{ name: 'server', image: 'a:1', readinessProbe: { httpGet: { path, port: 1 } } }],
    })
    expect(t.rows('prod', pod(spec('/a')), 1)).toHaveLength(1)
    expect(t.rows('prod', pod(spec('/a')), 2)).toHaveLength(0)
    expect(t.rows('prod', pod(spec('/b')), 3)).toHaveLength(1)
  })
})
