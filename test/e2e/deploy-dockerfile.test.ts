// The Dockerfile, checked by parsing it (no Docker engine here): stages and targets, pinned base images,
// non-root final stages, health checks, COPY --chown, chDB only in the all-in-one image, and sources that exist.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../support/process.ts'

interface Instruction {
  keyword: string
  args: string
  line: number
}

interface Stage {
  name: string
  from: string
  instructions: Instruction[]
}

/** Joins `\` continuations, drops comments and parser directives, splits into stages at FROM. */
export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const args: Record<string, string> = {}
  const stages: Stage[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1
    let line = lines[i] as string
    if (/^\s*(#|$)/.test(line)) continue
    while (line.endsWith('\\') && i + 1 < lines.length) {
      i++
      const next = lines[i] as string
      if (/^\s*#/.test(next)) continue
      line = `${line.slice(0, -1)} ${next.trim()}`
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line)
    if (!m) throw new Error(`Dockerfile:${start}: cannot parse "${line}"`)
    const keyword = (m[1] as string).toUpperCase()
    const rest = (m[2] as string).trim()
    const expand = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args[a ?? b] ?? '')
    if (keyword === 'ARG' && stages.length === 0) {
      const [k, v] = rest.split('=')
      args[k as string] = v ?? ''
      continue
    }
    if (keyword === 'FROM') {
      const f = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest)
      if (!f) throw new Error(`Dockerfile:${start}: bad FROM "${rest}"`)
      stages.push({ from: expand(f[1] as string), name: f[2] ?? `stage-${stages.length}`, instructions: [] })
      continue
    }
    const stage = stages.at(-1)
    if (!stage) throw new Error(`Dockerfile:${start}: ${keyword} before the first FROM`)
    stage.instructions.push({ keyword, args: rest, line: start })
  }
  return { args, stages }
}

const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8')
const { stages } = parseDockerfile(dockerfile)
const stage = (name: string) => {
  const s = stages.find((x) => x.name === name)
  if (!s) throw new Error(`no stage ${name}`)
  return s
}
/** The stage and its ancestors, nearest first. */
const lineage = (name: string): Stage[] => {
  const out: Stage[] = []
  let s: Stage | undefined = stage(name)
  while (s) {
    out.push(s)
    const from: string = s.from
    s = stages.find((x) => x.name === from)
  }
  return out
}
const all = (name: string, keyword: string) =>
  lineage(name)
    .reverse()
    .flatMap((s) => s.instructions.filter((i) => i.keyword === keyword))

const TARGETS = ['collector', 'dashboard', 'podstart'] as const

