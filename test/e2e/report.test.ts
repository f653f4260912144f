// The weekly report on simulated history: the injected regression is found through the store and named with its
// cause; across 20 seeds without a regression at most one is reported; the JSON matches its schema; the HTML
// renders in a real headless Chromium without a single request leaving file:// or about:.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { produceReport } from '@podstart/collector/alerts'
import { buildReport, type Report, renderHtml, renderJson, renderMarkdown } from '@podstart/schema/report'
import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { insertStartups } from '@podstart/schema/writes'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.ts'
import { samplesOf, simulateHistory, WEEK_MS, weeklyScenario } from './report-history.ts'

const require = createRequire(import.meta.url)
// Recent, so the tables' TTL (180 days) keeps the rows; midnight UTC, so runs on one day agree.
const END = Math.floor(Date.now() / 86_400_000) * 86_400_000
const dir = mkdtempSync(join(tmpdir(), 'podstart-report-'))
const scenario = weeklyScenario(dir)
let report: Report

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('weekly report on simulated history', () => {
  let manifestRegression: {
    scope: { namespace?: string; workload?: string }
    detail: Record<string, unknown>
  }

  beforeAll(async () => {
    const history = simulateHistory({ seed: 11, scenario, endAtMs: END, regression: true })
    manifestRegression = history.manifest.find((m) => m.kind === 'regression') as typeof manifestRegression
    const store = await openStore({ dataDir: join(dir, 'store'), database: 'podstart' })
    try {
      await migrate(store, { log: () => undefined })
      const q = createQuerier(store)
      for (let i = 0; i < history.records.length; i += 5000)
        await insertStartups(q, history.records.slice(i, i + 5000), 1)
      report = await produceReport(q, { toMs: END, windowMs: WEEK_MS, dashboardUrl: 'http://dash.example' })
    } finally {
      await store.close()
    }
  }, 240_000)

  it('finds the injected regression and names its cause', () => {
    expect(manifestRegression).toBeDefined()
    const top = report.regressions[0]
    expect(top?.dimension).toBe('workload')
    expect(top?.key.namespace).toBe(manifestRegression.scope.namespace)
    expect(top?.key.workload).toBe(manifestRegression.scope.workload)
    // The manifest says the image grew sizeFactor-fold under newTag; the report must say the same from the data.
    const grew = top?.causes.find((c) => c.kind === 'image-grew')
    expect(grew?.image).toBe('registry.local/shop/checkout')
    expect((grew?.current as number) / (grew?.previous as number)).toBeCloseTo(
      manifestRegression.detail.sizeFactor as number,
      1,
    )
    expect(grew?.summary).toContain(String(manifestRegression.detail.newTag))
    expect(top?.test.qValue).toBeLessThan(0.05)
    expect(top?.interval?.low).toBeGreaterThan(0)
    // Only the regressed workload regressed (everything else is folded into it or unchanged).
    expect(new Set(report.regressions.map((r) => `${r.key.namespace}/${r.key.workload ?? ''}`))).toEqual(
      new Set(['shop/checkout']),
    )
  })

  it('renders Markdown and JSON that matches its schema', () => {
    const md = renderMarkdown(report)
    expect(md).toContain('workload shop/checkout: startup p90')
    expect(md).toContain('image registry.local/shop/checkout grew from 48.0 MB')
    const ajv = new Ajv2020({ allErrors: true, strict: false })
    addFormats.default(ajv)
    const validate = ajv.compile(require('@podstart/schema/report.schema.json'))
    const ok = validate(JSON.parse(renderJson(report)))
    expect(validate.errors ?? []).toEqual([])
    expect(ok).toBe(true)
  })

  it('renders self-contained HTML in headless Chromium with no external request', async () => {
    const file = join(dir, 'report.html')
    writeFileSync(file, renderHtml(report))
    const browser = await launchBrowser()
    const context = browser.context
    const requested: string[] = []
    try {
      await context.route('**/*', (route) => {
        requested.push(route.request().url())
        return route.request().url().startsWith('file:') ? route.continue() : route.abort()
      })
      const page = await context.newPage()
      page.on('request', (r) => requested.push(r.url()))
      await page.goto(pathToFileURL(file).href)
      expect(await page.locator('h1').textContent()).toContain('Pod startup report')
      expect(await page.locator('.change.regression svg rect').count()).toBeGreaterThan(4)
      const box = await page.locator('.change.regression svg').first().boundingBox()
      expect(box?.width).toBeGreaterThan(100)
    } finally {
      await browser.close()
    }
    expect(requested.length).toBeGreaterThan(0)
    expect(requested.filter((u) => !u.startsWith('file:') && !u.startsWith('about:'))).toEqual([])
  }, 60_000)
})

describe('false alarms', () => {
  it('across 20 seeds without a regression, at most one regression is reported in total', () => {
    const found: string[] = []
    for (let seed = 1; seed <= 20; seed++) {
      const h = simulateHistory({ seed, scenario, endAtMs: END, regression: false, podsPerHour: 12 })
      const r = buildReport({
        current: samplesOf(h.records, END - WEEK_MS, END),
        previous: samplesOf(h.records, END - 2 * WEEK_MS, END - WEEK_MS),
        generatedAt: new Date(END).toISOString(),
      })
      expect(r.method.testsRun).toBeGreaterThan(10)
      found.push(...r.regressions.map((c) => `seed ${seed}: ${c.id}`))
    }
    console.log(`false alarms over 20 seeds: ${found.length}${found.length ? ` (${found.join(', ')})` : ''}`)
    expect(found.length).toBeLessThanOrEqual(1)
  }, 300_000)
})
