// The dashboard's tables: a header of column names over one row per item, driven by a column list so each
// table states only what its columns show.
import type { ReactNode } from 'react'

export interface Column<R> {
  header: ReactNode
  cell(row: R): ReactNode
  /** Class of the header and of every cell of the column ('wrap' lets long text break). */
  className?: string
  /** A cell's class from its row (a bad value marked); replaces className on the cells. */
  cellClass?(row: R): string | undefined
}

export function DataTable<R>({
  name,
  columns,
  rows,
  rowKey,
  rowAttrs,
}: {
  /** data-table attribute, by which the e2e tests find the table. */
  name?: string
  columns: Column<R>[]
  rows: R[]
  rowKey(row: R): string
  /** data-* attributes of a row. */
  rowAttrs?(row: R): Record<`data-${string}`, string | number>
}) {
  // The wrapper scrolls inside the card when a table cannot fit; the first column stays in view (CSS).
  return (
    <div className="table-scroll">
      <table data-table={name}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are a fixed list per table
              <th key={i} className={c.className}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)} {...rowAttrs?.(r)}>
              {columns.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are a fixed list per table
                <td key={i} className={c.cellClass ? c.cellClass(r) : c.className}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
