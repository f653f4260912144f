// CPU time of this process's main thread alone (Linux: /proc/self/task/<pid>/stat, in clock ticks of 10 ms),
// beside process.cpuUsage(), which sums every thread (the embedded store's, the garbage collector's helpers).
// The main thread is what bounds how fast watch objects are taken in. null where /proc is not there.
import { readFileSync } from 'node:fs'

const TICK_MS = 10

export function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces) in parentheses: utime and stime are the 12th and
    // 13th of them (14 and 15 in proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return Number.isFinite(ticks) ? ticks * TICK_MS : null
  } catch {
    return null
  }
}
