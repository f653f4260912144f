// Held-out-style advice suite: scenarios composed for this test (test/fixtures/advice-scenarios/, not the
// simulator's built-in ones), each with known problems on named workloads or nodes and healthy control workloads.
// Two days of each go through the real lifecycle engine and the collector's row builders into an embedded store,
// then the advice engine runs over it. Scored as a maintainer would score unseen scenarios:
// - for each problem, the expected rule (and, for scheduling, the cause that decides the fix) ranks first
//   among the findings inside the problem's scope;
// - no control workload gets a medium or high confidence finding;
// - every finding's saving in the window is at most the time the pods in its scope really spent in the phases
//   its fix removes, summed from the simulator's ground truth (never from podstart's own numbers).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { evaluateAdvice, type Finding, RULE_PHASES } from '@podstart/schema/advice'
import type { StartupRecord } from '@podstart/schema/record'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fillHistoryStore } from '../support/history-store.ts'

const here = dirname(fileURLToPath(import.meta.url))
const scenarioFile = (name: string) => resolve(here, '../fixtures/advice-scenarios', `${name}.yaml`)
const dir = mkdtempSync(join(tmpdir(), 'podstart-advice-heldout-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const DAYS = 2
const PODS_PER_HOUR = 30
const CLUSTER = 'held-out'

/**
 * A problem's scope: a workload (namespace/name), the nodes of a pool (their names start with `<pool>-`), or an
 * image (a Job's pods are each named by their own Job, so its image is what they share).
 */
type ProblemScope = { workload: string } | { pool: string } | { image: string }
interface Problem {
  name: string
  scope: ProblemScope
  rule: string
  cause?: string
}
interface ScenarioCase {
  scenario: string
  problems: Problem[]
  controls: string[]
}

const CASES: ScenarioCase[] = [
  {
    scenario: 'ledger',
    problems: [
      {
        name: 'capacity: full fixed pool, no scale-up',
        scope: { workload: 'ledger/reconciler' },
        rule: 'scheduling',
        cause: 'capacity',
      },
      {
        name: 'autoscaler: burst on an empty pool',
        scope: { workload: 'ledger/scorer' },
        rule: 'scheduling',
        cause: 'autoscaler',
      },
      { name: 'image-only rollouts', scope: { workload: 'ledger/gateway' }, rule: 'in-place-update' },
    ],
    controls: ['ledger/api', 'ledger/web'],
  },
  {
    scenario: 'pipeline',
    problems: [
      { name: 'slow init container', scope: { workload: 'etl/loader' }, rule: 'init-containers' },
      { name: 'slow warm-up before Ready', scope: { workload: 'etl/enricher' }, rule: 'readiness' },
      { name: 'failing, backing-off pulls', scope: { workload: 'etl/fetcher' }, rule: 'pull-failures' },
    ],
    controls: ['etl/dashboard', 'etl/metrics'],
  },
  {
    scenario: 'media',
    problems: [
      {
        name: 'new nodes pull a 600 MB gzip image cold (no pigz)',
        scope: { image: 'registry.local/media/transcoder:11.1.0' },
        rule: 'pre-warm',
      },
      { name: 'slow CNI on the edge pool', scope: { pool: 'edge' }, rule: 'sandbox' },
      {
        name: 'image-only rollouts on slow-sandbox nodes',
        scope: { workload: 'media/thumbnailer' },
        rule: 'in-place-update',
      },
    ],
    controls: ['media/catalog'],
  },
]

/** Every field the finding's scope names lies inside the problem's scope. */
function inProblemScope(f: Finding, scope: ProblemScope): boolean {
  const s = f.scope
  if ('pool' in scope) return s.node?.startsWith(`${scope.pool}-`) === true
  if ('image' in scope) return s.image === scope.image && s.node === undefined
  const [ns, name] = scope.workload.split('/')
  return s.namespace === ns && s.workload?.name === name && s.node === undefined
}

/** The finding names the control workload (directly, or as the one workload that pulled its image). */
function aboutWorkload(f: Finding, workload: string): boolean {
  const [ns, name] = workload.split('/')
  return f.scope.namespace === ns && f.scope.workload?.name === name
}

/** Truth: ms the pods in the finding's scope and window spent in the phases its fix removes. */
function truthLostMs(f: Finding, truth: StartupRecord[], fromMs: number, toMs: number): number {
  const phases = RULE_PHASES[f.ruleId] ?? []
  const s = f.scope
  let ms = 0
  for (const r of truth) {
    const created = Date.parse(r.createdAt)
    if (created < fromMs || created >= toMs || r.cluster !== s.cluster) continue
    if (s.namespace !== undefined && r.namespace !== s.namespace) continue
    if (s.workload !== undefined && r.workload?.name !== s.workload.name) continue
    if (s.node !== undefined && r.node !== s.node) continue
    if (s.image !== undefined && !r.pulls.some((p) => p.image === s.image)) continue
    for (const ph of phases) ms += r.phases[ph] ?? 0
  }
  return ms
}

const describeFinding = (f: Finding) =>
  `${f.ruleId}${f.cause ? `(${f.cause})` : ''} ${f.confidence} ${JSON.stringify(f.scope)} ${f.saving.basis?.podSecondsInWindow ?? '?'} pod-s in window`

const table: string[] = [
  '| scenario | problem | scope | expected rule | rank in scope |',
  '|---|---|---|---|---|',
]
afterAll(() => console.log(`held-out advice suite:\n${table.join('\n')}`))

for (const c of CASES) {
  describe(`held-out scenario ${c.scenario}`, () => {
    let findings: Finding[]
    let truth: StartupRecord[]
    let fromMs: number
    let toMs: number

    beforeAll(async () => {
      const endAtMs = Date.now() - 60_000
      const store = await fillHistoryStore({
        dataDir: join(dir, c.scenario),
        keepOpen: true,
        history: {
          seed: 11,
          scenario: scenarioFile(c.scenario),
          days: DAYS,
          podsPerHour: PODS_PER_HOUR,
          endAtMs,
          cluster: CLUSTER,
        },
      })
      try {
        fromMs = endAtMs - DAYS * 86_400_000
        toMs = endAtMs + 60_000
        truth = store.truth
        findings = await evaluateAdvice(store.querier!, {
          from: new Date(fromMs).toISOString(),
          to: new Date(toMs).toISOString(),
        })
      } finally {
        await store.close()
      }
    }, 240_000)

    for (const p of c.problems) {
      it(`${p.name}: ${p.rule}${p.cause ? ` (${p.cause})` : ''} ranks first in its scope`, () => {
        const inScope = findings.filter((f) => inProblemScope(f, p.scope))
        const rank = inScope.findIndex((f) => f.ruleId === p.rule && (!p.cause || f.cause === p.cause))
        table.push(
          `| ${c.scenario} | ${p.name} | ${'pool' in p.scope ? `nodes of ${p.scope.pool}` : 'image' in p.scope ? p.scope.image : p.scope.workload} | ${p.rule}${p.cause ? ` (${p.cause})` : ''} | ${rank < 0 ? 'not found' : rank + 1} of ${inScope.length} |`,
        )
        const detail = inScope.map(describeFinding).join('; ')
        expect(inScope[0]?.ruleId, detail).toBe(p.rule)
        if (p.cause) expect(inScope[0]?.cause, detail).toBe(p.cause)
        expect(inScope[0]?.saving.podSecondsPerWeek, detail).toBeGreaterThan(0)
      })
    }

    it(`controls ${c.controls.join(', ')} get no medium or high confidence finding`, () => {
      for (const control of c.controls) {
        const flagged = findings.filter((f) => aboutWorkload(f, control) && f.confidence !== 'low')
        expect(flagged.map(describeFinding), control).toEqual([])
      }
    })

    it('every finding saves at most what its scope’s pods lost in its phases (simulator truth)', () => {
      expect(findings.length).toBeGreaterThan(0)
      for (const f of findings) {
        const basis = f.saving.basis
        expect(basis, describeFinding(f)).toBeDefined()
        const lost = truthLostMs(f, truth, fromMs, toMs)
        // Savings are stated to 0.1 s: a saving equal to the truth may print up to 50 ms above it.
        expect(
          basis!.podSecondsInWindow * 1000,
          `${describeFinding(f)}; truth lost ${lost} ms`,
        ).toBeLessThanOrEqual(lost + 50)
      }
    })

    it('every finding lists the pods it covers and links its slowest ones', () => {
      for (const f of findings) {
        expect(f.pods?.count, describeFinding(f)).toBeGreaterThan(0)
        expect(f.pods?.slowest.length, describeFinding(f)).toBeGreaterThan(0)
        const slow = f.pods!.slowest
        for (let i = 1; i < slow.length; i++) expect(slow[i]!.ms).toBeLessThanOrEqual(slow[i - 1]!.ms)
        // The slowest pod named is one of the truth's pods of the finding's scope.
        expect(truth.some((r) => r.uid === slow[0]!.uid && r.namespace === slow[0]!.namespace)).toBe(true)
      }
    })
  })
}
