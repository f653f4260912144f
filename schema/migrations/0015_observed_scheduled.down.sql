-- 0015_observed_scheduled down: drops the receipt time of the bound update.
ALTER TABLE pod_startups{on_cluster} DROP COLUMN IF EXISTS observed_scheduled_at;
