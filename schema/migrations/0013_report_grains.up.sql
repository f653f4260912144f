-- 0013_report_grains: rollup grains for the weekly report's groups that no grain of 0006 keeps. A startup counts
-- in startup_image_grains once per image repository it ran (tag and digest dropped); image pulls count in
-- pull_group_grains per workload (namespace + name), per image repository and per node. A rebuild writes them
-- under the same `rebuild` id as the other rollups, from the same FINAL rows. Each bucket of a rebuild also gets
-- one grain 'all' row per table counting its startups (each once): a reader serves an hour from these tables only
-- when that count equals the build's, so a bucket built before this migration, or whose rows here expired, is
-- read from the raw rows, never as zeros.
-- Buckets built before this migration have no rows here: their build records are dropped so the refresher
-- rebuilds them (readers take such buckets from the raw rows meanwhile; no number changes).
-- Frozen once landed: change the schema with a new migration, never by editing this file.

CREATE TABLE IF NOT EXISTS startup_image_grains{on_cluster}
(
  grain LowCardinality(String) COMMENT 'image: one row per image repository of the startups; all: every startup of the bucket once (image empty).',
  bucket DateTime('UTC') COMMENT 'Hour of created_at (toStartOfHour).',
  rebuild UInt64 COMMENT 'Id of the rebuild that wrote this row (the same id as its startup_rollup_hourly rows); only the latest recorded rebuild of a bucket is read.',
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label.',
  image String COMMENT 'Image repository (reference without tag or digest) of grain image, else empty.',
  startups UInt64 COMMENT 'Startups in the group (each pod UID once).',
  ready UInt64 COMMENT 'Startups whose outcome is ready.',
  failed UInt64 COMMENT 'Startups whose outcome is failed.',
  cold_known UInt64 COMMENT 'Startups with a known cold flag.',
  cold_count UInt64 COMMENT 'Startups that pulled an image (cold).',
  total_n UInt64 COMMENT 'Startups with a total (became Ready).',
  total_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of total_ms.',
  cold_total_n UInt64 COMMENT 'Cold startups with a total.',
  cold_total_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of total_ms over cold startups.',
  scheduling_n UInt64 COMMENT 'Startups with a scheduling phase (non-null).',
  scheduling_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of scheduling_ms.',
  sandbox_n UInt64 COMMENT 'Startups with a sandbox phase (non-null).',
  sandbox_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of sandbox_ms.',
  init_n UInt64 COMMENT 'Startups with an init phase (non-null).',
  init_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of init_ms.',
  pull_wait_n UInt64 COMMENT 'Startups with a pullWait phase (non-null).',
  pull_wait_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of pull_wait_ms.',
  pull_n UInt64 COMMENT 'Startups with a pull phase (non-null).',
  pull_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of pull_ms.',
  start_n UInt64 COMMENT 'Startups with a start phase (non-null).',
  start_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of start_ms.',
  ready_n UInt64 COMMENT 'Startups with a ready phase (non-null).',
  ready_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of ready_ms.',
  retain_from DateTime('UTC') DEFAULT bucket COMMENT 'Retention counts from this time: the latest retain_from of the startups in the row.'
)
ENGINE = {engine:MergeTree()}
PARTITION BY toYYYYMM(bucket)
ORDER BY (grain, toDate(bucket), cluster, image, bucket, rebuild)
TTL retain_from + INTERVAL 180 DAY
COMMENT 'Hourly startup rollup per image repository (and per bucket, grain all) with the weekly report''s measures, rebuilt with the startup rollups.';

CREATE TABLE IF NOT EXISTS pull_group_grains{on_cluster}
(
  grain LowCardinality(String) COMMENT 'workload (cluster, namespace, workload_name), image (cluster, repository), node (cluster, node), or all: one row per bucket counting its startups (no pull measures).',
  bucket DateTime('UTC') COMMENT 'Hour of the startup''s created_at (pod_created_at), the bucket of startup_rollup_builds.',
  rebuild UInt64 COMMENT 'Id of the rebuild that wrote this row (the same as its startup rollup rows).',
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label (empty in grain all).',
  namespace LowCardinality(String) COMMENT 'Namespace (grain workload), else empty.',
  workload_name String COMMENT 'Owning workload name (grain workload), else empty.',
  image String COMMENT 'Image repository (grain image), else empty.',
  node LowCardinality(String) COMMENT 'Node that pulled (grain node; empty when unknown), else empty.',
  startups UInt64 COMMENT 'Grain all: startups of the bucket in this rebuild (each once); 0 in the other grains.',
  pulls UInt64 COMMENT 'Image lookups (pull rows, cached ones included).',
  cold_pulls UInt64 COMMENT 'Pulls that fetched, succeeded and have a duration (cold pulls).',
  failed_pulls UInt64 COMMENT 'Lookups whose outcome is not ok (failed, backoff).',
  cold_pull_q AggregateFunction(quantiles(0.5, 0.9, 0.99), Nullable(UInt32)) COMMENT 'quantiles(0.5, 0.9, 0.99) state of pull_ms over cold pulls.',
  sized_pulls UInt64 COMMENT 'Cold pulls with a size above 0.',
  size_q AggregateFunction(quantile(0.5), Nullable(UInt64)) COMMENT 'quantile(0.5) state of size_bytes over cold pulls with a size above 0.',
  refs AggregateFunction(groupUniqArray(10), String) COMMENT 'groupUniqArray(10) state of the image references (at most ten distinct, the first seen).',
  retain_from DateTime('UTC') DEFAULT bucket COMMENT 'Retention counts from this time: the latest retain_from of the pulls (grain all: startups) in the row.'
)
ENGINE = {engine:MergeTree()}
PARTITION BY toYYYYMM(bucket)
ORDER BY (grain, toDate(bucket), cluster, namespace, workload_name, image, node, bucket, rebuild)
TTL retain_from + INTERVAL 180 DAY
COMMENT 'Hourly image pull rollup per workload, image repository and node with the weekly report''s measures, rebuilt with the startup rollups.';

TRUNCATE TABLE IF EXISTS startup_rollup_builds{on_cluster};
