// The dashboard in the first minute of an incident, in real Chromium at 1280 and 1920 px over a store filled from
// the simulated cluster: every nav entry and index page answers 200, no table column runs past its card, the
// filters survive a three-click drill-down, dragging across the startup-time chart zooms (from/to in the URL),
// and a pod whose pull failed shows its failed attempts and back-off in the waterfall.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Browser, launchBrowser, openPage, screenshot } from '../support/browser.ts'
import { buildDemoStore, type DemoStore } from '../support/demo-store.ts'
import { freePort, type RunningProcess, repoRoot, startPodstart, waitFor } from '../support/process.ts'

const dir = mkdtempSync(path.join(os.tmpdir(), 'podstart-incident-'))
let demo: DemoStore
let up: RunningProcess
let base: string
let browser: Browser

beforeAll(async () => {
  if (!existsSync(path.join(repoRoot, 'web', '.next', 'BUILD_ID')))
    throw new Error('web is not built: npx turbo run build --filter=@podstart/web')
  browser = await launchBrowser()
  demo = await buildDemoStore({ dir: path.join(dir, 'demo'), days: 1, podsPerHour: 60 })
  const port = await freePort()
  up = startPodstart(['up', '--port', String(port), '--data', demo.dataDir, '--no-collector'])
  base = `http://127.0.0.1:${port}`
  await waitFor(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), 90_000, 'readyz')
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await up?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function visit(page: Page, url: string): Promise<void> {
  const res = await page.goto(url.startsWith('http') ? url : `${base}${url}`, { waitUntil: 'load' })
  expect(res?.status(), url).toBe(200)
}

/**
 * Columns a reader cannot reach: a header cell ending past the right edge of its card (the .panel around it).
 * The tables an SRE reads first (group tables, slowest startups, seconds lost) must fit their card outright; the
 * exact-numbers tables beside the charts may be wider, inside a container that scrolls within the card.
 */
async function overflowingColumns(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = []
    const mustFit = (name: string) =>
      name === 'slowest' || name === 'seconds-lost' || name.startsWith('groups-')
    for (const table of document.querySelectorAll('table')) {
      const card = table.closest('.panel')
      if (!card || table.getBoundingClientRect().width === 0) continue
      const style = getComputedStyle(card)
      const right = card.getBoundingClientRect().right - Number.parseFloat(style.paddingRight) + 1
      const name = table.getAttribute('data-table') ?? card.querySelector('h2')?.textContent ?? '?'
      let scroller: Element | null = table.parentElement
      while (scroller && scroller !== card && !/auto|scroll/.test(getComputedStyle(scroller).overflowX))
        scroller = scroller.parentElement
      if (!mustFit(name) && scroller && scroller !== card) {
        const r = scroller.getBoundingClientRect()
        if (r.right > right)
          out.push(`${name}: its scrolling box ends at ${Math.round(r.right)} > ${Math.round(right)}`)
        continue
      }
      for (const th of table.querySelectorAll('thead th')) {
        const r = th.getBoundingClientRect()
        if (r.right > right)
          out.push(`${name}: "${th.textContent}" ends at ${Math.round(r.right)} > ${Math.round(right)}`)
      }
    }
    return out
  })
}

const queryOf = (url: string) => new URL(url).searchParams

/** Axis labels such as '0 s', '5 s', '10 s': one unit, from 0, one 1-2-5 x 10^k step apart. */
function expectRoundTicks(labels: string[]) {
  expect(labels.length, labels.join(', ')).toBeGreaterThanOrEqual(2)
  const parsed = labels.map((l) => /^([\d,.]+) (ms|s|min)$/.exec(l))
  expect(parsed.every(Boolean), labels.join(', ')).toBe(true)
  const units = new Set(parsed.map((m) => m?.[2]))
  expect(units.size, labels.join(', ')).toBe(1)
  const values = parsed.map((m) => Number((m?.[1] ?? '').replace(/,/g, '')))
  expect(values[0]).toBe(0)
  const step = (values[1] as number) - (values[0] as number)
  const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6))
  expect([1, 2, 5], labels.join(', ')).toContain(mantissa)
  values.forEach((v, i) => {
    expect(Math.abs(v - i * step), labels.join(', ')).toBeLessThan(step * 1e-6)
  })
}

