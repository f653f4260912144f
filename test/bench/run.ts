// `npm run bench [-- --small] [-- --only burst,steady,queries,profiler,coldstart,pages] [-- --out FILE]`: runs each
// scenario in its own process, prints a table of figures against goals and writes bench-results.json.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { repoRoot, startChild } from './child.ts'
import { type BenchResults, machine, SCENARIOS, type ScenarioName, type ScenarioResult } from './result.ts'
import { renderTable } from './table.ts'

const usage = `Usage: npm run bench -- [--small] [--only ${SCENARIOS.join(',')}] [--out FILE]`
const { values } = parseArgs({
  options: {
    small: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  console.log(usage)
  process.exit(0)
}
const only = values.only
  ? values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  : [...SCENARIOS]
const unknown = only.filter((s) => !(SCENARIOS as readonly string[]).includes(s))
if (unknown.length) {
  console.error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}\n${usage}`)
  process.exit(2)
}
const small = values.small ?? false
const out = path.resolve(values.out ?? path.join(repoRoot, 'bench-results.json'))
const results: BenchResults = {
  schemaVersion: 1,
  startedAt: new Date().toISOString(),
  size: small ? 'small' : 'full',
  machine: machine(),
  scenarios: [],
}
for (const name of only as ScenarioName[]) {
  process.stderr.write(`bench: ${name} (${results.size})...\n`)
  const child = startChild('children/scenario.ts', { name, small })
  try {
    const { result } = await child.next<{ result: ScenarioResult }>((m) => m.type === 'result', 20 * 60_000)
    results.scenarios.push(result)
  } catch (err) {
    results.scenarios.push({
      scenario: name,
      size: results.size,
      ok: false,
      error: (err as Error).message,
      durationMs: 0,
      figures: [],
      baseline: {},
      notes: [],
    })
  } finally {
    await child.stop()
  }
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
}
console.log(renderTable(results))
console.log(`\nresults: ${out}`)
process.exitCode = results.scenarios.every((s) => s.ok) ? 0 : 1
