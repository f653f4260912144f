'use client'
// Sorting for every DataTable, in the browser: a click on a sortable header orders the rows by the values the
// server rendered into their cells (data-sort), numbers as numbers, again to reverse. One listener for the page.
import { useEffect } from 'react'

function sortValue(cell: Element | undefined): number | string {
  const v = cell?.getAttribute('data-sort') ?? ''
  const n = Number(v)
  return v !== '' && Number.isFinite(n) ? n : v
}

export function TableSort() {
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      const button = (e.target as Element | null)?.closest('th[data-sortable] button')
      const th = button?.closest('th')
      const table = th?.closest('table')
      const body = table?.tBodies[0]
      if (!th || !table || !body) return
      const col = Array.from(th.parentElement?.children ?? []).indexOf(th)
      // Numbers start largest first (time lost, counts), names A to Z.
      const first = sortValue(body.rows[0]?.cells[col])
      const current = th.getAttribute('aria-sort')
      const descending = current ? current === 'ascending' : typeof first === 'number'
      const rows = Array.from(body.rows)
      rows.sort((a, b) => {
        const x = sortValue(a.cells[col])
        const y = sortValue(b.cells[col])
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))
        return descending ? -c : c
      })
      for (const r of rows) body.appendChild(r)
      for (const other of table.querySelectorAll('th[aria-sort]')) other.removeAttribute('aria-sort')
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending')
    }
    document.addEventListener('click', onClick)
    return () => document.removeEventListener('click', onClick)
  }, [])
  return null
}
