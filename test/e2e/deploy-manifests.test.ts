import { beforeAll, describe, expect, it } from 'vitest'
import { kustomize as render } from '../support/manifests.ts'
import { runPodstart } from '../support/process.ts'

type Obj = {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string> }
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are checked field by field below
  [k: string]: any
}

const DIRS = [
  'base',
  'overlays/kubelet-metrics',
  'overlays/all-in-one',
  'examples/secrets',
  'monitoring',
] as const
type Dir = (typeof DIRS)[number]
/** The kustomizations that run pods (examples/secrets holds Secrets, monitoring the Prometheus and Grafana objects). */
const RUNNING = DIRS.filter((d) => d !== 'examples/secrets' && d !== 'monitoring')
const rendered = {} as Record<Dir, Obj[]>

const kustomize = (dir: string) => render(dir) as Obj[]

/**
 * The published schema of an apiVersion/kind: kubernetes-models (apps/v1 Deployment ->
 * kubernetes-models/apps/v1/Deployment), and for the Prometheus Operator's CRDs (ServiceMonitor, PodMonitor,
 * PrometheusRule) @kubernetes-models/prometheus-operator, built from the Operator's CRD openAPIV3Schema.
 */
async function validateAgainstSchema(o: Obj): Promise<void> {
  const groupVersion = o.apiVersion.includes('/') ? o.apiVersion : `v1`
  const from = groupVersion.startsWith('monitoring.coreos.com/')
    ? `@kubernetes-models/prometheus-operator/${groupVersion}/${o.kind}`
    : `kubernetes-models/${groupVersion}/${o.kind}`
  const mod = (await import(from)) as Record<string, new (data: unknown) => { validate(): void }>
  const Model = mod[o.kind]
  if (!Model) throw new Error(`no published schema for ${o.apiVersion} ${o.kind}`)
  new Model(o).validate()
}

const byKind = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind)
const find = (objs: Obj[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name)
  if (!o) throw new Error(`${kind} ${name} is not rendered`)
  return o
}
const podSpecs = (objs: Obj[]) =>
  byKind(objs, 'Deployment').map((d) => ({ name: d.metadata.name, spec: d.spec.template.spec }))

beforeAll(() => {
  for (const dir of DIRS) rendered[dir] = kustomize(dir)
})

