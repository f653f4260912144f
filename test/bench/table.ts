// The bench results as a plain-text table: one row per figure, its goal and whether it was met.
import type { BenchResults } from './result.ts'

function pad(cells: string[][]): string {
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length))) ?? []
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

export function renderTable(results: BenchResults): string {
  const m = results.machine
  const out = [
    `podstart bench (${results.size}) on ${m.cores} cores, ${Math.round(m.memoryBytes / 2 ** 30)} GiB, Node ${m.node}, ${m.cpuModel}`,
  ]
  for (const s of results.scenarios) {
    out.push('', `== ${s.scenario} (${(s.durationMs / 1000).toFixed(0)} s)${s.ok ? '' : ' FAILED'}`)
    if (s.error) out.push(s.error.split('\n').slice(0, 3).join('\n'))
    const rows = [['figure', 'value', 'goal', 'result']]
    for (const f of s.figures) {
      const value = f.value === null ? 'n/a' : `${f.value.toLocaleString('en')} ${f.unit}`
      const goal = f.goal ? `${f.goal.op} ${f.goal.value.toLocaleString('en')} ${f.unit}` : ''
      const result = f.goal ? (f.pass === true ? 'pass' : f.pass === false ? 'MISS' : 'n/a') : ''
      rows.push([f.name, value, goal, result])
    }
    if (s.figures.length) out.push(pad(rows))
    if (typeof s.baseline.what === 'string') out.push(`baseline: ${s.baseline.what}`)
    for (const n of s.notes) out.push(`note: ${n}`)
  }
  return out.join('\n')
}
