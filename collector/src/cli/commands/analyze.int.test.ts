// Streams a ~200 MB generated dump through `podstart analyze --json` under a 256 MB heap.
import { spawnSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { event, pod, T0 } from '../../../test/fixtures/lifecycle/builders.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')
const dir = mkdtempSync(path.join(tmpdir(), 'podstart-big-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function writeDump(file: string, targetBytes: number): Promise<number> {
  const out = createWriteStream(file)
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()))
  const lastApplied = JSON.stringify({
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/shop/web:1.0',
          env: Array.from({ length: 30 }, (_, i) => ({ name: `VAR_${i}`, value: 'x'.repeat(20) })),
        },
      ],
    },
  })
  await write('{\n  "apiVersion": "v1",\n  "items": [\n')
  let bytes = 0
  let pods = 0
  while (bytes < targetBytes) {
    const i = pods++
    const uid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
    const name = `web-5d567cc74c-${i.toString(36)}`
    const created = T0 + i * 50
    const p = pod({
      uid,
      name,
      createdMs: created,
      node: `node-${i % 50}`,
      phase: 'Running',
      owner: { kind: 'ReplicaSet', name: 'web-5d567cc74c' },
      labels: { app: 'web', 'pod-template-hash': '5d567cc74c' },
      containers: [{ name: 'app', image: 'registry.example.com/shop/web:1.0' }],
      conditions: {
        PodScheduled: created + 100,
        PodReadyToStartContainers: created + 1500,
        Initialized: created,
        ContainersReady: created + 6000,
        Ready: created + 6000,
      },
    })
    ;(p.metadata as Record<string, unknown>).annotations = {
      'kubectl.kubernetes.io/last-applied-configuration': lastApplied,
    }
    const items = [
      p,
      event({
        pod: name,
        uid,
        reason: 'Pulling',
        message: 'Pulling image "registry.example.com/shop/web:1.0"',
        atMs: created + 1600,
        container: 'app',
      }),
      event({
        pod: name,
        uid,
        reason: 'Pulled',
        message:
          'Successfully pulled image "registry.example.com/shop/web:1.0" in 3.2s (3.4s including waiting). Image size: 81234567 bytes.',
        atMs: created + 5000,
        container: 'app',
      }),
      event({
        pod: name,
        uid,
        reason: 'Created',
        message: 'Created container: app',
        atMs: created + 5050,
        container: 'app',
      }),
      event({
        pod: name,
        uid,
        reason: 'Started',
        message: 'Started container: app',
        atMs: created + 5100,
        container: 'app',
      }),
    ]
    const text = items.map((o) => JSON.stringify(o, null, 2)).join(',\n')
    await write(`${i === 0 ? '' : ',\n'}${text}`)
    bytes += text.length
  }
  await write('\n  ],\n  "kind": "List",\n  "metadata": { "resourceVersion": "" }\n}\n')
  await new Promise<void>((r) => out.end(() => r()))
  return pods
}

describe('podstart analyze at scale', () => {
  it('streams a ~200 MB List under --max-old-space-size=256', async () => {
    const file = path.join(dir, 'dump.json')
    const pods = await writeDump(file, 200 * 1024 * 1024)
    expect(statSync(file).size).toBeGreaterThan(195 * 1024 * 1024)
    const started = Date.now()
    const r = spawnSync(
      'sh',
      ['-c', `node --max-old-space-size=256 collector/bin/podstart.mjs analyze "${file}" --json | wc -l`],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 },
    )
    const seconds = (Date.now() - started) / 1000
    console.log(
      `analyze: ${pods} pods, ${(statSync(file).size / 1048576).toFixed(0)} MB in ${seconds.toFixed(1)} s`,
    )
    expect(r.stderr).not.toMatch(/heap out of memory|FATAL/)
    expect(Number(r.stdout.trim())).toBe(pods)
  }, 600_000)
})
