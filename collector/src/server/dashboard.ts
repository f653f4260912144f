// Loads the built Next.js dashboard (web/) into this process as a request handler (Next custom server),
// so the dashboard and the collector share one embedded store handle.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RequestHandler } from './http.ts'

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web')

class DashboardNotBuiltError extends Error {
  exitCode = 1
  constructor(dir: string) {
    super(
      `the dashboard is not built (${path.join(dir, '.next')} is missing): run "npm run build" first, or use "npm start"`,
    )
  }
}

export async function loadDashboard(opts: { hostname: string; port: number }): Promise<RequestHandler> {
  if (!existsSync(path.join(webDir, '.next', 'BUILD_ID'))) throw new DashboardNotBuiltError(webDir)
  const require = createRequire(path.join(webDir, 'package.json'))
  const next = require('next') as (o: object) => {
    prepare(): Promise<void>
    getRequestHandler(): RequestHandler
  }
  const app = next({ dev: false, dir: webDir, hostname: opts.hostname, port: opts.port, quiet: true })
  await app.prepare()
  return app.getRequestHandler()
}
