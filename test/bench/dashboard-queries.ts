// Times every dashboard query of the `queries` scenario on a store that is already built (a copy of a template
// store: chDB locks its directory), best of N with the process's CPU time beside the wall time:
//   cd test && npx tsx bench/dashboard-queries.ts --store /tmp/copy/store [--runs 5] [--only substring]
//     [--migrate] [--refresh] (apply new migrations, then build what the rollups lack, day rows included)
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { refreshRollups } from '@podstart/schema/rollups'
import { createQuerier, migrate, openStore } from '@podstart/schema/store'
import { dashboardQueries } from './scenarios/queries.ts'

const { values } = parseArgs({
  options: {
    store: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    migrate: { type: 'boolean', default: false },
    refresh: { type: 'boolean', default: false },
  },
})
if (!values.store) throw new Error('--store DIR (the store directory of a copy) is required')
const store = await openStore({ dataDir: values.store, database: 'podstart' })
if (values.migrate) await migrate(store, { log: (l) => console.error(l) })
const q = createQuerier(store)
if (values.refresh) {
  // Brings the rollups up to date, the day rows of migration 0016 included.
  const t = performance.now()
  for (let pass = 0; pass < 20; pass++) if (!(await refreshRollups(q, { limit: 200 })).more) break
  console.log(`rollups refreshed in ${Math.round(performance.now() - t)} ms`)
}
// The template's meta.json (next to its store directory) holds the window it was filled for.
const meta = JSON.parse(readFileSync(path.join(path.dirname(values.store), 'meta.json'), 'utf8')) as {
  from: string
  to: string
}
const from = values.from ?? meta.from
const to = values.to ?? meta.to
const set = dashboardQueries(q, from, to)
const all: [string, () => Promise<unknown>][] = [
  ...Object.entries(set.aggregates).map(([n, f]): [string, () => Promise<unknown>] => [n, f.auto]),
  ...Object.entries(set.other),
]
const runs = Number(values.runs)
console.log(`window ${from} .. ${to}, best / median of ${runs} after one warm-up (wall ms, cpu ms)`)
for (const [name, fn] of all) {
  if (values.only && !name.includes(values.only)) continue
  await fn()
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage()
    const t = performance.now()
    await fn()
    wall.push(performance.now() - t)
    const d = process.cpuUsage(c)
    cpu.push((d.user + d.system) / 1000)
  }
  wall.sort((a, b) => a - b)
  cpu.sort((a, b) => a - b)
  const med = (a: number[]) => a[Math.floor(a.length / 2)] as number
  console.log(
    `${name.padEnd(56)} best ${Math.round(wall[0] as number)
      .toString()
      .padStart(
        5,
      )} median ${Math.round(med(wall)).toString().padStart(5)}   cpu best ${Math.round(cpu[0] as number)} median ${Math.round(med(cpu))}`,
  )
}
await store.close()
