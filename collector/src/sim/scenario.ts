// Scenario files: every number the simulated cluster uses, read from YAML and validated with clear errors.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'

const here = dirname(fileURLToPath(import.meta.url))
const SCENARIO_DIR = resolve(here, '../../scenarios')

const distribution = z.union([
  z.number().nonnegative(),
  z.tuple([z.number().nonnegative(), z.number().nonnegative()]),
  z.object({ median: z.number().nonnegative(), p90: z.number().nonnegative() }).strict(),
])

const nodePool = z
  .object({
    name: z.string().min(1),
    count: z.number().int().nonnegative(),
    maxCount: z.number().int().nonnegative().optional(),
    kubeletVersion: z.string().regex(/^\d+\.\d+\.\d+$/, 'kubeletVersion must look like 1.30.4'),
    runtime: z.enum(['containerd', 'cri-o']),
    runtimeVersion: z.string().min(1),
    pigz: z.boolean(),
    bandwidthMBps: z.number().positive(),
    inflateMBps: z.number().positive(),
    pigzInflateMBps: z.number().positive(),
    extractMBps: z.number().positive(),
    maxPods: z.number().int().positive(),
    sandboxMs: distribution,
    preloadedImages: z.array(z.string()).default([]),
  })
  .strict()

const image = z
  .object({
    ref: z.string().min(1),
    compressedMB: z.number().positive(),
    uncompressedMB: z.number().positive(),
    layers: z.number().int().positive(),
  })
  .strict()

const container = z
  .object({
    name: z.string().min(1),
    image: z.string().min(1),
    pullPolicy: z.enum(['IfNotPresent', 'Always']).default('IfNotPresent'),
  })
  .strict()

const initContainer = container.extend({ runMs: distribution, sidecar: z.boolean().default(false) }).strict()

const workload = z
  .object({
    name: z.string().min(1),
    kind: z.enum(['Deployment', 'Job', 'CronJob']),
    weight: z.number().nonnegative(),
    nodePool: z.string().optional(),
    containers: z.array(container).min(1),
    initContainers: z.array(initContainer).default([]),
    readiness: z
      .object({
        // Probe seconds are int32 in the Kubernetes API.
        initialDelayS: z.number().int().nonnegative(),
        periodS: z.number().int().positive(),
        warmupMs: distribution,
      })
      .strict()
      .optional(),
    runMs: distribution.optional(),
  })
  .strict()

const problem = z
  .object({
    kind: z.enum([
      'large-gzip-no-pigz',
      'registry-saturation',
      'cold-nodes-scale-up',
      'image-only-rollout',
      'slow-cni',
      'slow-init',
      'unschedulable-wait',
      'pull-failures',
      'slow-readiness',
      'dropped-events',
      'regression',
    ]),
    workload: z
      .string()
      .regex(/^[^/]+\/[^/]+$/, 'workload must be namespace/name')
      .optional(),
    nodePool: z.string().optional(),
    at: z.number().min(0).max(1).optional(),
    pods: z.number().int().positive().optional(),
    nodes: z.number().int().positive().optional(),
    share: z.number().min(0).max(1).optional(),
    failures: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
    permanentShare: z.number().min(0).max(1).optional(),
    newTag: z.string().optional(),
    sizeFactor: z.number().positive().optional(),
    warmupFactor: z.number().positive().optional(),
    /** slow-readiness: the app's warm-up before its readiness probe passes. */
    warmupMs: distribution.optional(),
    sandboxMs: distribution.optional(),
    runMs: distribution.optional(),
  })
  .strict()

const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    pods: z.number().int().positive(),
    rate: z.number().positive(),
    podLifetimeMs: distribution,
    eventTtlMs: z.number().positive(),
    nodePools: z.array(nodePool).min(1),
    autoscaler: z.object({ delayMs: distribution }).strict(),
    registry: z
      .object({
        throughputMBps: z.number().positive(),
        perLayerMs: z.number().nonnegative(),
        repullMs: distribution,
        failureMs: distribution,
      })
      .strict(),
    images: z.array(image).min(1),
    timings: z
      .object({
        schedulingMs: distribution,
        kubeletSeeMs: distribution,
        statusLagMs: distribution,
        eventLagMs: distribution,
        createMs: distribution,
        startMs: distribution,
        noProbeReadyMs: distribution,
        backoffBaseMs: z.number().positive(),
        backoffMaxMs: z.number().positive(),
        failedSchedulingRetryMs: z.number().positive(),
      })
      .strict(),
    namespaces: z
      .array(z.object({ name: z.string().min(1), workloads: z.array(workload).min(1) }).strict())
      .min(1),
    problems: z.array(problem).default([]),
  })
  .strict()

