// Every command's failure modes as a real process, against the one exit code table (collector/src/cli/args.ts
// EXIT): 0 ok, 1 failed, 2 bad usage, 3 unavailable, 4 partial. The table is in every --help and the README.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, repoRoot, runPodstart } from '../support/process.ts'

const COMMANDS = [
  'up',
  'collect',
  'import',
  'migrate',
  'analyze',
  'simulate',
  'profile-image',
  'report',
  'resplit',
  'advise',
]
const TABLE_LINES = [
  /^ {2}0 {2}ok$/m,
  /^ {2}1 {2}failed/m,
  /^ {2}2 {2}bad usage/m,
  /^ {2}3 {2}unavailable/m,
  /^ {2}4 {2}partial/m,
]
const tmp = mkdtempSync(path.join(tmpdir(), 'podstart-exit-codes-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** Runs cases a few at a time (each is a process start on a shared 2-core machine). */
async function runAll<T>(cases: T[], run: (c: T) => Promise<void>, parallel = 3): Promise<void> {
  const queue = [...cases]
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let c = queue.shift(); c !== undefined; c = queue.shift()) await run(c)
    }),
  )
}

/** An environment without a store or cluster from the machine running the tests. */
const clean = (over: Record<string, string> = {}) => ({
  CLICKHOUSE_URL: '',
  KUBECONFIG: path.join(tmp, 'no-kubeconfig'),
  HOME: tmp,
  PODSTART_DASHBOARD_TOKEN: '',
  PODSTART_DASHBOARD_BASIC_AUTH: '',
  PODSTART_METRICS_TOKEN: '',
  ...over,
})

describe('exit codes', () => {
  it('podstart --help and every command --help print the one table', async () => {
    const top = await runPodstart(['--help'])
    expect(top.code).toBe(0)
    for (const line of TABLE_LINES) expect(top.stdout).toMatch(line)
    await runAll(COMMANDS, async (cmd) => {
      const r = await runPodstart([cmd, '--help'])
      expect(r.code, cmd).toBe(0)
      for (const line of TABLE_LINES) expect(r.stdout, `${cmd} --help`).toMatch(line)
      // One table: no command keeps a list of its own.
      expect(r.stdout.match(/Exit codes/g), cmd).toHaveLength(1)
    })
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
    for (const [code, word] of [
      [0, 'ok'],
      [1, 'failed'],
      [2, 'bad usage'],
      [3, 'unavailable'],
      [4, 'partial'],
    ] as const)
      expect(readme).toMatch(new RegExp(`\\| ${code} \\| ${word}`))
  }, 180_000)

  it('bad usage is 2 in every command; no command and an unknown one too', async () => {
    expect((await runPodstart([])).code).toBe(2)
    const unknown = await runPodstart(['nope'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown command "nope"')
    await runAll(COMMANDS, async (cmd) => {
      const r = await runPodstart([cmd, '--no-such-flag'], { env: clean() })
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(2)
      expect(r.stderr, cmd).toContain('--no-such-flag')
    })
  }, 180_000)

  it('a missing input file is 2 in analyze and import; a Status object is 1 in analyze', async () => {
    const missing = path.join(tmp, 'missing.json')
    const status = path.join(tmp, 'status.json')
    writeFileSync(
      status,
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Unauthorized',
        code: 401,
      }),
    )
    await runAll(
      [
        {
          args: ['analyze', missing],
          code: 2,
          says: `cannot read ${missing}: no such file` as string | RegExp,
        },
        {
          args: ['import', missing, '--data', path.join(tmp, 'import-store')],
          code: 2,
          says: `cannot read ${missing}`,
        },
        { args: ['analyze', status], code: 1, says: /a Kubernetes Status.*401.*Unauthorized/ },
      ],
      async (c) => {
        const r = await runPodstart(c.args, { env: clean() })
        expect(r.code, `${c.args.join(' ')}: ${r.stderr}`).toBe(c.code)
        if (typeof c.says === 'string') expect(r.stderr).toContain(c.says)
        else expect(r.stderr).toMatch(c.says)
      },
    )
  }, 120_000)

  it('a store, cluster or registry out of reach is 3', async () => {
    const closed = await freePort()
    const store = { CLICKHOUSE_URL: `http://127.0.0.1:${closed}`, CLICKHOUSE_PASSWORD: 'pw-not-printed-x1' }
    const kubeconfig = path.join(tmp, 'kubeconfig')
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:${closed}\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: c\n  context: { cluster: c, user: u }\ncurrent-context: c\n`,
    )
    await runAll(
      [
        ['migrate'],
        ['up', '--no-collector', '--port', '0'],
        ['collect', '--cluster', 'x', '--kubeconfig', kubeconfig],
        ['report'],
        ['advise'],
        ['resplit'],
        ['import', kubeconfig],
      ].map((args) => ({ args, env: clean(store) })),
      async (c) => {
        const r = await runPodstart(c.args, { env: c.env })
        expect(r.code, `${c.args.join(' ')}: ${r.stderr}`).toBe(3)
        expect(r.stderr).toContain(`ClickHouse at http://127.0.0.1:${closed}`)
        expect(r.stderr).not.toContain('pw-not-printed-x1')
      },
    )
    // The cluster: collect against a live store-less embedded directory but a closed API server.
    const collect = await runPodstart(
      [
        'collect',
        '--cluster',
        'x',
        '--kubeconfig',
        kubeconfig,
        '--migrate',
        '--data',
        path.join(tmp, 'collect-store'),
      ],
      { env: clean() },
    )
    expect(collect.code, collect.stderr).toBe(3)
    const registry = await runPodstart(['profile-image', `127.0.0.1:${closed}/app:1`], { env: clean() })
    expect(registry.code, registry.stderr).toBe(3)
  }, 240_000)

  it('a secret under 16 characters stops up and collect with 2 before they listen, naming the variable, not the value', async () => {
    const short = 'tooShort-12345'
    await runAll(
      [
        {
          args: ['up', '--no-collector'],
          env: { PODSTART_DASHBOARD_TOKEN: short },
          variable: 'PODSTART_DASHBOARD_TOKEN',
        },
        {
          args: ['up', '--no-collector'],
          env: { PODSTART_METRICS_TOKEN: short },
          variable: 'PODSTART_METRICS_TOKEN',
        },
        {
          args: ['up', '--no-collector'],
          env: { PODSTART_DASHBOARD_BASIC_AUTH: `sre:${short}` },
          variable: 'PODSTART_DASHBOARD_BASIC_AUTH',
        },
        {
          args: ['collect', '--cluster', 'x'],
          env: { PODSTART_METRICS_TOKEN: short },
          variable: 'PODSTART_METRICS_TOKEN',
        },
      ],
      async (c) => {
        const port = await freePort()
        const r = await runPodstart(
          [...c.args, ...(c.args[0] === 'up' ? ['--port', String(port)] : ['--metrics-port', String(port)])],
          {
            env: clean({
              ...(c.env as Record<string, string | undefined> as Record<string, string>),
              PODSTART_DATA_DIR: path.join(tmp, `never-${port}`),
            }),
            timeoutMs: 30_000,
          },
        )
        expect(r.code, `${c.variable}: ${r.stderr}`).toBe(2)
        expect(r.stderr).toContain(`invalid setting ${c.variable}`)
        expect(r.stderr).toContain('at least 16 characters')
        expect(r.stderr).not.toContain(short)
        expect(r.stdout).toBe('')
      },
    )
  }, 120_000)
})
