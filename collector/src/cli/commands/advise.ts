// `podstart advise`: ranked fixes for the stored startups of a window, with estimated savings and artifacts.
import { readFileSync } from 'node:fs'
import {
  type AdviceConfig,
  AdviceConfigError,
  evaluateAdvice,
  type Finding,
  parseAdviceConfig,
  renderAdvice,
  scopeLabel,
} from '@podstart/schema/advice'
import { PERCENTILE_METHODS, percentileMethodLine } from '@podstart/schema/queries'
import { createQuerier, openStore } from '@podstart/schema/store'
import { parse as parseYaml } from 'yaml'
import { type Command, durationFlag, EXIT, intFlag, parseCommandArgs, UsageError } from '../args.ts'
import { storeConfig } from '../env.ts'

const help = `podstart advise: ranked fixes with estimated savings

Usage: podstart advise [--window 7d] [--cluster NAME] [--namespace NS] [--top N] [--config FILE] [--json] [--data DIR]

Reads the stored startups of the window (created in the last --window), runs every advice rule
(pre-warm, decompression, lazy-format, p2p, in-place-update, pull-policy, pull-failures, scheduling, sandbox,
init-containers, readiness) with each cluster's thresholds, and prints the findings ranked by
pod-seconds saved per week, each with its evidence, assumptions and a ready-to-apply artifact. Percentiles in
the evidence are the nearest rank of the values (exact), each marked with its level and method; in --json,
an evidence entry that is a percentile has percentile: { levels, method: 'nearest-rank' }.

Options:
  --window D       how far back to look (default 7d; 30m, 12h, 2w ...)
  --cluster NAME   one cluster only (default: every cluster in the window)
  --namespace NS   one namespace only
  --top N          details for the first N findings (default 5; the table lists all)
  --config FILE    YAML with advice: { defaults: { RULE: {...} }, clusters: { NAME: { RULE: {...} } } }
  --json           print the findings array as JSON
  --data DIR       embedded store directory (when CLICKHOUSE_URL is unset)
  --help           this text

Thresholds and their sources: docs/advice.md.
Finding nothing is a success (exit 0); a bad --config file is bad usage (exit 2).`

function loadConfig(file: string): AdviceConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new UsageError(`--config ${file}: ${(err as Error).message}`)
  }
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw new UsageError(`--config ${file} is not valid YAML: ${(err as Error).message}`)
  }
  try {
    return parseAdviceConfig(doc)
  } catch (err) {
    if (err instanceof AdviceConfigError) throw new UsageError(`--config ${file}: ${err.message}`)
    throw err
  }
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length)
}

export function findingsTable(findings: Finding[]): string {
  // Ranked by expected saving (pod-s/week x confidence weight); a weekly figure from less than a week is a
  // projection (marked *), and `pods` is how many startups the finding covers.
  const head = ['#', 'expected', 'pod-s/week', 'p90 s', 'pods', 'confidence', 'rule', 'scope / finding']
  const rows = findings.map((f, i) => [
    String(i + 1),
    String(f.rank?.expectedPodSecondsPerWeek ?? ''),
    f.saving.basis?.weekly === 'acute'
      ? `${f.saving.podSecondsPerWeek} in last ${f.saving.basis.windowHours} h!`
      : `${f.saving.podSecondsPerWeek}${f.saving.basis?.weekly === 'projection' ? '*' : ''}`,
    String(f.saving.p90SecondsPerStartup),
    String(f.pods?.count ?? ''),
    f.confidence,
    f.ruleId,
    `${scopeLabel(f.scope)}: ${f.title}`,
  ])
  const widths = head.slice(0, -1).map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)))
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c < widths.length ? pad(cell, widths[c]!) : cell))
      .join('  ')
      .trimEnd()
  return [line(head), ...rows.map(line)].join('\n')
}

export const command: Command = {
  summary: 'ranked fixes with estimated savings, ready to apply',
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      window: { type: 'string' },
      cluster: { type: 'string' },
      namespace: { type: 'string' },
      top: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
      data: { type: 'string' },
    })
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`)
    const windowMs = durationFlag('window', values.window, 7 * 86_400_000)
    if (windowMs <= 0) throw new UsageError('--window must be longer than 0')
    const top = intFlag('top', values.top, 5)
    const config = values.config ? loadConfig(values.config) : undefined
    const to = Date.now()
    const store = await openStore(storeConfig(values.data))
    try {
      const findings = await evaluateAdvice(createQuerier(store), {
        from: new Date(to - windowMs).toISOString(),
        to: new Date(to).toISOString(),
        cluster: values.cluster,
        namespace: values.namespace,
        config,
      })
      if (values.json) {
        console.log(JSON.stringify(findings, null, 2))
        return EXIT.ok
      }
      if (findings.length === 0) {
        console.log(`No findings: nothing in the last ${values.window ?? '7d'} crossed a rule's thresholds.`)
        return EXIT.ok
      }
      console.log(findingsTable(findings))
      // Every percentile of the evidence is the nearest rank of the values (each figure also says so).
      console.log(`Evidence ${percentileMethodLine(PERCENTILE_METHODS.nearestRank).replace(/^P/, 'p')}`)
      if (findings.some((f) => f.saving.basis?.weekly === 'acute'))
        console.log(
          "! incident: pod-s lost in the window's last hour above the workload's own baseline, not a weekly figure",
        )
      if (findings.some((f) => f.saving.basis?.weekly === 'projection'))
        console.log(
          `* projected: the ${values.window} window's rate assumed for 7 days (see each finding's basis)`,
        )
      for (const f of findings.slice(0, top)) console.log(`\n${renderAdvice(f).text.trimEnd()}`)
      return EXIT.ok
    } finally {
      await store.close()
    }
  },
}
