// Bench processes: each role (simulator, replay server, collector, baseline reader, scenario) runs in its own
// Node process so no two share an event loop; they talk over the IPC channel in plain JSON messages.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const benchDir = path.dirname(fileURLToPath(import.meta.url))
export const repoRoot = path.resolve(benchDir, '../..')

export interface BenchChild {
  child: ChildProcess
  /** Resolves with the first message for which `match` returns true. */
  next<T = Record<string, unknown>>(
    match: (m: Record<string, unknown>) => boolean,
    timeoutMs: number,
  ): Promise<T>
  send(message: object): void
  stderr(): string
  stop(): Promise<void>
}

export function startChild(
  file: string,
  args: object,
  opts: { nodeFlags?: string[]; env?: NodeJS.ProcessEnv } = {},
): BenchChild {
  const child = spawn(
    process.execPath,
    [...(opts.nodeFlags ?? []), '--import', 'tsx', path.join(benchDir, file), JSON.stringify(args)],
    { cwd: repoRoot, stdio: ['ignore', 'inherit', 'pipe', 'ipc'], env: { ...process.env, ...opts.env } },
  )
  let err = ''
  child.stderr?.on('data', (d) => {
    err = (err + d).slice(-8000)
  })
  const seen: Record<string, unknown>[] = []
  const waiting: Array<{ match: (m: Record<string, unknown>) => boolean; resolve: (m: unknown) => void }> = []
  child.on('message', (m) => {
    const msg = m as Record<string, unknown>
    const i = waiting.findIndex((w) => w.match(msg))
    if (i >= 0) waiting.splice(i, 1)[0]?.resolve(msg)
    else seen.push(msg)
  })
  const exited = once(child, 'exit')
  return {
    child,
    next<T>(match: (m: Record<string, unknown>) => boolean, timeoutMs: number): Promise<T> {
      const i = seen.findIndex(match)
      if (i >= 0) return Promise.resolve(seen.splice(i, 1)[0] as T)
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(`${file}: no expected message within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`),
          )
        }, timeoutMs)
        const entry = {
          match,
          resolve: (m: unknown) => {
            clearTimeout(timer)
            resolve(m as T)
          },
        }
        waiting.push(entry)
        void exited.then(([code]) => {
          const at = waiting.indexOf(entry)
          if (at < 0) return
          waiting.splice(at, 1)
          clearTimeout(timer)
          reject(
            new Error(`${file} exited with ${code} before the expected message; stderr: ${err.slice(-2000)}`),
          )
        })
      })
    },
    send: (message) => {
      if (child.connected) child.send(message)
    },
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Inside a child: the JSON arguments and a typed way to report. */
export function childArgs<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T
}

export function report(message: object): void {
  process.send?.(message)
}

/** Inside a child: run until the parent says stop (or goes away). */
export function onStop(stop: () => Promise<void> | void): void {
  const run = () => {
    void Promise.resolve(stop()).finally(() => process.exit(0))
  }
  process.once('SIGTERM', run)
  process.on('disconnect', run)
  process.on('message', (m) => {
    if ((m as { type?: string }).type === 'stop') run()
  })
}
