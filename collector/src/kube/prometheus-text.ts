// A parser for the Prometheus text exposition format (0.0.4) that keeps every label of every sample,
// and groups histogram series (_bucket/_sum/_count) by their labels. Written here because the npm parser
// we tried (parse-prometheus-text-format 1.1.1) drops all non-`le` labels of labeled histograms.

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface HistogramSeries {
  name: string
  /** Labels without `le`. */
  labels: Record<string, string>
  /** Cumulative counts per upper bound, ascending, +Inf last. */
  buckets: Array<{ le: number; count: number }>
  count: number
  sum: number
}

class ExpositionError extends Error {
  override name = 'ExpositionError'
}

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY
  if (text === '-Inf') return Number.NEGATIVE_INFINITY
  if (text === 'NaN') return Number.NaN
  const n = Number(text)
  if (Number.isNaN(n)) throw new ExpositionError(`not a number: "${text}"`)
  return n
}

/** Parses one sample line: name{labels} value [timestamp]. */
export function parseSampleLine(line: string): Sample {
  const brace = line.indexOf('{')
  const firstSpace = line.search(/[ \t]/)
  const labels: Record<string, string> = {}
  let name: string
  let rest: string
  if (brace >= 0 && (firstSpace < 0 || brace < firstSpace)) {
    name = line.slice(0, brace).trim()
    let i = brace + 1
    while (i < line.length) {
      while (line[i] === ' ' || line[i] === ',') i++
      if (line[i] === '}') break
      const eq = line.indexOf('=', i)
      if (eq < 0) throw new ExpositionError(`label without value in: ${line}`)
      const key = line.slice(i, eq).trim()
      i = eq + 1
      while (line[i] === ' ') i++
      if (line[i] !== '"') throw new ExpositionError(`unquoted label value in: ${line}`)
      i++
      let value = ''
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\') {
          const next = line[i + 1]
          value += next === 'n' ? '\n' : (next ?? '')
          i += 2
        } else value += line[i++]
      }
      if (i >= line.length) throw new ExpositionError(`unterminated label value in: ${line}`)
      labels[key] = value
      i++
    }
    if (line[i] !== '}') throw new ExpositionError(`unterminated labels in: ${line}`)
    rest = line.slice(i + 1).trim()
  } else {
    name = line.slice(0, firstSpace).trim()
    rest = line.slice(firstSpace).trim()
  }
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new ExpositionError(`bad metric name in: ${line}`)
  const [valueText] = rest.split(/[ \t]+/)
  if (!valueText) throw new ExpositionError(`sample without value: ${line}`)
  return { name, labels, value: parseValue(valueText) }
}

export function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  const lines = text.split('\n')
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim()
    if (!line) continue
    if (line.startsWith('#')) {
      const m = /^#\s+TYPE\s+(\S+)\s+(\S+)/.exec(line)
      if (m) types.set(m[1]!, m[2]!)
      continue
    }
    try {
      samples.push(parseSampleLine(line))
    } catch (err) {
      throw new ExpositionError(`line ${n + 1}: ${(err as Error).message}`)
    }
  }
  return { samples, types }
}

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .filter((k) => k !== 'le')
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',')
}

/** Histogram series of the given families, grouped by their labels (without `le`). */
export function histogramSeries(text: string, families: readonly string[]): HistogramSeries[] {
  const wanted = new Set(families)
  const series = new Map<string, HistogramSeries>()
  const { samples } = parseExposition(text)
  for (const s of samples) {
    const m = /^(.*)_(bucket|sum|count)$/.exec(s.name)
    if (!m || !wanted.has(m[1]!)) continue
    const family = m[1]!
    const key = `${family}|${labelKey(s.labels)}`
    let h = series.get(key)
    if (!h) {
      const labels = { ...s.labels }
      delete labels.le
      h = { name: family, labels, buckets: [], count: 0, sum: 0 }
      series.set(key, h)
    }
    if (m[2] === 'bucket') h.buckets.push({ le: parseValue(s.labels.le ?? '+Inf'), count: s.value })
    else if (m[2] === 'sum') h.sum = s.value
    else h.count = s.value
  }
  for (const h of series.values()) h.buckets.sort((a, b) => a.le - b.le)
  return [...series.values()]
}

export function seriesLabelText(h: HistogramSeries): string {
  return labelKey(h.labels)
}
