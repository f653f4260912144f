// `podstart migrate`: applies the store's frozen migrations, or prints the plan and SQL with --dry.
import {
  describePlan,
  type MigrationPlan,
  migrate,
  openStore,
  planAllPending,
  planMigrations,
  type Store,
  StoreError,
  storeConfigFromEnv,
} from '@podstart/schema/store'
import { type Command, EXIT, parseCommandArgs } from '../args.ts'

const help = `podstart migrate: apply the store's migrations

Usage: podstart migrate [--dry] [--on-cluster NAME] [--data DIR] [--json]

Applies every migration in schema/migrations that the store has not recorded yet, in order, and
records each with the sha256 of its file. Running it again is a no-op. A migration file changed after
it was applied is refused (exit 1). Two runners against one server take turns through a lock row.

Options:
  --dry               print the plan and the SQL it would run; apply nothing. Reads what the store has
                      applied when it can be reached, else shows every migration as pending.
  --on-cluster NAME   ClickHouse cluster: ON CLUSTER DDL and Replicated* engines (not the Kubernetes
                      --cluster label)
  --data DIR          embedded store directory (default $PODSTART_DATA_DIR or ./.podstart)
  --json              print the result as JSON
  --help              this text

Store: embedded chDB under --data unless CLICKHOUSE_URL is set (with CLICKHOUSE_USER,
CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE, CLICKHOUSE_TLS_CA_FILE/CERT_FILE/KEY_FILE).

Examples:
  podstart migrate
  podstart migrate --dry
  CLICKHOUSE_URL=https://ch.example:8443 CLICKHOUSE_USER=podstart podstart migrate --on-cluster main

Exit codes: 0 ok, 1 a migration failed or was changed, 2 bad usage, 3 store unreachable.`

function planJson(plan: MigrationPlan, withSql: boolean) {
  return plan.migrations.map((m) => ({
    version: m.version,
    name: m.name,
    sha256: m.checksum,
    status: m.status,
    ...(withSql ? { statements: m.statements.map((s) => s.sql) } : {}),
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
    })
    const json = values.json === true
    const opts = values['on-cluster'] ? { onCluster: values['on-cluster'] } : {}
    const out = (line: string) => {
      if (!json) console.log(line)
    }
    const config = storeConfigFromEnv(process.env, values.data ? { dataDir: values.data } : {})

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
      return EXIT.ok
    }

    const store = await openStore(config)
    try {
      out(`migrating ${store.describe()}`)
      const result = await migrate(store, { ...opts, log: out })
      if (json) {
        console.log(
          JSON.stringify(
            { dry: false, applied: result.applied, migrations: planJson(result.plan, false) },
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
