// A local HTTP server speaking enough of ClickHouse's HTTP interface for @clickhouse/client, executing every
// request on ONE embedded chDB session (the real engine), so server mode's HTTP path runs without a server.
import { spawn } from 'node:child_process'
import { timingSafeEqual } from 'node:crypto'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { Session } from 'chdb'

export interface ClickHouseHttpOptions {
  /** chDB data directory; a temporary one when omitted. */
  dataDir?: string
  user: string
  password: string
}

export interface ClickHouseHttp {
  url: string
  /** Every statement executed, in order (for assertions on what server mode sends). */
  statements: string[]
  /** Requests refused for bad credentials. */
  authFailures: number
  close(): Promise<void>
}

/** URL parameters that are protocol, not settings. */
const PROTOCOL_PARAMS = new Set([
  'query',
  'database',
  'query_id',
  'session_id',
  'session_timeout',
  'session_check',
  'default_format',
  'user',
  'password',
  'enable_http_compression',
  'compress',
  'decompress',
  'role',
])
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly type: string,
    message: string,
  ) {
    super(message)
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function credentials(req: http.IncomingMessage, url: URL): { user: string; password: string } {
  const auth = req.headers.authorization
  if (auth?.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
  }
  const user =
    (req.headers['x-clickhouse-user'] as string | undefined) ?? url.searchParams.get('user') ?? 'default'
  const password =
    (req.headers['x-clickhouse-key'] as string | undefined) ?? url.searchParams.get('password') ?? ''
  return { user, password }
}

/** Settings are literals: numbers and plain words pass as they are, anything else as a quoted string. */
function settingLiteral(value: string): string {
  return /^-?\d+(\.\d+)?$/.test(value) ? value : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

export async function startClickHouseHttp(opts: ClickHouseHttpOptions): Promise<ClickHouseHttp> {
  const session = new Session(opts.dataDir)
  const statements: string[] = []
  let authFailures = 0
  let currentDatabase = 'default'
  const applied = new Map<string, string>()
  // One chDB session: requests run one at a time so USE/SET of one never leak into another's statement.
  let queue: Promise<unknown> = Promise.resolve()
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work)
    queue = next.catch(() => {})
    return next
  }

  const execute = async (url: URL, body: string): Promise<{ text: string; format: string | null }> => {
    const head = url.searchParams.get('query') ?? ''
    const sql = head && body ? `${head}\n${body}` : head || body
    if (!sql.trim()) throw new HttpError(400, 62, 'SYNTAX_ERROR', 'Empty query')
    const database = url.searchParams.get('database') ?? 'default'
    if (!IDENTIFIER.test(database)) {
      throw new HttpError(400, 81, 'UNKNOWN_DATABASE', `Database ${database} does not exist`)
    }
    const params: Record<string, string> = {}
    for (const [key, value] of url.searchParams) {
      if (key.startsWith('param_')) params[key.slice(6)] = value
      else if (!PROTOCOL_PARAMS.has(key)) {
        if (!IDENTIFIER.test(key)) throw new HttpError(400, 115, 'UNKNOWN_SETTING', `Unknown setting ${key}`)
        if (applied.get(key) !== value) {
          await session.queryAsync(`SET ${key} = ${settingLiteral(value)}`)
          applied.set(key, value)
        }
      }
    }
    if (database !== currentDatabase) {
      await session.queryAsync(`USE ${database}`)
      currentDatabase = database
    }
    statements.push(head && body ? head : sql)
    const format = /\bFORMAT\s+(\w+)\s*$/i.exec(head && body ? '' : sql)?.[1] ?? null
    const result =
      Object.keys(params).length > 0
        ? await session.queryBindAsync(sql, params, { format: format ?? 'TabSeparated' })
        : await session.queryAsync(sql, { format: format ?? 'TabSeparated' })
    return { text: result.text(), format }
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    let raw = Buffer.concat(chunks)
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      const gzip =
        url.searchParams.get('enable_http_compression') === '1' &&
        /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')
      const payload = gzip ? gzipSync(text) : Buffer.from(text)
      res.writeHead(status, {
        'content-type': 'text/plain; charset=UTF-8',
        'x-clickhouse-server-display-name': 'podstart-chdb-http',
        'x-clickhouse-summary': '{"read_rows":"0","read_bytes":"0","written_rows":"0","written_bytes":"0"}',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        ...headers,
      })
      res.end(payload)
    }
    if (url.pathname === '/ping' && req.method === 'GET') return send(200, 'Ok.\n')
    if (url.pathname !== '/') return send(404, `There is no handle ${url.pathname}\n`)
    const { user, password } = credentials(req, url)
    if (!sameSecret(user, opts.user) || !sameSecret(password, opts.password)) {
      authFailures++
      const text = `Code: 516. DB::Exception: ${user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED) (version 26.7.2.1)\n`
      return send(401, text, { 'x-clickhouse-exception-code': '516' })
    }
    try {
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw)
      const { text, format } = await serialised(() => execute(url, raw.toString('utf8')))
      send(200, text, {
        'x-clickhouse-query-id': url.searchParams.get('query_id') ?? '',
        ...(format ? { 'x-clickhouse-format': format } : {}),
      })
    } catch (err) {
      if (err instanceof HttpError) {
        return send(
          err.status,
          `Code: ${err.code}. DB::Exception: ${err.message}. (${err.type}) (version 26.7.2.1)\n`,
          { 'x-clickhouse-exception-code': String(err.code) },
        )
      }
      const e = err as Error & { clickhouseCode?: number }
      const message = e.message.replace(/^Query failed: /, '')
      const code = e.clickhouseCode ?? Number(/^Code: (\d+)/.exec(message)?.[1] ?? 1001)
      send(500, message.startsWith('Code:') ? `${message}\n` : `Code: ${code}. DB::Exception: ${message}\n`, {
        'x-clickhouse-exception-code': String(code),
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    statements,
    get authFailures() {
      return authFailures
    },
    async close() {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
      await queue
      session.close()
    },
  }
}

/**
 * The same server in its own process, as a real ClickHouse would be: the test process stays free to open
 * an embedded store of its own (chDB allows one data directory per process).
 */
export async function spawnClickHouseHttp(
  opts: ClickHouseHttpOptions,
): Promise<{ url: string; output(): string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: {
      ...process.env,
      CH_HTTP_USER: opts.user,
      CH_HTTP_PASSWORD: opts.password,
      ...(opts.dataDir ? { CH_HTTP_DATA_DIR: opts.dataDir } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stderr.on('data', (d) => {
    out += d
  })
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = ''
    child.stdout.on('data', (d) => {
      buffered += d
      const line = /^(http:\/\/\S+)\n/.exec(buffered)
      if (line) resolve(line[1] as string)
    })
    child.once('exit', (code) => reject(new Error(`ClickHouse HTTP shim exited (${code}): ${out}`)))
  })
  const exited = once(child, 'exit')
  return {
    url,
    output: () => out,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

// Standalone: prints its URL as the first line on stdout, stops on SIGTERM.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startClickHouseHttp({
    user: process.env.CH_HTTP_USER ?? 'default',
    password: process.env.CH_HTTP_PASSWORD ?? '',
    ...(process.env.CH_HTTP_DATA_DIR ? { dataDir: process.env.CH_HTTP_DATA_DIR } : {}),
  })
  console.log(server.url)
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0))
  })
}
