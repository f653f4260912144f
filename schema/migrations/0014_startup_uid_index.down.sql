-- 0014_startup_uid_index, reversed.
ALTER TABLE pod_startups{on_cluster} DROP INDEX IF EXISTS idx_uid;
