// Generators for the property suite (test only, never shipped): Kubernetes-shaped pods and kubelet/scheduler
// events, mostly valid so the engine emits many records, mixed with extreme and malformed fields (times in
// 0001/1899/2400/9999, garbage, numbers, null; forged pull durations; odd event names and counts; events for
// missing pods; one uid in several namespaces; unknown watch types).
import fc from 'fast-check'

/** Runs per property: small in CI; PODSTART_FUZZ_RUNS=<n> runs n (times the property's own factor) locally. */
export function fuzzRuns(ci: number): number {
  const n = Number(process.env.PODSTART_FUZZ_RUNS)
  return Number.isFinite(n) && n > 0 ? Math.ceil(n * (ci / 100)) : ci
}

/**
 * Base time: the start of yesterday (UTC), so generated pods are created before the writer's clock and within
 * pod_startups' 180-day retention (a stored row past it is dropped by the TTL); runs repeat within a day.
 */
export const FUZZ_NOW = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000

export type Json = Record<string, unknown>
export interface TimedUpdate {
  update: { type: string; object: unknown }
  observedAtMs: number
}

const oddText = fc.oneof(
  fc.constantFrom('', 'x', 'not-a-time', '2024-13-45T99:99:99Z', 'NaN', '∞', 'null', '2024', '0'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
)
const oddTime = fc.oneof(
  fc.constantFrom(
    '0001-01-01T00:00:00Z',
    '1899-12-31T23:59:59Z',
    '1969-12-31T23:59:59.999Z',
    '2400-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '+275760-09-13T00:00:00.000Z',
  ),
  oddText,
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant({}),
)

/** A time text for `ms`, usually valid (seconds or MicroTime), sometimes odd. */
const timeAt = (ms: number, odd: unknown, wholeSecond = true): unknown => {
  if (odd !== undefined) return odd
  const d = new Date(Number.isFinite(ms) ? ms : 0)
  const text = d.toISOString()
  return wholeSecond ? `${text.slice(0, 19)}Z` : text.replace('Z', '000Z')
}
const maybeOdd = (weight = 12) =>
  fc.oneof({ weight, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: oddTime })

const nameArb = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'),
      minLength: 1,
      maxLength: 20,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 'ünï-cødé-🚀', 'a'.repeat(300), 'x'.repeat(5000), 'with space'),
  },
)
const nsArb = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('default', 'shop', 'kube-system') },
  { weight: 1, arbitrary: fc.constantFrom('', 'ns-ünï', 'n'.repeat(300)) },
)
const containerNameArb = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('app', 'sidecar', 'c0', 'c1', 'istio-proxy') },
  { weight: 1, arbitrary: fc.constantFrom('', 'c}weird', 'c{x}', 'ü', 'c'.repeat(200)) },
)
const countArb = fc.oneof(
  { weight: 10, arbitrary: fc.constant(1) },
  { weight: 2, arbitrary: fc.integer({ min: 2, max: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom(-5, 0, 1e300, Number.NaN, 2 ** 53, '7', null) },
)
const durationText = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 120_000 }).map((ms) => `${ms / 1000}s`) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 999 }).map((ms) => `${ms}ms`) },
  { weight: 1, arbitrary: fc.constantFrom('1m21.28s', '512µs', '2h3m', '0') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '99999999h',
      '-5s',
      '1e308s',
      'NaNms',
      '9999999999999999h',
      '99999999999999999999999999h',
      '1.5.5s',
      'h',
    ),
  },
)

/** Pulled messages of every kubelet era, with forged durations mixed in. */
const pulledMessage = (image: string) =>
  fc.oneof(
    durationText.map((d) => `Successfully pulled image "${image}" in ${d}`),
    fc
      .tuple(durationText, durationText, fc.oneof(fc.nat(), fc.constantFrom(1e25, 2 ** 60)))
      .map(
        ([d, w, size]) =>
          `Successfully pulled image "${image}" in ${d} (${w} including waiting). Image size: ${size} bytes.`,
      ),
    fc.constant(`Successfully pulled image "${image}"`),
    fc.constant(`Container image "${image}" already present on machine`),
    durationText.map((d) => `(combined from similar events): Successfully pulled image "${image}" in ${d}`),
  )

