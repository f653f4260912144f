-- 0015_observed_scheduled: the collector's receipt time of the first watch update showing the pod bound to a node
-- (spec.nodeName set): clusterloader2's receipt-time `schedule` stamp (docs/slo.md). Rows written before read as
-- NULL, and the clusterloader2 receipt view falls back to the stored scheduled boundary for them.
-- Frozen once landed: change the schema with a new migration, never by editing this file.

ALTER TABLE pod_startups{on_cluster}
  ADD COLUMN IF NOT EXISTS observed_scheduled_at Nullable(DateTime64(3, 'UTC'))
  COMMENT 'Collector receipt time of the first watch update with spec.nodeName set; NULL when not observed live.';
