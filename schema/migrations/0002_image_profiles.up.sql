-- 0002_image_profiles: what `podstart profile-image` measured for an image on a host: sizes, tar entries,
-- and the download, inflate (per tool) and extract rates that turn a pull's duration into download +
-- decompress (split method `profile`). Per-layer figures are parallel arrays in manifest order.
-- Frozen once landed: change the schema with a new migration, never by editing this file.

CREATE TABLE IF NOT EXISTS image_profiles{on_cluster}
(
  cluster LowCardinality(String) COMMENT 'Cluster (or node class) the measuring host stands for (--cluster); profiles are not shared across clusters.',
  reference String COMMENT 'Canonical image reference profiled, e.g. docker.io/library/nginx:1.27.',
  registry LowCardinality(String) COMMENT 'Registry host the layers were downloaded from (registry-1.docker.io for Docker Hub).',
  repository String COMMENT 'Repository path, e.g. library/nginx.',
  tag String COMMENT 'Tag of the reference; empty when it named a digest only.',
  digest String COMMENT 'Digest of the platform''s image manifest (what a node pulls).',
  index_digest String COMMENT 'Digest of the multi-arch index the manifest came from; empty for a single-platform reference.',
  platform LowCardinality(String) COMMENT 'Platform profiled, os/arch[/variant].',
  measured_at DateTime64(3, 'UTC') COMMENT 'When the measurement finished.',
  host String COMMENT 'Hostname of the machine that measured; rates are that machine''s.',
  host_cpus UInt16 COMMENT 'CPU count of the measuring host (pigz and zstd scale with it).',
  host_cpu_model LowCardinality(String) COMMENT 'CPU model of the measuring host.',
  layer_digests Array(String) COMMENT 'Per layer, in manifest order: blob digest.',
  layer_media_types Array(LowCardinality(String)) COMMENT 'Per layer: media type (gzip, zstd or uncompressed tar, OCI or Docker).',
  layer_compressed_bytes Array(UInt64) COMMENT 'Per layer: bytes downloaded.',
  layer_uncompressed_bytes Array(UInt64) COMMENT 'Per layer: bytes of the tar stream after inflating.',
  layer_entries Array(UInt32) COMMENT 'Per layer: tar entries (files, directories, links).',
  layer_download_ms Array(Float64) COMMENT 'Per layer: download wall time (ms).',
  layer_inflate_ms Array(Map(LowCardinality(String), Float64)) COMMENT 'Per layer: inflate wall time per tool (node-zlib, gzip, pigz, zstd, fzstd, zstd-recompressed) in ms; empty map for an uncompressed layer.',
  layer_extract_ms Array(Float64) COMMENT 'Per layer: writing the entries onto disk from the uncompressed tar (ms, inflate excluded).',
  compressed_bytes UInt64 COMMENT 'Total bytes downloaded.',
  uncompressed_bytes UInt64 COMMENT 'Total uncompressed tar bytes.',
  entries UInt64 COMMENT 'Total tar entries.',
  files UInt64 COMMENT 'Total regular files.',
  download_ms Float64 COMMENT 'Total download wall time, layers fetched one after another (ms).',
  extract_ms Float64 COMMENT 'Total extract wall time (ms).',
  download_bytes_per_sec Float64 COMMENT 'Measured download rate: compressed bytes / download time.',
  inflate_bytes_per_sec Map(LowCardinality(String), Float64) COMMENT 'Measured inflate rate per tool: uncompressed bytes / inflate time, over the layers the tool inflated.',
  extract_bytes_per_sec Float64 COMMENT 'Measured extract rate: uncompressed bytes / extract time.',
  entries_per_sec Float64 COMMENT 'Tar entries written per second of extract.',
  zstd_decoder LowCardinality(String) COMMENT 'How zstd layers were inflated: zstd-cli, fzstd (pure JS) or none.',
  podstart_version LowCardinality(String) COMMENT 'podstart version that measured.',
  profile_json String COMMENT 'The whole profile as printed by --json (docs/profile-image.md), including the pull scenarios.' CODEC(ZSTD(3)),
  version UInt64 COMMENT 'Writer''s ms clock; a re-sent row of the same measurement replaces the earlier one.'
)
ENGINE = {engine:ReplacingMergeTree(version)}
PARTITION BY toYYYYMM(measured_at)
ORDER BY (cluster, registry, repository, digest, platform, host, measured_at)
TTL toDateTime(measured_at) + INTERVAL 365 DAY
COMMENT 'One row per image profile measurement: sizes, entries and measured download / inflate / extract rates.';
