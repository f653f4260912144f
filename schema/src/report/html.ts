// The report as one self-contained HTML page: inline CSS and inline SVG charts, nothing fetched from anywhere.

import { percentileMethodLine } from '../queries/percentiles.ts'
import { adviceEvidenceLinks } from './advice-links.ts'
import { bytes, changeDelta, changeValue, day, headline, METRIC_LABEL, secs, share } from './format.ts'
import {
  type AdviceLink,
  type Change,
  DIMENSIONS,
  type GroupSide,
  REPORT_PHASES,
  type Report,
} from './types.ts'

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d2433;padding:0 1em}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #d8dde6}h3{font-size:1.05em;margin-bottom:.3em}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e4e7ee;padding:4px 6px;text-align:right}
th:first-child,td:first-child{text-align:left}.change{border:1px solid #d8dde6;border-radius:6px;padding:.6em 1em;margin:1em 0}
.regression{border-left:5px solid #c0392b}.improvement{border-left:5px solid #27ae60}.muted{color:#6b7385}
svg text{font:11px system-ui,sans-serif;fill:#1d2433}`

/**
 * Horizontal bars, previous (grey) over current (colour). The first pair draws the headline's own statistic
 * (the change's previous and current value, named as in the headline) on its own scale; below it, for context,
 * the p90 of the total and of each phase over all of the group's startups (a phase most startups skip, such as
 * a pull, has a p90 near zero there, which is why the headline's bar never comes from these rows).
 */
function changeChart(c: Change, prev: GroupSide, cur: GroupSide, colour: string): string {
  const w = 520
  const labelW = 120
  const rowH = 26
  const span = w - labelW - 90
  const pair = (
    y: number,
    name: string,
    a: number | null,
    b: number | null,
    max: number,
    text: string,
    attrs = '',
  ) => {
    const bar = (v: number | null) => (Math.max(0, v ?? 0) / max) * span
    return `<g${attrs}><text x="0" y="${y + 14}">${esc(name)}</text>
<rect x="${labelW}" y="${y + 2}" width="${bar(a).toFixed(1)}" height="9" fill="#b5bccb"/>
<rect x="${labelW}" y="${y + 12}" width="${bar(b).toFixed(1)}" height="9" fill="${colour}"/>
<text x="${(labelW + Math.max(bar(a), bar(b)) + 4).toFixed(1)}" y="${y + 18}">${esc(text)}</text></g>`
  }
  const head = pair(
    0,
    METRIC_LABEL[c.metric],
    c.previous,
    c.current,
    Math.max(c.metric === 'pullFailureRate' ? 1e-9 : 1, c.previous, c.current),
    `${changeValue(c, 'previous')} → ${changeValue(c, 'current')}`,
    ` data-bar="headline" data-metric="${c.metric}"`,
  )
  const rows: Array<[string, number | null, number | null]> = [
    ['total p90', prev.total.p90, cur.total.p90],
    ...REPORT_PHASES.map((p): [string, number | null, number | null] => [
      `${p} p90`,
      prev.phases[p].p90,
      cur.phases[p].p90,
    ]),
  ]
  const max = Math.max(1, ...rows.flatMap(([, a, b]) => [a ?? 0, b ?? 0]))
  const top = rowH + 22
  const context = rows.map(([name, a, b], i) =>
    pair(top + i * rowH, name, a, b, max, `${secs(a)} → ${secs(b)}`, ' data-bar="context"'),
  )
  const h = top + rows.length * rowH
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(METRIC_LABEL[c.metric])}, previous and current window; then p90 by phase over all startups" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${head}
<text x="0" y="${rowH + 12}" class="muted" fill="#6b7385">p90 over all startups of the group, for context:</text>
${context.join('\n')}</svg>`
}

/** A finding's links: its scope's page, how many pods it covers, its slowest pods' waterfalls. */
function adviceEvidenceHtml(a: AdviceLink, dashboardUrl: string | null | undefined): string {
  const l = adviceEvidenceLinks(a, dashboardUrl)
  const pods = l.pods.map(
    (p) => `<a href="${esc(p.href)}" data-advice-pod>${esc(p.label)}</a> (${p.seconds} s)`,
  )
  return ` <span class="muted">· <a href="${esc(l.scope.href)}" data-advice-scope>${esc(l.scope.label)}</a>${
    l.podCount !== undefined ? ` · covers ${l.podCount} pods` : ''
  }${pods.length ? ` · slowest: ${pods.join(', ')}` : ''}</span>`
}

function changeBlock(r: Report, c: Change): string {
  const group = r.groups[c.dimension].find((g) => g.label === c.label)
  const colour = c.direction === 'regression' ? '#c0392b' : '#27ae60'
  const list = (items: string[]) =>
    items.length ? `<ul>${items.map((x) => `<li>${x}</li>`).join('')}</ul>` : ''
  return `<div class="change ${c.direction}">
<h3>${esc(headline(c))}</h3>
<p>${esc(changeDelta(c))}; samples ${c.samples.previous} → ${c.samples.current}; ${c.test.name === 'mann-whitney-u' ? 'Mann-Whitney U' : 'two-proportion z'} z = ${c.test.z.toFixed(2)}, BH q = ${c.test.qValue.toExponential(2)}${c.interval ? `; 95% interval of the p90 change ${secs(c.interval.low)} to ${secs(c.interval.high)}` : ''}</p>
${c.causes.length ? `<p><b>Likely causes</b></p>${list(c.causes.map((x) => esc(x.summary)))}` : ''}
${c.advice.length ? `<p><b>Advice</b></p>${list(c.advice.map((a) => `${esc(a.title)} <span class="muted">(${esc(a.ruleId)}, ${esc(a.confidence)})</span>${adviceEvidenceHtml(a, r.dashboardUrl)}`))}` : ''}
${group ? changeChart(c, group.previous, group.current, colour) : ''}
${c.seenAlsoIn.length ? `<p class="muted">Also seen in: ${esc(c.seenAlsoIn.map((x) => x.label).join('; '))}</p>` : ''}
</div>`
}

export function renderHtml(r: Report): string {
  const t = r.totals
  const tables = DIMENSIONS.filter((d) => r.groups[d].length)
    .map((d) => {
      const rows = r.groups[d]
        .map((g) => {
          const a = g.previous
          const b = g.current
          return `<tr><td>${esc(g.label)}</td><td>${a.startups} → ${b.startups}</td><td>${secs(a.total.p50)} → ${secs(b.total.p50)}</td><td>${secs(a.total.p90)} → ${secs(b.total.p90)}</td><td>${secs(a.total.p99)} → ${secs(b.total.p99)}</td><td>${share(a.coldShare)} → ${share(b.coldShare)}</td><td>${a.pulls.failed} → ${b.pulls.failed}</td><td>${bytes(a.pulls.medianSizeBytes)} → ${bytes(b.pulls.medianSizeBytes)}</td></tr>`
        })
        .join('\n')
      return `<h2>By ${d}</h2><table><thead><tr><th>group</th><th>startups</th><th>p50</th><th>p90</th><th>p99</th><th>cold</th><th>pull failures</th><th>image size</th></tr></thead><tbody>${rows}</tbody></table>`
    })
    .join('\n')
  const title = `Pod startup report${r.scope.cluster ? ` — ${r.scope.cluster}` : ''}`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(title)}</h1>
<p>Window ${day(r.windows.current.from)} → ${day(r.windows.current.to)} UTC compared with ${day(r.windows.previous.from)} → ${day(r.windows.previous.to)}.</p>
<p><b>${r.regressions.length} regression(s), ${r.improvements.length} improvement(s).</b> Startups ${t.previous.startups} → ${t.current.startups}; p90 ${secs(t.previous.total.p90)} → ${secs(t.current.total.p90)}; cold starts ${share(t.previous.coldShare)} → ${share(t.current.coldShare)}.</p>
<p class="muted">${esc(percentileMethodLine(r.percentileMethod))}</p>
<h2>Regressions</h2>${r.regressions.length ? r.regressions.map((c) => changeBlock(r, c)).join('\n') : '<p>None found.</p>'}
<h2>Improvements</h2>${r.improvements.length ? r.improvements.map((c) => changeBlock(r, c)).join('\n') : '<p>None found.</p>'}
${tables}
<h2>Method</h2><p>${esc(r.method.test)}</p><p>${esc(r.method.multipleTesting)}</p>
</body></html>
`
}
