// The version a startup row is written with. ReplacingMergeTree keeps the highest version per pod UID, so
// the version ranks what we know before when we wrote it: a final outcome beats a pending one, and a
// startup observed live beats one rebuilt from status after a restart (which must never overwrite it).
import type { StartupRecord } from '@podstart/schema/record'

const EPOCH_2020_MS = Date.UTC(2020, 0, 1)
const RANK_UNIT = 2 ** 44 // ms after 2020 fit below this for five centuries; rank * unit stays a safe integer

export function startupVersion(
  record: Pick<StartupRecord, 'outcome' | 'fromStatusOnly'>,
  writtenAtMs: number,
): number {
  const final = record.outcome === 'pending' ? 0 : 1
  const observedLive = record.fromStatusOnly ? 0 : 1
  const rank = final * 2 + observedLive
  return rank * RANK_UNIT + Math.max(0, writtenAtMs - EPOCH_2020_MS)
}
