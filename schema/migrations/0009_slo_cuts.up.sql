-- 0009_slo_cuts: what the official pod startup SLI and the peers' views (clusterloader2, kube-burner) are computed
-- from, stored per startup (docs/slo.md): each pod condition's own first-True time, the collector's receipt time
-- of the first watch update showing Running / every container started / Ready, and the SLI's cut of the pod.
-- Rows written before this migration read as unknown: NULL times and sli_excluded 'unrecorded'.
-- The rollups keep their quantiles states (docs/slo.md, "Percentiles", says how they approximate).
-- Frozen once landed: change the schema with a new migration, never by editing this file.

ALTER TABLE pod_startups{on_cluster}
  ADD COLUMN IF NOT EXISTS condition_pod_scheduled_at Nullable(DateTime64(3, 'UTC'))
  COMMENT 'lastTransitionTime of the first PodScheduled True (whole seconds); NULL when not seen.';

ALTER TABLE pod_startups{on_cluster}
  ADD COLUMN IF NOT EXISTS condition_ready_to_start_at Nullable(DateTime64(3, 'UTC'))
  COMMENT 'lastTransitionTime of the first PodReadyToStartContainers (PodHasNetwork before 1.28) True; NULL when not seen.';

ALTER TABLE pod_startups{on_cluster}
  ADD COLUMN IF NOT EXISTS condition_initialized_at Nullable(DateTime64(3, 'UTC'))
  COMMENT 'lastTransitionTime of the first Initialized True: the condition itself, before the sandbox for a pod without init containers (the initialized boundary never is).';

ALTER TABLE pod_startups{on_cluster}
  ADD COLUMN IF NOT EXISTS condition_containers_ready_at Nullable(DateTime64(3, 'UTC'))
  COMMENT 'lastTransitionTime of the first ContainersReady True; NULL when not seen.';

ALTER TABLE pod_startups{on_cluster}
  ADD COLUMN IF NOT EXISTS condition_ready_at Nullable(DateTime64(3, 'UTC'))
  COMMENT 'lastTransitionTime of the first Ready True; NULL when not seen.';

ALTER TABLE pod_startups{on_cluster}
  ADD COLUMN IF NOT EXISTS observed_running_at Nullable(DateTime64(3, 'UTC'))
  COMMENT 'Collector receipt time of the first watch update with status.phase Running; NULL when not observed live.';

ALTER TABLE pod_startups{on_cluster}
  ADD COLUMN IF NOT EXISTS observed_all_started_at Nullable(DateTime64(3, 'UTC'))
  COMMENT 'Collector receipt time of the first watch update showing every regular container started (the SLI end); NULL when not observed live.';

ALTER TABLE pod_startups{on_cluster}
  ADD COLUMN IF NOT EXISTS observed_ready_at Nullable(DateTime64(3, 'UTC'))
  COMMENT 'Collector receipt time of the first watch update with Ready True; NULL when not observed live.';

ALTER TABLE pod_startups{on_cluster}
  ADD COLUMN IF NOT EXISTS sli_ms Nullable(UInt32)
  COMMENT 'Official pod startup SLI: created -> every container started as observed via watch, minus pulls and init (ms); NULL when excluded.';

ALTER TABLE pod_startups{on_cluster}
  ADD COLUMN IF NOT EXISTS sli_excluded LowCardinality(String) DEFAULT 'unrecorded'
  COMMENT 'Why the pod is outside the SLI population: stateful, unschedulable, not-started, unobserved, unknown-pulls; empty when inside; unrecorded for rows written before 0009.';
