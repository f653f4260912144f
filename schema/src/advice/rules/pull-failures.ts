// pull-failures: pulls that fail (ErrImagePull, ImagePullBackOff) hold pods in back-off, or forever. No node or
// image format fixes that: the reference, the credentials or the registry's limits do.
import { z } from 'zod'
import { imageScope, perWeek, perWeekSeconds, renderFinding, round1, windowAssumption } from '../finding.ts'
import { defineRule, type Finding } from '../types.ts'

const thresholds = z
  .object({
    /** Failed pulls plus pulls that succeeded after failing, per week (heuristic). */
    minFailuresPerWeek: z.number().min(0).default(5),
  })
  .strict()

const CHECKLIST = `Image pulls that fail (ErrImagePull, then ImagePullBackOff with back-off up to 5 min):
- kubectl get events -A --field-selector reason=Failed | grep -i pull   (the registry's own error text)
- "not found" / "manifest unknown": the tag was never pushed, or was deleted; pin a digest that exists
- "unauthorized" / "denied": imagePullSecrets of the pod or its ServiceAccount, expired registry tokens
- "429 Too Many Requests" / "toomanyrequests": registry rate limits; use a pull-through mirror or cache
- timeouts, "connection reset": registry or proxy capacity; a node-local mirror (Spegel) absorbs retries
`

export const pullFailures = defineRule({
  id: 'pull-failures',
  title: 'Image pulls that fail and back off',
  signals: ['imagePullSummary'],
  thresholds,
  evaluate(signals, t) {
    const out: Finding[] = []
    for (const row of signals.imagePullSummary) {
      const failures = row.reportedFailedPulls + row.retriedPulls
      if (failures === 0 || perWeek(failures, signals.window) < t.minFailuresPerWeek) continue
      const reasons = row.failureReasons.length > 0 ? row.failureReasons.join(', ') : 'not recorded'
      out.push({
        ruleId: 'pull-failures',
        scope: imageScope(signals.cluster, row),
        title: `${row.image}: ${failures} of ${row.pulls} pulls failed (${reasons})`,
        evidence: [
          {
            label: 'pulls that never succeeded',
            value: row.reportedFailedPulls,
            unit: 'pulls',
            query: 'imagePullSummary',
          },
          {
            label: 'pulls that succeeded after failing',
            value: row.retriedPulls,
            unit: 'pulls',
            query: 'imagePullSummary',
          },
          {
            label: 'failed attempts and back-off before those, total',
            value: round1(row.retryWaitMs / 1000),
            unit: 's',
            query: 'imagePullSummary',
          },
          { label: 'failure reasons', value: reasons, unit: '', query: 'imagePullSummary' },
          { label: 'pulls', value: row.pulls, unit: 'pulls', query: 'imagePullSummary' },
        ],
        saving: {
          p90SecondsPerStartup: round1((row.retryWaitP90Ms ?? 0) / 1000),
          podSecondsPerWeek: perWeekSeconds(row.retryWaitMs, signals.window),
          assumptions: [
            'fixing the cause removes the failed attempts and back-off of pulls that eventually succeeded',
            'pods whose pull never succeeded never started: they are counted, not priced',
            windowAssumption(signals.window),
          ],
        },
        confidence: 'high',
        artifact: { kind: 'text', filename: 'pull-failures.txt', content: CHECKLIST },
      })
    }
    return out
  },
  render(finding) {
    return renderFinding(
      finding,
      'Pulls of this image fail and the kubelet backs off before retrying (up to 5 minutes), so pods ' +
        'start late or never. The cause is in the reference, the credentials or the registry: see the checklist.',
    )
  },
})
