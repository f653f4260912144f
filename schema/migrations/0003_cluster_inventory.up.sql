-- 0003_cluster_inventory: what the collector learns about the cluster besides startups: nodes (runtime,
-- kubelet, pool), the images each workload runs with their pull policy, rollouts (which changed only the
-- image), and kubelet pull-metric deltas per node (events are best-effort; metrics are not).

CREATE TABLE IF NOT EXISTS nodes{on_cluster}
(
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label given to the collector.',
  node String COMMENT 'metadata.name of the node.',
  runtime LowCardinality(String) COMMENT 'Container runtime name from nodeInfo.containerRuntimeVersion (containerd, cri-o).',
  runtime_version String COMMENT 'Container runtime version, e.g. 1.7.2.',
  kubelet_version LowCardinality(String) COMMENT 'nodeInfo.kubeletVersion, e.g. v1.30.4.',
  os_image String COMMENT 'nodeInfo.osImage.',
  kernel_version String COMMENT 'nodeInfo.kernelVersion.',
  architecture LowCardinality(String) COMMENT 'nodeInfo.architecture.',
  pool LowCardinality(String) COMMENT 'Node pool from well-known labels (node pool / nodegroup / agentpool labels); empty when none.',
  instance_type LowCardinality(String) COMMENT 'node.kubernetes.io/instance-type label; empty when none.',
  zone LowCardinality(String) COMMENT 'topology.kubernetes.io/zone label; empty when none.',
  created_at DateTime64(3, 'UTC') COMMENT 'metadata.creationTimestamp of the node (cold nodes after a scale-up).',
  first_seen_at DateTime64(3, 'UTC') COMMENT 'When the collector first saw this node object (this write).',
  deleted Bool COMMENT 'The node object was deleted.',
  version UInt64 COMMENT 'Writer''s ms clock; the latest observation wins.'
)
ENGINE = {engine:ReplacingMergeTree(version)}
ORDER BY (cluster, node)
COMMENT 'One row per node: runtime and versions (they decide what image sizes mean), pool and instance labels.';

CREATE TABLE IF NOT EXISTS workload_images{on_cluster}
(
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label given to the collector.',
  namespace LowCardinality(String) COMMENT 'Namespace of the workload.',
  workload_kind LowCardinality(String) COMMENT 'Owning workload kind; empty for bare pods.',
  workload_name String COMMENT 'Owning workload name; empty for bare pods.',
  container String COMMENT 'Container name in the pod template.',
  init Bool COMMENT 'Init container.',
  image String COMMENT 'Image reference as in the pod spec.',
  image_digest Nullable(String) COMMENT 'Digest the node resolved (containerStatuses[].imageID) when known.',
  pull_policy LowCardinality(String) COMMENT 'imagePullPolicy (Always, IfNotPresent, Never; empty when unset).',
  immutable_reference Bool COMMENT 'The reference pins a digest (@sha256:...), so Always buys nothing.',
  last_seen_at DateTime64(3, 'UTC') COMMENT 'Last pod observed with this image.',
  version UInt64 COMMENT 'Writer''s ms clock; the latest observation wins.'
)
ENGINE = {engine:ReplacingMergeTree(version)}
ORDER BY (cluster, namespace, workload_kind, workload_name, container, image)
TTL toDateTime(last_seen_at) + INTERVAL 90 DAY
COMMENT 'Images each workload runs, with pull policy and digest: the inputs of the pull-policy and pre-warm advice.';

CREATE TABLE IF NOT EXISTS workload_rollouts{on_cluster}
(
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label given to the collector.',
  namespace LowCardinality(String) COMMENT 'Namespace of the workload.',
  workload_kind LowCardinality(String) COMMENT 'Deployment (through its ReplicaSets) or another owner kind.',
  workload_name String COMMENT 'Workload name.',
  revision String COMMENT 'Revision (deployment.kubernetes.io/revision) or the ReplicaSet name.',
  replica_set String COMMENT 'ReplicaSet created by the rollout.',
  started_at DateTime64(3, 'UTC') COMMENT 'creationTimestamp of the new ReplicaSet: when the rollout began.',
  template_hash String COMMENT 'pod-template-hash of the new ReplicaSet.',
  image_only Nullable(Bool) COMMENT 'Only container images changed against the previous revision; NULL when no previous revision was seen.',
  images Array(String) COMMENT 'Container images of the new template.',
  version UInt64 COMMENT 'Writer''s ms clock; the latest observation wins.'
)
ENGINE = {engine:ReplacingMergeTree(version)}
PARTITION BY toYYYYMM(started_at)
ORDER BY (cluster, namespace, workload_kind, workload_name, replica_set)
TTL toDateTime(started_at) + INTERVAL 180 DAY
COMMENT 'Rollouts (new ReplicaSets) with whether they changed only the image: the input of the in-place update advice.';

CREATE TABLE IF NOT EXISTS kubelet_pull_histograms{on_cluster}
(
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label given to the collector.',
  node String COMMENT 'Node whose kubelet was scraped.',
  metric LowCardinality(String) COMMENT 'Histogram name, e.g. kubelet_image_pull_duration_seconds.',
  labels String COMMENT 'Other labels of the series as sorted k=v pairs (e.g. image_size_in_bytes=..., operation_type=pull_image).',
  scraped_at DateTime64(3, 'UTC') COMMENT 'End of the delta window (this scrape).',
  window_ms UInt32 COMMENT 'Length of the delta window (previous scrape -> this one).',
  bucket_bounds Array(Float64) COMMENT 'Upper bounds (le) of the buckets, seconds; +Inf last.',
  bucket_counts Array(UInt64) COMMENT 'Observations per bucket in the window (non-cumulative deltas).',
  count UInt64 COMMENT 'Observations in the window.',
  sum_seconds Float64 COMMENT 'Sum of observed seconds in the window.',
  version UInt64 COMMENT 'Writer''s ms clock.'
)
ENGINE = {engine:ReplacingMergeTree(version)}
PARTITION BY toYYYYMMDD(scraped_at)
ORDER BY (cluster, node, metric, labels, scraped_at)
TTL toDateTime(scraped_at) + INTERVAL 30 DAY
COMMENT 'Deltas of kubelet pull and startup histograms per node and scrape window (opt-in scrape through nodes/proxy).';
