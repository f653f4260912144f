// A real Prometheus (Debian's `prometheus` package) on loopback with a temporary TSDB, scraping a target the
// test names; promtool for rule checks; the PromQL of deploy/monitoring's PrometheusRule and Grafana
// dashboard read out of the rendered manifests, with the dashboard's template variables substituted.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { stringify } from 'yaml'
import type { K8sObject } from './manifests.ts'
import { freePort, waitFor } from './process.ts'

const run = promisify(execFile)

function bin(name: 'prometheus' | 'promtool'): string {
  const path = [`/usr/bin/${name}`, `/usr/local/bin/${name}`].find((b) => existsSync(b))
  if (!path) throw new Error(`${name} is not installed (apt-get install -y prometheus); this suite needs it`)
  return path
}

export interface PromtoolResult {
  code: number
  output: string
}

/** Runs promtool with `args` in `cwd`; never throws on a non-zero exit (the caller asserts the code). */
export async function promtool(args: string[], cwd: string): Promise<PromtoolResult> {
  try {
    const { stdout, stderr } = await run(bin('promtool'), args, { cwd })
    return { code: 0, output: stdout + stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

/** A PrometheusRule's spec as a plain Prometheus rules file (what the Operator hands Prometheus). */
export function rulesFileOf(rule: K8sObject): string {
  return stringify({ groups: rule.spec.groups })
}

export interface RunningPrometheus {
  url: string
  /** An instant query; the result vector or matrix as Prometheus returns it. */
  query(expr: string, atSeconds?: number): Promise<PromResult[]>
  exemplars(expr: string, startSeconds: number, endSeconds: number): Promise<ExemplarSeries[]>
  stop(): Promise<void>
  output(): string
}

export interface PromResult {
  metric: Record<string, string>
  value?: [number, string]
}

export interface ExemplarSeries {
  seriesLabels: Record<string, string>
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[]
}

/**
 * Prometheus on 127.0.0.1 scraping `target` (host:port) every `scrapeIntervalS` seconds, evaluating `rules`
 * (a rules file's text) when given, with exemplar storage on.
 */
export async function startPrometheus(opts: {
  target: string
  scrapeIntervalS?: number
  rules?: string
  bearerToken?: string
}): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'podstart-prometheus-'))
  const interval = `${opts.scrapeIntervalS ?? 1}s`
  const ruleFiles: string[] = []
  if (opts.rules) {
    writeFileSync(join(dir, 'rules.yaml'), opts.rules)
    ruleFiles.push(join(dir, 'rules.yaml'))
  }
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    rule_files: ruleFiles,
    scrape_configs: [
      {
        job_name: 'podstart',
        static_configs: [{ targets: [opts.target] }],
        ...(opts.bearerToken ? { authorization: { type: 'Bearer', credentials: opts.bearerToken } } : {}),
      },
    ],
  }
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config))
  const check = await promtool(['check', 'config', 'prometheus.yml'], dir)
  if (check.code !== 0) throw new Error(`promtool check config failed:\n${check.output}`)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn(
    bin('prometheus'),
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  child.stdout?.on('data', (d) => {
    out += d
  })
  child.stderr?.on('data', (d) => {
    out += d
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const api = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`)
    const body = (await res.json()) as { status: string; data: T; error?: string }
    if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.error}`)
    return body.data
  }
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitFor(
      async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined),
      30_000,
      `prometheus ready (${out})`,
    )
  } catch (err) {
    await stop()
    throw err
  }
  return {
    url,
    output: () => out,
    stop,
    async query(expr, atSeconds) {
      const data = await api<{ result: PromResult[] }>('/api/v1/query', {
        query: expr,
        ...(atSeconds !== undefined ? { time: String(atSeconds) } : {}),
      })
      return data.result
    },
    exemplars: (expr, start, end) =>
      api<ExemplarSeries[]>('/api/v1/query_exemplars', {
        query: expr,
        start: String(start),
        end: String(end),
      }),
  }
}

export interface DashboardTarget {
  panel: string
  refId: string
  expr: string
}

/** Every PromQL target of a Grafana dashboard's panels (rows' nested panels included). */
export function dashboardTargets(dashboard: { panels?: GrafanaPanel[] }): DashboardTarget[] {
  const out: DashboardTarget[] = []
  const walk = (panels: GrafanaPanel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ panel: p.title, refId: t.refId, expr: t.expr })
      walk(p.panels ?? [])
    }
  }
  walk(dashboard.panels ?? [])
  return out
}

interface GrafanaPanel {
  title: string
  targets?: { refId: string; expr?: string }[]
  panels?: GrafanaPanel[]
}

/**
 * A dashboard expression with Grafana's variables replaced as Grafana would for one choice: `$__rate_interval`,
 * `$__interval`, `$__range`, and the dashboard's own (`$cluster`...) from `values`. An unknown variable throws.
 */
export function substituteVariables(
  expr: string,
  values: Record<string, string>,
  durations: { rateInterval: string; interval: string; range: string },
): string {
  const builtins: Record<string, string> = {
    __rate_interval: durations.rateInterval,
    __interval: durations.interval,
    __range: durations.range,
  }
  return expr.replace(/\$\{?(\w+)\}?/g, (_m, name: string) => {
    const v = builtins[name] ?? values[name]
    if (v === undefined) throw new Error(`dashboard variable $${name} has no value in the test`)
    return v
  })
}

/**
 * The part of an alert expression before its threshold: `X > 5` -> `X`, `X > on (a) group_left () Y` -> `X`.
 * The last comparison outside parentheses, braces and strings is the threshold.
 */
export function beforeThreshold(expr: string): string {
  let depth = 0
  let quote: string | null = null
  let cut = -1
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i] as string
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = null
      continue
    }
    if (c === '"' || c === "'" || c === '`') quote = c
    else if (c === '(' || c === '{' || c === '[') depth++
    else if (c === ')' || c === '}' || c === ']') depth--
    else if (depth === 0 && (c === '>' || c === '<')) cut = i
    else if (depth === 0 && (c === '=' || c === '!') && expr[i + 1] === '=') {
      cut = i
      i++
    }
  }
  if (cut < 0) throw new Error(`no threshold comparison at the top level of: ${expr}`)
  return expr.slice(0, cut).trim()
}
