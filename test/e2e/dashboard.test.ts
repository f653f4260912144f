// The dashboard as an SRE uses it: `podstart up` over a store filled from the simulated cluster, browsed in a
// real headless Chromium. Pages load cleanly, charts render their series, filters live in the URL and change the
// numbers, the pod waterfall shows the simulator's true phases, and the access gate works.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { generateHistory, loadScenario } from '@podstart/collector/sim'
import type { StartupRecord } from '@podstart/schema/record'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Browser, launchBrowser, openPage, screenshot } from '../support/browser.ts'
import { buildDemoStore, type DemoStore } from '../support/demo-store.ts'
import {
  freePort,
  type RunningProcess,
  repoRoot,
  runPodstart,
  startPodstart,
  waitFor,
} from '../support/process.ts'

const webDir = path.join(repoRoot, 'web')
const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-dashboard-'))
let demo: DemoStore
let up: RunningProcess
let base: string
let browser: Browser
/** Startups of a dump 300 days old, imported with --keep-old under the cluster "imported". */
let importedStartups = 0

async function startUp(
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ up: RunningProcess; base: string }> {
  const port = await freePort()
  const proc = startPodstart(['up', '--port', String(port), '--data', dataDir, '--no-collector'], { env })
  const url = `http://127.0.0.1:${port}`
  await waitFor(
    async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined),
    90_000,
    `readyz (${proc.output()})`,
  )
  return { up: proc, base: url }
}

