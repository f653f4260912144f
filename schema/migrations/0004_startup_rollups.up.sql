-- 0004_startup_rollups: hourly rollups of pod_startups for the dashboard, rebuilt per closed hour from the
-- deduplicated rows (FINAL), never fed by a materialized view: a view fires per inserted block and would count
-- retries, pending -> final rewrites and re-imports twice. A rebuild writes a whole bucket under a new `rebuild`
-- id, then records it in startup_rollup_builds; readers use only the latest recorded rebuild of a bucket, and
-- only when no write marked the bucket dirty since that rebuild started (else they read the raw rows).

CREATE TABLE IF NOT EXISTS startup_rollup_hourly{on_cluster}
(
  bucket DateTime('UTC') COMMENT 'Hour of created_at (toStartOfHour).',
  rebuild UInt64 COMMENT 'Id of the rebuild that wrote this row (server ms clock at its start); only the latest recorded rebuild of a bucket is read.',
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label.',
  namespace LowCardinality(String) COMMENT 'Namespace of the pods.',
  workload_kind LowCardinality(String) COMMENT 'Owning workload kind; empty for bare pods.',
  workload_name String COMMENT 'Owning workload name; empty for bare pods.',
  node LowCardinality(String) COMMENT 'Node; empty while unscheduled.',
  outcome LowCardinality(String) COMMENT 'ready, completed, failed, pending or deleted.',
  start_kind LowCardinality(String) COMMENT 'cold (an image was pulled), warm, or unknown.',
  startups UInt64 COMMENT 'Startups in the group (each pod UID once).',
  total_n UInt64 COMMENT 'Startups with a total (became Ready).',
  total_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of total_ms.',
  slo_n UInt64 COMMENT 'Startups with an SLO duration (created -> all started, excluding pulls and init).',
  slo_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of slo_ms.',
  slo_over_5s UInt64 COMMENT 'Startups whose slo_ms exceeds 5000 ms (the Kubernetes pod startup SLO threshold).',
  complete_n UInt64 COMMENT 'Complete startups: total and every additive phase known (the stacked means use only these).',
  complete_split_n UInt64 COMMENT 'Complete startups whose pull is split into download + decompress (or pulled nothing).',
  complete_total_sum UInt64 COMMENT 'Sum of total_ms over complete startups.',
  scheduling_n UInt64 COMMENT 'Startups with a scheduling phase (non-null).',
  scheduling_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of scheduling_ms.',
  complete_scheduling_sum UInt64 COMMENT 'Sum of scheduling_ms over complete startups (all additive phases known; download/decompress as 0 when not split).',
  sandbox_n UInt64 COMMENT 'Startups with a sandbox phase (non-null).',
  sandbox_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of sandbox_ms.',
  complete_sandbox_sum UInt64 COMMENT 'Sum of sandbox_ms over complete startups (all additive phases known; download/decompress as 0 when not split).',
  init_n UInt64 COMMENT 'Startups with a init phase (non-null).',
  init_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of init_ms.',
  complete_init_sum UInt64 COMMENT 'Sum of init_ms over complete startups (all additive phases known; download/decompress as 0 when not split).',
  pull_wait_n UInt64 COMMENT 'Startups with a pullWait phase (non-null).',
  pull_wait_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of pull_wait_ms.',
  complete_pull_wait_sum UInt64 COMMENT 'Sum of pull_wait_ms over complete startups (all additive phases known; download/decompress as 0 when not split).',
  pull_n UInt64 COMMENT 'Startups with a pull phase (non-null).',
  pull_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of pull_ms.',
  complete_pull_sum UInt64 COMMENT 'Sum of pull_ms over complete startups (all additive phases known; download/decompress as 0 when not split).',
  download_n UInt64 COMMENT 'Startups with a download phase (non-null).',
  download_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of download_ms.',
  complete_download_sum UInt64 COMMENT 'Sum of download_ms over complete startups (all additive phases known; download/decompress as 0 when not split).',
  decompress_n UInt64 COMMENT 'Startups with a decompress phase (non-null).',
  decompress_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of decompress_ms.',
  complete_decompress_sum UInt64 COMMENT 'Sum of decompress_ms over complete startups (all additive phases known; download/decompress as 0 when not split).',
  start_n UInt64 COMMENT 'Startups with a start phase (non-null).',
  start_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of start_ms.',
  complete_start_sum UInt64 COMMENT 'Sum of start_ms over complete startups (all additive phases known; download/decompress as 0 when not split).',
  ready_n UInt64 COMMENT 'Startups with a ready phase (non-null).',
  ready_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of ready_ms.',
  complete_ready_sum UInt64 COMMENT 'Sum of ready_ms over complete startups (all additive phases known; download/decompress as 0 when not split).'
)
ENGINE = {engine:MergeTree()}
PARTITION BY toYYYYMM(bucket)
ORDER BY (bucket, rebuild, cluster, namespace, workload_kind, workload_name, node, outcome, start_kind)
TTL bucket + INTERVAL 180 DAY
COMMENT 'Hourly startup rollup per cluster, namespace, workload, node, outcome and cold/warm: counts, quantile states, sums for stacked means.';

CREATE TABLE IF NOT EXISTS startup_rollup_builds{on_cluster}
(
  bucket DateTime('UTC') COMMENT 'Hour bucket rebuilt.',
  rebuild UInt64 COMMENT 'Id of the rebuild (server ms clock at its start); the highest wins.',
  started_at DateTime64(3, 'UTC') COMMENT 'Server clock when the rebuild started reading pod_startups: dirty marks at or after it invalidate it.',
  finished_at DateTime64(3, 'UTC') COMMENT 'Server clock when all its rows were written.',
  startups UInt64 COMMENT 'Startups the rebuild counted in the bucket.'
)
ENGINE = {engine:ReplacingMergeTree(rebuild)}
ORDER BY bucket
TTL toDateTime(finished_at) + INTERVAL 180 DAY
COMMENT 'The latest complete rebuild of each hour bucket of startup_rollup_hourly.';

CREATE TABLE IF NOT EXISTS startup_rollup_dirty{on_cluster}
(
  bucket DateTime('UTC') COMMENT 'Hour bucket (created_at hour) of startups being written.',
  marked_at DateTime64(3, 'UTC') COMMENT 'Server clock of the mark; writers mark before and after writing.'
)
ENGINE = {engine:MergeTree()}
ORDER BY (bucket, marked_at)
TTL toDateTime(marked_at) + INTERVAL 30 DAY
COMMENT 'Hour buckets written since their last rollup rebuild: readers take them from the raw rows until rebuilt.';
