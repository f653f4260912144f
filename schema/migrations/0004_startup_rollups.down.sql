-- 0004_startup_rollups (down): drop the rollup tables; pod_startups keeps every startup, so nothing is lost.
DROP TABLE IF EXISTS startup_rollup_dirty{on_cluster};
DROP TABLE IF EXISTS startup_rollup_builds{on_cluster};
DROP TABLE IF EXISTS startup_rollup_hourly{on_cluster};