describe('deploy/ rendered by kubectl kustomize', () => {
  it.each(DIRS)('%s: every object is valid against the published Kubernetes schema', async (dir) => {
    const objs = rendered[dir]
    expect(objs.length).toBeGreaterThan(0)
    // Old kustomize versions render a deleted resource as an empty document: none may appear.
    for (const o of objs) expect(o.apiVersion && o.kind && o.metadata?.name, JSON.stringify(o)).toBeTruthy()
    const failures: string[] = []
    for (const o of objs) {
      try {
        await validateAgainstSchema(o)
      } catch (err) {
        failures.push(`${o.kind}/${o.metadata.name}: ${(err as Error).message}`)
      }
    }
    expect(failures).toEqual([])
  })

  it('the schema check catches a broken object (so the check above can fail)', async () => {
    const deployment = structuredClone(find(rendered.base, 'Deployment', 'podstart-collector'))
    deployment.spec.replicas = 'two'
    await expect(validateAgainstSchema(deployment)).rejects.toThrow(/replicas must be integer/)
  })

  it('the schema check catches a broken Prometheus Operator object too', async () => {
    const monitor = structuredClone(find(rendered.monitoring, 'PodMonitor', 'podstart-collector'))
    monitor.spec.podMetricsEndpoints[0].port = 9464
    await expect(validateAgainstSchema(monitor)).rejects.toThrow(/port must be string/)
    const rule = structuredClone(find(rendered.monitoring, 'PrometheusRule', 'podstart'))
    rule.spec.groups[0].rules[0].expr = { not: 'a string' }
    await expect(validateAgainstSchema(rule)).rejects.toThrow(/expr/)
  })

  it('monitoring: the monitors scrape the ports the collector and the all-in-one pod serve /metrics on', () => {
    const pm = find(rendered.monitoring, 'PodMonitor', 'podstart-collector')
    const collector = find(rendered.base, 'Deployment', 'podstart-collector')
    expect(pm.spec.selector.matchLabels).toEqual(collector.spec.selector.matchLabels)
    const ports = collector.spec.template.spec.containers.flatMap((c: { ports?: { name: string }[] }) =>
      (c.ports ?? []).map((p) => p.name),
    )
    expect(ports).toContain(pm.spec.podMetricsEndpoints[0].port)
    const sm = find(rendered.monitoring, 'ServiceMonitor', 'podstart')
    const service = find(rendered['overlays/all-in-one'], 'Service', 'podstart')
    expect(service.metadata.labels).toMatchObject(sm.spec.selector.matchLabels)
    expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain(sm.spec.endpoints[0].port)
    const dashboard = find(rendered.monitoring, 'ConfigMap', 'podstart-grafana-dashboard')
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe('1')
    expect(JSON.parse(dashboard.data['podstart.json']).uid).toBe('podstart-startups')
  })

  it('base: the collector runs 2 replicas with leader election; the dashboard has a Service', () => {
    const objs = rendered.base
    const collector = find(objs, 'Deployment', 'podstart-collector')
    expect(collector.spec.replicas).toBe(2)
    const args: string[] = collector.spec.template.spec.containers[0].args
    expect(args.slice(0, 1)).toEqual(['collect'])
    expect(args).toContain('--leader-elect')
    expect(args).toContain('--in-cluster')
    expect(args).not.toContain('--kubelet-metrics')
    const service = find(objs, 'Service', 'podstart-dashboard')
    const dashboard = find(objs, 'Deployment', 'podstart-dashboard')
    expect(dashboard.spec.template.metadata.labels).toMatchObject(service.spec.selector)
    expect(dashboard.spec.template.spec.automountServiceAccountToken).toBe(false)
    // The dashboard never collects (no simulated cluster in a production store); the collector's metrics
    // port is bound to every address explicitly (the default is loopback).
    expect(dashboard.spec.template.spec.containers[0].args).toContain('--no-collector')
    expect(args[args.indexOf('--metrics-host') + 1]).toBe('0.0.0.0')
    // Server mode: the store comes from the ClickHouse Secret.
    for (const d of [collector, dashboard]) {
      expect(d.spec.template.spec.containers[0].envFrom).toContainEqual({
        secretRef: { name: 'podstart-clickhouse' },
      })
    }
  })

  it('base: the Lease Role names the same lease the collector campaigns for', () => {
    const objs = rendered.base
    const args: string[] = find(objs, 'Deployment', 'podstart-collector').spec.template.spec.containers[0]
      .args
    const lease = args[args.indexOf('--lease-name') + 1]
    const role = find(objs, 'Role', 'podstart-collector-lease')
    const named = role.rules.find((r: { resourceNames?: string[] }) => r.resourceNames)
    expect(named).toEqual({
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: [lease],
      verbs: ['get', 'update'],
    })
    const binding = find(objs, 'RoleBinding', 'podstart-collector-lease')
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'podstart-collector', namespace: 'podstart' },
    ])
  })

  it.each(RUNNING)('%s: RBAC is least privilege', (dir) => {
    const objs = rendered[dir]
    const rules = [...byKind(objs, 'ClusterRole'), ...byKind(objs, 'Role')].flatMap((r) =>
      (
        r.rules as { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[]
      ).map((rule) => ({ role: `${r.kind}/${r.metadata.name}`, ...rule })),
    )
    expect(rules.length).toBeGreaterThan(0)
    for (const rule of rules) {
      const where = `${rule.role} ${JSON.stringify(rule)}`
      expect(rule.verbs, where).not.toContain('*')
      expect(rule.resources, where).not.toContain('*')
      expect(rule.apiGroups, where).not.toContain('*')
      expect(rule.resources, where).not.toContain('secrets')
      expect(rule.resources, where).not.toContain('configmaps')
      for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection']) {
        if (rule.verbs.includes(verb)) expect(rule.resources, `${where} may ${verb}`).toEqual(['leases'])
      }
      if (rule.resources.includes('nodes/proxy')) expect(rule.verbs, where).toEqual(['get'])
      for (const res of rule.resources) expect(res === 'nodes/proxy' || !res.includes('/'), where).toBe(true)
    }
    // Cluster-wide: read-only list/watch of exactly what the collector rebuilds startups from.
    const cluster = byKind(objs, 'ClusterRole').find((r) => r.metadata.name === 'podstart-collector')
    expect(cluster?.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'events', 'nodes'], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets', 'deployments'], verbs: ['list', 'watch'] },
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['list', 'watch'] },
    ])
    // Leases are only ever written in podstart's own namespace (a Role, never a ClusterRole).
    for (const r of byKind(objs, 'ClusterRole')) {
      expect(JSON.stringify(r.rules)).not.toContain('leases')
    }
    const proxy = rules.filter((r) => r.resources.includes('nodes/proxy'))
    expect(proxy.length).toBe(dir === 'overlays/kubelet-metrics' ? 1 : 0)
  })

  it('kubelet-metrics: adds get on nodes/proxy bound to the collector, and turns the scrape on', () => {
    const objs = rendered['overlays/kubelet-metrics']
    const role = find(objs, 'ClusterRole', 'podstart-collector-kubelet-metrics')
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }])
    const binding = find(objs, 'ClusterRoleBinding', 'podstart-collector-kubelet-metrics')
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'podstart-collector', namespace: 'podstart' },
    ])
    const args: string[] = find(objs, 'Deployment', 'podstart-collector').spec.template.spec.containers[0]
      .args
    expect(args.slice(-2)).toEqual(['--kubelet-metrics', '60s'])
  })

  it('all-in-one: one podstart up replica on a PVC, Recreate, no ClickHouse Secret, no lease', () => {
    const objs = rendered['overlays/all-in-one']
    expect(byKind(objs, 'Deployment').map((d) => d.metadata.name)).toEqual(['podstart'])
    const d = find(objs, 'Deployment', 'podstart')
    expect(d.spec.replicas).toBe(1)
    expect(d.spec.strategy).toEqual({ type: 'Recreate' })
    const c = d.spec.template.spec.containers[0]
    expect(c.args.slice(0, 1)).toEqual(['up'])
    const dataDir = c.args[c.args.indexOf('--data') + 1]
    const mount = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === dataDir)
    const volume = d.spec.template.spec.volumes.find((v: { name: string }) => v.name === mount?.name)
    expect(volume?.persistentVolumeClaim?.claimName).toBe('podstart-data')
    find(objs, 'PersistentVolumeClaim', 'podstart-data')
    // No ClickHouse Secret: the only Secret it reads is the optional metrics token for Prometheus.
    expect(c.envFrom).toEqual([{ secretRef: { name: 'podstart-metrics', optional: true } }])
    expect(byKind(objs, 'Role')).toEqual([])
    const service = find(objs, 'Service', 'podstart')
    expect(d.spec.template.metadata.labels).toMatchObject(service.spec.selector)
    expect(byKind(objs, 'Service')).toHaveLength(1)
  })

  it.each(RUNNING)('%s: every pod is hardened and probed', (dir) => {
    const specs = podSpecs(rendered[dir])
    expect(specs.length).toBeGreaterThan(0)
    for (const { name, spec } of specs) {
      expect(spec.securityContext, name).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      })
      expect(spec.securityContext.runAsUser, name).toBeGreaterThan(0)
      const tmp = spec.volumes.find((v: { name: string; emptyDir?: object }) => v.name === 'tmp')
      expect(tmp?.emptyDir, `${name}: /tmp is an emptyDir`).toBeDefined()
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const where = `${name}/${c.name}`
        expect(c.securityContext, where).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        })
        expect(c.volumeMounts, where).toContainEqual({ name: 'tmp', mountPath: '/tmp' })
        expect(c.resources?.requests?.cpu, where).toBeDefined()
        expect(c.resources?.requests?.memory, where).toBeDefined()
        expect(c.resources?.limits?.memory, where).toBeDefined()
        expect(c.image, where).toMatch(/^[a-z0-9./-]+:\d+\.\d+\.\d+$/)
        expect(c.image, where).not.toMatch(/:latest$/)
      }
      for (const c of spec.containers) {
        const where = `${name}/${c.name}`
        expect(c.livenessProbe?.httpGet?.path, where).toBe('/healthz')
        expect(c.readinessProbe?.httpGet?.path, where).toBe('/readyz')
        const port = c.ports.find((p: { name: string }) => p.name === c.readinessProbe.httpGet.port)
        expect(port, `${where}: the probe port is declared`).toBeDefined()
      }
    }
  })

  it.each(RUNNING)(
    '%s: every ConfigMap a pod uses is rendered; Secrets are the documented external ones',
    (dir) => {
      const objs = rendered[dir]
      const configMaps = new Set(byKind(objs, 'ConfigMap').map((c) => c.metadata.name))
      const secrets = new Set<string>()
      for (const { name, spec } of podSpecs(objs)) {
        for (const v of spec.volumes ?? []) {
          if (v.configMap)
            expect(configMaps.has(v.configMap.name), `${name}: volume ${v.configMap.name}`).toBe(true)
          expect(v.secret, `${name}: no secret volumes`).toBeUndefined()
        }
        for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
          for (const e of c.env ?? []) {
            const ref = e.valueFrom?.configMapKeyRef
            if (ref) expect(configMaps.has(ref.name), `${name}: env ${e.name}`).toBe(true)
          }
          for (const e of c.envFrom ?? []) if (e.secretRef) secrets.add(e.secretRef.name)
        }
      }
      const example = new Set(byKind(rendered['examples/secrets'], 'Secret').map((s) => s.metadata.name))
      for (const s of secrets) expect(example.has(s), `example generator covers ${s}`).toBe(true)
    },
  )

  it('examples/secrets holds placeholders only, in the namespace the pods run in', () => {
    const secrets = byKind(rendered['examples/secrets'], 'Secret')
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual([
      'podstart-alerts',
      'podstart-clickhouse',
      'podstart-dashboard',
      'podstart-metrics',
    ])
    for (const s of secrets) {
      expect(s.metadata.namespace).toBe('podstart')
      for (const [key, b64] of Object.entries(s.data as Record<string, string>)) {
        const value = Buffer.from(b64, 'base64').toString('utf8')
        if (/PASSWORD|KEY|TOKEN/.test(key)) expect(value, key).toBe('REPLACE-ME')
        if (/URL/.test(key)) expect(new URL(value).hostname, key).toMatch(/\.invalid$/)
      }
    }
  })

  it('every flag the manifests pass is one the CLI documents', async () => {
    const argsByCommand = new Map<string, Set<string>>()
    for (const dir of DIRS) {
      for (const { spec } of podSpecs(rendered[dir])) {
        for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
          const [cmd, ...rest] = c.args as string[]
          const flags = argsByCommand.get(cmd as string) ?? new Set()
          for (const a of rest) if (a.startsWith('--')) flags.add(a)
          argsByCommand.set(cmd as string, flags)
        }
      }
    }
    expect([...argsByCommand.keys()].sort()).toEqual(['collect', 'migrate', 'up'])
    for (const [cmd, flags] of argsByCommand) {
      const { code, stdout } = await runPodstart([cmd, '--help'])
      expect(code).toBe(0)
      for (const flag of flags)
        expect(stdout, `podstart ${cmd} --help mentions ${flag}`).toMatch(new RegExp(`${flag}\\b`))
    }
  })
})
