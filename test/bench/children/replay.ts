// A replay API server: answers the collector's lists with recorded list bodies and its watches with recorded
// watch lines, as fast as the socket takes them (each stream once; later watches only get bookmarks).
import { createReadStream, existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { kubeconfigYaml } from '@podstart/collector/sim'
import { childArgs, onStop, report } from '../child.ts'
import { resourceOfPath, type WatchedResource } from '../watch-paths.ts'

const args = childArgs<{ dir: string }>()
const served = new Set<WatchedResource>()
const open = new Set<import('node:http').ServerResponse>()

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://replay')
  const resource = resourceOfPath(url.pathname)
  if (!resource) {
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"kind":"Status","code":404}')
    return
  }
  const base = path.join(args.dir, resource)
  if (url.searchParams.get('watch') !== 'true') {
    const body = existsSync(`${base}.list.json`)
      ? readFileSync(`${base}.list.json`)
      : '{"kind":"List","metadata":{"resourceVersion":"1"},"items":[]}'
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(body)
    return
  }
  res.writeHead(200, { 'Content-Type': 'application/json' })
  res.flushHeaders()
  open.add(res)
  res.on('close', () => open.delete(res))
  if (served.has(resource) || !existsSync(`${base}.watch.ndjson`)) return
  served.add(resource)
  const file = createReadStream(`${base}.watch.ndjson`, { highWaterMark: 256 * 1024 })
  file.pipe(res, { end: false })
})
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
report({ type: 'ready', url, kubeconfig: kubeconfigYaml(url, 'sim') })
onStop(async () => {
  for (const res of open) res.destroy()
  await new Promise((r) => server.close(r))
})
