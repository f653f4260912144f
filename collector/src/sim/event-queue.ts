// A discrete-event queue: actions ordered by time, then by the order they were scheduled (deterministic).

interface Entry {
  at: number
  seq: number
  run: () => void
}

export class EventQueue {
  private heap: Entry[] = []
  private seq = 0

  get size(): number {
    return this.heap.length
  }

  peekTime(): number | undefined {
    return this.heap[0]?.at
  }

  push(at: number, run: () => void): void {
    const e = { at, seq: this.seq++, run }
    const h = this.heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!less(e, h[parent] as Entry)) break
      h[i] = h[parent] as Entry
      i = parent
    }
    h[i] = e
  }

  pop(): Entry | undefined {
    const h = this.heap
    const top = h[0]
    const last = h.pop()
    if (!top || !last || h.length === 0) return top
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      const cur = m === i ? last : (h[m] as Entry)
      let best = cur
      if (l < h.length && less(h[l] as Entry, best)) {
        m = l
        best = h[l] as Entry
      }
      if (r < h.length && less(h[r] as Entry, best)) {
        m = r
        best = h[r] as Entry
      }
      if (m === i) break
      h[i] = best
      i = m
    }
    h[i] = last
    return top
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
