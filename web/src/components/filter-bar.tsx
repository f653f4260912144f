'use client'
// Filters as a plain GET form (works without JavaScript); with JavaScript a change navigates at once.
// Either way the filters end up in the URL, so a view can be shared.
import { usePathname, useRouter } from 'next/navigation'
import type { ChangeEvent } from 'react'

export interface FilterBarProps {
  range: string | null
  from?: string
  to?: string
  ranges: string[]
  fields: { name: 'cluster' | 'namespace' | 'workload'; label: string; value?: string; options: string[] }[]
}

export function FilterBar({ range, from, to, ranges, fields }: FilterBarProps) {
  const router = useRouter()
  const pathname = usePathname()
  const onChange = (e: ChangeEvent<HTMLSelectElement>) => {
    const form = e.currentTarget.form
    if (!form) return
    const params = new URLSearchParams()
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v !== '') params.set(k, v)
    // A named range replaces an explicit (zoomed) window; any other change keeps it.
    if (params.has('range')) {
      params.delete('from')
      params.delete('to')
    }
    const qs = params.toString()
    router.push(qs ? `${pathname}?${qs}` : pathname)
  }
  return (
    // Keyed by the window: a navigation that changes it (a zoom) shows the new one, not the select's old choice.
    <form
      key={`${range ?? ''}|${from ?? ''}|${to ?? ''}|${fields.map((f) => f.value ?? '').join('|')}`}
      className="filters"
      method="get"
      action={pathname}
      aria-label="Filters"
    >
      <label>
        Time range
        <select name="range" defaultValue={range ?? ''} onChange={onChange} data-filter="range">
          {range === null ? <option value="">{`${from} – ${to}`}</option> : null}
          {ranges.map((r) => (
            <option key={r} value={r}>
              last {r}
            </option>
          ))}
        </select>
      </label>
      {range === null ? (
        <>
          <input type="hidden" name="from" value={from} />
          <input type="hidden" name="to" value={to} />
        </>
      ) : null}
      {fields.map((f) => (
        <label key={f.name}>
          {f.label}
          <select name={f.name} defaultValue={f.value ?? ''} onChange={onChange} data-filter={f.name}>
            <option value="">all</option>
            {f.value && !f.options.includes(f.value) ? <option value={f.value}>{f.value}</option> : null}
            {f.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
      ))}
      <noscript>
        <button type="submit" className="primary">
          Apply
        </button>
      </noscript>
      <span className="muted" style={{ fontSize: '0.78rem' }}>
        Times in UTC. Rollups serve closed hours; the current hour is read live.
      </span>
    </form>
  )
}
