// The overview over an imported dump's own time range: the link each row of the Imports page carries.
import { type ImportRun, importRunWindow } from '@podstart/schema/queries'

/** `/?from=..&to=..&cluster=..` over the whole hours holding what the import stored; null when it stored none. */
export function importOverviewHref(
  run: Pick<ImportRun, 'cluster' | 'minCreatedAt' | 'maxCreatedAt'>,
): string | null {
  const window = importRunWindow(run)
  if (!window) return null
  const params = new URLSearchParams({ from: window.from, to: window.to, cluster: run.cluster })
  return `/?${params.toString()}`
}
