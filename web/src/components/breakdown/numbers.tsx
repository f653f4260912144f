// A chart's exact numbers: a collapsible table beside it.
import type { ReactNode } from 'react'

export function Numbers({
  caption,
  open,
  children,
}: {
  caption: string
  open?: boolean
  children: ReactNode
}) {
  return (
    <details className="numbers" open={open}>
      <summary>Numbers: {caption}</summary>
      <div className="scroll">
        <table>{children}</table>
      </div>
    </details>
  )
}
