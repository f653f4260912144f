-- 0008_retain_from: retention counts from `retain_from`, a time of its own, instead of the row's creation time.
-- By default retain_from is the row's own time (created_at, pod_created_at, bucket), so nothing changes for rows
-- written as before. `podstart import --keep-old` writes dumps older than the retention with retain_from = the
-- import time: they then live the retention period from their import instead of vanishing at the next merge.
-- A rollup row carries the latest retain_from of the startups (or pulls) it aggregates.
-- The TTL clauses themselves move to retain_from in the migration runner (store/retention.ts,
-- alignRetentionColumns), which keeps the number of days each table has in force: a fixed number here would
-- reset a retention set with `podstart migrate --retention`.
-- import_runs records each `podstart import`: what it read, stored and refused, and the time range it stored.
-- Frozen once landed: change the schema with a new migration, never by editing this file.

ALTER TABLE pod_startups{on_cluster}
  ADD COLUMN IF NOT EXISTS retain_from DateTime('UTC') DEFAULT toDateTime(created_at)
  COMMENT 'Retention counts from this time: created_at, or the import time of a dump imported with --keep-old.';

ALTER TABLE image_pulls{on_cluster}
  ADD COLUMN IF NOT EXISTS retain_from DateTime('UTC') DEFAULT toDateTime(pod_created_at)
  COMMENT 'Retention counts from this time: the retain_from of the startup the pull belongs to.';

ALTER TABLE startup_rollup_hourly{on_cluster}
  ADD COLUMN IF NOT EXISTS retain_from DateTime('UTC') DEFAULT bucket
  COMMENT 'Retention counts from this time: the latest retain_from of the startups in the row.';

ALTER TABLE startup_rollup_grains{on_cluster}
  ADD COLUMN IF NOT EXISTS retain_from DateTime('UTC') DEFAULT bucket
  COMMENT 'Retention counts from this time: the latest retain_from of the startups in the row.';

ALTER TABLE pull_rollup_grains{on_cluster}
  ADD COLUMN IF NOT EXISTS retain_from DateTime('UTC') DEFAULT bucket
  COMMENT 'Retention counts from this time: the latest retain_from of the pulls in the row.';

CREATE TABLE IF NOT EXISTS import_runs{on_cluster}
(
  cluster LowCardinality(String) COMMENT 'Cluster label the import wrote its rows under (--cluster).',
  id String COMMENT 'Random id of the import run.',
  files Array(String) COMMENT 'Base names of the files read, in order (- for stdin); never their paths.',
  started_at DateTime64(3, 'UTC') COMMENT 'When the import started (the importing machine''s clock).',
  finished_at DateTime64(3, 'UTC') COMMENT 'When its last row was written.',
  stored UInt64 COMMENT 'Startups stored.',
  refused UInt64 COMMENT 'Startups not stored because they were created before the cutoff (without --keep-old).',
  rejected UInt64 COMMENT 'Records the store could not take (see rejected_records).',
  outside_retention UInt64 COMMENT 'Startups created before the cutoff: refused, or stored with --keep-old.',
  retention_days UInt32 COMMENT 'pod_startups retention in force when the import started (days).',
  cutoff DateTime64(3, 'UTC') COMMENT 'started_at minus retention_days: startups created before it are outside retention.',
  kept_old Bool COMMENT 'Imported with --keep-old: its startups count retention from the import time (retain_from).',
  min_created_at Nullable(DateTime64(3, 'UTC')) COMMENT 'Earliest created_at of the startups stored; NULL when none was.',
  max_created_at Nullable(DateTime64(3, 'UTC')) COMMENT 'Latest created_at of the startups stored; NULL when none was.'
)
ENGINE = {engine:MergeTree()}
ORDER BY (cluster, started_at, id)
TTL toDateTime(finished_at) + INTERVAL 400 DAY
COMMENT 'One row per podstart import: files, counts, cutoff and the time range of what it stored (the dashboard''s Imports page).';