beforeAll(async () => {
  if (!existsSync(path.join(webDir, '.next', 'BUILD_ID'))) {
    const build = spawnSync('npx', ['next', 'build'], {
      cwd: webDir,
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    })
    if (build.status !== 0) throw new Error('next build failed')
  }
  browser = await launchBrowser()
  demo = await buildDemoStore({ dir: path.join(dir, 'demo'), days: 3, podsPerHour: 60 })
  const lines: string[] = []
  generateHistory(
    {
      seed: 3,
      scenario: 'mixed',
      days: 0.1,
      podsPerHour: 60,
      endAtMs: Date.now() - 300 * 86_400_000,
      cluster: 'imported',
    },
    (l) => lines.push(JSON.stringify(l)),
  )
  const oldDump = path.join(dir, 'old-dump.ndjson')
  writeFileSync(oldDump, `${lines.join('\n')}\n`)
  const imported = await runPodstart([
    'import',
    '--data',
    demo.dataDir,
    '--cluster',
    'imported',
    '--keep-old',
    '--json',
    oldDump,
  ])
  if (imported.code !== 0) throw new Error(`import --keep-old failed (${imported.code}): ${imported.stderr}`)
  importedStartups = (JSON.parse(imported.stdout) as { startups: number }).startups
  ;({ up, base } = await startUp(demo.dataDir))
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await up?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** Loads a page, waits for the charts it should have to hydrate into SVG, and returns its console errors. */
async function visit(page: Page, url: string, charts: string[] = []): Promise<void> {
  const res = await page.goto(`${base}${url}`, { waitUntil: 'load' })
  expect(res?.status(), url).toBe(200)
  for (const c of charts)
    await page.waitForSelector(`[data-chart="${c}"] svg.recharts-surface`, { timeout: 20_000 })
}

/** The boundaries each phase is measured between (pull wait and pull come from kubelet messages: exact). */
const PHASE_BOUNDARIES: Record<string, string[]> = {
  scheduling: ['created', 'scheduled'],
  sandbox: ['scheduled', 'sandboxReady'],
  init: ['sandboxReady', 'initialized'],
  start: ['initialized', 'containersStarted'],
  ready: ['containersStarted', 'ready'],
}

const legend = (page: Page, chart: string) =>
  page.locator(`[data-chart="${chart}"] .recharts-legend-item-text`).allTextContents()

const kpi = async (page: Page, label: string) =>
  (await page.locator(`[data-kpi="${label}"] .value`).textContent())?.trim() ?? ''

describe('dashboard in a browser', () => {
  it('overview: charts render their series, numbers match the simulated truth, no console errors', async () => {
    const { page, errors } = await openPage(browser.context)
    await visit(page, '/', [
      'startup-percentiles',
      'phase-breakdown',
      'phase-share',
      'slo-cluster-day',
      'cold-warm',
      'pull-failures',
    ])
    expect(await legend(page, 'startup-percentiles')).toEqual(['p50', 'p90', 'p99'])
    expect(await page.locator('[data-chart="startup-percentiles"] path.recharts-curve').count()).toBe(3)
    const bands = await legend(page, 'phase-breakdown')
    expect(bands.slice(0, 4)).toEqual(['scheduling', 'sandbox', 'init', 'pull wait'])
    expect(bands.slice(-2)).toEqual(['start', 'ready'])
    expect(
      bands.includes('pull (not split)') || (bands.includes('download') && bands.includes('decompress')),
    ).toBe(true)
    expect(await legend(page, 'cold-warm')).toEqual(['cold', 'warm', 'unknown'])
    expect(
      await page.locator('[data-chart="phase-breakdown"] .recharts-bar-rectangle').count(),
    ).toBeGreaterThan(10)
    // Every simulated pod is one startup, whichever way it ended.
    expect(await kpi(page, 'startups')).toBe(demo.truth.length.toLocaleString('en-US'))
    expect(await page.locator('[data-section="findings"], [data-state="empty"]').count()).toBeGreaterThan(0)
    await screenshot(page, 'overview')
    expect(errors, errors.join('\n')).toEqual([])
    await page.close()
  }, 120_000)

  it('filters live in the URL and change the numbers to the namespace truth', async () => {
    const { page, errors } = await openPage(browser.context)
    await visit(page, '/', ['startup-percentiles'])
    const all = await kpi(page, 'startups')
    const namespace = 'shop'
    await page.selectOption('select[data-filter="namespace"]', namespace)
    await page.waitForURL((u) => u.searchParams.get('namespace') === namespace, { timeout: 20_000 })
    await page.waitForFunction(
      (before) => document.querySelector('[data-kpi="startups"] .value')?.textContent !== before,
      all,
    )
    const inNamespace = demo.truth.filter((r) => r.namespace === namespace).length
    expect(inNamespace).toBeGreaterThan(0)
    expect(await kpi(page, 'startups')).toBe(inNamespace.toLocaleString('en-US'))
    // The URL alone reproduces the view.
    const shared = await openPage(browser.context)
    await visit(shared.page, new URL(page.url()).pathname + new URL(page.url()).search, [
      'startup-percentiles',
    ])
    expect(await kpi(shared.page, 'startups')).toBe(inNamespace.toLocaleString('en-US'))
    await page.selectOption('select[data-filter="range"]', '24h')
    await page.waitForURL((u) => u.searchParams.get('range') === '24h', { timeout: 20_000 })
    expect(new URL(page.url()).searchParams.get('namespace')).toBe(namespace)
    expect(errors).toEqual([])
    expect(shared.errors).toEqual([])
    await page.close()
    await shared.page.close()
  }, 120_000)

  it('the pod waterfall shows the true phases of known startups (within the kubelet status lag the demo models)', async () => {
    // Boundaries stamped by a status write trail the true transition by the kubelet's status-manager lag; the demo
    // scenario models it as 10-120 ms (the live accuracy test's 'fast' scenario: 10-60 ms, 99 % within 100 ms).
    const lag = loadScenario('demo').timings.statusLagMs
    if (!Array.isArray(lag)) throw new Error('the demo scenario must model statusLagMs as a [min, max] range')
    const bound = lag[1] + 10
    const candidates = demo.truth.filter((r) => r.outcome === 'ready' && r.totalMs !== null)
    const cold = candidates.filter((r) => r.pulls.some((p) => !p.cached && !p.init)).slice(0, 8)
    const warm = candidates.filter((r) => r.cold === false).slice(0, 4)
    const picked: StartupRecord[] = [...cold, ...warm]
    expect(picked.length).toBeGreaterThanOrEqual(3)
    const { page, errors } = await openPage(browser.context)
    let compared = 0
    let within100 = 0
    const skipped: string[] = []
    for (const truth of picked) {
      await visit(page, `/pods/${encodeURIComponent(truth.cluster)}/${encodeURIComponent(truth.uid)}`)
      await page.waitForSelector('[data-chart="pod-waterfall"]')
      const precision = async (b: string) => {
        const v = await page.locator(`tr[data-boundary="${b}"]`).getAttribute('data-precision-ms')
        return v === null || v === '' ? null : Number(v)
      }
      for (const [phase, trueMs] of Object.entries(truth.phases)) {
        // download/decompress are a model's split of the measured pull (the page names the method), not evidence.
        if (phase === 'download' || phase === 'decompress') continue
        const shown = await page.locator(`tr[data-phase="${phase}"]`).getAttribute('data-ms')
        if (trueMs === null || shown === null || shown === '') continue
        // A phase between boundaries whose sources are coarser than 100 ms (whole-second timestamps, watch
        // arrival) has no evidence at that resolution: the page states that precision next to the boundary.
        const ends = PHASE_BOUNDARIES[phase] ?? []
        const coarse = (await Promise.all(ends.map(precision))).some((p) => p !== null && p > 100)
        if (coarse) {
          skipped.push(`${phase} ${shown} vs ${trueMs}`)
          continue
        }
        const off = Math.abs(Number(shown) - trueMs)
        expect(off, `${truth.uid} ${phase}: shown ${shown}, true ${trueMs}`).toBeLessThanOrEqual(bound)
        if (off <= 100) within100++
        compared++
      }
      expect(await page.locator('tr[data-boundary="created"] td').nth(3).textContent()).not.toBe('')
      if (truth.workload) expect(await page.locator('a[data-link="workload"]').count()).toBe(1)
    }
    expect(compared, `compared ${compared}, skipped as coarse: ${skipped.join('; ')}`).toBeGreaterThanOrEqual(
      picked.length * 4,
    )
    // Measured on this history: 81-100 % of each phase within 100 ms (sandbox, start and ready carry the lag).
    expect(within100 / compared, `${within100} of ${compared} phases within 100 ms`).toBeGreaterThanOrEqual(
      0.75,
    )
    expect(await page.locator('table[data-table="pulls"] tbody tr').count()).toBeGreaterThan(0)
    expect(await page.locator('table[data-table="events"] tbody tr').count()).toBeGreaterThan(0)
    await screenshot(page, 'pod')
    expect(errors).toEqual([])
    await page.close()
  }, 120_000)

  it('a new user goes from the overview to a slow pod and on to the fix for it, by clicking', async () => {
    const { page, errors } = await openPage(browser.context)
    const slow = 'section[aria-labelledby="h-slowest"] a[href^="/pods/"]'
    await visit(page, '/', ['startup-percentiles'])
    const candidates = Math.min(10, await page.locator(slow).count())
    expect(candidates).toBeGreaterThan(0)
    let rule: string | null = null
    // The slowest pods first; some are slow for reasons no rule addresses, so walk down the list.
    for (let i = 0; i < candidates && !rule; i++) {
      if (i > 0) await visit(page, '/', ['startup-percentiles'])
      await page.locator(slow).nth(i).click()
      await page.waitForURL(/\/pods\//)
      await page.waitForSelector('svg[data-chart="pod-waterfall"]')
      const fixes = page.locator('section[aria-labelledby="h-fixes"] [data-finding]')
      await page.waitForSelector('section[aria-labelledby="h-fixes"] [data-findings-evaluated]')
      if ((await fixes.count()) > 0) rule = await fixes.first().getAttribute('data-finding')
    }
    expect(rule, 'none of the ten slowest startups has a finding that names it').not.toBeNull()
    await screenshot(page, 'pod-with-fix')
    await page.locator('section[aria-labelledby="h-fixes"] h2 a').click()
    await page.waitForURL(/\/advice/)
    const finding = page.locator(`[data-finding="${rule}"]`)
    expect(await finding.count()).toBeGreaterThan(0)
    // The fix is there to copy.
    expect(await page.locator(`[data-finding="${rule}"] pre.artifact`).count()).toBeGreaterThan(0)
    expect(errors).toEqual([])
    await page.close()
  }, 180_000)

  it('every drill-down page loads with its charts and without console errors', async () => {
    const { page, errors } = await openPage(browser.context)
    const shop = demo.truth.find((r) => r.namespace === 'shop' && r.workload && r.node && r.pulls.length > 0)
    if (!shop?.workload || !shop.node) throw new Error('the demo history has no shop workload pod')
    const image = shop.pulls[0]?.image as string
    const pages: [string, string, string[]][] = [
      ['cluster', `/clusters/${demo.cluster}`, ['startup-percentiles', 'phase-breakdown']],
      ['namespace', '/namespaces/shop', ['startup-percentiles', 'phase-breakdown']],
      [
        'workload',
        `/workloads/shop/${encodeURIComponent(shop.workload.kind)}/${encodeURIComponent(shop.workload.name)}`,
        ['startup-percentiles', 'phase-breakdown'],
      ],
      ['node', `/nodes/${encodeURIComponent(shop.node)}`, ['startup-percentiles', 'cold-warm']],
      ['images', '/images', []],
      ['image', `/images/${encodeURIComponent(image)}`, ['startup-percentiles']],
      ['advice', '/advice', []],
    ]
    for (const [name, url, charts] of pages) {
      const before = Date.now()
      await visit(page, url, charts)
      expect(await page.locator('[data-state="error"]').count(), name).toBe(0)
      // Findings say when they were evaluated (cached per range, evaluated in the background when stale).
      if (name !== 'images') {
        const evaluated = page.locator('[data-findings-evaluated]')
        expect(await evaluated.count(), name).toBe(1)
        const at = Date.parse((await evaluated.getAttribute('data-findings-evaluated')) ?? '')
        expect(at, name).toBeLessThanOrEqual(Date.now())
        if (name === 'advice') expect(at).toBeLessThanOrEqual(before)
      }
      await screenshot(page, name)
    }
    await visit(
      page,
      `/workloads/shop/${encodeURIComponent(shop.workload.kind)}/${encodeURIComponent(shop.workload.name)}`,
    )
    expect(await page.locator('[data-section="rollouts"]').count()).toBe(1)
    await visit(page, '/images')
    expect(await page.locator('table[data-table="image-pulls"] tbody tr').count()).toBeGreaterThan(0)
    expect(await page.locator('table[data-table="node-cache"] tbody tr').count()).toBeGreaterThan(0)
    // The weekly report page computes the report in the store; the current week holds the demo's startups.
    await visit(page, '/reports')
    expect(await page.locator('[data-state="error"]').count()).toBe(0)
    const inReport = Number(
      await page.locator('[data-section="report"]').getAttribute('data-current-startups'),
    )
    expect(inReport).toBeGreaterThan(0)
    await screenshot(page, 'reports')
    await visit(page, '/alerts')
    expect(await page.locator('[data-state="error"]').count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  }, 180_000)

  it('the Imports page links an old dump to the overview over its own range, showing its startups', async () => {
    expect(importedStartups).toBeGreaterThan(0)
    const { page, errors } = await openPage(browser.context)
    await visit(page, '/imports')
    const row = page.locator('tr', { hasText: 'old-dump.ndjson' })
    await expect(row.count()).resolves.toBe(1)
    await row.locator('a.import-range').click()
    await page.waitForURL(/[?&]from=.*&to=.*&cluster=imported/)
    await page.waitForSelector('[data-chart="startup-percentiles"] svg.recharts-surface', { timeout: 20_000 })
    expect(await kpi(page, 'startups')).toBe(importedStartups.toLocaleString('en-US'))
    expect(errors).toEqual([])
    await page.close()
  })

  it('keyboard and themes: skip link first, focus visible, dark theme toggle', async () => {
    const { page, errors } = await openPage(browser.context)
    await visit(page, '/', ['startup-percentiles'])
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    )
    expect(outline).toBe('solid')
    const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    await page.click('[data-theme-toggle]')
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(light)
    await screenshot(page, 'overview-dark')
    // The choice survives a reload.
    await page.reload()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await page.evaluate(() => localStorage.removeItem('podstart-theme'))
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)
})

describe('dashboard access gate', () => {
  const token = 'e2e-token-0123456789abcdef'
  let gated: { up: RunningProcess; base: string }
  beforeAll(async () => {
    gated = await startUp(path.join(dir, 'gated'), {
      PODSTART_DASHBOARD_TOKEN: token,
      PODSTART_DASHBOARD_BASIC_AUTH: 'sre:basic-secret-0123456',
    })
  }, 120_000)
  afterAll(async () => {
    await gated?.up.stop()
  })

  it('refuses without credentials and accepts bearer, basic, and ?token= exchanged for a cookie', async () => {
    const b = gated.base
    const refused = await fetch(`${b}/`)
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic /)
    expect((await fetch(`${b}/images`)).status).toBe(401)
    expect(
      (await fetch(`${b}/`, { headers: { authorization: 'Bearer wrong-token-000000000' } })).status,
    ).toBe(401)
    expect((await fetch(`${b}/`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    const basic = `Basic ${Buffer.from('sre:basic-secret-0123456').toString('base64')}`
    expect((await fetch(`${b}/advice`, { headers: { authorization: basic } })).status).toBe(200)
    expect(
      (await fetch(`${b}/`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(405)
    // Probes reach health without credentials (documented in docs/dashboard.md).
    expect((await fetch(`${b}/api/health`)).status).toBe(200)

    const gateBrowser = await launchBrowser()
    const context = gateBrowser.context
    try {
      const page = await context.newPage()
      // With basic auth configured the 401 carries a Basic challenge, which headless Chromium turns into an error.
      const denied = await page.goto(`${b}/`).then(
        (r) => String(r?.status()),
        (e: Error) => e.message,
      )
      expect(denied).toMatch(/^401$|ERR_INVALID_AUTH_CREDENTIALS/)
      await page.close()
      const fresh = await context.newPage()
      const res = await fresh.goto(`${b}/?token=${token}&range=24h`)
      expect(res?.status()).toBe(200)
      expect(new URL(fresh.url()).searchParams.get('token')).toBeNull()
      expect(new URL(fresh.url()).searchParams.get('range')).toBe('24h')
      // An empty store says what to do.
      expect(await fresh.locator('[data-state="empty"]').first().textContent()).toMatch(/podstart up --demo/)
      const again = await fresh.goto(`${b}/images`)
      expect(again?.status()).toBe(200)
      await screenshot(fresh, 'gated-empty')
    } finally {
      await gateBrowser.close()
    }
  }, 120_000)
})
