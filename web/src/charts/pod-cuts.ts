// What a pod's SLO cut was computed from, named for what each time is: the conditions' own first-True times
// (whole seconds, as kube-burner reads them) and the watch receipt times (as the SLI and clusterloader2 read them),
// beside the phase boundaries. The Initialized condition is not the initialized boundary (docs/slo.md).
import { POD_CONDITION_TYPES, type StartupRecord } from '@podstart/schema/record'

export interface PodCutRow {
  name: string
  what: string
  at: string | null
  /** ms after the record's createdAt; null when unknown. */
  offsetMs: number | null
}

const CONDITION_WHAT: Record<(typeof POD_CONDITION_TYPES)[number], string> = {
  PodScheduled: 'condition lastTransitionTime, first True (1 s precision)',
  PodReadyToStartContainers: 'condition lastTransitionTime, first True (PodHasNetwork before 1.28)',
  Initialized:
    'condition lastTransitionTime, first True: before the sandbox for a pod without init containers; not the initialized boundary',
  ContainersReady: 'condition lastTransitionTime, first True',
  Ready: 'condition lastTransitionTime, first True',
}

export function podCuts(r: StartupRecord): { rows: PodCutRow[]; sli: StartupRecord['sli'] | null } {
  const t0 = Date.parse(r.createdAt)
  const row = (name: string, what: string, at: string | null | undefined): PodCutRow => ({
    name,
    what,
    at: at ?? null,
    offsetMs: at ? Date.parse(at) - t0 : null,
  })
  const rows = [
    ...POD_CONDITION_TYPES.map((c) => row(`condition ${c}`, CONDITION_WHAT[c], r.conditions?.[c])),
    row('watch: Running', 'collector receipt of the first update with phase Running', r.observed?.running),
    row(
      'watch: all started',
      'collector receipt of the first update with every container started (the SLI end)',
      r.observed?.allStarted,
    ),
    row('watch: Ready', 'collector receipt of the first update with Ready True', r.observed?.ready),
  ]
  return { rows, sli: r.sli ?? null }
}
