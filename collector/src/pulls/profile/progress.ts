// Progress of a profile run on stderr: a redrawn bar on a terminal, a plain line every few seconds otherwise.
import type { ProfileProgress } from './profile.ts'

const BAR = 28

export function progressReporter(
  stream: NodeJS.WriteStream = process.stderr,
  opts: { intervalMs?: number; now?: () => number } = {},
): { update(p: ProfileProgress): void; finish(): void } {
  const tty = Boolean(stream.isTTY)
  const every = opts.intervalMs ?? (tty ? 100 : 5000)
  const now = opts.now ?? Date.now
  let last = 0
  let lastPhase = ''
  let drawn = false
  const describe = (p: ProfileProgress) => {
    if (p.phase === 'resolve') return 'resolving manifest'
    const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 0
    const what = `${p.phase} layer ${p.layer}/${p.layers}`
    if (!tty) return p.bytesTotal > 0 && p.phase === 'download' ? `${what} ${Math.round(frac * 100)}%` : what
    const fill = Math.round(frac * BAR)
    return `${what.padEnd(24)} [${'#'.repeat(fill)}${'.'.repeat(BAR - fill)}] ${Math.round(frac * 100)}%`
  }
  return {
    update(p) {
      const t = now()
      if (p.phase === 'done') return
      // On a terminal a new phase redraws at once; a log gets at most one line per interval.
      const samePhase = tty ? p.phase === lastPhase : true
      if (last !== 0 && samePhase && t - last < every) return
      last = t
      lastPhase = p.phase
      if (tty) {
        stream.write(`\r\x1b[2K${describe(p)}`)
        drawn = true
      } else stream.write(`profile-image: ${describe(p)}\n`)
    },
    finish() {
      if (tty && drawn) stream.write('\r\x1b[2K')
    },
  }
}
