// Shared arithmetic and rendering of findings: week scaling, number formats, ranking, Markdown/text.
import type { ImagePullSummaryRow } from '../queries/advice-pulls.ts'
import { PERCENTILE_METHOD_TEXT, PERCENTILE_METHODS } from '../queries/percentiles.ts'
import type {
  AdviceSignals,
  Confidence,
  EvidencePercentile,
  Finding,
  FindingScope,
  RenderedFinding,
  SavingBasis,
} from './types.ts'

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

/** How a weekly figure is obtained from the window: observed (>= 7 days of data) or a projection. */
export function windowAssumption(window: AdviceSignals['window']): string {
  const span = window.toMs - window.fromMs
  const days = span / 86_400_000
  return span >= WEEK_MS
    ? `observed over the ${round1(days)}-day window, scaled to 7 days`
    : `projection: the weekly figure assumes the ${round1(days * 24)}-hour window's rate holds for 7 days`
}

/** The basis of a weekly saving: what the window saw, unscaled, and whether the week is observed or projected. */
export function savingBasis(podSecondsPerWeek: number, window: AdviceSignals['window']): SavingBasis {
  const span = Math.max(0, window.toMs - window.fromMs)
  const factor = weekFactor(window)
  const inWindow = factor > 0 ? podSecondsPerWeek / factor : 0
  return {
    windowHours: round1(span / 3_600_000),
    podSecondsInWindow: round1(inWindow),
    weekly: span >= WEEK_MS ? 'observed' : 'projection',
    podSecondsPerHour: span > 0 ? round1(inWindow / (span / 3_600_000)) : 0,
  }
}

/**
 * What a finding's confidence is worth in ranking: a low-confidence estimate counts a quarter of its saving,
 * a medium one 60 %, so a measured smaller fix ranks above a guessed larger one (heuristic weights).
 */
export const CONFIDENCE_WEIGHT: Record<Confidence, number> = { high: 1, medium: 0.6, low: 0.25 }

export function expectedSaving(f: Finding): number {
  return round1(f.saving.podSecondsPerWeek * CONFIDENCE_WEIGHT[f.confidence])
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

/**
 * Highest expected saving (pod-seconds per week x confidence weight) first, then pod-seconds, p90 saving, rule
 * and scope for a stable order. Each finding gets its `rank` figures so both numbers can be shown.
 */
export function rankFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f) => ({
      ...f,
      rank: { weight: CONFIDENCE_WEIGHT[f.confidence], expectedPodSecondsPerWeek: expectedSaving(f) },
    }))
    .sort(
      (a, b) =>
        // An incident in progress comes before every weekly finding while it lasts.
        Number(Boolean(b.acute)) - Number(Boolean(a.acute)) ||
        b.rank.expectedPodSecondsPerWeek - a.rank.expectedPodSecondsPerWeek ||
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

/** An evidence figure that is the nearest-rank percentile at these levels (every advice percentile is). */
export function nearestRankAt(...levels: number[]): EvidencePercentile {
  return { levels, method: PERCENTILE_METHODS.nearestRank }
}

/** The method a percentile figure states next to its value, e.g. "p90, nearest rank (exact)". */
export function percentileNote(p: EvidencePercentile): string {
  const levels = p.levels.map((l) => (l === 0.5 ? 'median' : `p${Math.round(l * 100)}`)).join(' / ')
  return `${levels}, ${PERCENTILE_METHOD_TEXT[p.method].label}`
}

function evidenceValue(e: Finding['evidence'][number]): string {
  const value = e.unit ? `${e.value} ${e.unit}` : String(e.value)
  return e.percentile ? `${value} [${percentileNote(e.percentile)}]` : value
}

/** The common layout every rule renders through; `advice` is the rule's own paragraph on what to do. */
export function renderFinding(finding: Finding, advice: string): RenderedFinding {
  const { saving } = finding
  const basis = saving.basis
  const basisLine =
    finding.acute && basis
      ? ` (the last ${basis.windowHours} h's excess over the scope's ${finding.acute.baselineDays}-day baseline, not a weekly figure${finding.pods ? `; the window's pods in this phase: ${finding.pods.count}` : ''})`
      : basis
        ? ` (${basis.podSecondsInWindow} pod-seconds observed in ${basis.windowHours} h${finding.pods ? ` over ${finding.pods.count} pods` : ''}; weekly figure ${basis.weekly === 'observed' ? 'observed' : `projected at ${basis.podSecondsPerHour} pod-s/hour`})`
        : ''
  const amount = finding.acute
    ? `${saving.podSecondsPerWeek} pod-seconds in the last ${basis?.windowHours ?? 1} h`
    : `${saving.podSecondsPerWeek} pod-seconds per week`
  const perStartup = finding.acute
    ? `${saving.p90SecondsPerStartup} s more per startup than the baseline (mean)`
    : `${saving.p90SecondsPerStartup} s at p90 per affected startup`
  const savingLine = `${amount}${basisLine}, ${perStartup}`
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
