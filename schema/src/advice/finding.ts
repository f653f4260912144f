// Shared arithmetic and rendering of findings: week scaling, number formats, ranking, Markdown/text.
import type { ImagePullSummaryRow } from '../queries/advice-pulls.ts'
import type { AdviceSignals, Finding, FindingScope, RenderedFinding } from './types.ts'

const WEEK_MS = 7 * 86_400_000

/** Factor from the window to a week (a 1-day window counts 7 times). */
function weekFactor(window: AdviceSignals['window']): number {
  const span = window.toMs - window.fromMs
  return span > 0 ? WEEK_MS / span : 0
}

/** Rounded to 0.1 so renders and JSON are stable across float noise. */
export const round1 = (n: number): number => Math.round(n * 10) / 10

/** ms saved over the window -> pod-seconds per week. */
export function perWeekSeconds(msInWindow: number, window: AdviceSignals['window']): number {
  return round1((msInWindow / 1000) * weekFactor(window))
}

/** A count over the window scaled to a week. */
export function perWeek(count: number, window: AdviceSignals['window']): number {
  return count * weekFactor(window)
}

export function windowAssumption(window: AdviceSignals['window']): string {
  const days = (window.toMs - window.fromMs) / 86_400_000
  return `the ${round1(days)}-day window is scaled linearly to 7 days (same load as observed)`
}

export function seconds(ms: number | null): string {
  if (ms === null) return 'n/a'
  const s = ms / 1000
  return s >= 100 ? `${Math.round(s)} s` : `${round1(s)} s`
}

export function bytes(n: number | null): string {
  if (n === null) return 'n/a'
  if (n >= 1e9) return `${round1(n / 1e9)} GB`
  if (n >= 1e6) return `${round1(n / 1e6)} MB`
  if (n >= 1e3) return `${round1(n / 1e3)} kB`
  return `${n} B`
}

export const percent = (share: number): number => Math.round(share * 1000) / 10

/** Highest pod-seconds per week first, then p90 saving, then rule and scope for a stable order. */
export function rankFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      b.saving.podSecondsPerWeek - a.saving.podSecondsPerWeek ||
      b.saving.p90SecondsPerStartup - a.saving.p90SecondsPerStartup ||
      a.ruleId.localeCompare(b.ruleId) ||
      scopeLabel(a.scope).localeCompare(scopeLabel(b.scope)),
  )
}

export function scopeLabel(scope: FindingScope): string {
  const parts = [`cluster ${scope.cluster}`]
  if (scope.namespace) parts.push(`namespace ${scope.namespace}`)
  if (scope.workload) parts.push(`${scope.workload.kind} ${scope.workload.name}`)
  if (scope.image) parts.push(`image ${scope.image}`)
  if (scope.node) parts.push(`node ${scope.node}`)
  return parts.join(', ')
}

/** Narrows an image finding to the one namespace / workload that pulled it, when there is exactly one. */
export function imageScope(cluster: string, row: ImagePullSummaryRow): FindingScope {
  const scope: FindingScope = { level: 'image', cluster, image: row.image }
  if (row.namespaces.length === 1) scope.namespace = row.namespaces[0]
  const only = row.workloads.length === 1 ? row.workloads[0] : undefined
  if (only?.name) scope.workload = { kind: only.kind, name: only.name }
  return scope
}

function evidenceValue(e: Finding['evidence'][number]): string {
  return e.unit ? `${e.value} ${e.unit}` : String(e.value)
}

/** The common layout every rule renders through; `advice` is the rule's own paragraph on what to do. */
export function renderFinding(finding: Finding, advice: string): RenderedFinding {
  const { saving } = finding
  const savingLine = `${saving.podSecondsPerWeek} pod-seconds per week, ${saving.p90SecondsPerStartup} s at p90 per affected startup`
  const md = [
    `### ${finding.title}`,
    '',
    `*${scopeLabel(finding.scope)}* · rule \`${finding.ruleId}\` · confidence **${finding.confidence}**`,
    '',
    advice,
    '',
    '| evidence | value | query |',
    '|---|---|---|',
    ...finding.evidence.map((e) => `| ${e.label} | ${evidenceValue(e)} | \`${e.query}\` |`),
    '',
    `**Estimated saving:** ${savingLine}.`,
    '',
    'Assumptions:',
    ...saving.assumptions.map((a) => `- ${a}`),
  ]
  const text = [
    `${finding.title}`,
    `  scope: ${scopeLabel(finding.scope)}   rule: ${finding.ruleId}   confidence: ${finding.confidence}`,
    `  ${advice.replace(/\n/g, '\n  ')}`,
    ...finding.evidence.map((e) => `  - ${e.label}: ${evidenceValue(e)} (${e.query})`),
    `  saving: ${savingLine}`,
    ...saving.assumptions.map((a) => `    assumes ${a}`),
  ]
  if (finding.artifact) {
    const { kind, filename, content } = finding.artifact
    const fence = kind === 'yaml' ? 'yaml' : kind === 'shell' ? 'sh' : 'text'
    md.push('', `Artifact \`${filename}\`:`, '', `\`\`\`${fence}`, content.trimEnd(), '```')
    text.push(
      `  artifact ${filename}:`,
      ...content
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`),
    )
  }
  return { markdown: `${md.join('\n')}\n`, text: `${text.join('\n')}\n` }
}

/** Kubernetes object name from an image reference (for artifact names): lowercase, [a-z0-9-], <= 52 chars. */
export function imageSlug(image: string): string {
  const name =
    image
      .replace(/@sha256:.*/, '')
      .split('/')
      .pop() ?? image
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return (slug || 'image').slice(0, 52).replace(/-+$/, '')
}
