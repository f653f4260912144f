// The report as Markdown: summary, regressions with causes and advice, improvements, per-dimension tables.
import { PERCENTILE_METHOD_TEXT, percentileMethodLine } from '../queries/percentiles.ts'
import { adviceEvidenceLinks } from './advice-links.ts'
import { bytes, changeDelta, changeValue, day, headline, METRIC_LABEL, secs, share } from './format.ts'
import { type Change, DIMENSIONS, type Report } from './types.ts'

const esc = (s: string) => s.replace(/\|/g, '\\|')

function changeSection(c: Change, dashboardUrl: string | null | undefined): string[] {
  const lines = [`### ${esc(headline(c))}`, '']
  lines.push(
    `- ${METRIC_LABEL[c.metric]}: ${changeValue(c, 'previous')} → ${changeValue(c, 'current')}, ${changeDelta(c)}; samples ${c.samples.previous} → ${c.samples.current}`,
  )
  if (c.interval)
    lines.push(
      `- 95% bootstrap interval of the p90 change: ${secs(c.interval.low)} to ${secs(c.interval.high)}`,
    )
  lines.push(
    `- ${c.test.name === 'mann-whitney-u' ? 'Mann-Whitney U' : 'two-proportion z'}: z = ${c.test.z.toFixed(2)}, p = ${c.test.pValue.toExponential(2)}, BH q = ${c.test.qValue.toExponential(2)}`,
  )
  if (c.causes.length) {
    lines.push('- Likely causes:')
    for (const x of c.causes) lines.push(`  - ${esc(x.summary)}`)
  }
  if (c.advice.length) {
    lines.push('- Advice:')
    for (const a of c.advice) {
      const l = adviceEvidenceLinks(a, dashboardUrl)
      const pods = l.pods.map((p) => `[${esc(p.label)}](${p.href}) (${p.seconds} s)`)
      lines.push(
        `  - ${esc(a.title)} (${a.ruleId}, confidence ${a.confidence}) · [${l.scope.label}](${l.scope.href})${
          l.podCount !== undefined ? ` · covers ${l.podCount} pods` : ''
        }${pods.length ? ` · slowest: ${pods.join(', ')}` : ''}`,
      )
    }
  }
  if (c.seenAlsoIn.length) lines.push(`- Also seen in: ${c.seenAlsoIn.map((x) => esc(x.label)).join('; ')}`)
  lines.push('')
  return lines
}

export function renderMarkdown(r: Report): string {
  const out: string[] = []
  const scope = [
    r.scope.cluster && `cluster ${r.scope.cluster}`,
    r.scope.namespace && `namespace ${r.scope.namespace}`,
  ]
    .filter(Boolean)
    .join(', ')
  out.push(`# Pod startup report${scope ? ` (${scope})` : ''}`, '')
  out.push(
    `Window ${day(r.windows.current.from)} → ${day(r.windows.current.to)} UTC compared with ${day(r.windows.previous.from)} → ${day(r.windows.previous.to)}. Generated ${day(r.generatedAt)} UTC.`,
    '',
  )
  const t = r.totals
  out.push(
    `**${r.regressions.length} regression${r.regressions.length === 1 ? '' : 's'}, ${r.improvements.length} improvement${r.improvements.length === 1 ? '' : 's'}.** Startups ${t.previous.startups} → ${t.current.startups}; p90 ${secs(t.previous.total.p90)} → ${secs(t.current.total.p90)}; cold starts ${share(t.previous.coldShare)} → ${share(t.current.coldShare)}; pull failures ${share(t.previous.pulls.failureRate)} → ${share(t.current.pulls.failureRate)}.`,
    '',
  )
  out.push(percentileMethodLine(r.percentileMethod), '')
  if (r.dashboardUrl) out.push(`Dashboard: ${r.dashboardUrl}`, '')
  out.push('## Regressions', '')
  if (!r.regressions.length) out.push('None found.', '')
  for (const c of r.regressions) out.push(...changeSection(c, r.dashboardUrl))
  out.push('## Improvements', '')
  if (!r.improvements.length) out.push('None found.', '')
  for (const c of r.improvements) out.push(...changeSection(c, r.dashboardUrl))
  for (const d of DIMENSIONS) {
    const rows = r.groups[d]
    if (!rows.length) continue
    out.push(`## By ${d}`, '')
    out.push(
      '| group | startups | p50 | p90 | p99 | cold | pull failures | cold pull p90 | image size |',
      '|---|---|---|---|---|---|---|---|---|',
    )
    for (const g of rows) {
      const a = g.previous
      const b = g.current
      out.push(
        `| ${esc(g.label)} | ${a.startups} → ${b.startups} | ${secs(a.total.p50)} → ${secs(b.total.p50)} | ${secs(a.total.p90)} → ${secs(b.total.p90)} | ${secs(a.total.p99)} → ${secs(b.total.p99)} | ${share(a.coldShare)} → ${share(b.coldShare)} | ${a.pulls.failed} → ${b.pulls.failed} | ${secs(a.pulls.coldPull.p90)} → ${secs(b.pulls.coldPull.p90)} | ${bytes(a.pulls.medianSizeBytes)} → ${bytes(b.pulls.medianSizeBytes)} |`,
      )
    }
    out.push('')
  }
  out.push('## Method', '', r.method.test, '', r.method.multipleTesting, '')
  const c = r.method.config
  out.push(
    `A change is reported when it is significant and large: p90 moved by at least ${(c.minRelativeChange * 100).toFixed(0)}% and ${secs(c.minAbsoluteChangeMs)} (failure rate: ${(c.minFailureRateChange * 100).toFixed(0)} points), with at least ${c.minSamples} samples on each side.`,
    '',
  )
  return out.join('\n')
}

/** A few lines for chat: counts, the top regressions with their first cause, and the link. */
export function renderSummary(r: Report, link?: string): string {
  const lines = [
    `Pod startup report ${day(r.windows.current.from)} → ${day(r.windows.current.to)}${r.scope.cluster ? ` (${r.scope.cluster})` : ''}: ${r.regressions.length} regression(s), ${r.improvements.length} improvement(s).`,
  ]
  for (const c of r.regressions.slice(0, 3)) {
    lines.push(`• ${headline(c)}${c.causes[0] ? ` — ${c.causes[0].summary}` : ''}`)
  }
  lines.push(`Percentiles: ${PERCENTILE_METHOD_TEXT[r.percentileMethod].label}.`)
  const url = link ?? r.dashboardUrl
  if (url) lines.push(`Full report: ${url}`)
  return lines.join('\n')
}
