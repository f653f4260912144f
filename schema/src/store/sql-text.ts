// Migration text handling: splits SQL into statements and expands the frozen placeholder syntax,
// both aware of quotes and comments (see migrations/README.md for the syntax).

interface Segment {
  kind: 'code' | 'quoted' | 'comment'
  text: string
  /** 1-based line where the segment starts. */
  line: number
}

/** Cuts SQL into code, quoted ('...', "...", `...`) and comment (-- ..., /* ... *\/) segments. */
function scan(sql: string, file: string): Segment[] {
  const out: Segment[] = []
  let i = 0
  let line = 1
  let code = ''
  let codeLine = 1
  const flushCode = () => {
    if (code) out.push({ kind: 'code', text: code, line: codeLine })
    code = ''
  }
  const take = (end: number, kind: Segment['kind']) => {
    flushCode()
    const text = sql.slice(i, end)
    out.push({ kind, text, line })
    for (const ch of text) if (ch === '\n') line++
    i = end
    codeLine = line
  }
  while (i < sql.length) {
    const ch = sql[i] as string
    const next = sql[i + 1]
    if (ch === '-' && next === '-') {
      const nl = sql.indexOf('\n', i)
      take(nl === -1 ? sql.length : nl, 'comment')
    } else if (ch === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2)
      if (close === -1) throw new Error(`${file}:${line}: unterminated /* comment`)
      take(close + 2, 'comment')
    } else if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1
      for (;;) {
        if (j >= sql.length) throw new Error(`${file}:${line}: unterminated ${ch} quote`)
        const c = sql[j]
        if (c === '\\') j += 2
        else if (c === ch && sql[j + 1] === ch) j += 2
        else if (c === ch) break
        else j++
      }
      take(j + 1, 'quoted')
    } else {
      if (!code) codeLine = line
      code += ch
      if (ch === '\n') line++
      i++
    }
  }
  flushCode()
  return out
}

export interface SqlStatement {
  /** The statement without its terminating semicolon, trimmed. */
  sql: string
  /** 1-based line where the statement starts in its file. */
  line: number
}

/** Splits on `;` outside quotes and comments; blocks holding only comments and whitespace are dropped. */
export function splitStatements(sql: string, file = '<sql>'): SqlStatement[] {
  const out: SqlStatement[] = []
  let current = ''
  let hasCode = false
  let startLine = 1
  const firstLine = () => {
    const lead = current.length - current.trimStart().length
    return startLine + (current.slice(0, lead).split('\n').length - 1)
  }
  const push = () => {
    if (hasCode) out.push({ sql: current.trim(), line: firstLine() })
    current = ''
    hasCode = false
  }
  for (const seg of scan(sql, file)) {
    if (seg.kind !== 'code') {
      if (!current) startLine = seg.line
      if (seg.kind === 'quoted') hasCode = true
      current += seg.text
      continue
    }
    let line = seg.line
    for (const ch of seg.text) {
      if (!current) startLine = line
      if (ch === ';') {
        push()
      } else {
        current += ch
        if (!/\s/.test(ch)) hasCode = true
      }
      if (ch === '\n') line++
    }
  }
  if (hasCode) throw new Error(`${file}:${firstLine()}: the last statement does not end with ';'`)
  return out
}

const PLACEHOLDER_ENGINES = [
  'MergeTree',
  'ReplacingMergeTree',
  'AggregatingMergeTree',
  'SummingMergeTree',
] as const

const CLUSTER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/

export interface ExpandOptions {
  /** ClickHouse cluster for ON CLUSTER DDL and Replicated* engines; unset for a single server or chDB. */
  onCluster?: string
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}/g
const CREATE_TABLE =
  /CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:[A-Za-z_][A-Za-z0-9_]*\.)?([A-Za-z_][A-Za-z0-9_]*)/i

/**
 * Replaces {on_cluster} and {engine:<Engine>(<args>)} in code (never inside quotes or comments).
 * Any other {name} in code is an error naming the file and line. The rest of the text is kept byte for byte.
 */
export function expandPlaceholders(sql: string, opts: ExpandOptions = {}, file = '<sql>'): string {
  const cluster = opts.onCluster
  if (cluster !== undefined && !CLUSTER_NAME.test(cluster)) {
    throw new Error(`--on-cluster "${cluster}" is not a valid cluster name`)
  }
  let out = ''
  // The code of the statement so far, to find the table a {engine:...} belongs to.
  let statementCode = ''
  for (const seg of scan(sql, file)) {
    if (seg.kind !== 'code') {
      out += seg.text
      continue
    }
    let last = 0
    for (const m of seg.text.matchAll(PLACEHOLDER)) {
      const at = m.index
      const before = seg.text.slice(last, at)
      out += before
      statementCode = advance(statementCode, before)
      const line = seg.line + (seg.text.slice(0, at).match(/\n/g)?.length ?? 0)
      const replacement = expandOne(m[1] as string, m[2], cluster, statementCode, `${file}:${line}`)
      out += replacement
      statementCode = advance(statementCode, replacement)
      last = at + m[0].length
    }
    const rest = seg.text.slice(last)
    out += rest
    statementCode = advance(statementCode, rest)
  }
  return out
}

function advance(statementCode: string, text: string): string {
  const semi = text.lastIndexOf(';')
  return semi === -1 ? statementCode + text : text.slice(semi + 1)
}

function expandOne(
  name: string,
  arg: string | undefined,
  cluster: string | undefined,
  statementCode: string,
  where: string,
): string {
  if (name === 'on_cluster' && arg === undefined) return cluster ? ` ON CLUSTER '${cluster}'` : ''
  if (name === 'engine' && arg !== undefined) {
    const m = /^([A-Za-z]+)\(([^()]*)\)$/.exec(arg)
    const engine = m?.[1]
    if (!m || !PLACEHOLDER_ENGINES.includes(engine as (typeof PLACEHOLDER_ENGINES)[number])) {
      throw new Error(
        `${where}: unknown engine placeholder {engine:${arg}} (known: ${PLACEHOLDER_ENGINES.join(', ')})`,
      )
    }
    const args = (m[2] as string).trim()
    if (!cluster) return `${engine}(${args})`
    const table = CREATE_TABLE.exec(statementCode)?.[1]
    if (!table) throw new Error(`${where}: {engine:...} outside a CREATE TABLE statement`)
    const replicated = [`'/clickhouse/tables/{shard}/{database}/${table}'`, `'{replica}'`]
    if (args) replicated.push(args)
    return `Replicated${engine}(${replicated.join(', ')})`
  }
  return throwUnknown(name, arg, where)
}

function throwUnknown(name: string, arg: string | undefined, where: string): never {
  throw new Error(
    `${where}: unknown placeholder {${name}${arg === undefined ? '' : `:${arg}`}} (known: {on_cluster}, {engine:<Engine>(<args>)})`,
  )
}
