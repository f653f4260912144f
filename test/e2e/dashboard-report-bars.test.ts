// The HTML report's change cards in real Chromium at 1280 and 1920 px: the first bar pair of every card draws
// its headline's own statistic (named as in the headline, with the headline's values), and the bars' lengths
// stand in the ratio of those values.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildReport, type Report, renderHtml } from '@podstart/schema/report'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Browser, launchBrowser } from '../support/browser.ts'
import { samplesOf, simulateHistory, WEEK_MS, weeklyScenario } from './report-history.ts'

const END = Math.floor(Date.now() / 86_400_000) * 86_400_000
const dir = mkdtempSync(join(tmpdir(), 'podstart-report-bars-'))
let report: Report
let file: string
let browser: Browser

/** "1.23 s" / "4.5%" as ms / a fraction (the report's own two formats). */
function parseValue(text: string): number {
  const t = text.trim()
  if (t.endsWith('%')) return Number(t.slice(0, -1)) / 100
  if (t.endsWith(' s')) return Number(t.slice(0, -2)) * 1000
  throw new Error(`not a report value: "${text}"`)
}

beforeAll(async () => {
  const history = simulateHistory({ seed: 11, scenario: weeklyScenario(dir), endAtMs: END, regression: true })
  report = buildReport({
    current: samplesOf(history.records, END - WEEK_MS, END),
    previous: samplesOf(history.records, END - 2 * WEEK_MS, END - WEEK_MS),
    generatedAt: new Date(END).toISOString(),
  })
  file = join(dir, 'report.html')
  writeFileSync(file, renderHtml(report))
  browser = await launchBrowser()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('report change cards', () => {
  for (const width of [1280, 1920]) {
    it(`draw the headline's statistic at ${width} px`, async () => {
      const changes = [...report.regressions, ...report.improvements]
      expect(changes.length).toBeGreaterThan(0)
      const page = await browser.context.newPage()
      await page.setViewportSize({ width, height: 1000 })
      await page.goto(pathToFileURL(file).href)
      const cards = page.locator('.change')
      expect(await cards.count()).toBe(changes.length)
      for (let i = 0; i < changes.length; i++) {
        const card = cards.nth(i)
        const headline = (await card.locator('h3').textContent()) ?? ''
        // "<label>: <statistic> <previous> → <current> (<delta>)"
        const m = /: (.+?) (\S+ s|\S+%) → (\S+ s|\S+%) \(/.exec(headline)
        expect(m, headline).not.toBeNull()
        const [, statistic, prevText, curText] = m as RegExpExecArray
        const bar = card.locator('svg g[data-bar="headline"]')
        const texts = await bar.locator('text').allTextContents()
        expect(texts[0]).toBe(statistic)
        expect(texts[1]).toBe(`${prevText} → ${curText}`)
        const widths = await bar
          .locator('rect')
          .evaluateAll((rs) => rs.map((r) => (r as SVGRectElement).getBBox().width))
        const [prevW, curW] = widths as [number, number]
        const prev = parseValue(prevText as string)
        const cur = parseValue(curText as string)
        // The longer bar belongs to the larger value, and the lengths stand in the values' ratio (display rounding).
        expect(Math.sign(curW - prevW)).toBe(Math.sign(cur - prev))
        if (prev > 0 && cur > 0) expect(prevW / curW).toBeCloseTo(prev / cur, 1)
        const box = await card.locator('svg').boundingBox()
        const cardBox = await card.boundingBox()
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(
          (cardBox?.x ?? 0) + (cardBox?.width ?? 0),
        )
      }
      await page.close()
    }, 60_000)
  }
})
