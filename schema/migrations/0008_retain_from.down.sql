-- 0008_retain_from down: moves the TTLs back to the tables' own time columns (at the default days: run
-- `podstart migrate --retention` afterwards to restore other days), then drops retain_from and import_runs.
-- Rows imported with --keep-old then count retention from their creation time again and go at the next merge.
ALTER TABLE pod_startups{on_cluster} MODIFY TTL toDateTime(created_at) + INTERVAL 180 DAY;
ALTER TABLE image_pulls{on_cluster} MODIFY TTL toDateTime(pod_created_at) + INTERVAL 180 DAY;
ALTER TABLE startup_rollup_hourly{on_cluster} MODIFY TTL bucket + INTERVAL 180 DAY;
ALTER TABLE startup_rollup_grains{on_cluster} MODIFY TTL bucket + INTERVAL 180 DAY;
ALTER TABLE pull_rollup_grains{on_cluster} MODIFY TTL bucket + INTERVAL 180 DAY;
ALTER TABLE pod_startups{on_cluster} DROP COLUMN IF EXISTS retain_from;
ALTER TABLE image_pulls{on_cluster} DROP COLUMN IF EXISTS retain_from;
ALTER TABLE startup_rollup_hourly{on_cluster} DROP COLUMN IF EXISTS retain_from;
ALTER TABLE startup_rollup_grains{on_cluster} DROP COLUMN IF EXISTS retain_from;
ALTER TABLE pull_rollup_grains{on_cluster} DROP COLUMN IF EXISTS retain_from;
DROP TABLE IF EXISTS import_runs{on_cluster};
