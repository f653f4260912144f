// The shape of bench-results.json: per scenario, its figures next to their goals, the baseline each figure is
// compared with in the same run, and the machine the run happened on.
import os from 'node:os'

export type GoalOp = '>=' | '<=' | '<' | '=='

export interface Figure {
  name: string
  value: number | null
  unit: string
  /** The goal this figure is held to; absent for figures that are context only. */
  goal?: { op: GoalOp; value: number }
  /** null when the figure has no goal or could not be measured. */
  pass?: boolean | null
}

export interface ScenarioResult {
  scenario: ScenarioName
  size: 'small' | 'full'
  ok: boolean
  error?: string
  durationMs: number
  figures: Figure[]
  /** What the figures are compared with, measured in the same run (e.g. the JSON-parse ceiling). */
  baseline: Record<string, unknown>
  notes: string[]
}

export interface Machine {
  cores: number
  cpuModel: string
  memoryBytes: number
  node: string
  platform: string
}

export interface BenchResults {
  schemaVersion: 1
  startedAt: string
  size: 'small' | 'full'
  machine: Machine
  scenarios: ScenarioResult[]
}

export const SCENARIOS = ['burst', 'steady', 'queries', 'profiler', 'coldstart', 'pages'] as const
export type ScenarioName = (typeof SCENARIOS)[number]

export function machine(): Machine {
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  }
}

export function figure(name: string, value: number | null, unit: string, goal?: Figure['goal']): Figure {
  if (!goal) return { name, value, unit }
  return { name, value, unit, goal, pass: value === null ? null : meets(value, goal) }
}

function meets(value: number, goal: NonNullable<Figure['goal']>): boolean {
  switch (goal.op) {
    case '>=':
      return value >= goal.value
    case '<=':
      return value <= goal.value
    case '<':
      return value < goal.value
    case '==':
      return value === goal.value
  }
}

export function quantileOf(values: number[], level: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(level * sorted.length))] as number
}

export const round = (v: number | null, digits = 1): number | null =>
  v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits
