// Runs podstart CLI processes for end-to-end tests: free ports, waiting for readiness, collecting output.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const podstartBin = path.join(repoRoot, 'collector/bin/podstart.mjs')

export async function freePort(): Promise<number> {
  const server = net.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  await new Promise((r) => server.close(r))
  return port
}

/** The suites read the lines podstart prints for people (text logs); the JSON format has its own unit test. */
const TEXT_LOGS = { PODSTART_LOG_FORMAT: 'text' }

export interface RunningProcess {
  child: ChildProcess
  output(): string
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** A child's stdout and stderr gathered as one text, and its exit code once it exits. */
export function captured(child: ChildProcess): { output(): string; exited: Promise<number | null> } {
  let out = ''
  child.stdout?.on('data', (d) => {
    out += d
  })
  child.stderr?.on('data', (d) => {
    out += d
  })
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  return { output: () => out, exited }
}

export function startPodstart(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): RunningProcess {
  const child = spawn(process.execPath, [podstartBin, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...TEXT_LOGS, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const { output, exited } = captured(child)
  return {
    child,
    output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal)
      return exited
    },
  }
}

export async function runPodstart(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [podstartBin, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, ...TEXT_LOGS, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => {
    stdout += d
  })
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
  const [code] = (await once(child, 'exit')) as [number | null]
  clearTimeout(timer)
  return { code, stdout, stderr }
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < until) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (err) {
      lastError = err
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`,
  )
}
