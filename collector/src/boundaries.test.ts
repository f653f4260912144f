// The one-way flow biome.json enforces (noRestrictedImports per folder): each rule is run on a violating
// file in a scratch copy of the config, so a rule that silently stops matching fails here.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const biome = path.join(root, 'node_modules/.bin/biome')

const files: Record<string, string> = {
  'collector/src/lifecycle/uses-node.ts':
    "import { readFileSync } from 'node:fs'\nexport const a = readFileSync\n",
  'schema/src/advice/uses-node.ts': "import path from 'node:path'\nexport const a = path\n",
  'schema/src/report/uses-node.ts': "import os from 'node:os'\nexport const a = os\n",
  'schema/src/record/uses-node.ts': "import { createHash } from 'node:crypto'\nexport const a = createHash\n",
  'collector/src/collect/uses-cli.ts': "import { EXIT } from '../cli/args.ts'\nexport const a = EXIT\n",
  'test/e2e/uses-cli.ts': "import { main } from '../../collector/src/cli/main.ts'\nexport const a = main\n",
  'schema/src/queries/uses-report.ts': "import { r } from '../report/index.ts'\nexport const a = r\n",
  'schema/src/queries/dashboard/uses-advice.ts':
    "import { r } from '../../advice/index.ts'\nexport const a = r\n",
  'schema/src/queries/uses-rollups.ts': "import { r } from '../rollups/refresh.ts'\nexport const a = r\n",
  'web/src/app/uses-schema-src.ts':
    "import { q } from '../../../schema/src/queries/index.ts'\nexport const a = q\n",
  'web/src/app/uses-collector.ts': "import { e } from '@podstart/collector/lifecycle'\nexport const a = e\n",
  // Allowed: each must lint clean.
  'collector/src/cli/commands/uses-cli.ts': "import { EXIT } from '../args.ts'\nexport const a = EXIT\n",
  'collector/src/collect/uses-node.ts': "import path from 'node:path'\nexport const a = path\n",
  'web/src/app/uses-schema.ts': "import { q } from '@podstart/schema/queries'\nexport const a = q\n",
}

let dir = ''
let flagged = new Set<string>()

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'podstart-boundaries-'))
  const config = JSON.parse(readFileSync(path.join(root, 'biome.json'), 'utf8')) as Record<string, unknown>
  delete config.$schema
  writeFileSync(path.join(dir, 'biome.json'), JSON.stringify(config))
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    writeFileSync(path.join(dir, file), text)
  }
  const run = spawnSync(biome, ['lint', '--max-diagnostics=none', '.'], { cwd: dir, encoding: 'utf8' })
  const out = `${run.stdout}${run.stderr}`
  flagged = new Set(
    [...out.matchAll(/^(\S+\.ts):\d+:\d+ lint\/style\/noRestrictedImports/gm)].map((m) => m[1] as string),
  )
}, 60_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const rules: [string, string[]][] = [
  [
    'the pure folders import nothing from node:',
    [
      'collector/src/lifecycle/uses-node.ts',
      'schema/src/advice/uses-node.ts',
      'schema/src/report/uses-node.ts',
      'schema/src/record/uses-node.ts',
    ],
  ],
  ['nothing outside cli/ imports it', ['collector/src/collect/uses-cli.ts', 'test/e2e/uses-cli.ts']],
  [
    'queries never imports report, advice or rollups',
    [
      'schema/src/queries/uses-report.ts',
      'schema/src/queries/dashboard/uses-advice.ts',
      'schema/src/queries/uses-rollups.ts',
    ],
  ],
  ['web imports only @podstart/schema', ['web/src/app/uses-schema-src.ts', 'web/src/app/uses-collector.ts']],
]

describe('import boundaries (biome.json)', () => {
  it.each(rules)('%s', (_rule, violations) => {
    for (const f of violations) expect([...flagged], f).toContain(f)
  })

  it('leaves allowed imports alone', () => {
    const allowed = Object.keys(files).filter((f) => !rules.some(([, v]) => v.includes(f)))
    expect(allowed).toHaveLength(3)
    for (const f of allowed) expect([...flagged], f).not.toContain(f)
  })
})
