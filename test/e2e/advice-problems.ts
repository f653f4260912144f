// Which advice finding answers which problem the simulator injects, and whether a finding's scope falls
// inside a problem's scope. Shared by the advice suites; documented in docs/advice.md.
import type { InjectedProblem } from '@podstart/collector/sim'
import type { Finding } from '@podstart/schema/advice'

/** The rule whose finding must rank first among the findings inside the problem's scope. */
export const EXPECTED_RULE: Record<string, string> = {
  'large-gzip-no-pigz': 'decompression',
  'registry-saturation': 'p2p',
  'cold-nodes-scale-up': 'pre-warm',
  'image-only-rollout': 'in-place-update',
  'slow-cni': 'sandbox',
  'slow-init': 'init-containers',
  'unschedulable-wait': 'scheduling',
  'pull-failures': 'pull-failures',
  'slow-readiness': 'readiness',
}

/**
 * Rules whose findings a problem justifies: its own rule, and the other fixes for the same seconds (a saturated
 * rollout of a new tag is also an image-only rollout; a new node pulls cold; a regressed image is bigger and
 * warms up slower; every problem that makes nodes pull an image cold makes them unpack it, which the
 * decompression rule prices on size-model splits with low confidence).
 */
export const JUSTIFIED_RULES: Record<string, string[]> = {
  'large-gzip-no-pigz': ['decompression', 'lazy-format', 'pre-warm'],
  'registry-saturation': ['p2p', 'pre-warm', 'in-place-update', 'decompression'],
  'cold-nodes-scale-up': ['pre-warm', 'lazy-format', 'decompression'],
  'image-only-rollout': ['in-place-update', 'pre-warm', 'decompression'],
  'slow-cni': ['sandbox'],
  'slow-init': ['init-containers'],
  'unschedulable-wait': ['scheduling', 'pre-warm'],
  'pull-failures': ['pull-failures'],
  'slow-readiness': ['readiness'],
  regression: ['readiness', 'pre-warm', 'lazy-format', 'decompression', 'in-place-update'],
  'dropped-events': [],
}

/** Every field the finding's scope names must lie inside the problem's scope (nodes: the problem's nodes). */
export function withinScope(f: Finding, p: InjectedProblem): boolean {
  const s = f.scope
  if (s.cluster !== p.scope.cluster) return false
  if (s.namespace !== undefined && s.namespace !== p.scope.namespace) return false
  if (s.workload !== undefined && s.workload.name !== p.scope.workload) return false
  if (s.image !== undefined && s.image !== p.scope.image) return false
  if (s.node !== undefined && !((p.detail.nodes as string[] | undefined) ?? []).includes(s.node)) return false
  return true
}

/** The injected problems that justify a finding (empty: the manifest does not explain it). */
export function justifiedBy(f: Finding, manifest: readonly InjectedProblem[]): InjectedProblem[] {
  return manifest.filter((p) => (JUSTIFIED_RULES[p.kind] ?? []).includes(f.ruleId) && withinScope(f, p))
}