describe('dashboard for an incident', () => {
  it('every nav entry and index page answers 200', async () => {
    const { page, errors } = await openPage(browser.context)
    await visit(page, '/')
    const nav = await page
      .locator('nav[aria-label="Main"] a')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname))
    for (const p of ['/reports', '/alerts', '/clusters', '/namespaces', '/workloads', '/nodes', '/pods'])
      expect(nav).toContain(p)
    for (const p of nav) await visit(page, p)
    // Index pages search by name.
    await visit(page, '/namespaces?q=sho')
    const rows = await page
      .locator('table[data-table="groups-namespace"] tbody tr td:first-child')
      .allTextContents()
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) expect(r).toContain('sho')
    await visit(page, '/alerts')
    expect(await page.locator('[data-alerts-config="none"]').count()).toBe(1)
    expect(errors, errors.join('\n')).toEqual([])
    await page.close()
  }, 180_000)

  for (const width of [1280, 1920]) {
    it(`no table column runs past its card at ${width} px`, async () => {
      const { page } = await openPage(browser.context)
      await page.setViewportSize({ width, height: 1000 })
      const ns = demo.truth.find((r) => r.workload)?.namespace ?? 'shop'
      const withWorkload = demo.truth.find((r) => r.namespace === ns && r.workload && r.outcome === 'ready')
      const pages = ['/', `/namespaces/${ns}`, '/nodes', '/workloads', '/pods', '/images']
      if (withWorkload?.workload)
        pages.push(
          `/workloads/${ns}/${withWorkload.workload.kind}/${encodeURIComponent(withWorkload.workload.name)}`,
        )
      if (withWorkload?.node) pages.push(`/nodes/${encodeURIComponent(withWorkload.node)}`)
      const found: string[] = []
      for (const p of pages) {
        await visit(page, p)
        expect(await page.locator('table').count(), p).toBeGreaterThan(0)
        found.push(...(await overflowingColumns(page)).map((o) => `${p} ${o}`))
      }
      await screenshot(page, `incident-${width}`)
      expect(found, found.join('\n')).toEqual([])
      await page.close()
    }, 180_000)
  }

  it('group tables come ordered by time lost and sort by a column on a click', async () => {
    const { page, errors } = await openPage(browser.context)
    await visit(page, '/')
    const table = page.locator('table[data-table="groups-namespace"]')
    const p99 = () =>
      table
        .locator('tbody tr td:nth-child(5)')
        .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-sort'))))
    // Hydrated: the click listener is in place once the charts have rendered.
    await page.waitForSelector('[data-chart="startup-percentiles"] svg.recharts-surface', { timeout: 20_000 })
    await table.locator('th button', { hasText: /^p99$/ }).click()
    const down = await p99()
    expect(down.length).toBeGreaterThan(1)
    expect(down).toEqual([...down].sort((a, b) => b - a))
    await table.locator('th button', { hasText: /^p99$/ }).click()
    expect(await p99()).toEqual([...down].sort((a, b) => a - b))
    expect(errors, errors.join('\n')).toEqual([])
    await page.close()
  }, 60_000)

  it('filters survive a three-click drill-down', async () => {
    const { page, errors } = await openPage(browser.context)
    await visit(page, `/?range=24h&cluster=${demo.cluster}`)
    const kept = (url: string) => {
      const q = queryOf(url)
      expect(q.get('range'), url).toBe('24h')
      expect(q.get('cluster'), url).toBe(demo.cluster)
    }
    // 1: a namespace from the overview's table.
    await page.locator('table[data-table="groups-namespace"] tbody tr a').first().click()
    await page.waitForURL(/\/namespaces\//)
    kept(page.url())
    expect(await page.locator('select[data-filter="range"]').inputValue()).toBe('24h')
    // 2: a workload of that namespace.
    await page.locator('table[data-table="groups-workload"] tbody tr a').first().click()
    await page.waitForURL(/\/workloads\//)
    kept(page.url())
    // 3: a node the workload ran on.
    await page.locator('table[data-table="groups-node"] tbody tr a').first().click()
    await page.waitForURL(/\/nodes\//)
    kept(page.url())
    expect(await page.locator('select[data-filter="cluster"]').inputValue()).toBe(demo.cluster)
    expect(errors, errors.join('\n')).toEqual([])
    await page.close()
  }, 120_000)

  it('dragging across the startup-time chart zooms to that span, in the URL', async () => {
    const { page, errors } = await openPage(browser.context)
    await visit(page, `/?range=24h&cluster=${demo.cluster}`)
    const chart = page.locator('[data-chart="startup-percentiles"]')
    await page.waitForSelector('[data-chart="startup-percentiles"] svg.recharts-surface', { timeout: 20_000 })
    // Its duration axis reads round values in one unit: 0, 5, 10, 15 s, never 21.74 s.
    // recharts draws tick labels in a layer of their own, outside the axis group.
    const tickLabels = '.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value'
    await page.waitForSelector(`[data-chart="startup-percentiles"] ${tickLabels}`, { timeout: 20_000 })
    const ticks = await chart
      .locator(tickLabels)
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()))
    expectRoundTicks(ticks)
    // The first screen (seconds lost, fixes) comes first: bring the chart under the pointer.
    await chart.scrollIntoViewIfNeeded()
    const box = await chart.boundingBox()
    if (!box) throw new Error('no startup-percentiles chart')
    const y = box.y + box.height / 2
    await page.mouse.move(box.x + box.width * 0.3, y)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.45, y, { steps: 5 })
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 5 })
    await page.mouse.up()
    await page.waitForURL((u) => u.searchParams.has('from'), { timeout: 20_000 })
    const q = queryOf(page.url())
    expect(q.get('range')).toBeNull()
    expect(q.get('cluster')).toBe(demo.cluster)
    const from = Date.parse(q.get('from') ?? '')
    const to = Date.parse(q.get('to') ?? '')
    // A part of the last 24 hours, whole hours (the chart's step).
    expect(to - from).toBeGreaterThanOrEqual(3_600_000)
    expect(to - from).toBeLessThan(24 * 3_600_000)
    expect(from % 3_600_000).toBe(0)
    expect(from).toBeGreaterThanOrEqual(Date.now() - 26 * 3_600_000)
    // The zoomed view renders and keeps its window.
    await page.waitForSelector('[data-chart="startup-percentiles"] svg.recharts-surface', { timeout: 20_000 })
    expect(await page.locator('select[data-filter="range"]').inputValue()).toBe('')
    expect(errors, errors.join('\n')).toEqual([])
    await page.close()
  }, 120_000)

  it("a failed pull's attempts and back-off are drawn in the pod waterfall", async () => {
    const failed = demo.truth.find((r) => r.pulls.some((p) => !p.init && p.attempts > 1))
    expect(failed, 'the demo history has a pod whose pull failed at least once').toBeDefined()
    const r = failed as NonNullable<typeof failed>
    const pull = r.pulls.find((p) => !p.init && p.attempts > 1) as (typeof r.pulls)[number]
    const failures = pull.outcome === 'ok' ? pull.attempts - 1 : pull.attempts
    const { page, errors } = await openPage(browser.context)
    await visit(page, `/pods/${encodeURIComponent(r.cluster)}/${encodeURIComponent(r.uid)}`)
    const span = page.locator(`[data-chart="pod-waterfall"] g[data-span-kind="pull-retry"]`).first()
    expect(await span.getAttribute('data-span')).toBe(
      `${pull.container}: ${failures} failed attempt${failures === 1 ? '' : 's'}${pull.waitMs ? ' + back-off' : ''}`,
    )
    expect(await span.locator('title').textContent()).toContain(`${pull.attempts} attempts`)
    await screenshot(page, 'incident-failed-pull')
    expect(errors, errors.join('\n')).toEqual([])
    await page.close()
  }, 60_000)
})