export type Scenario = z.infer<typeof scenarioSchema>
export type NodePoolSpec = Scenario['nodePools'][number]
export type ImageSpec = Scenario['images'][number]
export type WorkloadSpec = Scenario['namespaces'][number]['workloads'][number]
export type ProblemSpec = Scenario['problems'][number]

export class ScenarioError extends Error {
  override name = 'ScenarioError'
}

export function builtinScenarioNames(): string[] {
  return ['mixed', 'fast', 'demo', 'burst', ...PROBLEM_SCENARIOS]
}

/** One scenario per injected problem, each extending the mixed cluster with only that problem. */
const PROBLEM_SCENARIOS = [
  'large-gzip',
  'registry-saturation',
  'cold-nodes',
  'image-only-rollout',
  'slow-cni',
  'slow-init',
  'unschedulable',
  'pull-failures',
]

function mergeDeep(base: unknown, over: unknown): unknown {
  if (over === undefined) return base
  if (
    base &&
    over &&
    typeof base === 'object' &&
    typeof over === 'object' &&
    !Array.isArray(base) &&
    !Array.isArray(over)
  ) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = mergeDeep(out[k], v)
    return out
  }
  return over
}

function readRaw(nameOrPath: string, seen: string[]): Record<string, unknown> {
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml')
  const path = isPath ? resolve(nameOrPath) : join(SCENARIO_DIR, `${nameOrPath}.yaml`)
  if (!existsSync(path)) {
    throw new ScenarioError(
      isPath
        ? `scenario file not found: ${path}`
        : `unknown scenario "${nameOrPath}"; built-in scenarios: ${builtinScenarioNames().join(', ')}`,
    )
  }
  if (seen.includes(path))
    throw new ScenarioError(`scenario ${path} extends itself through ${seen.join(' -> ')}`)
  let raw: unknown
  try {
    raw = parseYaml(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ScenarioError(`scenario ${path} is not valid YAML: ${(err as Error).message}`)
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ScenarioError(`scenario ${path} must be a YAML mapping`)
  const doc = raw as Record<string, unknown>
  const parent = doc.extends
  delete doc.extends
  if (parent === undefined) return doc
  if (typeof parent !== 'string')
    throw new ScenarioError(`scenario ${path}: "extends" must be a scenario name or path`)
  const parentRef = parent.includes('/') ? resolve(dirname(path), parent) : parent
  return mergeDeep(readRaw(parentRef, [...seen, path]), doc) as Record<string, unknown>
}

/** Loads a built-in scenario by name or a YAML file by path; `extends: NAME` merges onto another scenario (lists replace). */
export function loadScenario(nameOrPath: string): Scenario {
  const raw = readRaw(nameOrPath, [])
  const parsed = scenarioSchema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 8)
      .map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new ScenarioError(`scenario "${nameOrPath}" is invalid:\n${issues.join('\n')}`)
  }
  checkReferences(parsed.data)
  return parsed.data
}

function checkReferences(s: Scenario): void {
  const images = new Set(s.images.map((i) => i.ref))
  const pools = new Set(s.nodePools.map((p) => p.name))
  const workloads = new Set(s.namespaces.flatMap((n) => n.workloads.map((w) => `${n.name}/${w.name}`)))
  const fail = (msg: string) => {
    throw new ScenarioError(`scenario "${s.name}": ${msg}`)
  }
  for (const ns of s.namespaces) {
    for (const w of ns.workloads) {
      for (const c of [...w.containers, ...w.initContainers]) {
        if (!images.has(c.image))
          fail(`workload ${ns.name}/${w.name} container ${c.name} uses unknown image ${c.image}`)
      }
      if (w.nodePool && !pools.has(w.nodePool))
        fail(`workload ${ns.name}/${w.name} names unknown nodePool ${w.nodePool}`)
    }
  }
  for (const p of s.nodePools) {
    for (const ref of p.preloadedImages)
      if (!images.has(ref)) fail(`nodePool ${p.name} preloads unknown image ${ref}`)
  }
  for (const [i, p] of s.problems.entries()) {
    if (p.workload && !workloads.has(p.workload))
      fail(`problems[${i}] (${p.kind}) names unknown workload ${p.workload}`)
    if (p.nodePool && !pools.has(p.nodePool))
      fail(`problems[${i}] (${p.kind}) names unknown nodePool ${p.nodePool}`)
    const needsWorkload = p.kind !== 'slow-cni' && p.kind !== 'dropped-events'
    if (needsWorkload && !p.workload) fail(`problems[${i}] (${p.kind}) needs a workload`)
    if (
      (p.kind === 'slow-cni' || p.kind === 'cold-nodes-scale-up' || p.kind === 'unschedulable-wait') &&
      !p.nodePool
    ) {
      fail(`problems[${i}] (${p.kind}) needs a nodePool`)
    }
  }
}
