// Every object the simulator writes validates against the published Kubernetes schemas (kubernetes-models),
// not against the simulator's own types.

import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { ReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet'
import { CronJob } from 'kubernetes-models/batch/v1/CronJob'
import { Job } from 'kubernetes-models/batch/v1/Job'
import { Event } from 'kubernetes-models/v1/Event'
import { Namespace } from 'kubernetes-models/v1/Namespace'
import { Node } from 'kubernetes-models/v1/Node'
import { Pod } from 'kubernetes-models/v1/Pod'
import { describe, expect, it } from 'vitest'
import { ClusterModel } from './model.ts'
import type { ObjectWrite } from './model-types.ts'
import { loadScenario } from './scenario.ts'

type Validating = { validate(): void }
const MODELS: Record<string, new (data: never) => Validating> = {
  Pod,
  Event,
  Node,
  Namespace,
  Deployment,
  ReplicaSet,
  Job,
  CronJob,
}

function writesOf(scenario: string): ObjectWrite[] {
  const s = loadScenario(scenario)
  const writes: ObjectWrite[] = []
  const model = new ClusterModel(
    {
      scenario: s,
      seed: 4,
      pods: s.pods,
      rate: s.rate,
      speed: 1,
      startAtMs: Date.UTC(2026, 10, 22, 10),
      cluster: 'sim',
      dropEventShare: 0,
      extraEventDelayMs: 0,
    },
    // As on the wire: what JSON drops (undefined) is not there.
    (w) => writes.push({ ...w, object: JSON.parse(JSON.stringify(w.object)) }),
  )
  while (!model.allFinal() && model.queue.size > 0) model.advanceTo(model.queue.peekTime() as number)
  return writes
}

describe('simulated objects against the published Kubernetes schemas', () => {
  for (const scenario of ['fast', 'mixed']) {
    it(`every ${scenario} object validates`, () => {
      const writes = writesOf(scenario)
      const kinds = new Map<string, number>()
      const failures: string[] = []
      for (const w of writes) {
        const Model = MODELS[w.object.kind]
        expect(Model, `no schema for kind ${w.object.kind}`).toBeDefined()
        kinds.set(w.object.kind, (kinds.get(w.object.kind) ?? 0) + 1)
        try {
          ;new (Model as new (d: unknown) => Validating)(w.object).validate()
        } catch (err) {
          if (failures.length < 5)
            failures.push(`${w.object.kind} ${w.object.metadata.name}: ${(err as Error).message}`)
        }
      }
      expect(failures).toEqual([])
      for (const kind of [
        'Pod',
        'Event',
        'Node',
        'Namespace',
        'Deployment',
        'ReplicaSet',
        'Job',
        'CronJob',
      ]) {
        expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(0)
      }
    })
  }

  it('rejects an object that breaks the schema (the check can fail)', () => {
    const bad = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'x' },
      involvedObject: {},
      count: 'three',
    }
    expect(() => new Event(bad as never).validate()).toThrow(/count/)
  })
})
