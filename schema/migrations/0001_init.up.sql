-- 0001_init: the first tables. One row per pod startup, one per image pull, raw pod events.
-- Frozen once landed: change the schema with a new migration, never by editing this file.
-- Rows are written at least once; ReplacingMergeTree(version) keeps the latest write of each key
-- (version = the writer's millisecond clock), and readers use FINAL so nothing is counted twice.

CREATE TABLE IF NOT EXISTS pod_startups{on_cluster}
(
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label given to the collector (--cluster).',
  namespace LowCardinality(String) COMMENT 'Namespace of the pod.',
  pod String COMMENT 'metadata.name of the pod.',
  uid String COMMENT 'metadata.uid of the pod; one startup per UID.',
  node LowCardinality(Nullable(String)) COMMENT 'spec.nodeName once bound; NULL while unscheduled.',
  workload_kind LowCardinality(String) COMMENT 'Owning workload kind (Deployment, StatefulSet, DaemonSet, Job, CronJob, CloneSet, ...); empty for a bare pod.',
  workload_name String COMMENT 'Owning workload name; empty for a bare pod.',
  created_at DateTime64(3, 'UTC') COMMENT 'Pod creation (creationTimestamp or a finer source); immutable, so it keys partitions.',
  ready_at Nullable(DateTime64(3, 'UTC')) COMMENT 'When the pod became Ready; NULL when it never did.',
  outcome LowCardinality(String) COMMENT 'ready, completed, failed, pending or deleted.',
  outcome_reason Nullable(String) COMMENT 'Why the outcome, e.g. ImagePullBackOff, Unschedulable, StuckTimeout.',
  total_ms Nullable(UInt32) COMMENT 'created -> Ready in ms, measured from its own endpoints; NULL unless Ready.',
  scheduling_ms Nullable(UInt32) COMMENT 'Phase: created -> bound to a node (ms); NULL without evidence.',
  sandbox_ms Nullable(UInt32) COMMENT 'Phase: bound -> sandbox and network ready (ms).',
  init_ms Nullable(UInt32) COMMENT 'Phase: sandbox ready -> Initialized (ms); 0 without init containers.',
  pull_wait_ms Nullable(UInt32) COMMENT 'Phase: queueing, failed attempts and back-off before successful pulls (ms).',
  pull_ms Nullable(UInt32) COMMENT 'Phase: successful pulls of regular containers (ms); 0 when all images were present.',
  download_ms Nullable(UInt32) COMMENT 'Share of pull spent fetching compressed layers (ms).',
  decompress_ms Nullable(UInt32) COMMENT 'Share of pull spent unpacking layers (ms).',
  start_ms Nullable(UInt32) COMMENT 'Phase: Initialized -> all regular containers started, minus pull wait and pull (ms).',
  ready_ms Nullable(UInt32) COMMENT 'Phase: all containers started -> Ready (ms).',
  slo_ms Nullable(UInt32) COMMENT 'Kubernetes SLO cut: created -> all containers started, excluding pulls and init (ms).',
  boundary_created_at Nullable(DateTime64(3, 'UTC')) COMMENT 'Boundary created: time.',
  boundary_created_source LowCardinality(String) COMMENT 'Boundary created: source; empty when the record has no such boundary, null when it states none.',
  boundary_created_precision_ms Nullable(UInt32) COMMENT 'Boundary created: worst-case error of its source when stated (ms).',
  boundary_scheduled_at Nullable(DateTime64(3, 'UTC')) COMMENT 'Boundary scheduled (bound to a node): time.',
  boundary_scheduled_source LowCardinality(String) COMMENT 'Boundary scheduled: source; empty when absent, null when stated as none.',
  boundary_scheduled_precision_ms Nullable(UInt32) COMMENT 'Boundary scheduled: stated precision (ms).',
  boundary_sandbox_ready_at Nullable(DateTime64(3, 'UTC')) COMMENT 'Boundary sandboxReady: time.',
  boundary_sandbox_ready_source LowCardinality(String) COMMENT 'Boundary sandboxReady: source; empty when absent, null when stated as none.',
  boundary_sandbox_ready_precision_ms Nullable(UInt32) COMMENT 'Boundary sandboxReady: stated precision (ms).',
  boundary_initialized_at Nullable(DateTime64(3, 'UTC')) COMMENT 'Boundary initialized: time.',
  boundary_initialized_source LowCardinality(String) COMMENT 'Boundary initialized: source; empty when absent, null when stated as none.',
  boundary_initialized_precision_ms Nullable(UInt32) COMMENT 'Boundary initialized: stated precision (ms).',
  boundary_containers_started_at Nullable(DateTime64(3, 'UTC')) COMMENT 'Boundary containersStarted: time.',
  boundary_containers_started_source LowCardinality(String) COMMENT 'Boundary containersStarted: source; empty when absent, null when stated as none.',
  boundary_containers_started_precision_ms Nullable(UInt32) COMMENT 'Boundary containersStarted: stated precision (ms).',
  boundary_ready_at Nullable(DateTime64(3, 'UTC')) COMMENT 'Boundary ready: time.',
  boundary_ready_source LowCardinality(String) COMMENT 'Boundary ready: source; empty when absent, null when stated as none.',
  boundary_ready_precision_ms Nullable(UInt32) COMMENT 'Boundary ready: stated precision (ms).',
  boundary_finished_at Nullable(DateTime64(3, 'UTC')) COMMENT 'Boundary finished (completed or failed): time.',
  boundary_finished_source LowCardinality(String) COMMENT 'Boundary finished: source; empty when absent, null when stated as none.',
  boundary_finished_precision_ms Nullable(UInt32) COMMENT 'Boundary finished: stated precision (ms).',
  cold Nullable(Bool) COMMENT 'true when any image was actually pulled; NULL when unknown.',
  from_status_only Bool COMMENT 'Rebuilt from pod status alone (pod older than observation, or events expired).',
  runtime LowCardinality(Nullable(String)) COMMENT 'Container runtime of the node (containerd, cri-o).',
  clock_skew_clamps UInt32 COMMENT 'How many boundaries were clamped for clock skew.',
  clock_skew_clamped_ms UInt32 COMMENT 'Total ms by which boundaries were clamped for clock skew.',
  pulls UInt16 COMMENT 'Number of image pulls in the record (rows in image_pulls).',
  images Array(String) COMMENT 'Image references of the pod (pulls and containers), for filtering by image.',
  containers_json String COMMENT 'The record''s containers timeline as a JSON array, for the pod page.',
  record_version UInt8 COMMENT 'schemaVersion of the startup record contract that wrote this row.',
  version UInt64 COMMENT 'Writer''s ms clock; the highest version of a uid wins (pending -> final).',
  INDEX idx_images images TYPE bloom_filter(0.01) GRANULARITY 4,
  INDEX idx_workload_name workload_name TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = {engine:ReplacingMergeTree(version)}
PARTITION BY toYYYYMM(created_at)
ORDER BY (cluster, namespace, uid)
TTL toDateTime(created_at) + INTERVAL 180 DAY
COMMENT 'One row per pod startup (pod UID): outcome, total, phases and the boundaries behind them.';

CREATE TABLE IF NOT EXISTS image_pulls{on_cluster}
(
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label given to the collector.',
  namespace LowCardinality(String) COMMENT 'Namespace of the pod.',
  pod String COMMENT 'metadata.name of the pod.',
  uid String COMMENT 'metadata.uid of the pod (the startup this pull belongs to).',
  node LowCardinality(Nullable(String)) COMMENT 'Node that pulled.',
  workload_kind LowCardinality(String) COMMENT 'Owning workload kind; empty for a bare pod.',
  workload_name String COMMENT 'Owning workload name; empty for a bare pod.',
  pod_created_at DateTime64(3, 'UTC') COMMENT 'created_at of the startup; immutable, so it keys partitions.',
  pull_index UInt16 COMMENT 'Position of this pull in the record''s pulls list.',
  container String COMMENT 'Container the image is for.',
  init Bool COMMENT 'Pull for an init container (part of the init phase).',
  image String COMMENT 'Image reference as in the pod spec.',
  image_digest Nullable(String) COMMENT 'Resolved digest (containerStatuses[].imageID) when known.',
  started_at Nullable(DateTime64(3, 'UTC')) COMMENT 'Start of the pull that succeeded (or the last attempt).',
  pull_ms Nullable(UInt32) COMMENT 'The successful pull''s own duration (ms); 0 when cached.',
  wait_ms Nullable(UInt32) COMMENT 'Queueing, failed attempts and back-off before the successful pull (ms).',
  size_bytes Nullable(UInt64) COMMENT 'Image size from the kubelet message (1.30+).',
  size_kind LowCardinality(Nullable(String)) COMMENT 'compressed (containerd) or uncompressed (CRI-O).',
  cached Bool COMMENT 'Image already present on the node; nothing pulled.',
  attempts UInt16 COMMENT 'Pull attempts including the successful one.',
  outcome LowCardinality(String) COMMENT 'ok, failed or backoff.',
  failure_reason Nullable(String) COMMENT 'Last failure reason, e.g. ErrImagePull.',
  download_ms Nullable(UInt32) COMMENT 'Share of the pull spent fetching compressed layers (ms).',
  decompress_ms Nullable(UInt32) COMMENT 'Share of the pull spent unpacking layers (ms).',
  split_method LowCardinality(Nullable(String)) COMMENT 'How download/decompress was obtained: profile, size-model, measured, truth.',
  runtime LowCardinality(Nullable(String)) COMMENT 'Container runtime of the node (decides what size_bytes means).',
  version UInt64 COMMENT 'Writer''s ms clock; same as the startup row written with it.',
  INDEX idx_image image TYPE bloom_filter(0.01) GRANULARITY 4
)
ENGINE = {engine:ReplacingMergeTree(version)}
PARTITION BY toYYYYMM(pod_created_at)
ORDER BY (cluster, uid, container, init)
TTL toDateTime(pod_created_at) + INTERVAL 180 DAY
COMMENT 'One row per image pull of a pod startup: duration, wait, size, and the download/decompress split.';

CREATE TABLE IF NOT EXISTS pod_events{on_cluster}
(
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label given to the collector.',
  namespace LowCardinality(String) COMMENT 'Namespace of the event (and of its pod).',
  uid String COMMENT 'involvedObject.uid: the pod''s UID.',
  pod String COMMENT 'involvedObject.name: the pod''s name.',
  event_name String COMMENT 'metadata.name of the Event (kubelet: <pod>.<hex UnixNano>).',
  reason LowCardinality(String) COMMENT 'Event reason, e.g. Pulling, Pulled, Started, FailedScheduling.',
  message String COMMENT 'Event message as sent.',
  type LowCardinality(String) COMMENT 'Normal or Warning.',
  source_component LowCardinality(String) COMMENT 'source.component or reportingController (kubelet, default-scheduler).',
  field_path String COMMENT 'involvedObject.fieldPath, e.g. spec.containers{app}.',
  count UInt32 COMMENT 'Aggregation count (series.count or count).',
  first_at Nullable(DateTime64(3, 'UTC')) COMMENT 'firstTimestamp (seconds).',
  last_at Nullable(DateTime64(3, 'UTC')) COMMENT 'lastTimestamp (seconds).',
  event_time Nullable(DateTime64(3, 'UTC')) COMMENT 'eventTime (microseconds at the source, kept to ms).',
  created_at DateTime64(3, 'UTC') COMMENT 'metadata.creationTimestamp of the Event; immutable, so it keys partitions.',
  observed_at DateTime64(3, 'UTC') COMMENT 'When the collector received this version of the event.',
  version UInt64 COMMENT 'Writer''s ms clock; the latest observation of an event wins.'
)
ENGINE = {engine:ReplacingMergeTree(version)}
PARTITION BY toYYYYMMDD(created_at)
ORDER BY (cluster, namespace, pod, event_name)
TTL toDateTime(observed_at) + INTERVAL 14 DAY
COMMENT 'Raw pod events as observed, kept briefly for audit and re-processing.';
