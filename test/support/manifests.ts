// Rendered deploy/ manifests (kubectl kustomize) and a container of them turned into a local process:
// its exact args and env, with Secret references replaced by values the test gives, ConfigMaps written to
// a directory and mount paths in env values pointing there, and the image's ENTRYPOINT as the podstart bin.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseAllDocuments } from 'yaml'
import { repoRoot } from './process.ts'

export type K8sObject = {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string }
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are read field by field
  [k: string]: any
}

/** The manifests render the same with kubectl 1.20's built-in kustomize (Debian 12) and current ones; KUBECTL picks one. */
export const KUBECTL = process.env.KUBECTL ?? 'kubectl'

export function kustomize(dir: string): K8sObject[] {
  const probe = spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8' })
  if (probe.error) {
    throw new Error(
      `${KUBECTL} is not installed: apt-get install -y kubernetes-client (Debian 12), or set KUBECTL`,
    )
  }
  const text = execFileSync(KUBECTL, ['kustomize', path.join(repoRoot, 'deploy', dir)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${dir}: ${d.errors[0]?.message}`)
      return d.toJSON() as K8sObject | null
    })
    .filter((o): o is K8sObject => o !== null)
}

export interface LocalContainer {
  name: string
  /** The podstart arguments exactly as rendered (ports replaced only when asked). */
  args: string[]
  env: Record<string, string>
}

/**
 * One container of a rendered Deployment as a local process definition. `secrets` maps a Secret name to its
 * data; a required Secret that is missing throws, an optional one is skipped (as the kubelet does).
 */
export function localContainer(
  objs: K8sObject[],
  deployment: string,
  container: string,
  opts: {
    secrets: Record<string, Record<string, string>>
    configDir: string
    pod?: { name: string; namespace: string }
    ports?: Record<string, number>
  },
): LocalContainer {
  const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === deployment)
  if (!d) throw new Error(`Deployment ${deployment} is not rendered`)
  const spec = d.spec.template.spec
  const c = [...(spec.initContainers ?? []), ...spec.containers].find(
    (x: { name: string }) => x.name === container,
  )
  if (!c) throw new Error(`${deployment} has no container ${container}`)
  if (c.command) throw new Error(`${deployment}/${container}: a command overrides the image ENTRYPOINT`)
  const configMaps = new Map(
    objs
      .filter((o) => o.kind === 'ConfigMap')
      .map((o) => [o.metadata.name, o.data as Record<string, string>]),
  )
  // ConfigMap volumes: written under configDir/<volume>, env values under the mount path remapped there.
  const remap: [string, string][] = []
  for (const m of c.volumeMounts ?? []) {
    const v = spec.volumes.find((x: { name: string }) => x.name === m.name)
    if (!v?.configMap) continue
    const dir = path.join(opts.configDir, m.name)
    mkdirSync(dir, { recursive: true })
    for (const [file, text] of Object.entries(configMaps.get(v.configMap.name) ?? {}))
      writeFileSync(path.join(dir, file), text)
    remap.push([m.mountPath as string, dir])
  }
  const env: Record<string, string> = {}
  for (const from of c.envFrom ?? []) {
    if (from.secretRef) {
      const data = opts.secrets[from.secretRef.name]
      if (!data && !from.secretRef.optional)
        throw new Error(`required Secret ${from.secretRef.name} not given`)
      Object.assign(env, data ?? {})
    } else if (from.configMapRef) Object.assign(env, configMaps.get(from.configMapRef.name) ?? {})
  }
  const pod = opts.pod ?? { name: `${deployment}-test`, namespace: d.metadata.namespace ?? 'default' }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) {
      let value = String(e.value)
      for (const [mount, dir] of remap) if (value.startsWith(mount)) value = dir + value.slice(mount.length)
      env[e.name] = value
    } else if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef
      env[e.name] = configMaps.get(ref.name)?.[ref.key] ?? ''
    } else if (e.valueFrom?.fieldRef) {
      const field = e.valueFrom.fieldRef.fieldPath
      env[e.name] = field === 'metadata.name' ? pod.name : field === 'metadata.namespace' ? pod.namespace : ''
    } else if (e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef
      const value = opts.secrets[ref.name]?.[ref.key]
      if (value === undefined && !ref.optional)
        throw new Error(`required Secret key ${ref.name}/${ref.key} not given`)
      if (value !== undefined) env[e.name] = value
    }
  }
  const args = [...(c.args as string[])]
  for (const [flag, port] of Object.entries(opts.ports ?? {})) {
    const i = args.indexOf(flag)
    if (i < 0) throw new Error(`${deployment}/${container} has no ${flag}`)
    args[i + 1] = String(port)
  }
  return { name: `${deployment}/${container}`, args, env }
}
