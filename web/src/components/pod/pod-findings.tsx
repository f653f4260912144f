// The fixes for one startup: the last 7 days' findings of its cluster whose scope names its workload, one of
// its images or its node (at most five, largest saving first).
import type { StartupRecord } from '@podstart/schema/record'
import { Findings } from '@/components/findings.tsx'
import { appliesTo } from '@/lib/finding-scope.ts'
import { resolveWindow } from '@/lib/time-range.ts'
import { loadFindings } from '@/server/findings-cache.ts'

export async function PodFindings({ record }: { record: StartupRecord }) {
  const result = await loadFindings(resolveWindow({}, Date.now()), { cluster: record.cluster }, 1_000)
  return (
    <Findings
      result={
        result.available
          ? { ...result, findings: result.findings.filter((f) => appliesTo(f, record)).slice(0, 5) }
          : result
      }
      withArtifacts={false}
    />
  )
}
