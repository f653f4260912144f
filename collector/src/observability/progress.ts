// Progress for long CLI work on stderr: a redrawn bar on a terminal, a plain line every few seconds otherwise.
export interface Progress {
  update(done: number, note?: string): void
  finish(note?: string): void
}

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = bytes
  let u = -1
  do {
    v /= 1024
    u++
  } while (v >= 1024 && u < units.length - 1)
  return `${v.toFixed(1)} ${units[u]}`
}

export function progress(label: string, total: number | null, unit: 'bytes' | 'items' = 'bytes'): Progress {
  const tty = Boolean(process.stderr.isTTY)
  const started = Date.now()
  let lastDraw = 0
  const fmt = (n: number) => (unit === 'bytes' ? human(n) : String(n))
  const line = (done: number, note?: string) => {
    const secs = (Date.now() - started) / 1000
    const pct = total ? Math.min(100, (done / total) * 100) : null
    const width = 24
    const bar =
      pct === null
        ? ''
        : `[${'#'.repeat(Math.round((pct / 100) * width)).padEnd(width, '.')}] ${pct.toFixed(0).padStart(3)}% `
    const rate = secs > 0 ? ` ${fmt(Math.round(done / secs))}/s` : ''
    return `${label} ${bar}${fmt(done)}${total ? ` / ${fmt(total)}` : ''}${rate}${note ? ` ${note}` : ''}`
  }
  return {
    update(done, note) {
      const now = Date.now()
      if (tty && now - lastDraw >= 100) {
        process.stderr.write(`\r\x1b[2K${line(done, note)}`)
        lastDraw = now
      } else if (!tty && now - lastDraw >= 5_000) {
        process.stderr.write(`${line(done, note)}\n`)
        lastDraw = now
      }
    },
    finish(note) {
      const secs = ((Date.now() - started) / 1000).toFixed(1)
      process.stderr.write(`${tty ? '\r\x1b[2K' : ''}${label} done in ${secs} s${note ? `: ${note}` : ''}\n`)
    },
  }
}