describe('Dockerfile', () => {
  it('has the build stages and the three targets, each built on a known stage or a pinned base image', () => {
    expect(stages.map((s) => s.name)).toEqual([
      'deps',
      'prod-deps',
      'web-build',
      'prod-deps-server',
      'runtime',
      'collector',
      'dashboard',
      'podstart',
    ])
    const names = new Set(stages.map((s) => s.name))
    for (const s of stages) {
      if (names.has(s.from)) continue
      // A base image: explicit tag, never latest, node 20 like the project.
      expect(s.from, s.name).toMatch(/^node:20\.\d+(\.\d+)?-[a-z-]+$/)
      expect(s.from, s.name).not.toMatch(/:latest$|^[^:]+$/)
    }
  })

  it('installs with npm ci from the lockfile, never npm install', () => {
    const runs = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args))
    expect(runs.some((r) => /^npm ci\b/.test(r))).toBe(true)
    expect(runs.some((r) => /\bnpm ci --omit=dev\b/.test(r))).toBe(true)
    for (const r of runs) expect(r).not.toMatch(/\bnpm (install|i)\b/)
  })

  it.each(TARGETS)('%s runs as a non-root user with a health check on /healthz', (target) => {
    const users = all(target, 'USER')
    const user = users.at(-1)?.args
    expect(user, `${target} sets USER`).toBeDefined()
    expect(user).not.toMatch(/^(root|0)(:|$)/)
    expect(user).toBe('10001:10001')
    const health = stage(target).instructions.filter((i) => i.keyword === 'HEALTHCHECK')
    expect(health).toHaveLength(1)
    expect(health[0]?.args).toMatch(/\/healthz/)
    const port = /127\.0\.0\.1:(\d+)\/healthz/.exec(health[0]?.args ?? '')?.[1]
    const exposed = stage(target).instructions.find((i) => i.keyword === 'EXPOSE')?.args
    expect(exposed).toBe(port)
  })

  it('every COPY into the runtime and target stages sets --chown, and files stay root-owned (read-only to the app)', () => {
    for (const name of ['runtime', ...TARGETS]) {
      for (const copy of stage(name).instructions.filter((i) => i.keyword === 'COPY')) {
        expect(copy.args, `${name} line ${copy.line}`).toMatch(/--chown=root:root\b/)
      }
    }
  })

  it('chDB only in the all-in-one image: server-mode targets take node_modules without chdb and @chdb', () => {
    const nodeModulesFrom = (target: string) =>
      /--from=(\S+)/.exec(
        stage(target).instructions.find((i) => i.keyword === 'COPY' && /\/app\/node_modules/.test(i.args))
          ?.args ?? '',
      )?.[1]
    expect(nodeModulesFrom('collector')).toBe('prod-deps-server')
    expect(nodeModulesFrom('dashboard')).toBe('prod-deps-server')
    expect(nodeModulesFrom('podstart')).toBe('prod-deps')
    const removal = stage('prod-deps-server').instructions.find((i) => i.keyword === 'RUN')?.args ?? ''
    expect(removal).toMatch(/rm -rf node_modules\/chdb node_modules\/@chdb/)
    expect(stage('prod-deps-server').from).toBe('prod-deps')
    // The collector image has no dashboard build.
    expect(stage('collector').instructions.some((i) => /\.next/.test(i.args))).toBe(false)
  })

  it('nothing imports chdb statically outside tests, so removing it is safe in server mode', () => {
    const offenders: string[] = []
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        if (entry === 'node_modules' || entry === '.next' || entry.startsWith('.')) continue
        const p = path.join(dir, entry)
        if (statSync(p).isDirectory()) walk(p)
        else if (/\.(ts|tsx|mjs)$/.test(entry) && !/\.test\.tsx?$/.test(entry)) {
          const text = readFileSync(p, 'utf8')
          if (/^\s*import\s[^(]*from\s+['"](chdb|@chdb)[/'"]/m.test(text) || /require\(['"]chdb/.test(text)) {
            offenders.push(path.relative(repoRoot, p))
          }
        }
      }
    }
    for (const pkg of ['schema/src', 'collector/src', 'collector/bin', 'web/app', 'web/src']) {
      if (existsSync(path.join(repoRoot, pkg))) walk(path.join(repoRoot, pkg))
    }
    expect(offenders).toEqual([])
    expect(readFileSync(path.join(repoRoot, 'schema/src/store/open.ts'), 'utf8')).toMatch(
      /await import\('chdb\/connection'\)/,
    )
  })

  it('every file COPYed from the build context exists and is not excluded by .dockerignore', () => {
    const ignore = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#') && !l.startsWith('!'))
    for (const s of stages) {
      for (const copy of s.instructions.filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.args))) {
        const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'))
        for (const src of parts.slice(0, -1)) {
          expect(existsSync(path.join(repoRoot, src)), `${s.name} line ${copy.line}: ${src}`).toBe(true)
          for (const pattern of ignore) {
            const bare = pattern.replace(/^\*\*\//, '')
            expect(src === bare || src.startsWith(`${bare}/`), `${src} is excluded by ${pattern}`).toBe(false)
          }
        }
      }
    }
  })

  it('the entrypoint is the podstart CLI and each target starts a real command; the manifests use these images', () => {
    const entry = all('collector', 'ENTRYPOINT').at(-1)?.args
    expect(JSON.parse(entry ?? '[]')).toEqual(['node', '/app/collector/bin/podstart.mjs'])
    expect(existsSync(path.join(repoRoot, 'collector/bin/podstart.mjs'))).toBe(true)
    const main = readFileSync(path.join(repoRoot, 'collector/src/cli/main.ts'), 'utf8')
    const expected = { collector: 'collect', dashboard: 'up', podstart: 'up' }
    for (const target of TARGETS) {
      const cmd = JSON.parse(
        stage(target).instructions.find((i) => i.keyword === 'CMD')?.args ?? '[]',
      ) as string[]
      expect(cmd[0]).toBe(expected[target])
      expect(main).toContain(`${cmd[0]}: () => import('./commands/${cmd[0]}.ts')`)
    }
    const kustomizations = ['deploy/base/kustomization.yaml', 'deploy/overlays/all-in-one/kustomization.yaml']
      .map((f) => readFileSync(path.join(repoRoot, f), 'utf8'))
      .join('\n')
    for (const target of TARGETS) expect(kustomizations).toContain(`newName: podstart/${target}`)
    // The manifests' runAsUser is the image's user.
    const collectorYaml = readFileSync(path.join(repoRoot, 'deploy/base/collector.yaml'), 'utf8')
    expect(collectorYaml).toContain('runAsUser: 10001')
  })

  it('the parser reads continuations and rejects an instruction before FROM', () => {
    const parsed = parseDockerfile(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile ARG reference, not a template
      'ARG V=1\nFROM node:${V} AS a\nRUN echo a \\\n  # note\n  && echo b\nUSER 1:1\n',
    )
    expect(parsed.stages).toEqual([
      {
        name: 'a',
        from: 'node:1',
        instructions: [
          { keyword: 'RUN', args: 'echo a  && echo b', line: 3 },
          { keyword: 'USER', args: '1:1', line: 6 },
        ],
      },
    ])
    expect(() => parseDockerfile('RUN true\n')).toThrow(/before the first FROM/)
  })
})
