// `podstart migrate`: applies the store's frozen migrations, or prints the plan and SQL with --dry.
import { readFileSync } from 'node:fs'
import {
  applyRetention,
  describePlan,
  type MigrationPlan,
  migrate,
  openStore,
  planAllPending,
  planMigrations,
  type RetentionDays,
  retentionFromConfig,
  retentionStatements,
  type Store,
  StoreError,
} from '@podstart/schema/store'
import { parse as parseYaml } from 'yaml'
import { type Command, EXIT, parseCommandArgs, UsageError } from '../args.ts'
import { cliEnv, namedByConfig, storeConfig } from '../env.ts'

const help = `podstart migrate: apply the store's migrations

Usage: podstart migrate [--dry] [--on-cluster NAME] [--retention [--config FILE]] [--data DIR] [--json]

Applies every migration in schema/migrations that the store has not recorded yet, in order, and
records each with the sha256 of its file. Running it again is a no-op. A migration file changed after
it was applied is refused (exit 1). Two runners against one server take turns through a lock row.

Options:
  --dry               print the plan and the SQL it would run; apply nothing. Reads what the store has
                      applied when it can be reached, else shows every migration as pending.
  --on-cluster NAME   ClickHouse cluster: ON CLUSTER DDL and Replicated* engines (not the Kubernetes
                      --cluster label)
  --retention         then set each table's TTL (ALTER TABLE ... MODIFY TTL) from the \`retention:\` map
                      of the config file (table: days) and env PODSTART_RETENTION_<TABLE>_DAYS;
                      unset tables get the defaults (docs/deploy.md). Only changed TTLs are sent.
  --config FILE       podstart config YAML (default $PODSTART_CONFIG)
  --data DIR          embedded store directory (default $PODSTART_DATA_DIR or ./.podstart)
  --json              print the result as JSON
  --help              this text

Store: embedded chDB under --data unless CLICKHOUSE_URL is set (with CLICKHOUSE_USER,
CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE, CLICKHOUSE_TLS_CA_FILE/CERT_FILE/KEY_FILE).

Examples:
  podstart migrate
  podstart migrate --dry
  CLICKHOUSE_URL=https://ch.example:8443 CLICKHOUSE_USER=podstart podstart migrate --on-cluster main

A migration that failed, or a shipped one changed after it was applied, exits 1.`

function planJson(plan: MigrationPlan, withSql: boolean) {
  return plan.migrations.map((m) => ({
    version: m.version,
    name: m.name,
    sha256: m.checksum,
    status: m.status,
    statements: withSql ? m.statements.map((s) => s.sql) : undefined,
  }))
}

export const command: Command = {
  summary: "apply the store's migrations (--dry prints the plan)",
  help,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      dry: { type: 'boolean' },
      'on-cluster': { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean' },
      retention: { type: 'boolean' },
      config: { type: 'string' },
    })
    const json = values.json === true
    const opts = values['on-cluster'] ? { onCluster: values['on-cluster'] } : {}
    const out = (line: string) => {
      if (!json) console.log(line)
    }
    const config = storeConfig(values.data)
    const retention = values.retention ? loadRetention(values.config ?? cliEnv().PODSTART_CONFIG) : null
    if (values.config && !values.retention) throw new UsageError('--config is only read with --retention')

    if (values.dry) {
      let plan: MigrationPlan
      let note: string | undefined
      let store: Store | undefined
      try {
        store = await openStore(config)
        plan = await planMigrations(store, opts)
      } catch (err) {
        if (!(err instanceof StoreError) || err.exitCode !== EXIT.unavailable) throw err
        note = `store not reachable (${err.message}); showing every migration as pending`
        plan = planAllPending(opts)
      } finally {
        await store?.close()
      }
      if (json) {
        console.log(
          JSON.stringify({ dry: true, note: note ?? null, migrations: planJson(plan, true) }, null, 2),
        )
        return EXIT.ok
      }
      if (note) out(`note: ${note}`)
      for (const line of describePlan(plan)) out(line)
      for (const m of plan.pending) {
        out(`\n-- ${m.name} (sha256 ${m.checksum})`)
        for (const s of m.statements) out(`${s.sql};\n`)
      }
      if (retention) {
        out('\n-- retention (only statements whose TTL differs are sent)')
        for (const sql of retentionStatements(retention, opts)) out(`${sql};`)
      }
      return EXIT.ok
    }

    const store = await openStore(config)
    try {
      out(`migrating ${store.describe()}`)
      const result = await migrate(store, { ...opts, log: out })
      const retentionChanges = retention
        ? await applyRetention(store, retention, { ...opts, log: out })
        : null
      if (retentionChanges && !retentionChanges.some((c) => c.changed)) out('retention: unchanged')
      if (json) {
        console.log(
          JSON.stringify(
            {
              dry: false,
              applied: result.applied,
              migrations: planJson(result.plan, false),
              retention: retentionChanges ?? undefined,
            },
            null,
            2,
          ),
        )
      }
      return EXIT.ok
    } finally {
      await store.close()
    }
  },
}

/** Retention days from the config file's \`retention:\` map and env; errors name the file and key. */
function loadRetention(file: string | undefined): RetentionDays {
  let section: unknown
  if (file) {
    let doc: unknown
    try {
      doc = parseYaml(readFileSync(file, 'utf8'))
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      throw Object.assign(new Error(`cannot read config ${file}: ${e.code ?? e.message.split('\n')[0]}`), {
        exitCode: EXIT.failed,
      })
    }
    section = doc && typeof doc === 'object' ? (doc as { retention?: unknown }).retention : undefined
  }
  return retentionFromConfig(section, namedByConfig(), file ? `${file}: retention` : 'retention')
}