const hexName = (pod: string, ms: number) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constant(`${pod}.${(BigInt(Math.max(0, Math.round(ms))) * 1_000_000n).toString(16)}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `${pod}.ffffffffffffffff`,
        `${pod}.zzzzzzzzzzzzzzzz`,
        `${pod}.${'f'.repeat(40)}`,
        `${pod}.0000000000000000`,
        pod,
        '',
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 20 })
        .map((h) => `${pod}.${h}`),
    },
  )

interface PodIdentity {
  uid: string
  name: string
  namespace: string
}

function eventArb(id: PodIdentity, reason: string, message: string, ms: number, container: string | null) {
  return fc
    .record({
      evName: hexName(id.name, ms),
      count: countArb,
      timeMode: fc.constantFrom('first', 'first', 'first', 'eventTime', 'none'),
      oddFirst: maybeOdd(),
      targetMode: fc.constantFrom('uid', 'uid', 'uid', 'uid', 'name', 'missing', 'other-ns', 'no-target'),
    })
    .map(({ evName, count, timeMode, oddFirst, targetMode }): Json => {
      const involvedObject: Json = { kind: 'Pod', namespace: id.namespace, name: id.name, uid: id.uid }
      if (targetMode === 'name') delete involvedObject.uid
      if (targetMode === 'missing') involvedObject.uid = `${id.uid}-missing`
      if (targetMode === 'other-ns') involvedObject.namespace = `${id.namespace}-other`
      if (targetMode === 'no-target') {
        delete involvedObject.uid
        delete involvedObject.name
      }
      if (container !== null) involvedObject.fieldPath = `spec.containers{${container}}`
      const ev: Json = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: evName, namespace: id.namespace },
        involvedObject,
        reason,
        message,
        count,
        source: { component: reason === 'Scheduled' ? 'default-scheduler' : 'kubelet' },
      }
      if (timeMode === 'first') {
        ev.firstTimestamp = timeAt(ms, oddFirst)
        ev.lastTimestamp = timeAt(ms, oddFirst)
      } else if (timeMode === 'eventTime') ev.eventTime = timeAt(ms, oddFirst, false)
      return ev
    })
}

/** One pod's startup as watch updates (pod updates and its events), times in ms relative to FUZZ_NOW. */
export const podStory = (index: number, sharedUid?: string) =>
  fc
    .record({
      name: nameArb,
      namespace: nsArb,
      uidMode: fc.constantFrom('own', 'own', 'own', 'own', 'shared', 'empty'),
      createdBackMs: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 60_000, max: 30 * 86_400_000 }) },
        { weight: 1, arbitrary: fc.integer({ min: 31 * 86_400_000, max: 170 * 86_400_000 }) },
      ),
      oddCreated: maybeOdd(8),
      containers: fc.oneof(
        { weight: 10, arbitrary: fc.array(containerNameArb, { minLength: 1, maxLength: 3 }) },
        { weight: 1, arbitrary: fc.array(containerNameArb, { maxLength: 60 }) },
        {
          weight: 1,
          arbitrary: fc
            .integer({ min: 40, max: 60 })
            .map((n) => Array.from({ length: n }, (_, i) => `c${i}`)),
        },
      ),
      steps: fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 4, maxLength: 4 }),
      readyLateMs: fc.oneof(
        { weight: 10, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.constantFrom(60 * 86_400_000, -3_600_000, 1e15) },
      ),
      oddCond: maybeOdd(),
      oddStarted: maybeOdd(),
      end: fc.constantFrom('ready', 'ready', 'ready', 'ready', 'pending', 'deleted', 'failed', 'succeeded'),
      extraReasons: fc.array(fc.constantFrom('Failed', 'BackOff', 'FailedScheduling', 'Pulling'), {
        maxLength: 3,
      }),
      types: fc.array(fc.constantFrom('ADDED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'BOGUS', 'DELETED'), {
        minLength: 3,
        maxLength: 3,
      }),
    })
    .chain((p) => {
      const uid =
        p.uidMode === 'shared' && sharedUid ? sharedUid : p.uidMode === 'empty' ? '' : `uid-${index}`
      const id: PodIdentity = { uid, name: p.name || `p${index}`, namespace: p.namespace }
      if (p.name === '') id.name = ''
      const created = FUZZ_NOW - p.createdBackMs
      const [s0, s1, s2, s3] = p.steps as [number, number, number, number]
      const scheduled = created + s0
      const sandbox = scheduled + s1
      const pulledAt = sandbox + s2
      const started = pulledAt + 50
      const ready = started + s3 + p.readyLateMs
      const containers = p.containers.map((name, i) => ({ name, image: `registry.example/img-${i}:1` }))
      const events = [
        eventArb(
          id,
          'Scheduled',
          `Successfully assigned ${id.namespace}/${id.name} to node-1`,
          scheduled,
          null,
        ),
        ...containers.flatMap((c) => [
          eventArb(id, 'Pulling', `Pulling image "${c.image}"`, sandbox + 10, c.name),
          pulledMessage(c.image).chain((m) => eventArb(id, 'Pulled', m, pulledAt, c.name)),
          eventArb(id, 'Created', `Created container ${c.name}`, started - 5, c.name),
          eventArb(id, 'Started', `Started container ${c.name}`, started, c.name),
        ]),
        ...p.extraReasons.map((r) =>
          eventArb(
            id,
            r,
            r === 'BackOff'
              ? 'Back-off pulling image "x"'
              : r === 'Failed'
                ? 'Failed to pull image "x"'
                : '0/3 nodes',
            sandbox + 20,
            r === 'FailedScheduling' ? null : (containers[0]?.name ?? null),
          ),
        ),
      ]
      return fc.tuple(...events).map((evs): TimedUpdate[] => {
        const creationTimestamp = timeAt(created, p.oddCreated)
        const meta = { name: id.name, namespace: id.namespace, uid: id.uid, creationTimestamp }
        const spec = { containers }
        const cond = (type: string, ms: number) => ({
          type,
          status: 'True',
          lastTransitionTime: timeAt(ms, p.oddCond),
        })
        const podAt = (status: Json, withNode: boolean): Json => ({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: meta,
          spec: withNode ? { ...spec, nodeName: 'node-1' } : spec,
          status,
        })
        const startedAt = timeAt(started, p.oddStarted)
        const running = {
          phase: p.end === 'failed' ? 'Failed' : p.end === 'succeeded' ? 'Succeeded' : 'Running',
          conditions: [
            cond('PodScheduled', scheduled),
            cond('PodReadyToStartContainers', sandbox),
            cond('Initialized', sandbox),
            ...(p.end === 'ready' ? [cond('ContainersReady', ready), cond('Ready', ready)] : []),
          ],
          containerStatuses: containers.map((c) => ({
            name: c.name,
            ready: p.end === 'ready',
            restartCount: 0,
            state:
              p.end === 'succeeded' || p.end === 'failed'
                ? { terminated: { startedAt, finishedAt: timeAt(ready, undefined), reason: 'Completed' } }
                : { running: { startedAt } },
          })),
        }
        const [t0, t1, t2] = p.types as [string, string, string]
        const out: TimedUpdate[] = [
          { update: { type: t0, object: podAt({ phase: 'Pending' }, false) }, observedAtMs: created + 3 },
          {
            update: {
              type: t1,
              object: podAt({ phase: 'Pending', conditions: [cond('PodScheduled', scheduled)] }, true),
            },
            observedAtMs: scheduled + 2,
          },
          ...evs.map((object, i) => ({
            update: { type: 'ADDED', object },
            observedAtMs: (i === 0 ? scheduled : sandbox + i * 7) + 4,
          })),
        ]
        if (p.end !== 'pending')
          out.push({
            update: { type: p.end === 'deleted' ? 'DELETED' : t2, object: podAt(running, true) },
            observedAtMs: Math.min(ready, FUZZ_NOW) + 4,
          })
        return out
      })
    })

/** Objects that are not pods or events at all, and updates of unknown types. */
export const junkUpdate: fc.Arbitrary<TimedUpdate> = fc.record({
  update: fc.oneof(
    fc.record({
      type: fc.constantFrom('ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR', 'LIST', ''),
      object: fc.oneof(
        fc.anything({ maxDepth: 2 }),
        fc.constant({ kind: 'Pod' }),
        fc.constant({ kind: 'Pod', metadata: { uid: 'x', name: 'y', creationTimestamp: 5 } }),
        fc.constant({ kind: 'Node', metadata: { name: 'node-1' }, status: { nodeInfo: {} } }),
        fc.constant({ kind: 'Event', involvedObject: { kind: 'Pod', uid: 'nobody' }, reason: 'Started' }),
        fc.constant({ kind: 'Status', status: 'Failure', reason: 'Expired' }),
      ),
    }),
    fc.anything({ maxDepth: 1 }) as fc.Arbitrary<never>,
  ),
  observedAtMs: fc.oneof(fc.integer({ min: FUZZ_NOW - 86_400_000, max: FUZZ_NOW }), fc.constant(Number.NaN)),
}) as fc.Arbitrary<TimedUpdate>

/** A whole cluster's worth of updates: several pod stories (some sharing a uid) and junk, in receipt order. */
export const clusterUpdates = (maxPods: number) =>
  fc
    .integer({ min: 1, max: maxPods })
    .chain((n) =>
      fc.tuple(
        fc.tuple(...Array.from({ length: n }, (_, i) => podStory(i, 'uid-shared'))),
        fc.array(junkUpdate, { maxLength: Math.max(1, Math.floor(n / 3)) }),
        fc.boolean(),
      ),
    )
    .map(([stories, junk, watched]) => {
      const all = [...stories.flat(), ...junk]
      all.sort((a, b) => (a.observedAtMs || 0) - (b.observedAtMs || 0))
      // Batch mode (analyze, dumps without receipt times) sees no observation time at all.
      return watched ? all : all.map((u) => ({ ...u, observedAtMs: Number.NaN }))
    })
