// Starts containerd (as root) with its own root, state, sockets and opt dir under a temp directory, at debug level.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireBinary } from './registry.ts'

export interface RunningContainerd {
  dir: string
  socket: string
  /** Everything containerd wrote to stderr so far (its log, logfmt at debug level). */
  log(): string
  /** Runs `ctr --address <socket> --namespace <ns> ...args`; rejects with ctr's stderr. */
  ctr(args: string[], env?: Record<string, string>): Promise<{ stdout: string; stderr: string; ms: number }>
  stop(): Promise<void>
}

/** Starts containerd; `disablePigz` sets CONTAINERD_DISABLE_PIGZ=1 so layers are inflated by Go's gzip. */
export async function startContainerd(
  opts: { disablePigz?: boolean; namespace?: string } = {},
): Promise<RunningContainerd> {
  requireBinary('containerd', 'containerd')
  requireBinary('ctr', 'containerd')
  requireBinary('runc', 'runc')
  if (process.getuid?.() !== 0) throw new Error('containerd needs root here (overlayfs snapshots, mounts)')
  // Short path: the socket path must fit in sun_path (108 bytes).
  const dir = mkdtempSync(join(tmpdir(), 'ctrd-'))
  const socket = join(dir, 'c.sock')
  const config = `version = 2
root = "${join(dir, 'root')}"
state = "${join(dir, 'state')}"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "${socket}"
[ttrpc]
  address = "${socket}.ttrpc"
[debug]
  address = "${join(dir, 'debug.sock')}"
  level = "debug"
[plugins."io.containerd.internal.v1.opt"]
  path = "${join(dir, 'opt')}"
`
  writeFileSync(join(dir, 'config.toml'), config)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(opts.disablePigz ? { CONTAINERD_DISABLE_PIGZ: '1' } : {}),
  }
  const child: ChildProcess = spawn(
    'containerd',
    ['--config', join(dir, 'config.toml'), '--log-level', 'debug'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    },
  )
  let log = ''
  child.stdout?.on('data', (d: Buffer) => {
    log += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString()
  })
  const ns = opts.namespace ?? 'podstart-test'
  const ctr: RunningContainerd['ctr'] = (args, extraEnv = {}) =>
    new Promise((resolve, reject) => {
      const started = performance.now()
      execFile(
        'ctr',
        ['--address', socket, '--namespace', ns, ...args],
        { env: { ...process.env, ...extraEnv }, maxBuffer: 1 << 26, timeout: 300_000 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`ctr ${args.join(' ')} failed: ${stderr.trim() || err.message}`))
          else resolve({ stdout, stderr, ms: performance.now() - started })
        },
      )
    })
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`containerd exited ${child.exitCode}: ${log.slice(-3000)}`)
    if (existsSync(socket)) {
      try {
        await ctr(['version'])
        break
      } catch {
        // socket there, service not ready yet
      }
    }
    if (Date.now() > deadline) throw new Error(`containerd did not come up within 20 s: ${log.slice(-3000)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    dir,
    socket,
    log: () => log,
    ctr,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      // Snapshots may still be mounted after an unclean stop; unmount before removing the tree.
      await new Promise((r) =>
        execFile('sh', ['-c', `grep -o " ${dir}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`], r),
      )
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
