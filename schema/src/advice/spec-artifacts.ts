// Artifacts filled in from the pods' own specs (workloadSpecs): container names, probe handlers, ports, images
// and node selectors as the collector recorded them. What the store does not know is never guessed: it is a
// marked placeholder (FILL_IN) the reader must replace, and the artifact's header says which values those are.
import type { WorkloadContainerSpec } from '../queries/advice-specs.ts'

/** Prefix of every value an artifact could not take from a recorded spec. */
export const FILL_IN = '<FILL IN'
const fill = (what: string) => `"${FILL_IN}: ${what}>"`

/** The specs of one workload's containers (non-init), in container order. */
export function specsOf(
  specs: readonly WorkloadContainerSpec[],
  w: { cluster: string; namespace?: string; workload?: { kind: string; name: string } },
): WorkloadContainerSpec[] {
  return specs.filter(
    (s) =>
      s.cluster === w.cluster &&
      s.namespace === w.namespace &&
      s.workload.kind === w.workload?.kind &&
      s.workload.name === w.workload?.name,
  )
}

const HANDLERS = ['httpGet', 'tcpSocket', 'grpc', 'exec'] as const

/** The probe's handler (httpGet / tcpSocket / grpc / exec) as flow YAML (JSON is YAML), or undefined. */
function handlerOf(probe: Record<string, unknown> | null): string | undefined {
  if (!probe) return undefined
  const key = HANDLERS.find((h) => probe[h] !== undefined && probe[h] !== null)
  return key ? `${key}: ${JSON.stringify(probe[key])}` : undefined
}

/**
 * A startupProbe + readinessProbe patch for a workload: each container's own probe handler (its readiness
 * probe's, else its startup probe's); without one, an httpGet on its first declared port with the path to fill
 * in; without a recorded spec, container, path and port all to fill in.
 */
export function probePatch(workloadName: string, specs: readonly WorkloadContainerSpec[]): string {
  const known = specs.filter((s) => s.specRecorded)
  const unknown: string[] = []
  const containers = (known.length > 0 ? known : [undefined]).map((s) => {
    const handler = handlerOf(s?.readinessProbe ?? null) ?? handlerOf(s?.startupProbe ?? null)
    let h = handler
    if (!h) {
      const port = s?.ports[0]
      if (!s)
        unknown.push(
          `the container name and its readiness endpoint (no pod spec of ${workloadName} is recorded)`,
        )
      else
        unknown.push(
          `the readiness path${port === undefined ? ' and port' : ''} of container ${s.container} (it has no probe${port === undefined ? ' and declares no port' : ''})`,
        )
      h = `httpGet: { path: ${fill('readiness path')}, port: ${port ?? fill('container port')} }`
    }
    const name = s ? s.container : fill('container name')
    return `        - name: ${name}
          startupProbe:
            ${h}
            periodSeconds: 1
            failureThreshold: 120
          readinessProbe:
            ${h}
            initialDelaySeconds: 0
            periodSeconds: 5`
  })
  const header =
    unknown.length === 0
      ? `# Probe handlers as in ${workloadName}'s own pod spec (recorded by the collector).`
      : `# Values marked ${FILL_IN}: ...> are not in the recorded spec and must be filled in: ${unknown.join('; ')}.`
  return `${header}
# Probe Ready often while starting, then relax: a startupProbe with a short period gates the
# readiness probe, so no fixed initialDelaySeconds is needed.
spec:
  template:
    spec:
      containers:
${containers.join('\n')}
`
}

/** The recorded nodeSelector of a workload's pods as YAML lines, or a marked placeholder when unknown. */
export function nodeSelectorLines(specs: readonly WorkloadContainerSpec[], indent: string): string {
  const s = specs.find((x) => x.specRecorded)
  if (!s) return `${indent}nodeSelector: {} # ${FILL_IN}: the pods' nodeSelector; no pod spec is recorded>`
  const entries = Object.entries(s.nodeSelector)
  if (entries.length === 0) return `${indent}nodeSelector: {} # the pods set none (recorded spec)`
  return [
    `${indent}nodeSelector: # as in the pods' recorded spec`,
    ...entries.map(([k, v]) => `${indent}  ${JSON.stringify(k)}: ${JSON.stringify(v)}`),
  ].join('\n')
}

/** The template's containers (name, image, ports) as recorded, or one marked placeholder container. */
export function templateContainerLines(specs: readonly WorkloadContainerSpec[], indent: string): string {
  if (specs.length === 0)
    return `${indent}- { name: ${fill('container name')}, image: ${fill('image')} } # no pod spec is recorded`
  return specs
    .map((s) => {
      const ports =
        s.specRecorded && s.ports.length > 0
          ? `, ports: [${s.ports.map((p) => `{ containerPort: ${p} }`).join(', ')}]`
          : ''
      return `${indent}- { name: ${JSON.stringify(s.container)}, image: ${JSON.stringify(s.image)}${ports} }`
    })
    .join('\n')
}

/** A checklist line naming the pods' recorded nodeSelector and the command listing the nodes it matches. */
export function selectorChecklistLine(specs: readonly WorkloadContainerSpec[]): string {
  const s = specs.find((x) => x.specRecorded)
  if (!s) return `Recorded nodeSelector: unknown (no pod spec is recorded; read it with the command above).`
  const entries = Object.entries(s.nodeSelector)
  if (entries.length === 0)
    return 'Recorded nodeSelector: none; look at the affinity, taints and topology spread.'
  const sel = entries.map(([k, v]) => `${k}=${v}`).join(',')
  return `Recorded nodeSelector: ${sel}; the nodes it matches: kubectl get nodes -l '${sel}'`
}
