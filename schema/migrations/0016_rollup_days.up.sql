-- 0016_rollup_days: day rows next to the hourly grains. A question over a week merged ~170 hour rows per group
-- (at 10M startups a week: the workload grain ~2M rows, the node grain ~500k); whole days of its window now read
-- one row per group and day. A day row is merged from exactly the 24 hourly grain rows of the rebuilds its build
-- names (startup_rollup_day_builds.hour_rebuilds); readers take a day from it only while those are the rebuilds
-- the 24 hours serve (built, clean, complete), else from the hours as before, so no number changes.
-- Frozen once landed: change the schema with a new migration, never by editing this file.

CREATE TABLE IF NOT EXISTS startup_rollup_day_grains{on_cluster}
(
  grain LowCardinality(String) COMMENT 'Which dimensions the row keeps: cluster, namespace (+cluster), workload (+namespace), node (+cluster). The others are empty.',
  bucket DateTime('UTC') COMMENT 'Day of created_at (toStartOfDay, UTC).',
  rebuild UInt64 COMMENT 'Id of the day build that wrote this row (startup_rollup_day_builds); read only while that build''s hour rebuilds are the ones the hours serve.',
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label.',
  namespace LowCardinality(String) COMMENT 'Namespace (grains namespace and workload), else empty.',
  workload_kind LowCardinality(String) COMMENT 'Owning workload kind (grain workload), else empty.',
  workload_name String COMMENT 'Owning workload name (grain workload), else empty.',
  node LowCardinality(String) COMMENT 'Node (grain node), else empty.',
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
  complete_ready_sum UInt64 COMMENT 'Sum of ready_ms over complete startups (all additive phases known; download/decompress as 0 when not split).',
  retain_from DateTime('UTC') COMMENT 'Retention counts from this time: the latest retain_from of the startups in the row.'
)
ENGINE = {engine:MergeTree()}
PARTITION BY toYYYYMM(bucket)
ORDER BY (grain, bucket, cluster, namespace, workload_kind, workload_name, node, rebuild, outcome, start_kind)
TTL retain_from + INTERVAL 180 DAY
COMMENT 'Daily startup rollup per grain (cluster, namespace, workload or node), outcome and cold/warm, merged from startup_rollup_grains.';

CREATE TABLE IF NOT EXISTS pull_rollup_day_grains{on_cluster}
(
  grain LowCardinality(String) COMMENT 'Which dimensions the row keeps: cluster, image (+cluster, size class) or node (+cluster). The others are empty.',
  bucket DateTime('UTC') COMMENT 'Day of the startup''s created_at (pod_created_at).',
  rebuild UInt64 COMMENT 'Id of the day build that wrote this row (the same as its startup day rows).',
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label.',
  image String COMMENT 'Image reference (grain image), else empty.',
  size_class LowCardinality(String) COMMENT 'Size class of the image (grain image): < 100 MB, 100 MB - 1 GB, >= 1 GB, unknown; else empty.',
  node LowCardinality(String) COMMENT 'Node that pulled (grain node; empty when unknown), else empty.',
  lookups UInt64 COMMENT 'Image lookups (pull rows, cached ones included).',
  cached_n UInt64 COMMENT 'Lookups that found the image on the node.',
  fetched UInt64 COMMENT 'Lookups that pulled (not cached).',
  ok_pulls UInt64 COMMENT 'Pulls that fetched and succeeded.',
  failed UInt64 COMMENT 'Lookups whose outcome is not ok (failed, backoff).',
  reasons Map(String, UInt64) COMMENT 'Failed lookups by failure reason (or outcome when no reason).',
  pull_q AggregateFunction(quantiles(0.5, 0.9), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9) state of pull_ms over pulls that fetched and succeeded.',
  size_n UInt64 COMMENT 'Lookups with a size.',
  size_sum UInt64 COMMENT 'Sum of size_bytes over lookups with a size.',
  split_n UInt64 COMMENT 'Pulls that fetched with both download_ms and decompress_ms.',
  download_sum UInt64 COMMENT 'Sum of download_ms over split pulls.',
  decompress_sum UInt64 COMMENT 'Sum of decompress_ms over split pulls.',
  methods Map(String, UInt64) COMMENT 'Pulls that fetched with a split, by split_method.',
  retain_from DateTime('UTC') COMMENT 'Retention counts from this time: the latest retain_from of the pulls in the row.'
)
ENGINE = {engine:MergeTree()}
PARTITION BY toYYYYMM(bucket)
ORDER BY (grain, bucket, cluster, image, size_class, node, rebuild)
TTL retain_from + INTERVAL 180 DAY
COMMENT 'Daily image pull rollup per grain (cluster, image and size class, or node), merged from pull_rollup_grains.';

CREATE TABLE IF NOT EXISTS startup_rollup_day_builds{on_cluster}
(
  day DateTime('UTC') COMMENT 'Day built (00:00 UTC).',
  rebuild UInt64 COMMENT 'Id of the day build (server ms clock at its start); the highest of a day is the one read.',
  hour_rebuilds Array(UInt64) COMMENT 'Rebuild id of each of the 24 hours (00 to 23) whose grain rows the day rows merge.',
  startups UInt64 COMMENT 'Startups of the 24 hour builds: a reader checks the day rows still add up to it (retention).',
  finished_at DateTime64(3, 'UTC') COMMENT 'Server clock when the day rows were written.'
)
ENGINE = {engine:ReplacingMergeTree(rebuild)}
ORDER BY day
TTL toDateTime(finished_at) + INTERVAL 180 DAY
COMMENT 'Day builds of startup_rollup_day_grains and pull_rollup_day_grains, with the hour rebuilds each merges.';
