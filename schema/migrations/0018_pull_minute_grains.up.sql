-- 0018_pull_minute_grains: the rollup rows of "concurrent pulls of the same image" (distinct nodes that started
-- pulling one image within one minute). Per hour bucket of the startups (pod_created_at) a rebuild writes:
--   minute: per cluster x image x minute of started_at, the uniqExact state of the nodes, the pulls and the sum
--           and count of their pull_ms; a minute whose pulls belong to several buckets is merged across them;
--   image:  per cluster x image, the most distinct nodes of one minute within the bucket (peak_nodes) and the
--           first and last minute of its pulls: a reader bounds an image's peak from these rows (at least the
--           largest peak_nodes, at most the largest sum over buckets whose minutes overlap) and merges the minute
--           rows of only the images that can reach the top;
--   all:    one row per bucket counting the startups the rebuild wrote (startups): an hour is read from here only
--           when that count equals its build's, so a bucket built before this migration, or whose rows here
--           expired, is read from the raw rows, never as zeros.
-- Only pulls that fetched (not cached) with a start time count, as in the raw question.
-- Buckets built before this migration have no rows here: their build records are dropped so the refresher
-- rebuilds them (readers take such buckets from the raw rows meanwhile; no number changes).
-- Frozen once landed: change the schema with a new migration, never by editing this file.

CREATE TABLE IF NOT EXISTS pull_minute_grains{on_cluster}
(
  grain LowCardinality(String) COMMENT 'minute (cluster, image, minute), image (cluster, image: bounds of the bucket), or all (one row per bucket: startups).',
  bucket DateTime('UTC') COMMENT 'Hour of the startup''s created_at (pod_created_at), the bucket of startup_rollup_builds.',
  rebuild UInt64 COMMENT 'Id of the rebuild that wrote this row (the same as its startup rollup rows).',
  cluster LowCardinality(String) COMMENT 'Kubernetes cluster label (empty in grain all).',
  image String COMMENT 'Image reference (grains minute and image), else empty.',
  minute DateTime('UTC') COMMENT 'Grain minute: the minute of started_at. Grain image: the first minute of the bucket''s pulls of the image.',
  last_minute DateTime('UTC') COMMENT 'Grain image: the last minute of the bucket''s pulls of the image; else equal to minute.',
  nodes AggregateFunction(uniqExact, Nullable(String)) COMMENT 'Grain minute: uniqExact state of the nodes that started pulling.',
  peak_nodes UInt32 COMMENT 'Grain image: the most distinct nodes of one minute among the bucket''s pulls of the image; grain minute: the minute''s distinct nodes.',
  pulls UInt64 COMMENT 'Pulls that fetched (not cached) with a start time.',
  pull_n UInt64 COMMENT 'Of those, pulls with a pull_ms.',
  pull_sum UInt64 COMMENT 'Sum of pull_ms over those.',
  startups UInt64 COMMENT 'Grain all: startups of the bucket in this rebuild (each once); 0 in the other grains.',
  retain_from DateTime('UTC') DEFAULT bucket COMMENT 'Retention counts from this time: the latest retain_from of the pulls (grain all: startups) in the row.'
)
ENGINE = {engine:MergeTree()}
PARTITION BY toYYYYMM(bucket)
ORDER BY (grain, image, cluster, minute, bucket, rebuild)
TTL retain_from + INTERVAL 180 DAY
COMMENT 'Concurrent pulls of one image: per minute node states and per bucket peaks, rebuilt with the startup rollups.';

TRUNCATE TABLE IF EXISTS startup_rollup_builds{on_cluster};
