// Bulk-fills an embedded store with startups that look like a week of a busy cluster: 40 namespaces, 50
// workloads each, 500 nodes in 4 pools, 800 image repositories, cold share ~30%, long-tailed phases, a few
// failures. Generated inside the engine (INSERT ... SELECT FROM numbers()) because 10M rows through the
// writer would take longer than the benchmark itself; the query under test is unaffected by how rows arrived.
import type { Querier } from '@podstart/schema/store'

export interface SyntheticShape {
  startups: number
  fromMs: number
  toMs: number
  cluster: string
}

// Each row's attributes come from hashes of its number, so runs are reproducible; durations are log-normal.
const STARTUPS_SQL = `
INSERT INTO pod_startups (cluster, namespace, pod, uid, node, workload_kind, workload_name, created_at, ready_at,
  outcome, outcome_reason, total_ms, scheduling_ms, sandbox_ms, init_ms, pull_wait_ms, pull_ms, download_ms,
  decompress_ms, start_ms, ready_ms, slo_ms, cold, from_status_only, runtime, clock_skew_clamps,
  clock_skew_clamped_ms, pulls, images, containers_json, record_version, version)
SELECT cluster, namespace, pod, uid, node, 'Deployment', workload, created_at,
  if(outcome = 'ready', created_at + toIntervalMillisecond(total), NULL),
  outcome, multiIf(outcome = 'failed', 'ImagePullBackOff', outcome = 'deleted', 'Deleted', NULL),
  if(outcome = 'ready', total, NULL), scheduling, sandbox, init, pull_wait, pull,
  toUInt32(pull * 0.55), pull - toUInt32(pull * 0.55), start, ready, scheduling + sandbox + start,
  cold, false, if(h % 5 = 0, 'cri-o', 'containerd'), 0, 0, toUInt16(cold), [image], '[]', 1, 1
FROM (
  SELECT number AS n, cityHash64(number) AS h,
    {cluster:String} AS cluster,
    concat('ns-', toString(h % 40)) AS namespace,
    concat('app-', toString(h % 40), '-', toString(intDiv(h, 40) % 50)) AS workload,
    concat(workload, '-', lower(hex(n))) AS pod,
    generateUUIDv4(n) AS uid_v, toString(uid_v) AS uid,
    concat('node-', toString(cityHash64(n, 1) % 500)) AS node,
    concat('registry.example.com/team-', toString(h % 40), '/svc-', toString(intDiv(h, 40) % 20), ':v', toString(intDiv(n, 200000) % 50)) AS image,
    fromUnixTimestamp64Milli(toInt64({fromMs:Int64} + intDiv(n * ({toMs:Int64} - {fromMs:Int64}), {count:UInt64}))) AS created_at,
    cityHash64(n, 2) % 100 < 30 AS cold,
    multiIf(cityHash64(n, 3) % 1000 < 20, 'failed', cityHash64(n, 3) % 1000 < 40, 'completed',
            cityHash64(n, 3) % 1000 < 50, 'deleted', 'ready') AS outcome,
    toUInt32(least(600000, randLogNormal(4.0, 1.2))) AS scheduling,
    toUInt32(least(120000, randLogNormal(6.6, 0.5))) AS sandbox,
    if(h % 10 < 3, toUInt32(least(300000, randLogNormal(7.5, 0.8))), 0) AS init,
    if(cold, toUInt32(least(300000, randLogNormal(5.0, 1.5))), 0) AS pull_wait,
    if(cold, toUInt32(least(900000, randLogNormal(8.8, 0.9))), 0) AS pull,
    toUInt32(least(60000, randLogNormal(5.7, 0.6))) AS start,
    toUInt32(least(600000, randLogNormal(7.6, 0.9))) AS ready,
    scheduling + sandbox + init + pull_wait + pull + start + ready AS total
  FROM numbers({count:UInt64})
)`

const PULLS_SQL = `
INSERT INTO image_pulls (cluster, namespace, pod, uid, node, workload_kind, workload_name, pod_created_at,
  pull_index, container, init, image, started_at, pull_ms, wait_ms, size_bytes, size_kind, cached, attempts, outcome,
  failure_reason, download_ms, decompress_ms, split_method, runtime, version)
SELECT cluster, namespace, pod, uid, node, workload_kind, workload_name, created_at, 0, 'app', false,
  images[1], created_at + toIntervalMillisecond(ifNull(scheduling_ms, 0) + ifNull(sandbox_ms, 0)),
  pull_ms, pull_wait_ms, if(cold, 50000000 + cityHash64(images[1]) % 900000000, NULL),
  if(runtime = 'cri-o', 'uncompressed', 'compressed'), NOT cold, if(outcome = 'failed', 3, 1),
  if(outcome = 'failed', 'backoff', 'ok'), if(outcome = 'failed', 'ErrImagePull', NULL),
  download_ms, decompress_ms, if(cold, 'size-model', NULL), runtime, 1
FROM pod_startups WHERE cluster = {cluster:String}`

const NODES_SQL = `
INSERT INTO nodes (cluster, node, runtime, runtime_version, kubelet_version, os_image, kernel_version, architecture,
  pool, instance_type, zone, created_at, first_seen_at, deleted, version)
SELECT {cluster:String}, concat('node-', toString(number)), if(number % 5 = 0, 'cri-o', 'containerd'), '1.7.13',
  'v1.30.4', 'Debian GNU/Linux 12', '6.1.0', 'amd64', concat('pool-', toString(number % 4)), 'm5.xlarge',
  concat('zone-', toString(number % 3)), fromUnixTimestamp64Milli(toInt64({fromMs:Int64})),
  fromUnixTimestamp64Milli(toInt64({fromMs:Int64})), false, 1
FROM numbers(500)`

export async function fillSyntheticStore(q: Querier, shape: SyntheticShape): Promise<void> {
  const params = { cluster: shape.cluster, fromMs: shape.fromMs, toMs: shape.toMs, count: shape.startups }
  await q.command(NODES_SQL, params)
  await q.command(STARTUPS_SQL, params)
  await q.command(PULLS_SQL, params)
}
