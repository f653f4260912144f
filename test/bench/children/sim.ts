// The simulated cluster in its own process: serves list/watch, reports when every pod is final and when the
// last object changed (wall clock), and writes the true startup count.
import { startSimulatedCluster } from '@podstart/collector/sim'
import { childArgs, onStop, report } from '../child.ts'

const args = childArgs<{
  scenario: string
  pods: number
  rate: number
  speed: number
  seed: number
  delayMs: number
}>()
const sim = await startSimulatedCluster({
  scenario: args.scenario,
  pods: args.pods,
  rate: args.rate,
  speed: args.speed,
  seed: args.seed,
  startAtMs: Date.now() + args.delayMs,
})
let lastRv = sim.stats().resourceVersion
let lastChangeAt = Date.now()
const poll = setInterval(() => {
  const rv = sim.stats().resourceVersion
  if (rv !== lastRv) {
    lastRv = rv
    lastChangeAt = Date.now()
  }
}, 20)
report({ type: 'ready', url: sim.url, kubeconfig: sim.kubeconfig() })
void sim.done.then(async () => {
  // Late kubelet events (aggregation, readiness) may follow the last final pod: wait until the store is quiet.
  while (Date.now() - lastChangeAt < 1500) await new Promise((r) => setTimeout(r, 100))
  const truth = sim.truth()
  report({ type: 'done', truth: truth.length, lastChangeAt, ...sim.stats() })
})
onStop(async () => {
  clearInterval(poll)
  await sim.stop()
})
