// /metrics over real HTTP: the format follows the scraper's Accept header (OpenMetrics with exemplars for
// Prometheus, the text format otherwise), and the gate stays in front of both.
import { parseAccessEnv } from '@podstart/schema/access'
import { afterAll, describe, expect, it } from 'vitest'
import { type RunningServer, serve } from './http.ts'

const TOKEN = 'metrics-token-0123456789'

describe('/metrics content negotiation', () => {
  const servers: RunningServer[] = []
  afterAll(async () => {
    for (const s of servers) await s.close(1_000)
  })
  const start = async (env: Record<string, string>) => {
    const s = await serve({
      host: '127.0.0.1',
      port: 0,
      notReadyReason: () => null,
      access: parseAccessEnv(env),
    })
    servers.push(s)
    return s.url
  }

  it('OpenMetrics when asked (as Prometheus asks), the text format otherwise', async () => {
    const url = await start({})
    const om = await fetch(`${url}/metrics`, {
      headers: {
        accept:
          'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      },
    })
    expect(om.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/)
    const omBody = await om.text()
    expect(omBody.endsWith('# EOF\n')).toBe(true)
    expect(omBody).toMatch(/^# TYPE podstart_records_rejected counter$/m)
    const plain = await fetch(`${url}/metrics`)
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const body = await plain.text()
    expect(body).toMatch(/^# TYPE podstart_records_rejected_total counter$/m)
    expect(body).not.toContain('# EOF')
  })

  it('the metrics token gates both formats', async () => {
    const url = await start({ PODSTART_METRICS_TOKEN: TOKEN })
    const accept = 'application/openmetrics-text;version=1.0.0'
    expect((await fetch(`${url}/metrics`, { headers: { accept } })).status).toBe(401)
    const ok = await fetch(`${url}/metrics`, { headers: { accept, authorization: `Bearer ${TOKEN}` } })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('# EOF')
  })
})
