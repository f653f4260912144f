// The phase table is the phase model (DESIGN.md section 3): its order is the schema's, and with every boundary
// known its phases add up to the total on the fixtures.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ADDITIVE_PHASES, type StartupRecord } from '@podstart/schema/record'
import { describe, expect, it } from 'vitest'
import { event, pod, schedulerEvent, T0 } from '../../test/fixtures/lifecycle/builders.ts'
import type { Boundaries } from './boundaries.ts'
import { analyzeBatch, type KubeObject, type WatchUpdate } from './index.ts'
import { PHASE_TABLE, phasesOf, sloMsOf } from './phases.ts'
import type { PodPulls } from './pod-pulls.ts'

const REAL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/realdata')

const pulls = (over: Partial<PodPulls> = {}): PodPulls => ({
  pulls: [],
  failure: null,
  regularKnown: true,
  waitsKnown: true,
  waitSum: 300,
  pullSum: 1200,
  downloadSum: 1000,
  decompressSum: 200,
  splitKnown: true,
  ...over,
})
const at = (ms: number) => ({ ms, source: 'watch' as const })
const chain: Boundaries = {
  created: at(0),
  scheduled: at(100),
  sandboxReady: at(1100),
  initialized: at(1600),
  containersStarted: at(4000),
  ready: at(5000),
  finished: null,
}

/** A few startups written with the fixture builders: init containers, a cold and a warm pull, a sidecar. */
function builderUpdates(): Array<{ update: WatchUpdate; observedAtMs?: number }> {
  const out: Array<{ update: WatchUpdate; observedAtMs?: number }> = []
  const add = (object: KubeObject, observedAtMs?: number) =>
    out.push({ update: { type: 'ADDED', object }, ...(observedAtMs === undefined ? {} : { observedAtMs }) })
  for (let i = 0; i < 4; i++) {
    const t = T0 + i * 60_000
    const uid = `u${i}`
    const name = `p${i}`
    const init =
      i % 2 ? [{ name: 'init', image: 'init:1', ...(i === 3 ? { sidecar: true } : {}) }] : undefined
    const spec = {
      uid,
      name,
      createdMs: t,
      containers: [{ name: 'c', image: `img:${i}` }],
      ...(init ? { init } : {}),
    }
    add(pod(spec), t + 10)
    add(
      schedulerEvent({
        pod: name,
        uid,
        reason: 'Scheduled',
        message: `Successfully assigned default/${name} to n`,
        atMs: t + 150,
      }),
    )
    if (init)
      add(
        event({
          pod: name,
          uid,
          reason: 'Started',
          message: 'Started container init',
          atMs: t + 1300,
          container: 'init',
          init: true,
        }),
      )
    add(
      event({
        pod: name,
        uid,
        reason: 'Pulled',
        message:
          i % 2
            ? `Successfully pulled image "img:${i}" in 2.2s (2.5s including waiting). Image size: 40000000 bytes.`
            : `Container image "img:${i}" already present on machine`,
        atMs: t + 4800,
        container: 'c',
      }),
    )
    add(
      event({
        pod: name,
        uid,
        reason: 'Started',
        message: 'Started container c',
        atMs: t + 5100,
        container: 'c',
      }),
    )
    const conditions = {
      PodScheduled: t,
      PodReadyToStartContainers: t + 1000,
      Initialized: init ? t + 2000 : t + 1000,
      ContainersReady: t + 6000,
      Ready: t + 6000,
    }
    add(
      pod({
        ...spec,
        node: 'n',
        phase: 'Running',
        conditions,
        statuses: [
          { name: 'c', startedMs: t + 5000 },
          ...(init ? [{ name: 'init', init: true, startedMs: t + 1000 }] : []),
        ],
      }),
      t + 6100,
    )
  }
  return out
}

function realRecords(): StartupRecord[] {
  if (!existsSync(REAL)) return []
  const objects: KubeObject[] = []
  for (const f of readdirSync(REAL).filter((f) => f.endsWith('.json')))
    objects.push(...((JSON.parse(readFileSync(path.join(REAL, f), 'utf8')).items ?? []) as KubeObject[]))
  return analyzeBatch(
    objects.map((object) => ({ update: { type: 'LIST', object } as WatchUpdate })),
    { cluster: 'real' },
  )
}

describe('PHASE_TABLE', () => {
  it("lists the schema's additive phases, in order", () => {
    expect(PHASE_TABLE.map((d) => d.phase)).toEqual([...ADDITIVE_PHASES])
  })

  it('chains: each span starts where the one before ended, from created to ready', () => {
    const spans = PHASE_TABLE.filter((d) => d.measure.kind !== 'pull-sum')
    expect(spans[0]?.from).toBe('created')
    expect(spans.at(-1)?.to).toBe('ready')
    for (let i = 1; i < spans.length; i++) expect(spans[i]?.from).toBe(spans[i - 1]?.to)
  })

  it('when every boundary is known, the phases add up to the total on the fixtures', () => {
    const records = [...analyzeBatch(builderUpdates(), { cluster: 'fixture' }), ...realRecords()]
    let complete = 0
    for (const r of records) {
      const parts = ADDITIVE_PHASES.map((p) => r.phases[p])
      if (r.totalMs === null || parts.some((v) => v === null)) continue
      complete++
      expect(
        parts.reduce((s: number, v) => s + (v as number), 0),
        r.uid,
      ).toBe(r.totalMs)
      // A span phase is its two boundaries' difference, as the table says.
      for (const d of PHASE_TABLE) {
        if (d.measure.kind !== 'span') continue
        const from = r.boundaries[d.from]
        const to = r.boundaries[d.to]
        if (from && to)
          expect(r.phases[d.phase], `${d.phase} of ${r.uid}`).toBe(Date.parse(to.at) - Date.parse(from.at))
      }
    }
    expect(complete).toBeGreaterThanOrEqual(4)
  })
})

describe('phasesOf', () => {
  it('spans from the table, pull sums from the pulls, start the rest; download + decompress = pull', () => {
    const { phases, clamps } = phasesOf(chain, true, pulls())
    expect(phases).toEqual({
      scheduling: 100,
      sandbox: 1000,
      init: 500,
      pullWait: 300,
      pull: 1200,
      download: 1000,
      decompress: 200,
      start: 900,
      ready: 1000,
    })
    expect(clamps).toBe(0)
    expect(sloMsOf(chain, phases)).toBe(4000 - 300 - 1200 - 500)
  })

  it('init is 0 without init containers; an unknown wait is null, the pull still known', () => {
    const { phases } = phasesOf({ ...chain, sandboxReady: null }, false, pulls({ waitsKnown: false }))
    expect(phases.init).toBe(0)
    expect(phases.sandbox).toBeNull()
    expect(phases.pullWait).toBeNull()
    expect(phases.pull).toBe(1200)
    expect(phases.start).toBe(4000 - 1600 - 1200)
  })

  it('pulls that do not fit are taken from the wait and counted', () => {
    const { phases, clamps, clampedMs } = phasesOf(chain, true, pulls({ pullSum: 2300, downloadSum: 2100 }))
    expect(phases).toMatchObject({ pullWait: 100, pull: 2300, start: 0, download: 2100, decompress: 200 })
    expect([clamps, clampedMs]).toEqual([1, 200])
  })
})
