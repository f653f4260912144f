// A real Alertmanager (Debian's prometheus-alertmanager) on loopback, with its webhook receiver pointed at a
// local HTTP server the test owns; and small JSON receivers for Slack/PagerDuty-shaped endpoints.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './process.ts'

export const ALERTMANAGER_BINS = ['/usr/bin/prometheus-alertmanager', '/usr/bin/alertmanager']

export function alertmanagerBin(): string {
  const bin = ALERTMANAGER_BINS.find((b) => existsSync(b))
  if (!bin)
    throw new Error(
      'prometheus-alertmanager is not installed (apt-get install -y prometheus-alertmanager); this suite needs it',
    )
  return bin
}

export interface JsonReceiver {
  url: string
  bodies: unknown[]
  /** Answer with this status instead of 200 (to make a transport fail). */
  status: number
  waitFor(pred: (body: unknown) => boolean, timeoutMs?: number): Promise<unknown>
  close(): Promise<void>
}

export async function startJsonReceiver(path = '/'): Promise<JsonReceiver> {
  const bodies: unknown[] = []
  const waiters: Array<() => void> = []
  const r: JsonReceiver = {
    url: '',
    bodies,
    status: 200,
    async waitFor(pred, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const hit = bodies.find(pred)
        if (hit !== undefined) return hit
        if (Date.now() > deadline)
          throw new Error(`no matching request within ${timeoutMs} ms (${bodies.length} received)`)
        await new Promise<void>((res) => {
          waiters.push(res)
          setTimeout(res, 200)
        })
      }
    },
    close: () => new Promise((res) => server.close(() => res())),
  }
  const server = http.createServer((req, res) => {
    let data = ''
    req.on('data', (d) => {
      data += d
    })
    req.on('end', () => {
      if (r.status === 200) {
        try {
          bodies.push(JSON.parse(data))
        } catch {
          bodies.push(data)
        }
      }
      res.writeHead(r.status, { 'content-type': 'application/json' }).end('{}')
      for (const w of waiters.splice(0)) w()
    })
  })
  const port = await freePort()
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', () => res()))
  r.url = `http://127.0.0.1:${port}${path}`
  return r
}

export interface RunningAlertmanager {
  url: string
  process: ChildProcess
  output(): string
  stop(): Promise<void>
}

/** Starts Alertmanager with one route to `webhookUrl`, group_wait 1s; resolves once /-/ready answers. */
export async function startAlertmanager(webhookUrl: string): Promise<RunningAlertmanager> {
  const bin = alertmanagerBin()
  const dir = mkdtempSync(join(tmpdir(), 'podstart-am-'))
  const config = join(dir, 'alertmanager.yml')
  writeFileSync(
    config,
    `route:
  receiver: test
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: test
    webhook_configs:
      - url: ${JSON.stringify(webhookUrl)}
        send_resolved: true
`,
  )
  const port = await freePort()
  const child = spawn(
    bin,
    [
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      `--storage.path=${join(dir, 'data')}`,
      `--config.file=${config}`,
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
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited: ${out.slice(-2000)}`)
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break
    } catch {}
    if (Date.now() > deadline) throw new Error(`alertmanager not ready: ${out.slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    url,
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
