-- 0009_slo_cuts down: drops the SLO cut columns; the SLI and peer views then have nothing to read.
ALTER TABLE pod_startups{on_cluster} DROP COLUMN IF EXISTS condition_pod_scheduled_at;
ALTER TABLE pod_startups{on_cluster} DROP COLUMN IF EXISTS condition_ready_to_start_at;
ALTER TABLE pod_startups{on_cluster} DROP COLUMN IF EXISTS condition_initialized_at;
ALTER TABLE pod_startups{on_cluster} DROP COLUMN IF EXISTS condition_containers_ready_at;
ALTER TABLE pod_startups{on_cluster} DROP COLUMN IF EXISTS condition_ready_at;
ALTER TABLE pod_startups{on_cluster} DROP COLUMN IF EXISTS observed_running_at;
ALTER TABLE pod_startups{on_cluster} DROP COLUMN IF EXISTS observed_all_started_at;
ALTER TABLE pod_startups{on_cluster} DROP COLUMN IF EXISTS observed_ready_at;
ALTER TABLE pod_startups{on_cluster} DROP COLUMN IF EXISTS sli_ms;
ALTER TABLE pod_startups{on_cluster} DROP COLUMN IF EXISTS sli_excluded;
