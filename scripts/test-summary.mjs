// Sums the vitest JSON reports of every package into one closing line: "N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
let passed = 0
let failed = 0
let skipped = 0
const missing = []
for (const pkg of ['schema', 'collector', 'web', 'test']) {
  const file = path.join(root, pkg, 'test-results', 'vitest.json')
  if (!existsSync(file)) {
    missing.push(pkg)
    continue
  }
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed += report.numPassedTests ?? 0
  failed += report.numFailedTests ?? 0
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
}
if (missing.length > 0) console.log(`test reports missing for: ${missing.join(', ')}`)
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || missing.length > 0 ? 1 : 0)
