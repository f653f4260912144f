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
  /** The value the column sorts by (a click on its header in the browser); without it the column does not sort. */
  sortValue?(row: R): number | string | null
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
  // Keys are column positions: columns are a fixed list per table.
  const keyed = columns.map((c, i) => ({ c, key: String(i) }))
  return (
    <div className="table-scroll">
      <table data-table={name}>
        <thead>
          <tr>
            {keyed.map(({ c, key }) => (
              <th key={key} className={c.className} data-sortable={c.sortValue ? '' : undefined}>
                {c.sortValue ? (
                  <button type="button" className="sort">
                    {c.header}
                  </button>
                ) : (
                  c.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)} {...rowAttrs?.(r)}>
              {keyed.map(({ c, key }) => (
                <td
                  key={key}
                  className={c.cellClass ? c.cellClass(r) : c.className}
                  data-sort={c.sortValue ? (c.sortValue(r) ?? '') : undefined}
                >
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
