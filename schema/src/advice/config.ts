// Per-cluster thresholds: `advice: { defaults: { RULE: {...} }, clusters: { NAME: { RULE: {...} } } }`.
// Each rule's own zod schema validates its keys; errors name the path and the rule's known keys.
import { z } from 'zod'
import { RULES } from './rules/index.ts'
import type { Rule } from './types.ts'

const ruleOverrides = z.record(z.string(), z.record(z.string(), z.unknown()))
const adviceSection = z
  .object({
    defaults: ruleOverrides.default({}),
    clusters: z.record(z.string(), ruleOverrides).default({}),
  })
  .strict()

export type AdviceConfig = z.output<typeof adviceSection>

export class AdviceConfigError extends Error {
  override name = 'AdviceConfigError'
  readonly exitCode = 2
}

function describeIssue(path: string, err: z.ZodError): string {
  const issue = err.issues[0]
  const at = [path, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.')
  return `${at}: ${issue?.message ?? 'invalid'}`
}

function checkRules(path: string, section: Record<string, Record<string, unknown>>): void {
  for (const [id, values] of Object.entries(section)) {
    const rule = RULES.find((r) => r.id === id)
    if (!rule)
      throw new AdviceConfigError(
        `${path}.${id}: unknown rule; known rules: ${RULES.map((r) => r.id).join(', ')}`,
      )
    const parsed = rule.thresholds.safeParse(values)
    if (!parsed.success) {
      const keys = Object.keys((rule.thresholds as unknown as z.ZodObject).shape).join(', ')
      throw new AdviceConfigError(
        `${describeIssue(`${path}.${id}`, parsed.error)} (thresholds of ${id}: ${keys})`,
      )
    }
  }
}

/** Validates a parsed config document (its `advice` key; other keys are other sections' business). */
export function parseAdviceConfig(doc: unknown): AdviceConfig {
  const section =
    doc && typeof doc === 'object' && 'advice' in doc ? (doc as { advice: unknown }).advice : undefined
  const parsed = adviceSection.safeParse(section ?? {})
  if (!parsed.success) throw new AdviceConfigError(describeIssue('advice', parsed.error))
  checkRules('advice.defaults', parsed.data.defaults)
  for (const [name, rules] of Object.entries(parsed.data.clusters))
    checkRules(`advice.clusters.${name}`, rules)
  return parsed.data
}

/** A rule's thresholds for a cluster: its defaults, then `defaults`, then the cluster's own values. */
export function thresholdsOf<T extends z.ZodType<object>>(
  config: AdviceConfig | undefined,
  cluster: string,
  rule: Rule<T>,
): z.output<T> {
  return rule.thresholds.parse({
    ...(config?.defaults[rule.id] ?? {}),
    ...(config?.clusters[cluster]?.[rule.id] ?? {}),
  })
}

/** The same for a rule named by its id (as in a config file). */
export function thresholdsFor(config: AdviceConfig | undefined, cluster: string, ruleId: string): object {
  const rule = RULES.find((r) => r.id === ruleId)
  if (!rule) throw new AdviceConfigError(`unknown rule ${ruleId}`)
  return thresholdsOf(config, cluster, rule)
}
